"""Seeded payload generators: System Log ``LogEvent``s, the event hook delivery envelope, and every inline hook
request Okta sends (token, SAML, registration, import, password import, telephony).

Same seed + same clock => byte-identical output. Values are drawn from a precomputed ``SyntheticOrg`` with a
seeded ``random.Random``; Faker is only used to build the org (and through ``PayloadFactory.faker``)."""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import json
import random
import uuid
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote

from faker import Faker

from .. import fidelity
from ..clock import Clock, FixedClock, iso
from ..errors import EmulatorUsageError, did_you_mean
from .catalog import HookKind, get_kind
from .event_types import EventType, TargetSpec, get_event_type
from .org import (
    ID_ALPHABET,
    URLSAFE_ALPHABET,
    OktaOrgProvider,
    OrgApp,
    OrgAuthServer,
    OrgClient,
    OrgUser,
    SyntheticOrg,
)
from .overrides import apply_overrides

DEFAULT_EVENT_TYPE = "user.lifecycle.create"
# Okta's UUID v1 epoch offset (100 ns intervals between 1582-10-15 and 1970-01-01).
_UUID_EPOCH = 0x01B21DD213814000
# (asNumber, asOrg, isp, domain) of the networks client IPs are placed in (securityContext), as real events show
# them (captures: cru-alb-user-account-update-profile, panther-login-signal-2): lower-case org and ISP names.
_NETWORKS = ((7922, "comcast", "comcast cable communications  llc", "comcast.net"),
             (7018, "at&t corp.", "att services inc", "sbcglobal.net"),
             (33363, "bright house networks - cfl division", "charter communications  inc", "spectrum.com"),
             (701, "verizon business", "verizon business", "verizon.net"),
             (22773, "cox communications inc.", "cox communications inc.", "cox.net"))
_FAMILY_URIS = {"user": "/api/v1/users", "group": "/api/v1/groups", "application": "/api/v1/apps",
                "app": "/api/v1/apps", "policy": "/api/v1/policies", "device": "/api/v1/devices",
                "inline_hook": "/api/v1/inlineHooks", "iam": "/api/v1/iam", "security": "/api/v1/authenticators",
                "access": "/governance/api/v1/requests", "resource": "/governance/api/v1/resources",
                "resource_servers": "/api/v1/resource-servers", "workload_principal": "/workload-principals/api/v1"}
_SESSION_LIFETIME = timedelta(hours=2)  # context.session expiresAt - createdAt
_INLINE_ORDER = ("eventId", "eventTime", "eventType", "eventTypeVersion", "contentType", "cloudEventVersion",
                 "source", "requestType", "data")


# Seeded character draws for ids, challenges and jtis: one byte of ``getrandbits`` per character, mapped through a
# 256-entry table. 64 divides 256, so URL-safe draws are uniform; the 62-character ID alphabet is very slightly
# biased towards its first 8 characters, which does not matter for synthetic ids.
_URLSAFE_TABLE = bytes(ord(URLSAFE_ALPHABET[b % len(URLSAFE_ALPHABET)]) for b in range(256))
_ID_TABLE = bytes(ord(ID_ALPHABET[b % len(ID_ALPHABET)]) for b in range(256))


def _draw(r: random.Random, k: int, table: bytes) -> str:
    return r.getrandbits(8 * k).to_bytes(k, "little").translate(table).decode("ascii") if k > 0 else ""


def _urlsafe_chars(r: random.Random, k: int) -> str:
    """``k`` seeded URL-safe characters."""
    return _draw(r, k, _URLSAFE_TABLE)


def _id_chars(r: random.Random, k: int) -> str:
    """``k`` seeded characters of Okta's id alphabet ``[0-9A-Za-z]``."""
    return _draw(r, k, _ID_TABLE)


_TIMESTAMPS_KEPT = 512  # PayloadFactory._iso's memory
_MICROSECOND, _MINUTE, _DAY = timedelta(microseconds=1), timedelta(minutes=1), timedelta(days=1)


def _whole(dt: datetime) -> datetime:
    """``dt`` without its fraction of a second (the request timestamps Okta sends are whole seconds). Timedelta
    arithmetic: a third of the time of ``dt.replace(microsecond=0)``, same value."""
    return dt - _MICROSECOND * dt.microsecond if dt.microsecond else dt


def _new_id(r: random.Random, org: SyntheticOrg, prefix: str) -> str:
    return prefix + _id_chars(r, 20 - len(prefix) - len(org.cell)) + org.cell


def _request_id(r: random.Random) -> str:
    """An Okta request id in ``fidelity.REQUEST_ID_FORMAT``: 32 hex, or 27 characters (``...AAABBw``)."""
    if fidelity.REQUEST_ID_FORMAT == "hex32":
        return f"{r.getrandbits(128):032x}"
    chars = _id_chars(r, 24)
    return chars[:20] + "AAA" + chars[20:]


def _digest_chars(text: str, k: int) -> str:
    """``k`` characters of Okta's id alphabet derived from ``text`` (no draw from any seeded stream)."""
    return hashlib.sha256(text.encode()).digest()[:k].translate(_ID_TABLE).decode("ascii")


def system_principal(org: SyntheticOrg) -> dict:
    """The org's SystemPrincipal actor: Okta itself (a 20-character ``spr`` id, capture cru-sns-user-lifecycle-create)."""
    return {"id": "spr" + _digest_chars(org.domain, 17 - len(org.cell)) + org.cell, "type": "SystemPrincipal",
            "alternateId": "system@okta.com", "displayName": "Okta System", "detailEntry": None}


def security_context(ip: str) -> dict:
    """``securityContext`` of a request from ``ip``: its network's AS number and name, ISP and domain."""
    number, as_org, isp, domain = _NETWORKS[hashlib.sha256(ip.encode()).digest()[0] % len(_NETWORKS)]
    return {"asNumber": number, "asOrg": as_org, "isp": isp, "domain": domain, "isProxy": False}


def delivered_event(event: dict, hook_ids: str | list[str] | tuple[str, ...] | None = None) -> dict:
    """A System Log event as an event hook delivers it (docs/okta-behaviour.md#event-envelope): no top-level
    ``request`` (the IP chain is in ``client.ipChain``), and ``debugData.targetEventHookIds`` = the comma-separated
    ids of the event hooks it is delivered to (kept when the event already names them). A new dict."""
    out = {k: v for k, v in event.items() if k != "request"}
    debug = (out.get("debugContext") or {}).get("debugData") if isinstance(out.get("debugContext"), dict) else None
    if isinstance(debug, dict) and hook_ids and "targetEventHookIds" not in debug:
        ids = hook_ids if isinstance(hook_ids, str) else ",".join(hook_ids)
        out["debugContext"] = dict(out["debugContext"], debugData={**debug, "targetEventHookIds": ids})
    return out


_LIFECYCLE_VERBS = ("activate", "deactivate", "suspend", "unsuspend", "reactivate", "unlock")


