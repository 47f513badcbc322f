"""The one registry of hook kinds. A hook kind is one :class:`HookKind`: its Okta type, request types and variants,
commands, delivery facts (retries, failure mode, success statuses), its schemas, and the dotted paths of its
generator, semantic rules and judge. Every front end (CLI, server, dashboard, pytest plugin, scenarios) asks this
registry; none switches on kind names for what a ``HookKind`` says. Adding a built-in kind touches this file
only (plus the generator, schemas, rules and judge modules the entry names).

A third-party kind needs no edit here: a distribution declares an entry point in the group
``okta_hook_emulator.kinds`` whose object is a ``HookKind``, e.g. in its ``pyproject.toml``::

    [project.entry-points."okta_hook_emulator.kinds"]
    toy = "toy_kind:KIND"

Entry points are loaded once, the first time the table is used (:func:`kinds`, :func:`get_kind`, ``KINDS``); one
that fails to load, is not a ``HookKind`` or reuses a taken name or Okta type is skipped with a warning. Its
schemas are named ``"package:path/in/package.json"`` (read with ``importlib.resources``; give each an absolute
``$id``; they may ``$ref`` the packaged ``common.json`` by its ``$id``). The table is read-only for callers:
``KINDS`` is a ``MappingProxyType`` of frozen ``HookKind``s.
"""

from __future__ import annotations

import functools
import importlib
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from ..errors import EmulatorUsageError, did_you_mean

ENTRY_POINT_GROUP = "okta_hook_emulator.kinds"


@dataclass(frozen=True)
class HookKind:
    """One kind of Okta hook, as Okta sends and judges it."""

    name: str  # short name used by the CLI and APIs: "token", "saml", ...
    okta_type: str  # Okta's `type` / request `eventType`
    title: str
    inline: bool
    # Values of `request_type=` (first = default): the top-level `requestType` (registration, telephony) or,
    # for token, the OAuth grant the request comes from.
    request_types: tuple[str, ...] = ()
    variants: tuple[str, ...] = ()  # values of `variant=` (first = default), e.g. token: which tokens are minted
    commands: tuple[str, ...] = ()  # command types Okta accepts from this hook
    success_statuses: tuple[int, ...] = (200, 204)  # the HTTP statuses Okta documents as a successful answer
    # Whether another 2xx is accepted too (noted in the verdict; fidelity.INLINE_ACCEPT_ANY_2XX); telephony: no.
    accepts_other_2xx: bool = True
    retried: bool = True  # at most one retry after timeout / connection error / 5xx
    failure_mode: str = "open"  # "open" | "closed" | "failover" | "n/a" (event hooks)
    on_failure: str = ""  # what the end user / flow sees on failure (docs/okta-behaviour.md#failure-modes)
    request_schema: str = ""  # file name under payloads/schemas/, or "package:path.json" for a third-party kind
    response_schema: str = ""
    generator: str = ""  # "module:function" building a request body, see payloads/generate.py
    rules: tuple[str, ...] = ()  # "module:function" semantic rules run after the schema, see payloads/validate.py
    warning_rules: tuple[str, ...] = ()  # "module:function" warnings (never verdicts), see payloads/answer_warnings.py
    judge: str = ""  # "module:function" applying an answer, see emulator/outcomes/
    one_per_org: bool = False
    one_active_per_org: bool = False
    extra: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}), compare=False)

    def __post_init__(self) -> None:
        # Read-only whatever a caller passed (lists become tuples, a dict a read-only view).
        for name in ("request_types", "variants", "commands", "success_statuses", "rules", "warning_rules"):
            object.__setattr__(self, name, tuple(getattr(self, name)))
        if not isinstance(self.extra, MappingProxyType):
            object.__setattr__(self, "extra", MappingProxyType(dict(self.extra)))

    def resolve(self, attr: str) -> Any:
        """The callable named by ``generator`` or ``judge`` (a tuple of callables for ``rules`` and
        ``warning_rules``), imported once."""
        target = getattr(self, attr)
        if isinstance(target, tuple):
            return tuple(load_callable(t) for t in target)
        return load_callable(target)


