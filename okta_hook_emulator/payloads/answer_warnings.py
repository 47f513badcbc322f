"""Warnings about an inline hook's answer: what Okta most likely ignores, but a tester wants pointed out.

A warning never changes a verdict (``validate.py`` decides what Okta refuses). Two kinds of checks:

* every inline kind: unknown top-level keys (``"result": "SUCCESS"``) and unknown keys inside a command;
* per kind, the functions named by ``HookKind.warning_rules`` (``rules(body, request) -> list[Problem]``, the same
  signature as the semantic rules; they must not raise for any JSON value): an import that answers
  ``CREATE_USER`` although the request found a conflict or a match, ``LINK_USER`` to a user the request did not
  match, and profile values whose JSON type breaks the attribute's type.
"""

from __future__ import annotations

import json
from typing import Any

from .catalog import HookKind
from .validate import WARNING, Problem, _json_path, _short, json_type

# Every inline answer is {commands, error, debugContext} (docs/okta-behaviour.md#inline-response-format).
ANSWER_KEYS = ("commands", "error", "debugContext")
COMMAND_KEYS = ("type", "value")

# Okta's base user profile attributes are all strings (Users API, profile object); a custom attribute's type is
# read from the value the request carries for it.
BASE_PROFILE_STRINGS = frozenset({
    "login", "email", "secondEmail", "firstName", "lastName", "middleName", "honorificPrefix", "honorificSuffix",
    "title", "displayName", "nickName", "profileUrl", "primaryPhone", "mobilePhone", "streetAddress", "city",
    "state", "zipCode", "countryCode", "postalAddress", "preferredLanguage", "locale", "timezone", "userType",
    "employeeNumber", "costCenter", "organization", "division", "department", "managerId", "manager"})

WARNING_RULES: dict[str, str] = {
    "unknown_key": "A top-level key Okta doesn't read (an answer is {commands, error, debugContext}).",
    "unknown_command_key": "A key inside a command Okta doesn't read (a command is {type, value}).",
    "create_user_despite_match": "The import answered CREATE_USER, but the request found a conflict or a match.",
    "link_user_not_matched": "LINK_USER names a user id that isn't in the request's data.context.matches.",
    "profile_value_type": "A profile value whose JSON type breaks the attribute's type.",
}


def _warn(parts: list[Any], rule: str, message: str) -> Problem:
    return Problem(_json_path(parts), rule, message, WARNING)


def _keys(name: str) -> str:
    return ", ".join(f"`{k}`" for k in (ANSWER_KEYS if name == "answer" else COMMAND_KEYS))


def warnings_for(hook: HookKind, body: Any, request: Any) -> list[Problem]:
    """Every warning about ``body`` (already without the nulls Okta treats as absent) for ``hook``."""
    found: list[Problem] = []
    if not isinstance(body, dict):
        return found
    for key in body:
        if key not in ANSWER_KEYS:
            found.append(_warn([key], "unknown_key",
                               f"Okta ignores the key `{key}`: an inline hook answer has only {_keys('answer')}."))
    commands = body.get("commands")
    for i, command in enumerate(commands if isinstance(commands, list) else []):
        if not isinstance(command, dict):
            continue
        for key in command:
            if key not in COMMAND_KEYS:
                found.append(_warn(["commands", i, key], "unknown_command_key",
                                   f"Okta ignores the key `{key}` inside a command: a command has only "
                                   f"{_keys('command')}."))
    for rules in hook.resolve("warning_rules"):
        found.extend(rules(body, request))
    return found


# ---------------------------------------------------------------------------------------------- per kind

def _data(request: Any) -> dict:
    data = request.get("data") if isinstance(request, dict) else None
    return data if isinstance(data, dict) else {}