def _request_uri(et: EventType, targets: list[dict], org: SyntheticOrg, system: bool) -> str:
    """``debugData.requestUri``: the flow's endpoint (``et.request_uri``, with ``{user}``, ``{app_name}``...
    filled), the self-service registration endpoint for Okta's own user events, else the resource path of the
    event's targets (``/api/v1/users/{id}``, ``/api/v1/groups/{groupId}/users/{userId}``)."""
    by_type = {t.get("type"): t.get("id") for t in reversed(targets)}
    user, group = by_type.get("User"), by_type.get("UserGroup")
    app = by_type.get("AppInstance")
    if et.request_uri:
        entity = next((a.entity_id for a in org.apps if a.id == app and a.entity_id), None)
        name = next((a.name for a in org.apps if a.id == app), "app")
        return et.request_uri.format(user=user or "", app=app or "", app_name=name, app_entity=entity or app or "")
    if system and et.family == "user":
        return f"/api/v1/registration/{org.registration_id}/register"
    base = _FAMILY_URIS.get(et.family, "/api/v1/" + et.family)
    verb = et.name.rsplit(".", 1)[-1]
    if group and user:
        return f"/api/v1/groups/{group}/users/{user}"
    if app and user and et.family in ("application", "app"):
        return f"/api/v1/apps/{app}/users/{user}"
    if et.family == "user" and user:
        path = f"/api/v1/users/{user}"
        return f"{path}/lifecycle/{verb}" if et.name.startswith("user.lifecycle.") and verb in _LIFECYCLE_VERBS \
            else path
    if et.family == "group" and group:
        return f"/api/v1/groups/{group}"
    if et.family in ("application", "app") and app:
        return f"/api/v1/apps/{app}"
    return base


UserSpec = OrgUser | str | dict[str, Any] | None


def resolve_user(org: SyntheticOrg, spec: UserSpec) -> OrgUser | None:
    """One person for a whole request: an ``OrgUser``; a login or id of the org's users; or a dict of profile
    fields (``{"login": "ann@acme.test", "firstName": "Ann"}``; also ``id``, ``lastName``, ``locale``,
    ``timeZone``, ``mobilePhone``). A login the org does not have becomes a new user of the org, its other
    fields derived from the login (no draw from any seeded stream)."""
    if spec is None or isinstance(spec, OrgUser):
        return spec
    fields = {"login": spec} if isinstance(spec, str) else dict(spec)
    if not isinstance(spec, (str, dict)):
        raise EmulatorUsageError("user must be an org user, a login, or a dict of profile fields like "
                                 "{'login': 'ann@acme.test'}.")
    unknown = sorted(set(fields) - set(_USER_FIELDS))
    if unknown:
        raise EmulatorUsageError(f"Unknown user field(s) {', '.join(unknown)}; use {', '.join(_USER_FIELDS)}.")
    key = str(fields.get("id") or fields.get("login") or "")
    found = next((u for u in org.users if key in (u.id, u.login)), None)
    if found is None:
        login = str(fields.get("login") or f"{key}@{org.email_domain}")
        local = login.split("@", 1)[0].replace("_", ".").split(".")
        base = org.users[hashlib.sha256(login.encode()).digest()[0] % len(org.users)]
        found = dataclasses.replace(
            base, id=fields.get("id") or "00u" + _digest_chars(login, 17 - len(org.cell)) + org.cell, login=login,
            first_name=local[0].capitalize(), last_name=local[-1].capitalize() if len(local) > 1 else base.last_name)
    changes = {attr: fields[name] for name, attr in _USER_FIELDS.items() if name in fields and name != "id"}
    return dataclasses.replace(found, **changes) if changes else found


# profile field -> OrgUser attribute
_USER_FIELDS = {"id": "id", "login": "login", "firstName": "first_name", "lastName": "last_name",
                "locale": "locale", "timeZone": "time_zone", "mobilePhone": "mobile_phone"}


def to_json(obj: Any) -> str:
    """Stable JSON text (indent 2, key order as built) used by the CLI."""
    return json.dumps(obj, indent=2, ensure_ascii=False)


def _choose(kind: HookKind, what: str, value: str | None, options: tuple[str, ...]) -> str | None:
    """``value`` checked against ``options``, the kind's ``request_types`` or ``variants``; ``None`` gives the
    first, the default."""
    if value is None:
        return options[0] if options else None
    if value not in options:
        listing = ", ".join(options) if options else "none"
        raise EmulatorUsageError(f"Unknown {what} '{value}' for {kind.name} hooks. Choose one of: {listing}."
                                 f"{did_you_mean(value, options)}")
    return value