@functools.cache
def load_callable(target: str) -> Any:
    """The object named by ``"module:function"``, imported on first use and remembered."""
    module, _, func = target.partition(":")
    return getattr(importlib.import_module(module), func)


_P = "okta_hook_emulator.payloads.generate"
_V = "okta_hook_emulator.payloads.validate"
_O = "okta_hook_emulator.emulator.outcomes"
_W = "okta_hook_emulator.payloads.answer_warnings"

_BUILT_IN: tuple[HookKind, ...] = (
    HookKind(
        name="event",
        okta_type="com.okta.event_hook",
        title="Event hook",
        inline=False,
        retried=True,
        failure_mode="n/a",
        on_failure="The delivery is logged as an event_hook.delivery failure; the flow is not affected.",
        request_schema="event_hook_request.json",
        response_schema="verification_response.json",
        generator=f"{_P}:generate_event_hook",
        rules=(f"{_V}:verification_rules",),
    ),
    HookKind(
        name="token",
        okta_type="com.okta.oauth2.tokens.transform",
        title="Token inline hook",
        inline=True,
        request_types=("authorization_code", "client_credentials", "refresh_token"),
        variants=("both", "id_token", "access_token"),
        commands=("com.okta.identity.patch", "com.okta.access.patch"),
        retried=False,
        failure_mode="open",
        on_failure="Okta continues with the original token returned.",
        request_schema="token_request.json",
        response_schema="token_response.json",
        generator=f"{_P}:generate_token",
        rules=(f"{_V}:token_rules",),
        judge=f"{_O}.token:judge",
    ),
    HookKind(
        name="saml",
        okta_type="com.okta.saml.tokens.transform",
        title="SAML assertion inline hook",
        inline=True,
        variants=("claims", "no-claims"),
        commands=("com.okta.assertion.patch",),
        failure_mode="open",
        on_failure="Okta continues with the original SAML assertion returned.",
        request_schema="saml_request.json",
        response_schema="saml_response.json",
        generator=f"{_P}:generate_saml",
        rules=(f"{_V}:saml_rules",),
        judge=f"{_O}.saml:judge",
    ),
    HookKind(
        name="registration",
        okta_type="com.okta.user.pre-registration",
        title="Registration inline hook",
        inline=True,
        request_types=("self.service.registration", "progressive.profile"),
        commands=("com.okta.action.update", "com.okta.user.profile.update",
                  "com.okta.user.progressive.profile.update"),
        failure_mode="closed",
        on_failure="The registration or profile update is denied.",
        request_schema="registration_request.json",
        response_schema="registration_response.json",
        generator=f"{_P}:generate_registration",
        rules=(f"{_V}:registration_rules",),
        warning_rules=(f"{_W}:registration_warnings",),
        judge=f"{_O}.registration:judge",
    ),
    HookKind(
        name="import",
        okta_type="com.okta.import.transform",
        title="User import inline hook",
        inline=True,
        variants=("plain", "conflict", "match"),
        commands=("com.okta.appUser.profile.update", "com.okta.user.profile.update",
                  "com.okta.action.update", "com.okta.user.update"),
        failure_mode="open",
        on_failure="The import continues and a user is created.",
        request_schema="import_request.json",
        response_schema="import_response.json",
        generator=f"{_P}:generate_import",
        rules=(f"{_V}:import_rules",),
        warning_rules=(f"{_W}:import_warnings",),
        judge=f"{_O}.import_:judge",
    ),
    HookKind(
        name="password-import",
        okta_type="com.okta.user.credential.password.import",
        title="Password import inline hook",
        inline=True,
        commands=("com.okta.action.update",),
        failure_mode="closed",
        on_failure="The sign-in fails and the password is not imported.",
        request_schema="password_import_request.json",
        response_schema="password_import_response.json",
        generator=f"{_P}:generate_password_import",
        judge=f"{_O}.password_import:judge",
        one_per_org=True,
    ),
    HookKind(
        name="telephony",
        okta_type="com.okta.telephony.provider",
        title="Telephony inline hook",
        inline=True,
        request_types=("com.okta.user.telephony.pre-enrollment", "com.okta.user.telephony.mfa-verification",
                       "com.okta.user.telephony.account-unlock", "com.okta.user.telephony.password-reset"),
        variants=("sms", "voice"),
        commands=("com.okta.telephony.action",),
        success_statuses=(200,),  # any other status (204 included) is a failed call: Okta fails over
        accepts_other_2xx=False,
        retried=False,
        failure_mode="failover",
        on_failure="The OTP is sent by Okta's own telephony providers (failover).",
        request_schema="telephony_request.json",
        response_schema="telephony_response.json",
        generator=f"{_P}:generate_telephony",
        judge=f"{_O}.telephony:judge",
        one_active_per_org=True,
    ),
)


