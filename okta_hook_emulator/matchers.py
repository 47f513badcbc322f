"""Small predicates that say whether what a hook did matches what was expected, shared by the pytest plugin's
``assert_*`` helpers and the scenario ``expect:`` blocks (in the spirit of ``responses.matchers``).

Every predicate returns ``(ok, reason)``: ``reason`` is ``""`` when ``ok`` and otherwise says, in a few words,
what was found instead. Values in reasons are shown as JSON. Equality is strict about types the way JSON is:
``true`` is not ``1``.

>>> from okta_hook_emulator import matchers
>>> matchers.subset({"a": {"b": 1}}, {"a": {"b": 2, "c": 3}})
(False, '.a.b is 2')
>>> matchers.satisfies({"gte": 2, "lt": 5}, 5)
(False, 'not < 5')
>>> patch = {"type": "com.okta.identity.patch",
...          "value": [{"op": "add", "path": "/claims/tier", "value": "silver"}]}
>>> matchers.command_matches(patch, "com.okta.identity.patch", path="/claims/tier", value="gold")
(False, 'op on /claims/tier has value ["silver"]')
>>> matchers.claim({"tier": "silver"}, "tier", "gold")
(False, '\\'tier\\' = "silver"')
"""

from __future__ import annotations

import json
import operator
import re
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from typing import Any

Result = tuple[bool, str]
"""``(ok, reason)``; ``reason`` is empty when ``ok``."""


class _Sentinel:
    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return self.name


MISSING: Any = _Sentinel("MISSING")
"""An *actual* value that is not there at all (a path that does not exist in the result)."""

ANY: Any = _Sentinel("ANY")
"""An *expected* value that accepts anything (e.g. ``command_matches(..., value=ANY)``)."""

OPERATORS = ("eq", "ne", "contains", "not_contains", "matches", "gt", "gte", "lt", "lte", "exists", "in",
             "len", "startswith", "endswith")
"""The operator names ``satisfies`` understands (the scenario ``expect:`` language)."""

_OK: Result = (True, "")
_COMPARISONS: dict[str, tuple[Callable[[Any, Any], bool], str]] = {
    "gt": (operator.gt, ">"), "gte": (operator.ge, ">="), "lt": (operator.lt, "<"), "lte": (operator.le, "<="),
}


def show(value: Any, limit: int = 300) -> str:
    """``value`` as compact JSON (sorted keys) for a message, cut at ``limit`` characters."""
    if value is MISSING:
        return "<missing>"
    text = json.dumps(value, default=str, sort_keys=True)
    return text if len(text) <= limit else text[:limit] + f"... ({len(text)} chars)"


# ----------------------------------------------------------------------------------------------- values


def equals(expected: Any, actual: Any) -> Result:
    """``actual == expected``, where a boolean only equals a boolean (JSON ``true`` is not ``1``)."""
    if actual is MISSING:
        return False, "not present"
    if isinstance(expected, bool) != isinstance(actual, bool):
        return (False, "a boolean never equals a number") if expected == actual else (False, "not equal")
    return _OK if expected == actual else (False, "not equal")


def subset(expected: Any, actual: Any) -> Result:
    """Every key of ``expected`` is in ``actual`` with a matching value (recursively for objects; other values
    must be equal). ``{"a": 1}`` matches ``{"a": 1, "b": 2}``."""
    return _subset(expected, actual, "")


def _subset(expected: Any, actual: Any, where: str) -> Result:
    if isinstance(expected, dict) and isinstance(actual, dict):
        for key, wanted in expected.items():
            here = f"{where}.{key}"
            if key not in actual:
                return False, f"no {here}"
            ok, why = _subset(wanted, actual[key], here)
            if not ok:
                return False, why
        return _OK
    if equals(expected, actual)[0]:
        return _OK
    return False, f"{where or 'value'} is {show(actual)}"


def is_operator(value: Any) -> bool:
    """``True`` for an operator object such as ``{"gte": 2, "lt": 5}`` (every key is one of ``OPERATORS``)."""
    return isinstance(value, dict) and bool(value) and all(key in OPERATORS for key in value)