class PayloadFactory:
    """Seeded source of every payload. ``clock`` defaults to a ``FixedClock`` (1 s per reading) so output is
    deterministic; pass a ``SystemClock`` for live timestamps."""

    def __init__(self, seed: int = 0, clock: Clock | None = None, org: SyntheticOrg | None = None):
        """``org``: the synthetic org to draw from, e.g. ``PayloadFactory(seed).org`` shared by many factories
        of one seed (it is immutable); default: build the one ``seed`` gives (Faker, tens of milliseconds)."""
        self.clock: Clock = clock if clock is not None else FixedClock(tick=timedelta(seconds=1))
        self._faker: Faker | None = None
        if org is None:
            self.reseed(seed)
        else:
            self._start(int(seed), org)

    @property
    def faker(self) -> Faker:
        """The seeded Faker instance that builds the org (created on first use)."""
        if self._faker is None:
            self._faker = Faker("en_US")
            self._faker.add_provider(OktaOrgProvider)
            self._faker.seed_instance(self.seed)
        return self._faker

    # ---- seeding and small values -------------------------------------------------------------------------
    def reseed(self, seed: int) -> None:
        """Re-seed Faker and the value generator, and rebuild the synthetic org (the clock is kept)."""
        self.seed = int(seed)
        self.faker.seed_instance(self.seed)
        self._start(self.seed, self.faker.synthetic_org())

    def _start(self, seed: int, org: SyntheticOrg) -> None:
        self.seed = seed
        self.org: SyntheticOrg = org
        self.random = random.Random(f"okta-hook-emulator:{self.seed}")
        self._memo: dict[Any, Any] = {}  # values derived from the (immutable) org only; rebuilt with the org
        self._timestamps: dict[datetime, str] = {}  # _iso's last results

    def _iso(self, moment: datetime) -> str:
        """``clock.iso(moment)``, remembered for the last few hundred moments: a busy factory (a load run) writes
        the same whole seconds into request after request, and formatting one costs about ten dictionary lookups."""
        text = self._timestamps.get(moment)
        if text is None:
            if len(self._timestamps) >= _TIMESTAMPS_KEPT:
                self._timestamps.clear()
            text = self._timestamps[moment] = iso(moment)
        return text

    def _derived(self, key: Any, make: Callable[..., Any], *args: Any) -> Any:
        """``make(*args)``, a value computed from the org alone, computed once per org (treat it as read-only)."""
        try:
            return self._memo[key]
        except KeyError:
            value = self._memo[key] = make(*args)
            return value

    def new_id(self, prefix: str) -> str:
        """A 20-character Okta id with this org's cell suffix (``00u`` users, ``00g`` groups, ``0oa`` apps...)."""
        return _new_id(self.random, self.org, prefix)

    def uuid(self) -> str:
        """A seeded random UUID (version 4)."""
        return str(uuid.UUID(int=self.random.getrandbits(128), version=4))

    def event_id(self) -> str:
        """A 22-character URL-safe id, like inline hook ``eventId``s."""
        return base64.urlsafe_b64encode(self.random.getrandbits(128).to_bytes(16, "big")).decode()[:22]

    def challenge(self) -> str:
        """An event hook verification challenge: ``fidelity.VERIFICATION_CHALLENGE_LENGTH`` URL-safe characters."""
        return _urlsafe_chars(self.random, fidelity.VERIFICATION_CHALLENGE_LENGTH)

    def request_id(self) -> str:
        """An Okta request / transaction id in ``fidelity.REQUEST_ID_FORMAT`` (32 hex, like
        ``601b158a3b3e23be5bbf74d0fe63cd78``)."""
        return _request_id(self.random)

    def _tok(self, prefix: str, n: int) -> str:
        return prefix + _id_chars(self.random, n)

    @staticmethod
    def _log_uuid(when: datetime, r: random.Random) -> str:
        # System Log uuids are time-based (version 1), e.g. f1d0b993-cc19-11ed-a688-db22c99ef6c4.
        t = int(when.timestamp() * 10_000_000) + _UUID_EPOCH + r.getrandbits(12)
        return (f"{t & 0xFFFFFFFF:08x}-{(t >> 32) & 0xFFFF:04x}-{((t >> 48) & 0x0FFF) | 0x1000:04x}-"
                f"{r.getrandbits(14) | 0x8000:04x}-{r.getrandbits(48):012x}")

    # ---- System Log events ----------------------------------------------------------------------------------
    def _client(self, c: OrgClient) -> tuple[dict, dict]:
        """``client`` and the System Log's top-level ``request`` (its own copy of the IP chain)."""
        geo = {"city": c.city, "state": c.state, "country": c.country, "postalCode": c.postal_code,
               "geolocation": {"lat": c.lat, "lon": c.lon}}
        chain = {"ip": c.ip, "geographicalContext": geo, "version": "V4", "source": None}
        client = {
            "userAgent": {"rawUserAgent": c.raw_user_agent, "os": c.os, "browser": c.browser},
            "zone": "null",
            "device": c.device,
            "id": None,
            "ipAddress": c.ip,
            "geographicalContext": {**geo, "geolocation": dict(geo["geolocation"])},
            "ipChain": [chain],
        }
        request_chain = {"ip": c.ip, "geographicalContext": {**geo, "geolocation": dict(geo["geolocation"])},
                         "version": "V4", "source": None}
        return client, {"ipChain": [request_chain]}

    @staticmethod
    def _user_ref(u: OrgUser, type_: str = "User") -> dict:
        return {"id": u.id, "type": type_, "alternateId": u.login, "displayName": u.display_name,
                "detailEntry": None}

    def _target(self, spec: TargetSpec, user: OrgUser, app: OrgApp, r: random.Random, org: SyntheticOrg) -> dict:
        pool = spec.pool
        if pool == "user":
            return self._user_ref(user)
        if pool == "app_user":
            return self._user_ref(user, "AppUser")
        if pool == "app":
            return {"id": app.id, "type": "AppInstance", "alternateId": app.label, "displayName": app.label,
                    "detailEntry": None}
        if pool == "admin_console":
            a = org.admin_console
            return {"id": a.id, "type": "AppInstance", "alternateId": a.label, "displayName": a.label,
                    "detailEntry": None}
        if pool == "group":
            g = r.choice(org.groups)
            return {"id": g.id, "type": "UserGroup", "alternateId": "unknown", "displayName": g.name,
                    "detailEntry": None}
        if pool in ("enrollment", "password_enrollment"):
            prefix, name = org.authenticators[0] if pool == "password_enrollment" else r.choice(org.authenticators)
            return {"id": _new_id(r, org, prefix), "type": "AuthenticatorEnrollment", "alternateId": "unknown",
                    "displayName": name, "detailEntry": None}
        if pool == "policy":
            p = r.choice(org.policies)
            return {"id": p.id, "type": "PolicyEntity", "alternateId": "unknown", "displayName": p.name,
                    "detailEntry": {"policyType": p.type}}
        if pool == "policy_rule":
            p = r.choice(org.policies)
            rule_id, rule_name = r.choice(p.rules)
            return {"id": rule_id, "type": "PolicyRule", "alternateId": "unknown", "displayName": rule_name,
                    "detailEntry": {"policyType": p.type}}
        if pool == "inline_hook":
            kind, hook_id = r.choice(org.inline_hook_ids)
            return {"id": hook_id, "type": "InlineHook", "alternateId": "unknown",
                    "displayName": f"{get_kind(kind).title}", "detailEntry": None}
        if pool == "event_hook":
            name = f"{r.choice(org.words)} events"
            return {"id": r.choice(org.event_hook_ids), "type": "EventHook", "alternateId": name, "displayName": name,
                    "detailEntry": None}
        if pool == "auth_server":
            a = r.choice(org.auth_servers)
            return {"id": a.id, "type": "AuthorizationServer", "alternateId": "unknown", "displayName": a.name,
                    "detailEntry": None}
        if pool == "idp":
            idp_id, name, _ = r.choice(org.idps)
            return {"id": idp_id, "type": "IdentityProvider", "alternateId": name, "displayName": name,
                    "detailEntry": None}
        if pool == "device":
            dev_id, name = r.choice(org.devices)
            return {"id": dev_id, "type": "Device", "alternateId": "unknown", "displayName": name,
                    "detailEntry": None}
        if pool == "url_pattern":  # panther-login-signal-1: {"id": "/api/v1/logs", "type": "URL Pattern"}
            return {"id": "/api/v1/logs", "type": "URL Pattern"}
        if pool == "bucket":
            return {"id": str(uuid.uuid3(uuid.NAMESPACE_URL, f"{org.url}/api/v1/logs")), "type": "Bucket Uuid"}
        # generic: an object of a family without a dedicated pool.
        name = f"{r.choice(org.words)} {spec.label or spec.type}"
        return {"id": _new_id(r, org, spec.id_prefix or "0oa"), "type": spec.type, "alternateId": "unknown",
                "displayName": name, "detailEntry": None}

    def _change_details(self, et: EventType, target: dict) -> dict:
        verb = et.name.rsplit(".", 1)[-1]
        if verb in ("activate", "deactivate"):
            before, after = ("INACTIVE", "ACTIVE") if verb == "activate" else ("ACTIVE", "INACTIVE")
            return {"from": {"status": before}, "to": {"status": after}}
        return {"from": {"name": target["displayName"]}, "to": {"name": f"{target['displayName']} (updated)"}}

    def log_event(self, event_type: str | EventType, *, overrides: dict[str, Any] | None = None,
                  actor: dict | None = None, targets: list[dict] | None = None, outcome: str | dict | None = None,
                  debug_data: dict | None = None, user: UserSpec = None) -> dict:
        """One System Log ``LogEvent`` of ``event_type`` (docs/okta-behaviour.md#logevent-shape), actors/targets from the org. A name must
        be event-hook-eligible; an ``EventType`` (``Emulator.log_event`` passes the emulator's own types) is used
        as given."""
        et = event_type if isinstance(event_type, EventType) else get_event_type(event_type)
        return self._build_log_event(self.random, self.org, self.clock.now(), et, overrides, actor, targets,
                                     outcome, debug_data, resolve_user(self.org, user))

    def deferred_log_event(self, event_type: str | EventType, *, overrides: dict[str, Any] | None = None,
                           actor: dict | None = None, targets: list[dict] | None = None,
                           outcome: str | dict | None = None, debug_data: dict | None = None) -> Callable[[], dict]:
        """``log_event`` in two steps: now, only what makes the event deterministic (the type is checked, the clock
        read once and one 64-bit child seed drawn from the seeded stream); the returned function builds the full
        ``LogEvent`` (a new, equal dict on every call) from ``random.Random(child_seed)``, never touching this
        factory's stream, so it may run later or in another thread (a reseed in between does not change it)."""
        et = event_type if isinstance(event_type, EventType) else get_event_type(event_type)
        org, now, seed = self.org, self.clock.now(), self.random.getrandbits(64)

        def build() -> dict:
            return self._build_log_event(random.Random(seed), org, now, et, overrides, actor, targets, outcome,
                                         debug_data)

        return build

    def _build_log_event(self, r: random.Random, org: SyntheticOrg, now: datetime, et: EventType,
                         overrides: dict[str, Any] | None, actor: dict | None, targets: list[dict] | None,
                         outcome: str | dict | None, debug_data: dict | None, person: OrgUser | None = None) -> dict:
        user = r.choice(org.users)
        user = person or user  # the drawn one is still drawn: the rest of the event stays the same
        app = r.choice(org.apps)
        if actor is None:
            if et.actor_role == "system":
                actor = system_principal(org)
            else:
                actor = self._user_ref(r.choice(org.admins) if et.actor_role == "admin" else user)
        system = actor.get("type") == "SystemPrincipal"
        if targets is None:
            # no target: Okta sends null (capture: elastic-user-session-end), not []
            targets = [self._target(spec, user, app, r, org) for spec in et.targets] or None
            if et.change_details and targets:
                targets[0]["changeDetails"] = self._change_details(et, targets[0])
        if outcome is None:
            outcome_obj = {"result": et.outcome, "reason": None}
        elif isinstance(outcome, str):
            outcome_obj = {"result": outcome, "reason": None}
        else:
            outcome_obj = {"result": outcome.get("result", et.outcome), "reason": outcome.get("reason")}
        failed = outcome_obj["result"] == "FAILURE"
        c = r.choice(org.clients)
        client, request = self._client(c)
        txid = _request_id(r)
        uri = _request_uri(et, targets or [], org, system)
        if system:  # Okta's own work: no request, no caller (captures: cru-*-user-lifecycle-create)
            client, request = {"ipChain": []}, {"ipChain": []}
            debug: dict[str, Any] = {"requestUri": uri}
            transaction: dict[str, Any] = {"id": "unknown", "detail": {}}
        else:
            debug = {"requestId": txid, "requestUri": uri, "url": uri + "?"}
            transaction = {"type": et.transaction_type, "id": txid, "detail": {}}
        for key in et.debug_keys:
            debug[key] = self._debug_value(key, r, org, user, actor, uri, failed)
        if et.api_token:
            transaction["detail"] = {"requestApiTokenId": "00T" + _id_chars(r, 17 - len(org.cell)) + org.cell}
        if debug_data:
            debug.update(debug_data)
        prefix = (fidelity.SYSTEM_SESSION_PREFIX if system or et.api_token else fidelity.USER_SESSION_PREFIX)
        authentication = {"authenticationProvider": None, "credentialProvider": None, "credentialType": None,
                          "issuer": None, "authenticationStep": 0, "externalSessionId": prefix + _id_chars(r, 22),
                          "interface": None}
        authentication.update(et.authentication)
        if debug.get("factor") not in (None, "OKTA_VERIFY_PUSH", "SIGNED_NONCE"):
            authentication["credentialProvider"] = None  # WebAuthn: no credential provider
        legacy = et.legacy_event_type_failure if failed and et.legacy_event_type_failure else et.legacy_event_type
        event = {
            "uuid": self._log_uuid(now, r),
            "published": iso(now),
            "eventType": et.name,
            "version": "0",
            "displayMessage": et.display_message,
            "severity": "WARN" if failed and et.severity == "INFO" else et.severity,
            "client": client,
            "device": None,
            "actor": actor,
            "outcome": outcome_obj,
            "target": targets,
            "transaction": transaction,
            "debugContext": {"debugData": debug},
            "legacyEventType": legacy,
            "authenticationContext": authentication,
            "securityContext": (security_context(c.ip) if not system else
                                {"asNumber": None, "asOrg": None, "isp": None, "domain": None, "isProxy": None}),
            "request": request,
            "insertionTimestamp": None,
        }
        return apply_overrides(event, overrides) if overrides else event

    def _debug_value(self, key: str, r: random.Random, org: SyntheticOrg, user: OrgUser, actor: dict, uri: str,
                     failed: bool) -> Any:
        """The value of one flow-specific ``debugData`` key (formats as real events show them)."""
        if key == "authnRequestId":
            return _request_id(r)
        if key in ("deviceFingerprint",):
            return f"{r.getrandbits(128):032x}"
        if key == "dtHash":
            return f"{r.getrandbits(256):064x}"
        if key == "origin":
            return org.url
        if key == "threatSuspected":
            return "false"
        if key == "changedAttributes":
            return r.choice(("mobilePhone", "title", "department", "firstName,lastName", "city"))
        if key == "phoneNumber":
            return user.mobile_phone[2:]
        if key == "countryCallingCode":
            return "1"
        if key == "risk":
            return "{level=LOW}" if not failed else "{reasons=Anomalous Location, level=MEDIUM}"
        if key == "behaviors":
            return ("{New Geo-Location=NEGATIVE, New Device=NEGATIVE, New IP=NEGATIVE, New State=NEGATIVE, "
                    "New Country=NEGATIVE, Velocity=NEGATIVE, New City=NEGATIVE}")
        if key == "factor":
            return r.choice(("OKTA_VERIFY_PUSH", "FIDO_WEBAUTHN", "SIGNED_NONCE"))
        if key == "promptingPolicyTypes":
            return "[AUTHENTICATION_POLICY]"
        if key == "logOnlySecurityData":
            return '{"risk":{"level":"LOW"},"behaviors":{"New Geo-Location":"NEGATIVE","New Device":"NEGATIVE"}}'
        if key == "oktaUserAgentExtended":
            return "okta-auth-js/7.0.1 okta-signin-widget-7.16.1"
        if key == "originalPrincipal":
            return {k: actor.get(k) for k in ("id", "type", "alternateId", "displayName", "detailEntry")}
        if key == "privilegeGranted":
            return r.choice(("Organization administrator", "Application administrator (all)", "Read only admin"))
        if key == "initiationType":
            return "IDP_INITIATED"
        if key == "signOnMode":
            return "SAML 2.0"
        if key in ("rateLimitBucketUuid",):
            return str(uuid.uuid3(uuid.NAMESPACE_URL, f"{org.url}{uri}"))
        if key == "rateLimitScopeType":
            return "ORG"
        if key == "rateLimitSecondsToReset":
            return str(r.randint(1, 59))
        if key == "threshold":
            return "20"
        if key == "timeSpan":
            return "1"
        if key == "timeUnit":
            return "MINUTES"
        if key == "userId":
            return actor.get("id")
        if key == "warningPercent":
            return "60"
        return None

    def log_events(self, event_types: list[str] | tuple[str, ...] | str, count: int,
                   overrides: dict[str, Any] | None = None, user: UserSpec = None) -> list[dict]:
        """``count`` events cycling through ``event_types`` (validated before anything is generated)."""
        if isinstance(event_types, str):
            event_types = [event_types]
        if not event_types:
            raise EmulatorUsageError("No event types given: pass at least one, e.g. ['user.lifecycle.create'].")
        if count < 0:
            raise EmulatorUsageError(f"count must be 0 or more, got {count}.")
        for name in event_types:
            get_event_type(name)
        n = len(event_types)
        return [self.log_event(event_types[i % n], overrides=overrides, user=user) for i in range(count)]

    def event_hook_envelope(self, events: list[dict], *, hook_id: str | None = None) -> dict:
        """The delivery POST body (docs/okta-behaviour.md#event-envelope) carrying ``events`` in
        ``data.events``, each in its delivered form (``delivered_event``: no ``request``, ``targetEventHookIds``
        naming ``hook_id`` unless the event already names its hooks)."""
        hook_id = hook_id or self.org.event_hook_ids[0]
        return {
            "eventType": "com.okta.event_hook",
            "eventTypeVersion": "1.0",
            "cloudEventsVersion": "0.1",
            "source": f"{self.org.url}/api/v1/eventHooks/{hook_id}",
            "eventId": self.uuid(),
            "data": {"events": [delivered_event(e, hook_id) for e in events]},
            "eventTime": iso(self.clock.now()),
            "contentType": "application/json",
        }

    # ---- inline hooks ---------------------------------------------------------------------------------------
    def inline_request(self, kind: str | HookKind, *, request_type: str | None = None, variant: str | None = None,
                       overrides: dict[str, Any] | None = None, hook_id: str | None = None,
                       user: UserSpec = None) -> dict:
        """A request body of ``kind`` (``token``, ``saml``, ``registration``, ``import``, ``password-import``,
        ``telephony``, any registered kind or a ``HookKind``; ``event`` gives a delivery envelope with one event
        of type ``request_type``), built by the kind's generator. ``user`` (an org user, a login or a dict of
        profile fields, see ``resolve_user``) is the one person the request is about, everywhere it names one."""
        hook_kind = get_kind(kind)
        generator = hook_kind.resolve("generator")
        if user is None:
            body = generator(self, request_type=request_type, variant=variant, hook_id=hook_id)
        else:
            if hook_kind.name not in _USER_KINDS:
                raise EmulatorUsageError(f"{hook_kind.name} requests cannot be generated for a given user.")
            body = generator(self, request_type=request_type, variant=variant, hook_id=hook_id,
                             user=resolve_user(self.org, user))
        return apply_overrides(body, overrides) if overrides else body

    def _envelope(self, kind: str | HookKind, source: str, data: dict, request_type: str | None = None,
                  order: tuple[str, ...] = _INLINE_ORDER, now: datetime | None = None) -> dict:
        now = _whole(now or self.clock.now())
        values = {"eventId": self.event_id(), "eventTime": self._iso(now), "eventType": get_kind(kind).okta_type,
                  "eventTypeVersion": "1.0", "contentType": "application/json", "cloudEventVersion": "0.1",
                  "source": source, "requestType": request_type, "data": data}
        return {k: values[k] for k in order if k != "requestType" or request_type is not None}

    def _request_ctx(self, method: str, url: str, ip: str | None = None, *, req_id: str | None = None) -> dict:
        return {"id": req_id or self.request_id(), "method": method, "url": {"value": url},
                "ipAddress": ip or self.random.choice(self.org.clients).ip}

    def _user_ctx(self, u: OrgUser, now: datetime, *, links: bool = True, absolute: bool = True) -> dict:
        base = f"{self.org.url}/api/v1/users/{u.id}" if absolute else f"/api/v1/users/{u.id}"
        ctx: dict[str, Any] = {"id": u.id, "passwordChanged": self._iso(_whole(now - _DAY * u.password_changed_days)),
                               "profile": {"login": u.login, "firstName": u.first_name, "lastName": u.last_name,
                                           "locale": u.locale, "timeZone": u.time_zone}}
        if links:
            ctx["_links"] = {"groups": {"href": f"{base}/groups"}, "factors": {"href": f"{base}/factors"}}
        return ctx

    def _session_ctx(self, u: OrgUser, now: datetime, *, oie: bool = False) -> dict:
        return self._session_and_start(u, now, oie=oie)[0]

    def _session_and_start(self, u: OrgUser, now: datetime, *, oie: bool = False) -> tuple[dict, datetime]:
        """``context.session`` (an OIE ``idx`` session or a classic ``102`` one) and when it started."""
        r = self.random
        created = _whole(now - _MINUTE * r.randint(1, 90))
        created_at = self._iso(created)
        if oie:
            return {"id": "idx" + _id_chars(r, 22), "userId": u.id, "login": u.login, "createdAt": created_at,
                    "expiresAt": self._iso(created + _SESSION_LIFETIME), "status": "ACTIVE",
                    "lastPasswordVerification": created_at, "lastFactorVerification": created_at,
                    "amr": ["PASSWORD", "OKTA_VERIFY", "MULTIFACTOR_AUTHENTICATION"], "mfaActive": True,
                    "idp": {"id": self.org.okta_idp_id, "type": "OKTA"}}, created
        return {"id": "102" + _id_chars(r, 22), "userId": u.id, "login": u.login, "createdAt": created_at,
                "expiresAt": self._iso(created + _SESSION_LIFETIME), "status": "ACTIVE",
                "lastPasswordVerification": created_at, "amr": ["PASSWORD"],
                "idp": {"id": self.org.okta_idp_id, "type": "OKTA"}, "mfaActive": False}, created


