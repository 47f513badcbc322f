"""The one registry of hook kinds. A hook kind is one entry here: its Okta type, request types, commands,
delivery facts, and the dotted paths of its generator and judge. Adding a kind touches this file only
(plus the generator, schemas and judge modules the entry names)."""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Any

from ..errors import EmulatorUsageError, did_you_mean


@dataclass(frozen=True)
class HookKind:
    """One kind of Okta hook, as Okta sends and judges it."""

    name: str  # short name used by the CLI and APIs: "token", "saml", ...
    okta_type: str  # Okta's `type` / request `eventType`
    title: str
    inline: bool
    request_types: tuple[str, ...] = ()  # top-level `requestType` values (registration, telephony)
    commands: tuple[str, ...] = ()  # command types Okta accepts from this hook
    retried: bool = True  # at most one retry after timeout / connection error / 5xx
    failure_mode: str = "open"  # "open" | "closed" | "failover" | "n/a" (event hooks)
    on_failure: str = ""  # what the end user / flow sees on failure (docs/okta-behaviour.md#failure-modes)
    request_schema: str = ""  # file name under payloads/schemas/
    response_schema: str = ""
    generator: str = ""  # "module:function" building a request body, see payloads/generate.py
    judge: str = ""  # "module:function" applying an answer, see emulator/outcomes/
    one_per_org: bool = False
    one_active_per_org: bool = False
    extra: dict[str, Any] = field(default_factory=dict)

    def resolve(self, attr: str) -> Any:
        """Import the callable named by ``generator`` or ``judge``."""
        target = getattr(self, attr)
        module, _, func = target.partition(":")
        return getattr(importlib.import_module(module), func)


_P = "okta_hook_emulator.payloads.generate"
_O = "okta_hook_emulator.emulator.outcomes"

KINDS: dict[str, HookKind] = {
    k.name: k
    for k in [
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
        ),
        HookKind(
            name="token",
            okta_type="com.okta.oauth2.tokens.transform",
            title="Token inline hook",
            inline=True,
            commands=("com.okta.identity.patch", "com.okta.access.patch"),
            retried=False,
            failure_mode="open",
            on_failure="Okta continues with the original token returned.",
            request_schema="token_request.json",
            response_schema="token_response.json",
            generator=f"{_P}:generate_token",
            judge=f"{_O}.token:judge",
        ),
        HookKind(
            name="saml",
            okta_type="com.okta.saml.tokens.transform",
            title="SAML assertion inline hook",
            inline=True,
            commands=("com.okta.assertion.patch",),
            failure_mode="open",
            on_failure="Okta continues with the original SAML assertion returned.",
            request_schema="saml_request.json",
            response_schema="saml_response.json",
            generator=f"{_P}:generate_saml",
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
            judge=f"{_O}.registration:judge",
        ),
        HookKind(
            name="import",
            okta_type="com.okta.import.transform",
            title="User import inline hook",
            inline=True,
            commands=("com.okta.appUser.profile.update", "com.okta.user.profile.update",
                      "com.okta.action.update", "com.okta.user.update"),
            failure_mode="open",
            on_failure="The import continues and a user is created.",
            request_schema="import_request.json",
            response_schema="import_response.json",
            generator=f"{_P}:generate_import",
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
            commands=("com.okta.telephony.action",),
            retried=False,
            failure_mode="failover",
            on_failure="The OTP is sent by Okta's own telephony providers (failover).",
            request_schema="telephony_request.json",
            response_schema="telephony_response.json",
            generator=f"{_P}:generate_telephony",
            judge=f"{_O}.telephony:judge",
            one_active_per_org=True,
        ),
    ]
}

INLINE_KINDS: tuple[str, ...] = tuple(k for k, v in KINDS.items() if v.inline)


def get_kind(name: str) -> HookKind:
    """Look a kind up by short name (``token``) or Okta type (``com.okta.oauth2.tokens.transform``)."""
    if name in KINDS:
        return KINDS[name]
    for kind in KINDS.values():
        if kind.okta_type == name:
            return kind
    aliases = {"password_import": "password-import", "user-import": "import", "pre-registration": "registration"}
    if name in aliases:
        return KINDS[aliases[name]]
    choices = list(KINDS) + [k.okta_type for k in KINDS.values()]
    raise EmulatorUsageError(f"Unknown hook kind '{name}'. Known kinds: {', '.join(KINDS)}.{did_you_mean(name, choices)}")
