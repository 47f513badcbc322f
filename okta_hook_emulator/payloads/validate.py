"""Check hook requests and responses against Okta's documented contract.

Two layers, both reported as :class:`Problem` objects (never raised):

* JSON Schema 2020-12 files under ``payloads/schemas/`` (one per shape, shared parts in ``common.json``).
  A schema node may carry ``x-rule`` (the rule name a failure maps to) and ``x-message`` (Okta-worded text);
  both may be a string or an object keyed by the failing JSON Schema keyword. jsonschema-rs answers "valid?"
  first; only a body it rejects goes through jsonschema (the Python library), which words every problem.
* Semantic rules a schema can't express (reserved claims, token lifetime, claims that must exist in the
  request, SSR-only / progressive-profile-only commands, ``LINK_USER`` + ``com.okta.user.update``, size). Each
  kind names its rule functions in ``payloads/catalog.py`` (``HookKind.rules``); a rule function is
  ``rules(body, request) -> list[Problem]`` and must not raise for any JSON value.

Every rule name is listed with a one-line description in :data:`RULES`.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from .. import wire_json
from ..errors import EmulatorUsageError, did_you_mean
from ..fidelity import (
    MAX_RESPONSE_BYTES,
    NULL_MEANS_ABSENT,
    SAML_REPLACE_NEEDS_EXISTING_PATH,
    TOKEN_LIFETIME_REMOVABLE,
)
from .catalog import HookKind, get_kind, kinds

if TYPE_CHECKING:  # jsonschema is imported lazily: its format extras take a second to import
    import jsonschema_rs
    from jsonschema import Draft202012Validator
    from referencing import Registry

SCHEMA_BASE = "https://okta-hook-emulator.invalid/schemas/"

RULES: dict[str, str] = {
    # generic
    "schema": "The body doesn't match the documented JSON shape (see payloads/schemas/).",
    "invalid_json": "The body isn't JSON (Okta: 'Could not deserialize inline hook response').",
    # requests
    "envelope_field": "A required envelope field (source, eventId, eventTime, eventTypeVersion, ...) is missing or wrong.",
    "cloud_event_version": "Inline hooks send 'cloudEventVersion'; event hooks send 'cloudEventsVersion' (with s).",
    "event_type": "The request eventType doesn't match the hook kind.",
    "request_type": "Top-level requestType is missing or not one this hook kind sends.",
    "timestamp_format": "Timestamps are ISO-8601 UTC strings such as 2019-01-15T23:20:47.000Z.",
    "token_request_no_tokens": "A token hook request carries data.identity and/or data.access.",
    # every inline response
    "response_not_object": "The response body must be a JSON object.",
    "response_too_large": "The size of the response payload must be less than 256 KB.",
    "commands_not_list": "'commands' must be an array.",
    "command_shape": "Each command is an object with 'type' and 'value'.",
    "unknown_command": "The command type isn't one this hook kind accepts.",
    "error_shape": "'error' is an object {errorSummary, errorCauses[{errorSummary, reason, locationType, location, domain}]}.",
    "debug_context_shape": "'debugContext' must be a JSON object.",
    # patch commands (token, SAML)
    "patch_ops_not_list": "The value of a patch command is an array of operations.",
    "patch_op_shape": "Each patch operation is an object with 'op' and 'path' (and 'value').",
    "patch_value_required": "add and replace operations need a 'value'.",
    "invalid_op": "The operation isn't supported here (token: add/replace/remove; SAML: add/replace).",
    "invalid_path": "The path isn't one Okta accepts for this hook kind.",
    "claim_not_in_request": "replace/remove target a claim or element that isn't in the request (needs the request).",
    # token
    "reserved_claim": "The claim is reserved for this token type and can't be added, modified or removed.",
    "aud_sub_access_only": "'aud' and 'sub' can be modified in access tokens only, never in ID tokens.",
    "lifetime_range": "Token lifetime (/token/lifetime/expiration) must be 300-86400 seconds.",
    "remove_value_not_null": "A remove operation's value must be absent or null.",
    "token_not_in_request": "A patch command targets a token that wasn't requested (needs the request).",
    # SAML
    "saml_no_remove": "SAML assertion hooks have no remove operation.",
    "saml_session_lifetime": "/authentication/sessionLifetime takes a positive whole number of seconds.",
    "saml_claim_value": "A new /claims/<name> attribute is {attributes{NameFormat}, attributeValues[{attributes, value}]}.",
    # registration
    "registration_action_value": "com.okta.action.update takes {\"registration\": \"ALLOW\" | \"DENY\"}.",
    "profile_value_shape": "A profile update's value is an object of attribute names to values.",
    "profile_no_password": "A registration profile update can't set the password.",
    "profile_update_ssr_only": "com.okta.user.profile.update is for self-service registration only (needs the request).",
    "progressive_profile_update_pp_only":
        "com.okta.user.progressive.profile.update is for progressive profile only (needs the request).",
    # import
    "import_action_value": "com.okta.action.update takes {\"result\": \"CREATE_USER\" | \"LINK_USER\"}.",
    "user_update_needs_id": "com.okta.user.update takes {\"id\": \"<Okta user id>\"}.",
    "link_user_needs_user_update": "LINK_USER needs a com.okta.user.update command that sets the user id.",
    # password import
    "password_credential_value": "com.okta.action.update takes {\"credential\": \"VERIFIED\" | \"UNVERIFIED\"}.",
    # telephony
    "telephony_value_not_list": "com.okta.telephony.action's value is an array of results.",
    "telephony_status_required": "Every value[] entry needs a status (the required properties are type and value.status).",
    "telephony_status_value": "value[].status is SUCCESSFUL, PENDING or FAILED.",
    # event hook verification
    "verification_missing": "The verification answer is {\"verification\": \"<challenge>\"}.",
    "verification_mismatch": "'verification' doesn't equal the X-Okta-Verification-Challenge value (needs the challenge).",
}

# Reserved claims (docs/okta-behaviour.md#reserved-claims).
RESERVED_BOTH = frozenset({"acr", "auth_time", "cid", "cnf", "exp", "groups", "iat", "iss", "jti", "sid",
                           "token_type", "ver"})
RESERVED_ID_ONLY = frozenset({
    "active", "aid", "amr", "app_id", "app_type", "at_hash", "aud", "c_hash", "client_id", "client_ip",
    "client_req_id", "client_type", "client_user_agent", "device_compliance", "device_id", "device_known",
    "device_managed", "device_name", "device_trust", "did", "dst", "group", "hotk", "idp", "idp_iss", "mac_key",
    "may_act", "nonce", "oid", "okta_emailVerified", "okta_lastUpdated", "orig", "permissions", "purpose",
    "pwd_exp_days", "pwd_exp_time", "rid", "role", "scope", "scopes", "sub", "term", "user_ip"})
RESERVED_ACCESS_ONLY = frozenset({"as_uri", "authorization_details", "rpt", "rsi", "scp", "uid", "username"})
LIFETIME_PATH = "/token/lifetime/expiration"
LIFETIME_MIN, LIFETIME_MAX = 300, 86400

_TOKEN_COMMANDS = MappingProxyType({"com.okta.identity.patch": "identity", "com.okta.access.patch": "access"})
_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a body: where (JSON path such as ``$.commands[0].value[1].op``), which rule, why.

    ``severity`` is ``"error"`` (Okta refuses the answer: :func:`validate_response`) or ``"warning"`` (Okta likely
    ignores it, but a tester wants it pointed out: :func:`response_warnings`)."""

    path: str
    rule: str
    message: str
    severity: str = ERROR

    @property
    def is_warning(self) -> bool:
        return self.severity == WARNING

    def to_dict(self) -> dict[str, str]:
        """``{"path", "rule", "message"}``, plus ``"severity": "warning"`` for a warning."""
        out = {"path": self.path, "rule": self.rule, "message": self.message}
        if self.is_warning:
            out["severity"] = WARNING
        return out

    def __str__(self) -> str:
        label = "warning " if self.is_warning else ""
        return f"{self.path}: {label}[{self.rule}] {self.message}"