# ---- per-kind generators (named by payloads/catalog.py KINDS[...].generator) ----------------------------------
# Kinds whose generator takes ``user=`` (the person the request is about).
_USER_KINDS = frozenset({"event", "token", "saml", "registration", "import", "password-import", "telephony"})
def generate_event_hook(factory: PayloadFactory, request_type: str | None = None, variant: str | None = None,
                        hook_id: str | None = None, *, event_types: list[str] | tuple[str, ...] | None = None,
                        count: int = 1, user: OrgUser | None = None) -> dict:
    """An event hook delivery envelope with ``count`` events cycling through ``event_types`` (or one event of
    type ``request_type``; default ``user.lifecycle.create``). Event hooks have no variants."""
    if event_types is None and request_type:
        event_types = [request_type]
    events = factory.log_events(list(event_types or [DEFAULT_EVENT_TYPE]), count, user=user)
    return factory.event_hook_envelope(events, hook_id=hook_id)


def _token_claims_id(f: PayloadFactory, u: OrgUser, issuer: str, client_id: str, nonce: str | None, auth_time: int,
                     idp: str) -> dict:
    claims = {"sub": u.id, "name": u.display_name, "email": u.email, "ver": 1, "iss": issuer, "aud": client_id,
              "jti": "ID." + _urlsafe_chars(f.random, 43), "amr": ["pwd"], "idp": idp,
              "nonce": nonce, "preferred_username": u.login, "auth_time": auth_time}
    if nonce is None:  # no /authorize request (password grant): no nonce
        del claims["nonce"]
    return claims


