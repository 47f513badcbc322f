"""The ``Emulator`` facade: every front end (CLI, server, pytest plugin, scenarios) goes through it.

>>> with Emulator(seed=0) as emu:                                    # doctest: +SKIP
...     emu.verify("http://127.0.0.1:8080/hook").status
'VERIFIED'
"""

from __future__ import annotations

import random
import string
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from ..clock import Clock, SystemClock
from ..errors import EmulatorUsageError
from ..payloads.catalog import HookKind, get_kind
from .policy import OKTA_DEFAULT_POLICY, DeliveryPolicy
from .results import EventDeliveryResult, InlineResult, VerificationResult
from .sender import Sender
from .transport import HookChannel

_ID_ALPHABET = string.ascii_letters + string.digits
_CHALLENGE_ALPHABET = _ID_ALPHABET + "-_"

Headers = Mapping[str, str] | Iterable[tuple[str, str]] | None


class Emulator:
    """Plays Okta's side of hooks: builds seeded payloads, sends them with Okta's delivery rules and judges
    the answers. Owns its HTTP clients and worker threads: use it as a context manager or call ``close()``."""

    def __init__(self, seed: int = 0, clock: Clock | None = None, policy: DeliveryPolicy | None = None):
        try:
            from ..payloads.generate import PayloadFactory
        except ImportError:  # TEMPORARY until the payloads area lands generate.py
            PayloadFactory = _FallbackPayloads  # noqa: N806

        self.seed = seed
        self.clock: Clock = clock or SystemClock()
        self.policy: DeliveryPolicy = policy or OKTA_DEFAULT_POLICY
        self.payloads = PayloadFactory(seed, clock=self.clock)
        self.sender = Sender(self.clock)
        self.rng = random.Random(f"okta-hook-emulator:{seed}")  # request ids, shuffles (never global random)
        self._keys: Any = None

    # -- lifecycle --------------------------------------------------------------------------------------------

    @property
    def keys(self) -> Any:
        """This emulator's RSA signing keys (``emulator.keys.SigningKeys``), created on first use."""
        if self._keys is None:
            from .keys import SigningKeys

            self._keys = SigningKeys()
        return self._keys

    def reseed(self, seed: int) -> None:
        """Restart every seeded sequence (payloads, request ids, shuffles) from ``seed``."""
        self.seed = seed
        self.payloads.reseed(seed)
        self.rng = random.Random(f"okta-hook-emulator:{seed}")

    def close(self) -> None:
        """Release HTTP clients, worker threads and the ASGI loop. Idempotent."""
        self.sender.close()

    def __enter__(self) -> Emulator:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- helpers ----------------------------------------------------------------------------------------------

    def channel(self, target: Any, auth_header: tuple[str, str] | None = None, headers: Headers = None,
                hook_id: str | None = None) -> HookChannel:
        """A :class:`HookChannel` for a URL / WSGI app / ASGI app / ``Target`` with Okta's auth + custom headers."""
        return HookChannel.build(target, auth_header, headers, hook_id)

    def resolve_policy(self, kind: HookKind | None = None, **policy_overrides: Any) -> DeliveryPolicy:
        """The base policy, Okta's per-kind rule applied, then the caller's overrides."""
        base = self.policy.for_kind(kind) if kind is not None else self.policy
        try:
            return base.with_overrides(**policy_overrides)
        except TypeError as exc:
            raise EmulatorUsageError(str(exc)) from None

    def request_id(self) -> str:
        """A seeded ``X-Okta-Request-Id`` value (27 characters, like ``XOZfPkReFFZ10KWyGkzAMwAAADA``)."""
        return "".join(self.rng.choices(_ID_ALPHABET, k=27))

    def challenge(self) -> str:
        """A seeded verification challenge (from the payload factory)."""
        make = getattr(self.payloads, "challenge", None)
        if make is not None:
            return make()
        from .. import fidelity

        return "".join(self.rng.choices(_CHALLENGE_ALPHABET, k=fidelity.VERIFICATION_CHALLENGE_LENGTH))

    def log_event(self, event_type: str, *, outcome: dict | None = None, debug_data: dict | None = None,
                  **kw: Any) -> dict:
        """A System Log event Okta would write (built by the payload factory)."""
        return self.payloads.log_event(event_type, outcome=outcome, debug_data=debug_data, **kw)

    # -- the three calls --------------------------------------------------------------------------------------

    def verify(self, target: Any, *, auth_header: tuple[str, str] | None = None, headers: Headers = None,
               hook_id: str | None = None, **policy_overrides: Any) -> VerificationResult:
        """Send the event-hook verification GET and judge the answer (VERIFIED / UNVERIFIED + checklist)."""
        from .verification import verify

        channel = self.channel(target, auth_header, headers, hook_id)
        return verify(self, channel, self.resolve_policy(None, **policy_overrides))

    def send_events(self, target: Any, event_types: Sequence[str] | str = (), *, count: int = 1,
                    batch_size: int | None = None, duplicate: bool = False, out_of_order: bool = False,
                    delay: float = 0.0, overrides: dict[str, Any] | None = None,
                    events: Sequence[dict] | None = None, auth_header: tuple[str, str] | None = None,
                    headers: Headers = None, hook_id: str | None = None, progress: Any = None,
                    **policy_overrides: Any) -> EventDeliveryResult:
        """Deliver event-hook POSTs (batched envelopes); see :func:`emulator.events.send_events`."""
        from .events import send_events

        channel = self.channel(target, auth_header, headers, hook_id)
        policy = self.resolve_policy(None, **policy_overrides)
        return send_events(self, channel, policy, event_types=event_types, count=count, batch_size=batch_size,
                           duplicate=duplicate, out_of_order=out_of_order, delay=delay, overrides=overrides,
                           events=events, progress=progress)

    def call_inline(self, kind: str | HookKind, target: Any, *, request: dict | None = None,
                    request_type: str | None = None, variant: str | None = None,
                    overrides: dict[str, Any] | None = None, auth_header: tuple[str, str] | None = None,
                    headers: Headers = None, hook_id: str | None = None, **policy_overrides: Any) -> InlineResult:
        """Call an inline hook with a generated (or given) request, judge the answer and carry the flow to its
        outcome."""
        hook_kind = kind if isinstance(kind, HookKind) else get_kind(kind)
        if not hook_kind.inline:
            raise EmulatorUsageError(f"'{hook_kind.name}' is not an inline hook kind; use send_events() or "
                                     f"verify() for event hooks.")
        channel = self.channel(target, auth_header, headers, hook_id)
        if request is None:
            request = self.payloads.inline_request(hook_kind.name, request_type=request_type, variant=variant,
                                                   overrides=overrides, hook_id=hook_id)
        elif overrides:
            from ..payloads.overrides import apply_overrides

            request = apply_overrides(request, overrides)
        policy = self.resolve_policy(hook_kind, **policy_overrides)
        from .inline import call_inline

        return call_inline(self, hook_kind, channel, request, policy)


