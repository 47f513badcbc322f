"""Compare the shape of a real Okta hook request with the emulator's own request of the same kind and type.

A *shape* maps every key path of a JSON document (``data.events[].client.ipChain[].ip``; array elements collapse
to ``[]``) to the set of *descriptors* seen there: the JSON type, and for strings the value's format (``uuid-v1``,
``iso8601-ms``, ``00u{17}``, ``email``...) or, for a few keys with small known value sets, the value itself
(``enum:SUCCESS``). ``diff_shapes`` lists each difference between a real shape and ours and classifies it as
``ours-wrong``, ``benign`` (with the reason) or ``unclear``, using the read-only rule table ``RULES``; the real
captures it was built on are listed in ``tests/data/captures/index.json`` (docs/okta-behaviour.md#real-captures).
"""

from __future__ import annotations

import fnmatch
import re
from dataclasses import asdict, dataclass
from typing import Any

from ..errors import EmulatorUsageError
from .catalog import KINDS

Shape = dict[str, set[str]]
SHAPE_FORMAT = "okta-hooks-shape/1"  # marker of a stored shape file (a capture kept as facts only)

# Keys whose string values come from a small known set (or are fixed per event type): the value itself is
# the descriptor, so a different value is a difference.
ENUM_KEYS = frozenset({
    "eventType", "eventTypeVersion", "cloudEventsVersion", "cloudEventVersion", "contentType", "requestType",
    "version", "severity", "result", "displayMessage", "legacyEventType", "type", "method", "status",
    "deliveryChannel", "browser", "device", "zone", "credentialType", "credentialProvider",
    "authenticationProvider", "interface", "threatSuspected", "signOnMode", "initiationType", "action",
    "nameFormat", "response_mode", "response_type", "grant_type", "mfaActive", "locale",
})

