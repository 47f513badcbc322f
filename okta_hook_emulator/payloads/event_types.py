"""The 314 event-hook-eligible System Log event types (Okta release 2026.08.1), loaded from
``payloads/data/event_types.json`` (built by ``tools/build_event_types.py``;
docs/okta-behaviour.md#eligible-event-types)."""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from importlib import resources

from ..errors import EmulatorUsageError, did_you_mean


@dataclass(frozen=True)
class TargetSpec:
    """One ``target[]`` entry an event of this type carries. ``pool`` names the synthetic-org pool it is drawn
    from (``user``, ``group``, ``app``, ``app_user``, ``enrollment``, ``policy``, ``generic``...)."""

    type: str
    pool: str
    id_prefix: str | None = None  # generic targets only
    label: str | None = None  # generic targets only: what kind of object (used to name it)


@dataclass(frozen=True)
class EventType:
    """One event-hook-eligible event type and the shape of the LogEvents the emulator generates for it."""

    name: str
    display_message: str
    description: str
    severity: str  # INFO | WARN | ERROR
    legacy_event_type: str | None
    actor_type: str  # User | SystemPrincipal
    actor_role: str  # admin | self (the affected end user) | system
    targets: tuple[TargetSpec, ...]
    outcome: str  # default outcome.result
    transaction_type: str  # WEB | JOB
    request_uri: str | None
    debug_keys: tuple[str, ...]
    oie_only: bool
    beta: bool
    change_details: bool
    hand_specified: bool
    # The legacyEventType of a FAILURE outcome (``core.user_auth.login_failed``); None: the success one is kept.
    legacy_event_type_failure: str | None = None
    # Raised by a Management API call authenticated with an API token (``trs`` session, requestApiTokenId).
    api_token: bool = False
    # authenticationContext values real events of the type carry (``authenticationProvider``...).
    authentication: tuple[tuple[str, str], ...] = ()

    @property
    def family(self) -> str:
        """First segment of the name (``user``, ``group``, ``application``...)."""
        return self.name.split(".", 1)[0]

    def flags(self) -> tuple[str, ...]:
        """Catalog flags as Okta's catalog spells them."""
        return tuple(f for f, on in (("oie-only", self.oie_only), ("beta", self.beta),
                                      ("changeDetails", self.change_details)) if on)


def _entry(name: str, raw: dict) -> EventType:
    return EventType(
        name=name,
        display_message=raw["displayMessage"],
        description=raw["description"],
        severity=raw["severity"],
        legacy_event_type=raw["legacyEventType"],
        actor_type=raw["actor"]["type"],
        actor_role=raw["actor"]["role"],
        targets=tuple(TargetSpec(t["type"], t["pool"], t.get("idPrefix"), t.get("label")) for t in raw["targets"]),
        outcome=raw["outcome"],
        transaction_type=raw["transactionType"],
        request_uri=raw["requestUri"],
        debug_keys=tuple(raw["debugData"]),
        oie_only=raw["oieOnly"],
        beta=raw["beta"],
        change_details=raw["changeDetails"],
        hand_specified=raw["handSpecified"],
        legacy_event_type_failure=raw.get("legacyEventTypeFailure"),
        api_token=raw.get("apiToken", False),
        authentication=tuple(sorted(raw.get("authentication", {}).items())),
    )


@functools.cache
def _load() -> tuple[EventType, ...]:
    text = resources.files("okta_hook_emulator.payloads").joinpath("data/event_types.json").read_text("utf-8")
    raw = json.loads(text)["eventTypes"]
    return tuple(_entry(name, entry) for name, entry in raw.items())


@functools.cache
def _index() -> dict[str, EventType]:
    return {e.name: e for e in _load()}


def event_types() -> dict[str, EventType]:
    """All event-hook-eligible types by name (a fresh dict each call; the entries are immutable)."""
    return dict(_index())


def is_eligible(name: str) -> bool:
    """True when ``name`` is an event-hook-eligible event type."""
    return name in _index()


def get_event_type(name: str) -> EventType:
    """Look one type up; raises ``EmulatorUsageError`` (with a did-you-mean) when it is not event-hook-eligible."""
    found = _index().get(name)
    if found is None:
        raise EmulatorUsageError(
            f"'{name}' is not an event-hook-eligible event type.{did_you_mean(name, _index())} "
            "Run `okta-hooks catalog --event-types` to list the 314 eligible types."
        )
    return found