def _scope_id(scope_ids: dict[str, str], scope: str) -> str:
    """The ``scp...`` id of a scope: the authorization server's own, else one derived from the name."""
    return scope_ids.get(scope) or "scp" + hashlib.sha256(scope.encode()).hexdigest()[:17]


def _oidc_apps(org: SyntheticOrg, confidential: bool) -> list[OrgApp] | tuple[OrgApp, ...]:
    """The org's OIDC apps of one client type (confidential or public); all of them if it has none."""
    return [a for a in org.oidc_apps if (a.client_type == "CONFIDENTIAL") == confidential] or org.oidc_apps


def _client(org: SyntheticOrg, client_id: str) -> dict:
    """``protocol.client`` for a client the caller names (it authenticated with its secret: confidential)."""
    app = next((a for a in org.oidc_apps if a.id == client_id), None)
    return {"id": client_id, "name": app.label if app else client_id, "type": "CONFIDENTIAL"}


# The extra OAuth grant a token hook request can be generated for besides the token kind's request types: the
# password grant of the server's token endpoint.
EXTRA_GRANTS = ("password",)


def generate_token(factory: PayloadFactory, request_type: str | None = None, variant: str | None = None,
                   hook_id: str | None = None, *, grant: str | None = None, user: OrgUser | None = None,
                   scopes: list[str] | tuple[str, ...] | None = None, issuer: str | None = None,
                   audience: str | None = None, client_id: str | None = None, authorize: dict | None = None,
                   refresh_jti: str | None = None, client_type: str | None = None) -> dict:
    """Token inline hook request (docs/okta-behaviour.md#token-hook). ``request_type`` = OAuth grant (``authorization_code`` default,
    ``client_credentials``, ``refresh_token``); ``variant`` = tokens minted (``both`` default, ``id_token``,
    ``access_token``).

    The keywords describe one token request (the server's OAuth endpoint passes its own): ``grant`` (instead of
    ``request_type``; also ``password``), ``user`` (the org user the tokens are for; not with
    ``client_credentials``), ``scopes`` (granted scopes; an ID token needs ``openid``), ``issuer`` / ``audience``
    (the authorization server's issuer URL and access-token audience) and ``client_id``. ``client_credentials``
    and ``password`` requests are token-endpoint calls whose access token carries the granted scopes (``scp``).
    A real code flow passes its ``/authorize`` request as ``authorize`` (``state``, ``nonce``, ``redirect_uri``,
    ``response_mode``; for ``refresh_token`` the original grant's), the refresh token's id as ``refresh_jti`` and
    the client's ``client_type`` (``PUBLIC`` | ``CONFIDENTIAL``); the drawn values are used otherwise."""
    f, org, r = factory, factory.org, factory.random
    kind = get_kind("token")
    if grant is None:
        grant = _choose(kind, "grant type (request type)", request_type, kind.request_types)
    elif request_type not in (None, grant):
        raise EmulatorUsageError(f"grant '{grant}' and request type '{request_type}' disagree; give one of them.")
    elif grant not in (grants := (*kind.request_types, *EXTRA_GRANTS)):
        raise EmulatorUsageError(f"Unknown grant '{grant}' for token hooks. Choose one of: {', '.join(grants)}."
                                 f"{did_you_mean(grant, grants)}")
    tokens = _choose(kind, "variant", variant, kind.variants)
    if grant == "client_credentials" and variant not in (None, "access_token"):
        raise EmulatorUsageError("client_credentials mints an access token only: use variant 'access_token' "
                                 "(or leave it out).")
    if grant == "client_credentials" and user is not None:
        raise EmulatorUsageError("client_credentials has no user: the token is for the client itself.")
    if grant == "password" and variant == "id_token":
        raise EmulatorUsageError("the password grant always mints an access token: use variant 'both' or "
                                 "'access_token'.")
    if grant == "client_credentials":
        tokens = "access_token"
    now = _whole(f.clock.now())  # every timestamp of the request is in whole seconds
    auth_server = org.auth_servers[0] if grant != "client_credentials" else org.auth_servers[1]
    confidential = grant == "client_credentials"
    app = r.choice(f._derived(("oidc_apps", confidential), _oidc_apps, org, confidential))
    given_client_id = client_id
    client = {"id": app.id, "name": app.label, "type": app.client_type} if client_id is None else _client(org,
                                                                                                          client_id)
    client_id = client["id"]
    if client_type is not None:
        client["type"] = client_type
    ip = r.choice(org.clients).ip
    flow = _token_flow(f, grant, auth_server, app, scopes, issuer, audience, given_client_id)
    scopes = flow.scopes
    policy = {"id": flow.policy_id, "rule": {"id": flow.rule_id}}
    access_scopes = {scope: {"id": scope_id, "action": "GRANT"} for scope, scope_id in flow.scope_ids}
    data: dict[str, Any]
    if grant == "client_credentials":
        context = {
            "request": f._request_ctx("POST", flow.token_url, ip),
            "protocol": {"type": "OAUTH2.0",
                         "request": {"scope": flow.scope, "client_id": client_id, "grant_type": grant},
                         "issuer": {"uri": flow.issuer}, "client": client},
            "policy": policy,
        }
        access = {"claims": {"ver": 1, "jti": "AT." + _urlsafe_chars(r, 43), "iss": flow.issuer,
                             "aud": flow.audience, "cid": client_id, "sub": client_id, "scp": list(scopes)},
                  "token": {"lifetime": {"expiration": 3600}}, "scopes": access_scopes}
        data = {"context": context, "access": access}
        return _token_envelope(f, kind, flow.token_url, data, now)
    user = _person(r.choice(org.users), user)
    password = grant == "password"
    want_id = tokens in ("both", "id_token") and (not password or "openid" in scopes)
    want_access = tokens in ("both", "access_token")
    nonce = rt_jti = None
    if password:  # the token endpoint's request (drawn before the session, as always)
        req = f._request_ctx("POST", flow.token_url, ip)
    else:
        # The /authorize request of the authorization code flow: response_type "code", answered in the query
        # (not the implicit flow's "token id_token" in the fragment).
        chars = _id_chars(r, 22)  # 12 for the state, then 10 for the nonce
        state, nonce = chars[:12], chars[12:]
        drawn = authorize is None
        redirect_uri, response_mode = flow.redirect_uri, "query"
        if authorize is not None:  # the flow's own /authorize request (the draws above are made either way)
            state, nonce = authorize.get("state"), authorize.get("nonce")
            redirect_uri = authorize.get("redirect_uri") or redirect_uri
            response_mode = authorize.get("response_mode") or response_mode
        authorize = {"scope": flow.scope, "state": state, "redirect_uri": redirect_uri,
                     "response_mode": response_mode, "response_type": "code", "client_id": client_id}
    session, session_start = f._session_and_start(user, now)
    auth_time = int(session_start.timestamp())  # == the parsed session createdAt (whole seconds)
    if not password and "offline_access" in scopes:  # a refresh token only for offline_access
        drawn_jti = f._tok("oar", 17)
        rt_jti = refresh_jti or drawn_jti
    if grant == "refresh_token":
        req = f._request_ctx("POST", flow.token_url, ip)
    elif not password:
        if drawn:  # drawn state/nonce use ID_ALPHABET: quoting them would change nothing
            query = f"{flow.query_head}{state}&nonce={nonce}{flow.query_tail}"
        else:
            nonce_q = f"&nonce={quote(nonce, safe='')}" if nonce is not None else ""
            query = (f"{_authorize_query_head(flow.authorize_url, flow.scope, redirect_uri)}"
                     f"{quote(state or '', safe='')}{nonce_q}{flow.query_tail}")
        req = f._request_ctx("GET", query, ip)
    if password or grant == "refresh_token":  # token endpoint calls
        protocol_request: dict[str, Any] = {"scope": flow.scope, "client_id": client_id, "grant_type": grant}
        source = flow.token_url
    else:
        protocol_request, source = authorize, flow.authorize_url
    protocol: dict[str, Any] = {"type": "OAUTH2.0", "request": protocol_request, "issuer": {"uri": flow.issuer},
                                "client": client}
    if grant == "refresh_token":
        protocol[fidelity.TOKEN_ORIGINAL_GRANT_KEY] = {
            "authorization": {**authorize, "grant_type": "authorization_code"},
            "refresh_token": {"jti": rt_jti},
        }
    context = {"request": req, "protocol": protocol, "session": session, "user": f._user_ctx(user, now),
               "policy": policy}
    data = {"context": context}
    if want_id:
        data["identity"] = {"claims": _token_claims_id(f, user, flow.issuer, client_id, nonce, auth_time,
                                                       org.okta_idp_id),
                            "token": {"lifetime": {"expiration": 3600}}}
    if want_access:
        claims = {"ver": 1, "jti": "AT." + _urlsafe_chars(r, 43), "iss": flow.issuer, "aud": flow.audience,
                  "cid": client_id, "uid": user.id, "sub": user.login, "firstName": user.first_name,
                  "preferred_username": user.login}
        if password:
            claims["scp"] = list(scopes)
        data["access"] = {
            "claims": claims,
            "token": {"lifetime": {"expiration": 3600}},
            "scopes": access_scopes,
        }
    if rt_jti is not None:
        data["refresh_token"] = {"jti": rt_jti}
    return _token_envelope(f, kind, source, data, now)