_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.(\d+))?(Z|[+-]\d{2}:?\d{2})$")
_SPACE_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(?:\.\d+)?$")
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-([0-9a-f])[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}$", re.I)
_HEX = re.compile(r"^[0-9a-f]{16,}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_OKTA_ID = re.compile(r"^[0-9a-z]{3}[0-9A-Za-z]{17}$")
_TOKEN = re.compile(r"^[A-Za-z0-9_@-]{16,}$")
_JTI = re.compile(r"^(ID|AT|RT)\.[A-Za-z0-9_-]+$")
_IPV4 = re.compile(r"^\d{1,3}(?:\.\d{1,3}){3}$")
_IPV6 = re.compile(r"^[0-9a-fA-F:]+:[0-9a-fA-F:]*$")
# Prefixes of Okta's session / request tokens that are not 20-character ids.
_TOKEN_PREFIXES = ("102", "idx", "trs", "req")
_FRACTIONS = {0: "s", 3: "ms", 6: "us", 9: "ns"}


def string_format(value: str) -> str:
    """The format descriptor of one string value (``iso8601-ms``, ``uuid-v4``, ``00u{17}``, ``email``...)."""
    if m := _ISO.match(value):
        digits = len(m.group(1) or "")
        zone = "" if m.group(2) == "Z" else "-offset"
        return f"iso8601-{_FRACTIONS.get(digits, str(digits))}{zone}"
    if _SPACE_DATETIME.match(value):
        return "datetime-space"
    if m := _UUID.match(value):
        return f"uuid-v{m.group(1)}"
    if _HEX.match(value):
        return f"hex{{{len(value)}}}"
    if _EMAIL.match(value):
        return "email"
    if value.startswith(("https://", "http://")):
        return "url"
    if value.startswith("/"):
        return "path"
    if _IPV4.match(value):
        return "ipv4"
    if _IPV6.match(value) and value.count(":") >= 2:
        return "ipv6"
    if _OKTA_ID.match(value) and any(c.isdigit() for c in value) and any(c.isupper() for c in value):
        return f"{value[:3]}{{17}}"
    if m := _JTI.match(value):
        return f"{m.group(1)}.token"
    if _TOKEN.match(value) and any(c.isdigit() for c in value):
        prefix = value[:3] if value.startswith(_TOKEN_PREFIXES) else ""
        return f"{prefix}token{{{len(value) - len(prefix)}}}"
    if value in ("true", "false"):
        return "bool-string"
    if value.isdigit():
        return "digits"
    return "text"


def describe(key: str, value: Any) -> str:
    """The descriptor of one scalar (or container) value found under ``key``."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"enum:{str(value).lower()}" if key in ENUM_KEYS else "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "float"
    if isinstance(value, dict):
        return "object" if value else "object(empty)"
    if isinstance(value, list):
        return "array" if value else "array(empty)"
    if key in ENUM_KEYS and len(value) <= 80:
        return f"enum:{value}"
    return f"string:{string_format(value)}"


def flatten(document: Any, prefix: str = "") -> Shape:
    """The shape of a JSON document: key path -> descriptors. Array elements are merged under ``[]``."""
    shape: Shape = {}
    _walk(document, prefix, "", shape)
    return shape


def _walk(value: Any, path: str, key: str, shape: Shape) -> None:
    if path:
        shape.setdefault(path, set()).add(describe(key, value))
    if isinstance(value, dict):
        for k, v in value.items():
            _walk(v, f"{path}.{k}" if path else k, k, shape)
    elif isinstance(value, list):
        for item in value:
            _walk(item, f"{path}[]", key, shape)


def shape_to_json(shape: Shape) -> dict[str, list[str]]:
    """A shape as JSON (sorted paths, sorted descriptor lists)."""
    return {path: sorted(shape[path]) for path in sorted(shape)}


def shape_from_json(data: dict[str, list[str]]) -> Shape:
    """The inverse of ``shape_to_json``."""
    return {path: set(descriptors) for path, descriptors in data.items()}


# ---- classification ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Rule:
    """One read-only classification rule: the first rule whose pattern, kinds and origins match decides."""

    pattern: str  # fnmatch pattern over the key path
    kinds: tuple[str, ...]  # "missing" (Okta sends, we don't), "extra", "type", "format", "value"
    verdict: str  # "ours-wrong" | "benign" | "unclear"
    reason: str
    origins: tuple[str, ...] = ()  # empty: any origin ("delivery", "system-log", "inline")
    # non-empty: the rule applies only when the real descriptors are among these and ours among ``ours``
    real: tuple[str, ...] = ()
    ours: tuple[str, ...] = ()


_ALL = ("missing", "extra", "type", "format", "value")

# The rule table. Each entry says why; "capture:" names the capture id in tests/data/captures/index.json.
RULES: tuple[Rule, ...] = (
    # Event deliveries carry no top-level `request`: the chain is in client.ipChain only
    # (captures: cru-alb-*, cru-sns-*). The System Log API keeps it (captures: elastic-*).
    Rule("request", ("extra",), "ours-wrong", "event deliveries carry no top-level `request`", ("delivery",)),
    Rule("request.*", ("extra",), "ours-wrong", "event deliveries carry no top-level `request`", ("delivery",)),
    Rule("data.events[].request", ("extra",), "ours-wrong", "event deliveries carry no top-level `request`"),
    Rule("data.events[].request.*", ("extra",), "ours-wrong", "event deliveries carry no top-level `request`"),
    # Profile attributes, claims and scopes are per org / per app; SAML attribute names are per app.
    Rule("*profile.*", _ALL, "benign", "org-specific or custom profile attribute"),
    Rule("data.userProfile.*", ("extra", "missing"), "benign", "org-specific profile attribute"),
    Rule("data.identity.claims.*", ("missing", "extra"), "benign", "custom claim / claim set of the app"),
    Rule("data.access.claims.*", ("missing", "extra"), "benign", "custom claim / claim set of the app"),
    Rule("data.access.scopes.*", ("missing", "extra"), "benign", "the client's requested scopes"),
    Rule("data.assertion.claims*", ("missing", "extra"), "benign", "the app's attribute statements"),
    Rule("*target[].detailEntry*", ("missing", "extra", "type"), "benign", "target detail depends on the target"),
    # Geo data exists only when Okta can place the IP (captures: cru-sns-user-lifecycle-deactivate has none).
    Rule("*geographicalContext*", ("missing", "extra", "type"), "benign", "geo data depends on the IP"),
    Rule("*client.userAgent*", ("missing", "extra"), "benign", "no user agent on events Okta raises itself"),
    Rule("*client.ipChain[]*", ("missing", "extra"), "benign", "no IP chain on events Okta raises itself"),
    # Values that legitimately vary from one event of a type to the next (the value set is right).
    Rule("*.browser", ("value",), "benign", "depends on the caller's browser"),
    Rule("*.device", ("value",), "benign", "depends on the caller's device"),
    Rule("*.locale", ("value",), "benign", "depends on the user"),
    Rule("*transaction.type", ("value",), "benign", "WEB for API/browser calls, JOB for background jobs"),
    Rule("*actor.type", ("value",), "unclear", "actor depends on who triggered the event"),
    Rule("*target[].type", ("value",), "unclear", "targets depend on the event"),
    Rule("*outcome.result", ("value",), "benign", "outcome of this instance"),
    Rule("*outcome.reason", ("missing", "extra", "type"), "benign", "outcome reason of this instance"),
    # Okta's request ids were 27 characters until 2023 and are 32 hex since 2024 (captures: cru-alb-* 2019-2021,
    # elastic-* 2020-2023 vs panther-login-signal-2 2024, dzsudas-saml 2025); we send the current form
    # (fidelity.REQUEST_ID_FORMAT). Only that pair is benign: any other id format is still ours-wrong.
    *(Rule(path, ("format",), "benign", "Okta's request-id format before 2024 (27 characters); ours is the "
           "current one (32 hex)", real=("string:token{27}", "string:hex{32}"), ours=("string:hex{32}",))
      for path in ("*transaction.id", "*debugData.requestId", "*debugData.authnRequestId", "data.context.request.id")),
    # Sessions: Classic Engine 102..., Identity Engine idx..., API tokens and Okta's own work trs... (captures:
    # elastic-user-session-start 2020 vs panther-login-signal-2 2024); we model an Identity Engine org
    # (fidelity.USER_SESSION_PREFIX).
    Rule("*authenticationContext.externalSessionId", ("format",), "benign",
         "a Classic Engine session (102...); ours is an Identity Engine org's (idx...)",
         real=("string:102token{22}", "string:trstoken{22}", "string:idxtoken{22}"),
         ours=("string:idxtoken{22}", "string:trstoken{22}")),
    # One id per event hook the event is delivered to: a comma-separated list when several hooks subscribe
    # (capture: cru-alb-user-account-update-profile).
    Rule("*debugData.targetEventHookIds", ("format",), "benign",
         "a comma-separated list when the event goes to several event hooks", ours=("string:who{17}",)),
    # Classic sign-ins carry no target (elastic-user-session-start 2020, -2022); Identity Engine ones name the
    # authenticator enrollment and the app (panther-login-signal-2, 2024): ours is the latter.
    Rule("target", ("type",), "benign", "a Classic Engine sign-in has no targets; ours is an Identity Engine one",
         origins=("system-log",), real=("null",), ours=("array",)),
    # securityContext stays null when Okta cannot place the IP (elastic-user-session-end).
    Rule("*securityContext.*", ("type",), "benign", "null when Okta has no network data for the IP",
         real=("null",)),
    # Okta Verify push names Okta's credential provider; WebAuthn has none (captures:
    # elastic-user-authentication-auth-via-mfa-push vs -webauthn).
    Rule("*authenticationContext.credentialProvider", ("type",), "benign", "null for a factor without a "
         "credential provider (WebAuthn)", real=("null",)),
    # Our variant (sms / voice) is matched to the capture's, so a different literal is ours (capture:
    # 8x8-telephony-voice sends "Voice").
    Rule("*deliveryChannel", ("value",), "ours-wrong", "same channel, a different literal"),
    # Fixed per event type: Okta's message and legacy type are the same on every event of the type.
    Rule("*displayMessage", ("value",), "ours-wrong", "displayMessage is fixed per event type"),
    Rule("*legacyEventType", ("value", "type"), "ours-wrong", "legacyEventType is fixed per event type"),
    # The SP's audience is whatever the app is configured with (capture: dzsudas-saml, "IAMShowcase").
    Rule("data.assertion.conditions.audienceRestriction[]", ("format",), "benign",
         "the app's configured audience: any string"),
    # 2019 registration capture (cru-alb-registration) has `"action": null` and no requestType; Okta's 2022
    # reference shows both. Okta may have changed the request since: not decided by the corpus.
    Rule("data.action", ("type",), "unclear", "null in the 2019 capture, a value in Okta's later docs"),
    # debugData keys depend on the flow; a key Okta sends is something a hook may read.
    Rule("*debugContext.debugData.*", ("extra",), "unclear", "debugData keys depend on the flow"),
)


@dataclass(frozen=True)
class Difference:
    """One difference between a real shape and ours."""

    path: str
    kind: str  # missing | extra | type | format | value
    real: tuple[str, ...]  # descriptors in the real request ("" when absent)
    ours: tuple[str, ...]
    verdict: str  # ours-wrong | benign | unclear
    reason: str

    def as_dict(self) -> dict[str, Any]:
        """JSON-friendly form."""
        data = asdict(self)
        data["real"], data["ours"] = list(self.real), list(self.ours)
        return data


def _kind_of(real: set[str], ours: set[str]) -> str | None:
    """The kind of difference between two descriptor sets at one path, or None when ours covers the real one."""
    compatible = {"array(empty)": "array", "object(empty)": "object", "array": "array(empty)",
                  "object": "object(empty)"}
    left = {d for d in real if d not in ours and compatible.get(d) not in ours}
    if not left:
        return None
    if not _types(left) <= _types(ours):
        return "type"
    if any(d.startswith("enum:") for d in left):
        return "value"
    return "format"


def _types(descriptors: set[str]) -> set[str]:
    # enum values are strings (or booleans: enum:true/false); "array(empty)" is an array
    names = {"enum:true": "bool", "enum:false": "bool"}
    return {names.get(d) or ("string" if d.startswith("enum:") else d.split(":", 1)[0].split("(", 1)[0])
            for d in descriptors}


def _only_null(descriptors: set[str]) -> bool:
    return descriptors == {"null"}


def _under_absent(path: str, own: Shape, other: Shape) -> bool:
    """True when an ancestor of ``path`` that ``own`` has is absent from ``other``: only the top of an absent
    subtree is reported."""
    parent = path
    while "." in parent or parent.endswith("[]"):
        parent = parent[:-2] if parent.endswith("[]") else parent.rsplit(".", 1)[0]
        if parent in own and parent not in other:
            return True
    return False


def classify(path: str, kind: str, real: set[str], ours: set[str], origin: str,
             rules: tuple[Rule, ...] = RULES) -> tuple[str, str]:
    """The verdict and reason for one difference."""
    if kind == "format" and {"string:datetime-space"} & real:
        # A SIEM rewrites timestamps when it stores events (Panther: "2024-05-02 18:46:21.121000000"); Okta's
        # own format is ISO 8601 (capture: cru-alb-user-lifecycle-create).
        return "benign", "timestamp rewritten by the SIEM that stored the event"
    if kind == "missing" and _only_null(real):
        return "benign", "null in the real request, omitted by us (reading it gives null/undefined either way)"
    if kind == "extra" and _only_null(ours):
        return "benign", "null omitted by Okta (its delivery serializer drops null fields)"
    if kind in ("missing", "extra") and (real | ours) <= {"object(empty)", "array(empty)"}:
        return "benign", "empty container"
    for rule in rules:
        if kind in rule.kinds and (not rule.origins or origin in rule.origins) \
                and (not rule.real or real <= set(rule.real)) and (not rule.ours or ours <= set(rule.ours)) \
                and fnmatch.fnmatchcase(path, rule.pattern):
            return rule.verdict, rule.reason
    if kind == "extra":
        return "unclear", "we send it; this capture does not (optional field, or ours is wrong)"
    if kind == "value":
        return "unclear", "a different value from a small set; may be right for another instance"
    return "ours-wrong", {"missing": "Okta sends it; we never do", "type": "a different JSON type",
                          "format": "a different value format"}[kind]


def diff_shapes(real: Shape, ours: Shape, *, origin: str = "inline") -> list[Difference]:
    """Every difference between the real shape and ours, classified; sorted by path. ``origin`` is
    ``delivery`` (an event hook POST or one event from it), ``system-log`` (an event read from the System Log
    API) or ``inline``."""
    out: list[Difference] = []
    for path in sorted(set(real) | set(ours)):
        r, o = real.get(path, set()), ours.get(path, set())
        if not o:
            if _under_absent(path, real, ours):
                continue
            kind = "missing"
        elif not r:
            if _under_absent(path, ours, real):
                continue
            kind = "extra"
        else:
            found = _kind_of(r, o)
            if found is None:
                continue
            kind = found
        verdict, reason = classify(path, kind, r, o, origin)
        out.append(Difference(path, kind, tuple(sorted(r)), tuple(sorted(o)), verdict, reason))
    return out


# ---- what to compare a capture with ------------------------------------------------------------------------

@dataclass(frozen=True)
class Counterpart:
    """What a captured document is: its origin and the kind / event types / request type / variant to
    generate for comparison."""

    origin: str  # delivery | system-log | inline
    kind: str  # event | token | saml | registration | import | password-import | telephony
    event_types: tuple[str, ...] = ()
    request_type: str | None = None
    variant: str | None = None


_BY_OKTA_TYPE = {k.okta_type: k.name for k in KINDS.values()}


def identify(document: dict, origin: str | None = None) -> Counterpart:
    """Work out what a real request (an event hook body, one LogEvent, or an inline hook body) is."""
    if not isinstance(document, dict):
        raise EmulatorUsageError("A capture must be a JSON object (a hook request body or one System Log event).")
    event_type = document.get("eventType")
    if event_type == "com.okta.event_hook":
        types = tuple(e.get("eventType") for e in (document.get("data") or {}).get("events") or [])
        return Counterpart("delivery", "event", types)
    if event_type in _BY_OKTA_TYPE:
        kind = _BY_OKTA_TYPE[event_type]
        data = document.get("data") or {}
        request_type, variant = document.get("requestType"), None
        if kind == "saml":
            variant = "claims" if (data.get("assertion") or {}).get("claims") else "no-claims"
        elif kind == "telephony":
            channel = str((data.get("messageProfile") or {}).get("deliveryChannel", "SMS"))
            variant = "sms" if channel.upper() == "SMS" else "voice"
        elif kind == "import":
            ctx = data.get("context") or {}
            variant = "match" if ctx.get("matches") else "conflict" if ctx.get("conflicts") else "plain"
        elif kind == "token":
            grant = ((data.get("context") or {}).get("protocol") or {}).get("request", {}).get("grant_type")
            request_type = grant if grant in ("client_credentials", "refresh_token") else "authorization_code"
        return Counterpart("inline", kind, (), request_type, variant)
    if isinstance(event_type, str) and "uuid" in document and "published" in document:
        if origin is None:
            delivered = "targetEventHookIds" in ((document.get("debugContext") or {}).get("debugData") or {})
            origin = "delivery" if delivered or "request" not in document else "system-log"
        return Counterpart(origin, "event", (event_type,))
    raise EmulatorUsageError("Not a hook request: expected eventType com.okta.event_hook, an inline hook type, "
                             "or one System Log event (uuid, published, eventType).")


def _matching_event(factory: Any, event_type: str, real: dict | None, seed: int, origin: str) -> dict:
    """Our event of ``event_type`` as ``origin`` shows it (a delivered event has no ``request``); when the real
    actor is Okta itself (SystemPrincipal), ours is too, so that who raised the event does not show up as a
    difference."""
    from .generate import delivered_event, system_principal

    factory.reseed(seed)
    wanted = ((real or {}).get("actor") or {}).get("type")
    actor = system_principal(factory.org) if wanted == "SystemPrincipal" else None
    event = factory.log_event(event_type, actor=actor)
    return delivered_event(event, factory.org.event_hook_ids[0]) if origin == "delivery" else event


def compare(document: dict | None, factory: Any, *, shape: Shape | None = None,
            counterpart: Counterpart | None = None) -> list[Difference]:
    """Diff a real request (or a stored ``shape`` with its ``counterpart``) against ours from ``factory`` (a
    ``PayloadFactory``; it is re-seeded from its current seed when looking for a comparable event)."""
    from .event_types import event_types

    what = counterpart or identify(document or {})
    seed = factory.seed
    if what.kind != "event":
        ours = flatten(factory.inline_request(what.kind, request_type=what.request_type, variant=what.variant))
        real = shape if shape is not None else flatten(document)
        return diff_shapes(real, ours, origin="inline")
    unknown = sorted({t for t in what.event_types if t not in event_types()})
    if unknown:
        raise EmulatorUsageError(f"Not generated: {', '.join(unknown)} is not an event-hook-eligible type.")
    if document is not None and document.get("eventType") == "com.okta.event_hook":
        envelope = dict(document, data={"events": []})
        found = {(d.path, d.kind): d for d in diff_shapes(flatten(envelope), flatten(factory.event_hook_envelope([])),
                                                          origin="delivery")}
        for event in document["data"]["events"]:
            mine = _matching_event(factory, event["eventType"], event, seed, "delivery")
            for d in diff_shapes(flatten(event, "data.events[]"), flatten(mine, "data.events[]"), origin="delivery"):
                found.setdefault((d.path, d.kind), d)
        return sorted(found.values(), key=lambda d: (d.path, d.kind))
    # One delivered event is an element of data.events[]: name its paths so, like those of a whole delivery.
    prefix = "data.events[]" if what.origin == "delivery" else ""
    real = shape if shape is not None else flatten(document, prefix)
    actor_type = real.get(f"{prefix}.actor.type" if prefix else "actor.type", set())
    real_actor = {"type": next((d[5:] for d in actor_type if d.startswith("enum:")), None)}
    ours = flatten(_matching_event(factory, what.event_types[0], document or {"actor": real_actor}, seed,
                                   what.origin), prefix)
    return diff_shapes(real, ours, origin=what.origin)