def _obj(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def _commands(body: Any) -> list[tuple[int, Any, Any]]:
    commands = body.get("commands") if isinstance(body, dict) else None
    return [(i, c.get("type"), c.get("value")) for i, c in enumerate(commands if isinstance(commands, list) else [])
            if isinstance(c, dict)]


def _same_type(expected: Any, value: Any) -> bool:
    if isinstance(expected, bool) or isinstance(value, bool):
        return isinstance(expected, bool) and isinstance(value, bool)
    if isinstance(expected, int | float):
        return isinstance(value, int | float)
    return type(expected) is type(value)


def _profile_type_warnings(parts: list[Any], update: Any, known: dict, *, base: bool) -> list[Problem]:
    """Warnings for each attribute of ``update`` whose JSON type differs from the attribute's type: a base
    profile attribute (``base``) is a string; otherwise the type of the request's own non-null value."""
    found: list[Problem] = []
    for attr, value in _obj(update).items():
        if value is None:
            continue  # clearing an attribute
        if base and attr in BASE_PROFILE_STRINGS:
            if not isinstance(value, str):
                found.append(_warn([*parts, attr], "profile_value_type",
                                   f"`{attr}` is a string attribute of Okta's user profile, but the answer sets "
                                   f"{json_type(value)} ({_short(value)})."))
            continue
        if attr in known and known[attr] is not None and not _same_type(known[attr], value):
            found.append(_warn([*parts, attr], "profile_value_type",
                               f"`{attr}` is {json_type(known[attr])} in the request, but the answer sets "
                               f"{json_type(value)} ({_short(value)}); the attribute's type doesn't change."))
    return found


def import_warnings(body: Any, request: Any) -> list[Problem]:
    """User import: CREATE_USER despite a conflict or match, LINK_USER to an unmatched id, profile value types."""
    found: list[Problem] = []
    data = _data(request)
    context = _obj(data.get("context"))
    matches = context.get("matches") if isinstance(context.get("matches"), list) else None
    conflicts = context.get("conflicts") if isinstance(context.get("conflicts"), list) else []
    linked: list[tuple[int, str]] = []
    link_user = False
    for i, ctype, value in _commands(body):
        if ctype == "com.okta.action.update" and isinstance(value, dict):
            result = value.get("result")
            if result == "CREATE_USER" and (conflicts or matches):
                what = (f"a conflict on {', '.join(f'`{c}`' for c in conflicts if isinstance(c, str)) or 'a field'}"
                        if conflicts else f"a match ({', '.join(json.dumps(m) for m in matches or [])})")
                found.append(_warn(["commands", i, "value", "result"], "create_user_despite_match",
                                   f"The answer says CREATE_USER although the request reports {what}; Okta creates "
                                   "a new user, which may duplicate an existing one."))
            link_user = link_user or result == "LINK_USER"
        elif ctype == "com.okta.user.update" and isinstance(value, dict) and isinstance(value.get("id"), str):
            linked.append((i, value["id"]))
        elif ctype == "com.okta.appUser.profile.update":
            found += _profile_type_warnings(["commands", i, "value"], value,
                                            _obj(_obj(data.get("appUser")).get("profile")), base=False)
        elif ctype == "com.okta.user.profile.update":
            found += _profile_type_warnings(["commands", i, "value"], value,
                                            _obj(_obj(data.get("user")).get("profile")), base=True)
    if link_user and matches is not None:
        for i, user_id in linked:
            if user_id not in matches:
                listed = ", ".join(json.dumps(m) for m in matches) or "none"
                found.append(_warn(["commands", i, "value", "id"], "link_user_not_matched",
                                   f"LINK_USER links to {json.dumps(user_id)}, which isn't one of the users the "
                                   f"request matched (data.context.matches: {listed})."))
    return found


def registration_warnings(body: Any, request: Any) -> list[Problem]:
    """Registration: profile values whose JSON type breaks the attribute's type."""
    found: list[Problem] = []
    data = _data(request)
    known = {**_obj(_obj(_obj(data.get("context")).get("user")).get("profile")), **_obj(data.get("userProfile")),
             **_obj(data.get("userProfileUpdate"))}
    for i, ctype, value in _commands(body):
        if ctype in ("com.okta.user.profile.update", "com.okta.user.progressive.profile.update"):
            found += _profile_type_warnings(["commands", i, "value"], value, known, base=True)
    return found