@dataclasses.dataclass(frozen=True, slots=True)
class _TokenFlow:
    """The fixed part of a token request: what one grant at one authorization server, for one client and scope
    set, writes into every request (URLs, scope text, scope ids, policy). Only the draws (app, person, state,
    nonce, session, ids) change from one request to the next."""

    issuer: str
    audience: str
    token_url: str  # the token endpoint: source and request URL of token-endpoint grants
    authorize_url: str  # the /authorize endpoint: source of the code flow
    scopes: tuple[str, ...]
    scope: str  # the scopes as the request's ``scope`` parameter
    scope_ids: tuple[tuple[str, str], ...]  # (scope, scp id) of each granted scope
    policy_id: str
    rule_id: str
    redirect_uri: str  # the client app's callback (the drawn /authorize request's)
    query_head: str  # the drawn /authorize request URL up to its state value
    query_tail: str  # and after its nonce


def _token_flow(f: PayloadFactory, grant: str, auth_server: OrgAuthServer, app: OrgApp,
                scopes: Sequence[str] | None, issuer: str | None, audience: str | None,
                client_id: str | None) -> _TokenFlow:
    """The ``_TokenFlow`` of a token request; computed once per org (``PayloadFactory._derived``) when
    every value comes from the org, else for this request alone (a caller's values are not remembered)."""
    if scopes is None and issuer is None and audience is None and client_id is None:
        return f._derived(("token_flow", grant, auth_server.id, app.id), _new_token_flow, f, grant, auth_server,
                          app, None, None, None, None)
    return _new_token_flow(f, grant, auth_server, app, scopes, issuer, audience, client_id)