# ---------------------------------------------------------------------------------------------- schemas

@functools.cache
def _schema_texts() -> tuple[tuple[str, str], ...]:
    folder = resources.files("okta_hook_emulator.payloads") / "schemas"
    return tuple(sorted((p.name, p.read_text(encoding="utf-8")) for p in folder.iterdir()
                        if p.name.endswith(".json")))


def schema_names() -> list[str]:
    """File names of every packaged schema (``common.json``, ``token_request.json``, ...)."""
    return [name for name, _ in _schema_texts()]


def _schema_text(name: str) -> str | None:
    """A packaged schema by file name, or a third-party kind's by ``"package:path.json"``."""
    package, sep, path = name.rpartition(":")
    if not sep:
        return dict(_schema_texts()).get(name)
    try:
        return resources.files(package).joinpath(*path.split("/")).read_text(encoding="utf-8")
    except (ImportError, OSError, TypeError, ValueError):
        return None


def load_schema(name: str) -> dict[str, Any]:
    """A fresh copy of one schema: a packaged one by file name, a third-party kind's by ``"package:path.json"``."""
    text = _schema_text(name)
    if text is None:
        raise EmulatorUsageError(f"No schema named '{name}'.{did_you_mean(name, schema_names())}")
    return json.loads(text)


@functools.cache
def _documents() -> tuple[tuple[str, dict[str, Any]], ...]:
    """``($id, schema)`` of every document a ``$ref`` may name: the packaged schemas, then the ones the
    registered third-party kinds name."""
    texts = dict(_schema_texts())
    for kind in kinds().values():
        for name in (kind.request_schema, kind.response_schema):
            if name and name not in texts:
                text = _schema_text(name)
                if text is not None:
                    texts[name] = text
    documents = []
    for text in texts.values():
        contents = json.loads(text)
        if isinstance(contents, dict) and isinstance(contents.get("$id"), str):
            documents.append((contents["$id"], contents))
    return tuple(documents)