def satisfies(expected: Any, actual: Any) -> Result:
    """``actual`` meets ``expected``: a literal (``equals``) or an operator object whose every operator holds,
    e.g. ``{"matches": "^P-"}``, ``{"gte": 2, "lt": 5}``, ``{"len": 3}``, ``{"exists": False}``. Pass ``MISSING``
    as ``actual`` for a value that is not there."""
    if not is_operator(expected):
        return equals(expected, actual)
    for name, argument in expected.items():
        ok, why = _apply(name, argument, actual)
        if not ok:
            return False, why
    return _OK


def _apply(name: str, argument: Any, actual: Any) -> Result:
    if name == "exists":
        present = actual is not MISSING
        if present == bool(argument):
            return _OK
        return False, "present" if present else "not present"
    if actual is MISSING:
        return False, "not present"
    try:
        if name == "eq":
            return equals(argument, actual)
        if name == "ne":
            return (False, f"equals {show(argument)}") if equals(argument, actual)[0] else _OK
        if name == "contains":
            return _OK if argument in actual else (False, f"{show(argument)} not in value")
        if name == "not_contains":
            return _OK if argument not in actual else (False, f"{show(argument)} is in value")
        if name == "matches":
            return _OK if re.search(str(argument), str(actual)) else (False, f"no match for /{argument}/")
        if name == "startswith":
            return _OK if str(actual).startswith(str(argument)) else (False, f"does not start with {show(argument)}")
        if name == "endswith":
            return _OK if str(actual).endswith(str(argument)) else (False, f"does not end with {show(argument)}")
        if name == "in":
            return _OK if actual in argument else (False, f"not one of {show(argument)}")
        if name == "len":
            ok, why = satisfies(argument, len(actual))
            return _OK if ok else (False, f"length {len(actual)}; {why}")
        if name in _COMPARISONS:
            compare, symbol = _COMPARISONS[name]
            return _OK if compare(actual, argument) else (False, f"not {symbol} {show(argument)}")
    except TypeError as exc:
        return False, f"cannot apply '{name}': {exc}"
    return False, f"unknown operator '{name}'"


# ------------------------------------------------------------------------------------------ hook answers


def verdict(expected: str | Collection[str], actual: str | None) -> Result:
    """Okta's verdict is ``expected`` (or one of several), e.g. ``verdict("ok", result.verdict)``."""
    wanted = (expected,) if isinstance(expected, str) else tuple(expected)
    return _OK if actual in wanted else (False, f"verdict is {show(actual)}")


def status(expected: Any, actual: int | None | Sequence[int | None]) -> Result:
    """The HTTP status (``satisfies`` ``expected``, e.g. ``200`` or ``{"in": [200, 204]}``); given a list (one
    status per event batch), every one of them."""
    statuses = list(actual) if isinstance(actual, list | tuple) else [actual]
    bad = [code for code in statuses if not satisfies(expected, code)[0]]
    if not bad:
        return _OK
    if len(statuses) == 1:
        return False, "no HTTP response" if bad[0] is None else f"HTTP {bad[0]}"
    return False, f"{len(bad)} of {len(statuses)} differ"


def command_matches(command: Any, command_type: str, path: str | None = None, value: Any = ANY) -> Result:
    """One command of an inline answer has type ``command_type``; with ``path``, it has an op on that path;
    with ``value``, that op's value (or, without ``path``, the command's value or one of its items) contains
    ``value`` (``subset``)."""
    if not isinstance(command, dict):
        return False, "not a JSON object"
    if command.get("type") != command_type:
        return False, f"type is {show(command.get('type'))}"
    body = command.get("value")
    if path is not None:
        ops = [op for op in body if isinstance(op, dict)] if isinstance(body, list) else []
        on_path = [op for op in ops if op.get("path") == path]
        if not on_path:
            return False, f"no op on {path}; paths: {[op.get('path') for op in ops]}"
        if value is ANY or any(subset(value, op.get("value"))[0] for op in on_path):
            return _OK
        return False, f"op on {path} has value {show([op.get('value') for op in on_path])}"
    if value is ANY or subset(value, body)[0]:
        return _OK
    if isinstance(body, list) and any(subset(value, item)[0] for item in body):
        return _OK
    return False, f"value is {show(body)}"