def _new_token_flow(f: PayloadFactory, grant: str, auth_server: OrgAuthServer, app: OrgApp,
                    scopes: Sequence[str] | None, issuer: str | None, audience: str | None,
                    client_id: str | None) -> _TokenFlow:
    issuer = issuer or f"{f.org.url}/oauth2/{auth_server.path}"
    server_ids = f._derived(("scope_ids", auth_server.id), dict, auth_server.scopes)
    if scopes is None and grant == "client_credentials":  # the server's custom scopes (a client has no user)
        scopes = [s for s in server_ids if ":" in s]
    elif scopes is None:
        scopes = ["openid", "profile", "email"] + (["offline_access"] if grant == "refresh_token" else [])
    scopes = tuple(scopes)
    scope = " ".join(scopes)
    redirect_uri = f"https://{app.host}/authorization-code/callback"
    authorize_url = f"{issuer}/v1/authorize"
    return _TokenFlow(
        issuer=issuer, audience=audience or auth_server.audience, token_url=f"{issuer}/v1/token",
        authorize_url=authorize_url, scopes=scopes, scope=scope,
        scope_ids=tuple((s, _scope_id(server_ids, s)) for s in scopes), policy_id=auth_server.policy_id,
        rule_id=auth_server.rule_id, redirect_uri=redirect_uri,
        query_head=_authorize_query_head(authorize_url, scope, redirect_uri),
        query_tail=f"&client_id={quote(client_id or app.id, safe='')}")


def _authorize_query_head(authorize_url: str, scope: str, redirect_uri: str) -> str:
    """The /authorize request URL up to its ``state`` value: ``urlencode`` of scope, response_type, redirect_uri,
    state (then nonce, client_id) with ``quote_via=quote``."""
    return (f"{authorize_url}?scope={quote(scope, safe='')}&response_type=code"
            f"&redirect_uri={quote(redirect_uri, safe='')}&state=")


def _token_envelope(f: PayloadFactory, kind: HookKind, source: str, data: dict, now: datetime) -> dict:
    """``PayloadFactory._envelope`` of a token request, keys in the token hook's order (``source`` first)."""
    return {"source": source, "eventId": f.event_id(), "eventTime": f._iso(_whole(now)),
            "eventTypeVersion": "1.0", "cloudEventVersion": "0.1", "contentType": "application/json",
            "eventType": kind.okta_type, "data": data}


def _person(drawn: OrgUser, given: OrgUser | None) -> OrgUser:
    """The given person, else the drawn one (the draw is made either way: the rest of the request is the same)."""
    return given if given is not None else drawn


def _saml_attr(values: list[str], xsi: str = "xs:string") -> dict:
    return {"attributes": {"NameFormat": "urn:oasis:names:tc:SAML:2.0:attrname-format:unspecified"},
            "attributeValues": [{"attributes": {"xsi:type": xsi}, "value": v} for v in values]}


def generate_saml(factory: PayloadFactory, request_type: str | None = None, variant: str | None = None,
                  hook_id: str | None = None, *, user: OrgUser | None = None) -> dict:
    """SAML assertion inline hook request (docs/okta-behaviour.md#saml-assertion-hook). ``variant``:
    ``claims`` (documented shape, with attribute statements) or ``no-claims`` (the 2025 captured shape:
    ``idx`` session, no ``claims``, no ``user._links``)."""
    f, org, r = factory, factory.org, factory.random
    if request_type is not None:
        raise EmulatorUsageError("SAML hooks have no request types; use --variant claims|no-claims instead.")
    kind = get_kind("saml")
    variant = _choose(kind, "variant", variant, kind.variants)
    now = f.clock.now()
    user = _person(r.choice(org.users), user)
    app = r.choice(org.saml_apps)
    sso = f"{org.url}/app/{app.name}/{app.entity_id}/sso/saml"
    oie = variant == "no-claims"
    context = {
        "request": f._request_ctx("GET", sso),
        "protocol": {"type": "SAML2.0", "issuer": {"id": app.id, "name": app.label,
                                                   "uri": f"http://www.okta.com/{app.entity_id}"}},
        "session": f._session_ctx(user, now, oie=oie),
        "user": f._user_ctx(user, now, links=not oie),
    }
    ms = int(now.timestamp() * 1000)
    assertion: dict[str, Any] = {
        "subject": {"nameId": user.login,
                    "nameFormat": "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified",
                    "confirmation": {"method": "urn:oasis:names:tc:SAML:2.0:cm:bearer",
                                     "data": {"recipient": f"https://{app.host}/saml/sso"}}},
        "authentication": {"sessionIndex": f"id{ms}.{r.randint(100_000_000, 999_999_999)}",
                           "authnContext": {"authnContextClassRef":
                                            "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport"}},
        "conditions": {"audienceRestriction": [f"https://{app.host}/saml/metadata"]},
    }
    if not oie:
        groups = [g.name for g in r.sample(org.groups, k=2)]
        assertion["claims"] = {"firstName": _saml_attr([user.first_name]), "lastName": _saml_attr([user.last_name]),
                               "email": _saml_attr([user.email]),
                               "employeeNumber": _saml_attr([user.employee_number], "xs:integer"),
                               "groups": _saml_attr(groups)}
    assertion["lifetime"] = {"expiration": 300}
    return f._envelope(kind, sso, {"context": context, "assertion": assertion},
                       order=("source", "eventId", "eventTime", "data", "eventTypeVersion", "cloudEventVersion",
                              "eventType", "contentType"), now=now)