@functools.cache
def _registry() -> Registry:
    from referencing import Registry, Resource

    return Registry().with_resources((uri, Resource.from_contents(doc)) for uri, doc in _documents())


@functools.cache
def _validator(name: str) -> Draft202012Validator:
    from jsonschema import Draft202012Validator

    schema = load_schema(name)
    return Draft202012Validator(schema, registry=_registry(), format_checker=Draft202012Validator.FORMAT_CHECKER)


# jsonschema resolves every ``$ref`` through its registry on each call, which costs far more than the check
# itself; jsonschema-rs compiles each schema once (``$ref``s resolved through its own read-only registry of the
# same documents). It is only a gate: a body it accepts has no schema problem; for anything else jsonschema
# reports the problems, so every rule, path and message is jsonschema's own.

@functools.cache
def _gate_registry() -> jsonschema_rs.Registry:
    import jsonschema_rs

    return jsonschema_rs.Registry(list(_documents()))


@functools.cache
def _gate(name: str) -> jsonschema_rs.Validator:
    """The jsonschema-rs Draft 2020-12 validator of one schema, built on first use."""
    import jsonschema_rs

    return jsonschema_rs.Draft202012Validator(load_schema(name), registry=_gate_registry(), validate_formats=True)


def _schema_valid(schema_name: str, body: Any) -> bool:
    """True only when ``body`` surely has no schema problem (jsonschema-rs accepts it)."""
    try:
        return _gate(schema_name).is_valid(body)
    except Exception:  # noqa: BLE001 - e.g. a value JSON can't hold or a very deep body: jsonschema reports it
        return False


def _json_path(parts: Any) -> str:
    out = "$"
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        elif _IDENT.match(str(part)):
            out += f".{part}"
        else:
            out += "[" + json.dumps(str(part)) + "]"
    return out


_PATH_SEGMENT = re.compile(r'\.([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]')


def _path_parts(path: str) -> list[Any]:
    """The inverse of :func:`_json_path`: ``$.commands[0]["a.b"]`` -> ``["commands", 0, "a.b"]``."""
    parts: list[Any] = []
    for match in _PATH_SEGMENT.finditer(path, 1):
        name, index, quoted = match.groups()
        parts.append(name if name is not None else int(index) if index is not None else json.loads(quoted))
    return parts


def _short(value: Any, limit: int = 60) -> str:
    try:
        text = json.dumps(value)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _annotation(schema: Any, key: str, keyword: str) -> str | None:
    if not isinstance(schema, dict):
        return None
    value = schema.get(key)
    if isinstance(value, dict):
        value = value.get(keyword)
    return value if isinstance(value, str) else None