class _FallbackPayloads:
    """TEMPORARY stand-in for ``payloads.generate.PayloadFactory`` (removed once it lands)."""

    def __init__(self, seed: int = 0, clock: Clock | None = None):
        self.clock = clock or SystemClock()
        self.reseed(seed)

    def reseed(self, seed: int) -> None:
        self._rng = random.Random(seed)

    def uuid(self) -> str:
        import uuid

        return str(uuid.UUID(int=self._rng.getrandbits(128), version=4))

    def log_event(self, event_type: str, *, overrides: dict | None = None, outcome: dict | None = None,
                  debug_data: dict | None = None, **_: Any) -> dict:
        from ..clock import iso

        return {"uuid": self.uuid(), "published": iso(self.clock.now()), "eventType": event_type,
                "version": "0", "severity": "INFO", "outcome": outcome or {"result": "SUCCESS", "reason": None},
                "debugContext": {"debugData": debug_data or {}}}

    def event_hook_envelope(self, events: list[dict], *, hook_id: str | None = None) -> dict:
        from ..clock import iso

        return {"eventType": "com.okta.event_hook", "eventTypeVersion": "1.0", "cloudEventsVersion": "0.1",
                "source": f"https://dev-0.okta.com/api/v1/eventHooks/{hook_id or 'who0000000000000000'}",
                "eventId": self.uuid(), "data": {"events": list(events)}, "eventTime": iso(self.clock.now()),
                "contentType": "application/json"}