def find_command(commands: Sequence[Any], command_type: str, path: str | None = None,
                 value: Any = ANY) -> tuple[int | None, list[tuple[int, str]]]:
    """The index of the first command that ``command_matches`` (``None`` if none does) and the commands
    passed over as ``(index, reason)``, those of the right type (the near misses) first."""
    misses: list[tuple[int, str]] = []
    found = None
    for index, command in enumerate(commands):
        ok, why = command_matches(command, command_type, path, value)
        if ok:
            found = index
            break
        misses.append((index, why))
    same_type_first = sorted(misses, key=lambda miss: not _has_type(commands[miss[0]], command_type))
    return found, same_type_first


def _has_type(command: Any, command_type: str) -> bool:
    return isinstance(command, dict) and command.get("type") == command_type


def command_types(expected: Iterable[str], commands: Any) -> Result:
    """Every type in ``expected`` is the type of at least one of ``commands`` (the answer's ``commands``)."""
    present = {c.get("type") for c in commands if isinstance(c, dict)} if isinstance(commands, list) else set()
    missing = [t for t in expected if t not in present]
    return _OK if not missing else (False, f"missing {', '.join(missing)}")


def claim(claims: Mapping[str, Any] | None, name: str, value: Any = ANY) -> Result:
    """A token carries claim ``name`` (equal to ``value`` when given)."""
    claims = claims or {}
    if name not in claims:
        return False, f"no claim {name!r}"
    if value is not ANY and not equals(value, claims[name])[0]:
        return False, f"{name!r} = {show(claims[name])}"
    return _OK


def claim_absent(claims: Mapping[str, Any] | None, name: str) -> Result:
    """A token does not carry claim ``name``."""
    claims = claims or {}
    return _OK if name not in claims else (False, f"{name!r} = {show(claims[name])}")


def problem_text(problem: Any) -> str:
    """One problem as a line of text: ``path rule: message`` for a broken Okta rule (a ``Problem`` or its
    ``to_dict()``), ``name: detail`` for a failed ``Check``, a string as it is."""
    if isinstance(problem, str):
        return problem
    if hasattr(problem, "passed") and hasattr(problem, "name"):  # a failed Check
        detail = getattr(problem, "detail", "")
        return f"{problem.name}: {detail}" if detail else str(problem.name)
    fields = problem if isinstance(problem, dict) else {key: getattr(problem, key, None) for key in _PROBLEM_FIELDS}
    message = fields.get("message") or fields.get("summary")
    if not isinstance(message, str):
        return show(problem.to_dict() if hasattr(problem, "to_dict") else problem, 400)
    where = " ".join(str(fields[key]) for key in ("path", "location", "rule") if fields.get(key))
    return f"{where}: {message}" if where else message


_PROBLEM_FIELDS = ("path", "location", "rule", "message", "summary")


def problem_rule(problem: Any) -> str:
    """The name of the rule a problem broke (``reserved_claim``...); the problem's text when it names none."""
    rule = problem.get("rule") if isinstance(problem, dict) else getattr(problem, "rule", None)
    return rule if isinstance(rule, str) and rule else problem_text(problem)


def no_problems(problems: Sequence[Any]) -> Result:
    """Okta found nothing wrong with the answer."""
    if not problems:
        return _OK
    texts = [problem_text(p) for p in problems[:5]]
    more = f"; and {len(problems) - 5} more" if len(problems) > 5 else ""
    return False, f"{len(problems)} problem(s): " + "; ".join(texts) + more


def no_warnings(warnings: Sequence[Any]) -> Result:
    """Nothing in the answer that Okta likely ignores (unknown keys, contradicting import actions...)."""
    if not warnings:
        return _OK
    texts = [problem_text(w) for w in warnings[:5]]
    more = f"; and {len(warnings) - 5} more" if len(warnings) > 5 else ""
    return False, f"{len(warnings)} warning(s): " + "; ".join(texts) + more


def problem_rules(expected: str | Iterable[str], problems: Sequence[Any]) -> Result:
    """The problems Okta found: ``"empty"`` (or ``[]``) for none (``no_problems``), else every expected rule
    name (one, or a list) is among the rules broken."""
    if expected == "empty" or expected == []:
        return no_problems(problems)
    wanted = [expected] if isinstance(expected, str) else list(expected)
    rules = [problem_rule(p) for p in problems]
    missing = [rule for rule in wanted if rule not in rules]
    return _OK if not missing else (False, f"missing rule {', '.join(missing)}")