_JSON_TYPES = MappingProxyType({dict: "an object", list: "an array", str: "a string", bool: "a boolean",
                                int: "a number", float: "a number", type(None): "null"})


def json_type(value: Any) -> str:
    """``value``'s JSON type in words ("an object", "a string", "null"...), never a Python type name."""
    return _JSON_TYPES.get(type(value), "a value JSON can't hold")


def _detail(error: Any) -> str:
    """jsonschema's message for the common keywords, reworded with JSON values (jsonschema writes Python
    values: ``None is not of type 'object'``)."""
    keyword, expected, instance = error.validator, error.validator_value, error.instance
    if keyword == "required" and isinstance(instance, dict):
        missing = [name for name in expected if name not in instance]
        if missing:
            return f"{json.dumps(missing[0])} is a required property"
    if keyword == "type":
        names = expected if isinstance(expected, list) else [expected]
        return f"expected {' or '.join(str(n) for n in names)}, got {json_type(instance)}"
    if keyword == "enum" and isinstance(expected, list):
        return f"{_short(instance)} is not one of {', '.join(_short(v) for v in expected)}"
    if keyword == "const":
        return f"expected {_short(expected)}, got {_short(instance)}"
    if keyword in ("minLength", "maxLength", "minItems", "maxItems"):
        return f"{_short(instance)} is too {'short' if keyword.startswith('min') else 'long'}"
    if keyword in ("minimum", "maximum"):
        return f"{_short(instance)} is {'less' if keyword == 'minimum' else 'greater'} than {_short(expected)}"
    if keyword == "pattern":
        return f"{_short(instance)} does not match {_short(expected)}"
    if keyword == "format":
        return f"{_short(instance)} is not a {expected}"
    if keyword == "not":
        return f"{_short(instance)} is not allowed here"
    if keyword == "additionalProperties" and isinstance(instance, dict):
        return "unexpected properties: " + ", ".join(json.dumps(k) for k in instance)
    return error.message


def _schema_problems(schema_name: str, body: Any) -> list[Problem]:
    found: list[Problem] = []
    if _schema_valid(schema_name, body):
        return found
    for error in _validator(schema_name).iter_errors(body):
        parts = list(error.absolute_path)
        if error.validator == "required" and isinstance(error.instance, dict):
            missing = [p for p in error.validator_value
                       if p not in error.instance and error.message.startswith(f"{p!r} ")]
            if missing:
                parts.append(missing[0])
        rule = _annotation(error.schema, "x-rule", str(error.validator)) or "schema"
        detail = _detail(error)
        template = _annotation(error.schema, "x-message", str(error.validator))
        message = template.replace("{detail}", detail).replace("{value}", _short(error.instance)) if template else detail
        found.append(Problem(_json_path(parts), rule, message))
    return found


def _sort_key(parts: list[Any]) -> tuple:
    return tuple((0, p, "") if isinstance(p, int) else (1, 0, str(p)) for p in parts)


# ---------------------------------------------------------------------------------------------- public API

def validate_request(kind: str | HookKind, body: Any) -> list[Problem]:
    """Every problem with a request body Okta would send for ``kind`` (short name, Okta type or ``HookKind``)."""
    hook = get_kind(kind)
    return _finish(_schema_problems(hook.request_schema, body))


def validate_response(kind: str | HookKind, body: Any, request: Any = None, *,
                      size: int | None = None) -> list[Problem]:
    """Every problem with a hook's parsed JSON answer for ``kind``; ``[]`` means Okta would accept it.

    ``request`` (the request body that was sent) enables the rules that compare against it; for the event hook
    kind it may be the verification challenge string. ``size`` is the answer's size in bytes when the caller
    has the raw body (otherwise it is measured by re-encoding ``body``). Never raises for any JSON value.
    """
    hook = get_kind(kind)
    if size is None:
        size = _size_of(body)  # of the answer as sent, nulls included
    body = without_absent_nulls(body) if hook.inline else body
    found = _schema_problems(hook.response_schema, body)
    if size is not None:
        problem = response_size_problem(size)
        if problem is not None:
            found.append(problem)
    for rules in hook.resolve("rules"):
        found.extend(rules(body, request))
    return _finish(found)