def _entry_point_kinds() -> list[HookKind]:
    from importlib.metadata import entry_points

    found = []
    for entry in entry_points(group=ENTRY_POINT_GROUP):
        try:
            kind = entry.load()
        except Exception as exc:  # noqa: BLE001 - a broken plug-in must not take the built-in kinds down
            warnings.warn(f"{ENTRY_POINT_GROUP} entry point {entry.name!r} ({entry.value}) could not be loaded: "
                          f"{type(exc).__name__}: {exc}; ignored.", stacklevel=3)
            continue
        if not isinstance(kind, HookKind):
            warnings.warn(f"{ENTRY_POINT_GROUP} entry point {entry.name!r} ({entry.value}) is a "
                          f"{type(kind).__name__}, not a HookKind; ignored.", stacklevel=3)
            continue
        found.append(kind)
    return found


@functools.cache
def kinds() -> Mapping[str, HookKind]:
    """Every hook kind by short name: the built-in ones, then the ``okta_hook_emulator.kinds`` entry points
    (read-only; built on first use)."""
    table: dict[str, HookKind] = {k.name: k for k in _BUILT_IN}
    okta_types = {k.okta_type for k in _BUILT_IN}
    for kind in _entry_point_kinds():
        if kind.name in table or kind.okta_type in okta_types:
            warnings.warn(f"Hook kind {kind.name!r} ({kind.okta_type}) from an {ENTRY_POINT_GROUP} entry point "
                          "reuses a name or Okta type already registered; ignored.", stacklevel=2)
            continue
        table[kind.name] = kind
        okta_types.add(kind.okta_type)
    return MappingProxyType(table)


@functools.cache
def inline_kinds() -> tuple[str, ...]:
    """Short names of the inline hook kinds, in registry order."""
    return tuple(k for k, v in kinds().items() if v.inline)


def __getattr__(name: str) -> Any:
    # KINDS and INLINE_KINDS are built on first use (entry points are loaded then, not at import).
    if name == "KINDS":
        return kinds()
    if name == "INLINE_KINDS":
        return inline_kinds()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


_ALIASES = MappingProxyType({"password_import": "password-import", "user-import": "import",
                             "pre-registration": "registration"})


def get_kind(name: str | HookKind) -> HookKind:
    """Look a kind up by short name (``token``) or Okta type (``com.okta.oauth2.tokens.transform``); a
    ``HookKind`` is returned as it is (so an unregistered kind can be used directly)."""
    if isinstance(name, HookKind):
        return name
    table = kinds()
    if name in table:
        return table[name]
    for kind in table.values():
        if kind.okta_type == name:
            return kind
    if name in _ALIASES:
        return table[_ALIASES[name]]
    choices = list(table) + [k.okta_type for k in table.values()]
    raise EmulatorUsageError(f"Unknown hook kind '{name}'. Known kinds: {', '.join(table)}."
                             f"{did_you_mean(name, choices)}")