def generate_registration(factory: PayloadFactory, request_type: str | None = None, variant: str | None = None,
                          hook_id: str | None = None, *, user: OrgUser | None = None) -> dict:
    """Registration inline hook request (docs/okta-behaviour.md#registration-hook):
    ``self.service.registration`` (default) or ``progressive.profile``."""
    f, org, r = factory, factory.org, factory.random
    kind = get_kind("registration")
    rtype = _choose(kind, "request type", request_type, kind.request_types)
    if variant is not None:
        raise EmulatorUsageError("Registration hooks have no variants; choose --request-type "
                                 "self.service.registration or progressive.profile.")
    now = f.clock.now()
    source = hook_id or org.registration_id
    if rtype == "self.service.registration":
        p = r.choice(org.prospects)
        first, last, login = (user.first_name, user.last_name, user.login) if user else (p.first_name, p.last_name,
                                                                                          p.login)
        data: dict[str, Any] = {
            "context": {"request": {"method": "POST", "ipAddress": r.choice(org.clients).ip, "id": f.request_id(),
                                    "url": {"value": "/idp/idx/enroll/new"}}},
            "userProfile": {"firstName": first, "lastName": last, "login": login, "email": login},
            "action": "ALLOW",
        }
    else:
        u = _person(r.choice(org.users), user)
        ctx_user = f._user_ctx(u, now, absolute=False)
        data = {
            "context": {"request": {"method": "POST", "ipAddress": r.choice(org.clients).ip, "id": f.request_id(),
                                    "url": {"value": "/idp/idx/enroll/update"}},
                        "user": {"passwordChanged": ctx_user["passwordChanged"], "_links": ctx_user["_links"],
                                 "profile": ctx_user["profile"], "id": u.id}},
            "action": "ALLOW",
            "userProfileUpdate": {"employeeNumber": str(r.randint(1000, 99999))},
        }
    return f._envelope(kind, source, data, rtype, now=now)


def generate_import(factory: PayloadFactory, request_type: str | None = None, variant: str | None = None,
                    hook_id: str | None = None, *, user: OrgUser | None = None) -> dict:
    """User import inline hook request (docs/okta-behaviour.md#user-import-hook). ``variant``: ``plain``
    (new user, no conflicts), ``conflict`` (login conflicts with an existing user) or ``match`` (matched to an
    existing user; ``data.user.id`` set)."""
    f, org, r = factory, factory.org, factory.random
    if request_type is not None:
        raise EmulatorUsageError("Import hooks have no request types; use --variant plain|conflict|match.")
    kind = get_kind("import")
    variant = _choose(kind, "variant", variant, kind.variants)
    p = r.choice(org.prospects)
    first, last, email, user_name = p.first_name, p.last_name, p.login, p.user_name
    existing = r.choice(org.users)
    if user is not None:  # the imported person: a new login (plain), or the org user it conflicts with / matches
        first, last, email = user.first_name, user.last_name, user.login
        existing = user
    if variant in ("conflict", "match"):
        email = existing.login
    if variant == "match":
        first, last = existing.first_name, existing.last_name
    app = r.choice(org.saml_apps)
    groups = [f"{g.name.lower().replace(' ', '-')}@{org.email_domain}" for g in r.sample(org.groups, k=2)]
    context = {
        "conflicts": ["login"] if variant == "conflict" else [],
        "application": {"name": app.name, "id": app.id, "label": app.label, "status": "ACTIVE"},
        "job": {"id": f.new_id("ij1"), "type": "import:users"},
        "matches": [existing.id] if variant == "match" else [],
        "policy": ["EMAIL", "FIRST_AND_LAST_NAME"],
    }
    app_profile = {"firstName": first, "lastName": last, "mobilePhone": None, "accountType": "PRO",
                   "secondEmail": None, "failProvisioning": None, "failDeprovisioning": None,
                   "externalId": p.external_id, "groups": groups, "userName": user_name, "email": email}
    user_profile = {"lastName": last, "zipCode": None, "city": None, "secondEmail": None, "postAddress": None,
                    "login": email, "firstName": first, "primaryPhone": None, "mobilePhone": None,
                    "streetAddress": None, "countryCode": None, "typeId": None, "state": None, "email": email}
    user: dict[str, Any] = {"profile": user_profile}
    if variant == "match":
        user = {"id": existing.id, "profile": user_profile}
    data = {"context": context, "action": {"result": "LINK_USER" if variant == "match" else "CREATE_USER"},
            "appUser": {"profile": app_profile}, "user": user}
    return f._envelope(kind, hook_id or org.inline_hook_id("import"), data,
                       order=("source", "eventId", "eventTime", "eventTypeVersion", "cloudEventVersion",
                              "eventType", "contentType", "data"))


def generate_password_import(factory: PayloadFactory, request_type: str | None = None, variant: str | None = None,
                             hook_id: str | None = None, *, user: OrgUser | None = None,
                             password: str | None = None) -> dict:
    """Password import inline hook request (docs/okta-behaviour.md#password-import-hook), OIE sign-in URL;
    ``password`` is the credential the user typed (a drawn one otherwise)."""
    f, org, r = factory, factory.org, factory.random
    if request_type is not None or variant is not None:
        raise EmulatorUsageError("Password import hooks have no request types or variants.")
    u = _person(r.choice(org.users), user)
    drawn = _urlsafe_chars(r, r.randint(10, 16)) + "!"
    password = drawn if password is None else password
    data = {"context": {"request": f._request_ctx("POST", "/idp/idx/challenge/answer", req_id=f.request_id()),
                        "credential": {"username": u.login, "password": password}},
            "action": {"credential": "UNVERIFIED"}}
    source = f"{org.url}/api/v1/inlineHooks/{hook_id or org.inline_hook_id('password-import')}"
    return f._envelope("password-import", source, data)


_TELEPHONY_URLS = {
    "com.okta.user.telephony.pre-enrollment": "/idp/idx/credential/enroll",
    "com.okta.user.telephony.mfa-verification": "/idp/idx/challenge",
    "com.okta.user.telephony.account-unlock": "/idp/idx/unlock-account",
    "com.okta.user.telephony.password-reset": "/idp/idx/recover",
}


def generate_telephony(factory: PayloadFactory, request_type: str | None = None, variant: str | None = None,
                       hook_id: str | None = None, *, user: OrgUser | None = None) -> dict:
    """Telephony inline hook request (docs/okta-behaviour.md#telephony-hook) for one of the four request
    types; ``variant`` ``sms`` (default) or ``voice`` (``deliveryChannel`` =
    ``fidelity.TELEPHONY_VOICE_CHANNEL``)."""
    f, org, r = factory, factory.org, factory.random
    kind = get_kind("telephony")
    rtype = _choose(kind, "request type", request_type, kind.request_types)
    variant = _choose(kind, "variant", variant, kind.variants)
    now = f.clock.now()
    u = _person(r.choice(org.users), user)
    otp = f"{r.randint(0, 999_999):06d}"
    message: dict[str, Any] = {"msgTemplate": f"Your verification code is {otp}"}  # voice too (8x8 capture)
    message.update({"phoneNumber": u.mobile_phone, "otpExpires": iso(now + timedelta(minutes=5)),
                    "deliveryChannel": "SMS" if variant == "sms" else fidelity.TELEPHONY_VOICE_CHANNEL,
                    "otpCode": otp, "locale": "EN-US"})
    data = {"context": {"request": f._request_ctx("POST", _TELEPHONY_URLS[rtype])},
            "userProfile": {"firstName": u.first_name, "lastName": u.last_name, "login": u.login, "userId": u.id},
            "messageProfile": message}
    source = f"{org.url}/api/v1/inlineHooks/{hook_id or org.inline_hook_id('telephony')}"
    return f._envelope(kind, source, data, rtype, now=now)