def without_absent_nulls(body: Any) -> Any:
    """``body`` without the ``null`` members Okta's deserializer treats as absent
    (``fidelity.NULL_MEANS_ABSENT``: ``"error": null`` on success is no error); anything else is kept as sent."""
    if not isinstance(body, dict):
        return body
    out = {k: v for k, v in body.items() if not (v is None and k in NULL_MEANS_ABSENT)}
    error = out.get("error")
    if isinstance(error, dict):
        error = {k: v for k, v in error.items() if not (v is None and f"error.{k}" in NULL_MEANS_ABSENT)}
        causes = error.get("errorCauses")
        if isinstance(causes, list):
            error["errorCauses"] = [
                {k: v for k, v in c.items() if not (v is None and f"error.errorCauses[].{k}" in NULL_MEANS_ABSENT)}
                if isinstance(c, dict) else c for c in causes]
        out["error"] = error
    return out


def response_warnings(kind: str | HookKind, body: Any, request: Any = None) -> list[Problem]:
    """What Okta likely ignores in a hook's answer but a tester wants pointed out (unknown keys, an import
    action that contradicts the request, profile values of the wrong type): ``Problem`` objects with
    ``severity="warning"``. They never change a verdict. Never raises for any JSON value."""
    from .answer_warnings import warnings_for

    hook = get_kind(kind)
    if not hook.inline:
        return []
    return _finish(warnings_for(hook, without_absent_nulls(body), request))


def validate_against(schema_name: str, body: Any) -> list[Problem]:
    """Schema-only check of ``body`` against one packaged schema file (e.g. ``log_event.json``)."""
    load_schema(schema_name)  # did-you-mean on a wrong name
    return _finish(_schema_problems(schema_name, body))


def validate_response_text(kind: str | HookKind, text: str | bytes, request: Any = None) -> list[Problem]:
    """Like :func:`validate_response` for a raw body: reports size and JSON parse errors too."""
    hook = get_kind(kind)
    raw = text.encode("utf-8") if isinstance(text, str) else text
    size_problem = response_size_problem(len(raw))
    try:
        body = wire_json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        line, col = getattr(exc, "lineno", 1), getattr(exc, "colno", 1)
        what = "inline hook response" if hook.inline else "response"
        problems = [Problem("$", "invalid_json",
                            f"Could not deserialize {what} due to error at Line {line} Column {col}")]
        return problems + ([size_problem] if size_problem else [])
    problems = [p for p in validate_response(kind, body, request) if p.rule != "response_too_large"]
    if size_problem:
        problems.append(size_problem)
    return problems


def response_size_problem(n_bytes: int) -> Problem | None:
    """The ``response_too_large`` problem when a body of ``n_bytes`` reaches 256 KB, else ``None``."""
    if n_bytes < MAX_RESPONSE_BYTES:
        return None
    return Problem("$", "response_too_large",
                   f"The size of your response payload must be less than 256 KB (got {n_bytes} bytes, "
                   f"limit {MAX_RESPONSE_BYTES}).")


def _finish(found: list[Problem]) -> list[Problem]:
    """Problems in document order (by path; ties keep their order), each once."""
    seen: set[Problem] = set()
    out: list[Problem] = []
    for problem in sorted(found, key=lambda p: _sort_key(_path_parts(p.path))):
        if problem not in seen:
            seen.add(problem)
            out.append(problem)
    return out


def _size_of(body: Any) -> int | None:
    """Bytes of ``body`` as it would travel (compact UTF-8 JSON)."""
    try:
        return len(wire_json.dumps(body))
    except (TypeError, ValueError, RecursionError):
        return None

# ---------------------------------------------------------------------------------------------- semantic rules

# The rule functions named by ``HookKind.rules``: ``rules(body, request) -> list[Problem]``.

Found = list[Problem]


def _add(found: Found, parts: list[Any], rule: str, message: str) -> None:
    found.append(Problem(_json_path(parts), rule, message))


def _commands_and_request(body: Any, request: Any) -> tuple[list[Any], dict | None]:
    """The answer's ``commands`` (empty unless a list) and the request (``None`` unless an object)."""
    commands = body.get("commands") if isinstance(body, dict) else None
    return (commands if isinstance(commands, list) else []), (request if isinstance(request, dict) else None)


def _pointer(path: str) -> list[str]:
    return [seg.replace("~1", "/").replace("~0", "~") for seg in path.split("/")[1:]]


def _resolve(doc: Any, segments: list[str]) -> bool:
    """True when ``segments`` (JSON Pointer parts) lead to an existing member of ``doc``."""
    for seg in segments:
        if isinstance(doc, dict):
            if seg not in doc:
                return False
            doc = doc[seg]
        elif isinstance(doc, list):
            if not seg.isdigit() or int(seg) >= len(doc):
                return False
            doc = doc[int(seg)]
        else:
            return False
    return True


def _is_whole(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    return isinstance(value, int) or (isinstance(value, float) and value.is_integer())


def _ops(commands: list[Any]) -> Iterator[tuple[int, str, int, dict]]:
    """(command index, command type, op index, op) for every well-formed-enough patch operation."""
    for i, command in enumerate(commands):
        if not isinstance(command, dict) or not isinstance(command.get("value"), list):
            continue
        ctype = command.get("type")
        for j, op in enumerate(command["value"]):
            if isinstance(op, dict) and isinstance(op.get("op"), str) and isinstance(op.get("path"), str):
                yield i, ctype if isinstance(ctype, str) else "", j, op


def _request_data(request: dict | None) -> dict | None:
    if request is None:
        return None
    data = request.get("data")
    return data if isinstance(data, dict) else None


def token_rules(body: Any, request: Any) -> Found:
    """Token hook: reserved claims, aud/sub, lifetime, remove values, tokens and claims missing from the request."""
    commands, request = _commands_and_request(body, request)
    found: Found = []
    data = _request_data(request)
    if data is not None:
        for i, command in enumerate(commands):
            if isinstance(command, dict) and isinstance(command.get("type"), str) \
                    and command["type"] in _TOKEN_COMMANDS:
                token = _TOKEN_COMMANDS[command["type"]]
                if not isinstance(data.get(token), dict):
                    label = "an ID token" if token == "identity" else "an access token"
                    _add(found, ["commands", i, "type"], "token_not_in_request",
                         f"The commands array should only contain commands that can be applied to the requested "
                         f"tokens: {command['type']} needs {label}, but the request has no data.{token}.")
    for i, ctype, j, op in _ops(commands):
        if ctype not in _TOKEN_COMMANDS:
            continue
        token = _TOKEN_COMMANDS[ctype]
        where = ["commands", i, "value", j]
        name, path = op["op"], op["path"]
        if path == LIFETIME_PATH:
            if name == "remove" and not TOKEN_LIFETIME_REMOVABLE:
                _add(found, [*where, "op"], "invalid_op",
                     "The token lifetime can't be removed; use replace with a value of 300-86400 seconds.")
            elif name in ("add", "replace") and "value" in op:
                value = op["value"]
                if not _is_whole(value) or not LIFETIME_MIN <= value <= LIFETIME_MAX:
                    _add(found, [*where, "value"], "lifetime_range",
                         f"The lifetime value must be a minimum of five minutes (300 seconds) and a maximum of "
                         f"24 hours (86,400 seconds); got {_short(value)}.")
            continue
        if not path.startswith("/claims/"):
            continue
        segments = _pointer(path)[1:]
        claim = segments[0] if segments else ""
        if token == "identity" and claim in ("aud", "sub"):
            _add(found, [*where, "path"], "aud_sub_access_only",
                 f"The '{claim}' claim can be modified in access tokens (com.okta.access.patch) only; "
                 f"you can't modify it in ID tokens.")
        elif claim in RESERVED_BOTH or claim in (RESERVED_ID_ONLY if token == "identity" else RESERVED_ACCESS_ONLY):
            label = "ID token" if token == "identity" else "access token"
            _add(found, [*where, "path"], "reserved_claim",
                 f"'{claim}' is a reserved claim of the {label}; it can't be added, modified or removed.")
        if name == "remove" and op.get("value") is not None:
            _add(found, [*where, "value"], "remove_value_not_null",
                 "The value property for the remove operation isn't required. If you provide it, it should be "
                 "set to null; any other value fails the entire PATCH response.")
        if name in ("replace", "remove") and data is not None and isinstance(data.get(token), dict):
            claims = data[token].get("claims")
            if not _resolve(claims, segments):
                _add(found, [*where, "path"], "claim_not_in_request",
                     f"You can't {name} a claim that isn't currently part of the token in the request payload "
                     f"({path} is not in data.{token}.claims).")
    return found


def saml_rules(body: Any, request: Any) -> Found:
    """SAML hook: session lifetime, new attribute statements, replace of elements missing from the request."""
    commands, request = _commands_and_request(body, request)
    found: Found = []
    data = _request_data(request)
    assertion = data.get("assertion") if data is not None else None
    for i, ctype, j, op in _ops(commands):
        if ctype != "com.okta.assertion.patch":
            continue
        where = ["commands", i, "value", j]
        name, path = op["op"], op["path"]
        segments = _pointer(path)
        if path == "/authentication/sessionLifetime" and "value" in op:
            value = op["value"]
            if not _is_whole(value) or value <= 0:
                _add(found, [*where, "value"], "saml_session_lifetime",
                     f"/authentication/sessionLifetime takes a positive number of seconds; got {_short(value)}.")
        if (name == "add" and len(segments) == 2 and segments[0] == "claims" and "value" in op
                and (assertion is None or not _resolve(assertion, segments))):
            value = op["value"]
            if not (isinstance(value, dict) and isinstance(value.get("attributeValues"), list)):
                _add(found, [*where, "value"], "saml_claim_value",
                     "A new attribute statement's value is {\"attributes\": {\"NameFormat\": ...}, "
                     "\"attributeValues\": [{\"attributes\": {\"xsi:type\": ...}, \"value\": ...}]}.")
        if (SAML_REPLACE_NEEDS_EXISTING_PATH and name == "replace" and isinstance(assertion, dict)
                and not _resolve(assertion, segments)):
            _add(found, [*where, "path"], "claim_not_in_request",
                 f"replace modifies an existing element of the assertion, but {path} is not in data.assertion "
                 f"of the request.")
    return found


def registration_rules(body: Any, request: Any) -> Found:
    """Registration hook: SSR-only and progressive-profile-only profile updates (needs the request)."""
    commands, request = _commands_and_request(body, request)
    found: Found = []
    if request is None:
        return found
    progressive = request.get("requestType") == "progressive.profile"
    for i, command in enumerate(commands):
        if not isinstance(command, dict):
            continue
        ctype = command.get("type")
        if ctype == "com.okta.user.profile.update" and progressive:
            _add(found, ["commands", i, "type"], "profile_update_ssr_only",
                 "com.okta.user.profile.update is for SSR only; it is invalid in a progressive profile response. "
                 "Use com.okta.user.progressive.profile.update.")
        elif ctype == "com.okta.user.progressive.profile.update" and not progressive:
            _add(found, ["commands", i, "type"], "progressive_profile_update_pp_only",
                 "com.okta.user.progressive.profile.update applies to progressive profile requests only; "
                 "use com.okta.user.profile.update for self-service registration.")
    return found


def import_rules(body: Any, request: Any) -> Found:
    """User import hook: LINK_USER needs a com.okta.user.update with the user id."""
    commands, _ = _commands_and_request(body, request)
    found: Found = []
    link_at: int | None = None
    has_user_update = False
    for i, command in enumerate(commands):
        if not isinstance(command, dict):
            continue
        value = command.get("value")
        if command.get("type") == "com.okta.action.update" and isinstance(value, dict):
            if value.get("result") == "LINK_USER" and link_at is None:
                link_at = i
        elif command.get("type") == "com.okta.user.update" and isinstance(value, dict):
            if isinstance(value.get("id"), str) and value["id"]:
                has_user_update = True
    if link_at is not None and not has_user_update:
        _add(found, ["commands", link_at, "value", "result"], "link_user_needs_user_update",
             "When com.okta.action.update says LINK_USER, you need to also provide a com.okta.user.update "
             "command that sets the id of the Okta user.")
    return found


def verification_rules(body: Any, request: Any) -> Found:
    """Event hook verification: the answer echoes the challenge (``request`` is the challenge string)."""
    found: Found = []
    if isinstance(request, str) and isinstance(body, dict) and isinstance(body.get("verification"), str):
        if body["verification"] != request:
            _add(found, ["verification"], "verification_mismatch",
                 "'verification' must equal the X-Okta-Verification-Challenge header value exactly "
                 f"(expected {_short(request)}, got {_short(body['verification'])}).")
    return found

