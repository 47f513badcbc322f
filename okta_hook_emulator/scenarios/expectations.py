"""Checking a step's ``expect`` block against its result document."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from .refs import lookup

OPERATORS = ("eq", "ne", "contains", "not_contains", "matches", "gt", "gte", "lt", "lte", "exists", "in",
             "len", "startswith", "endswith")
_MISSING = object()


@dataclass(frozen=True)
class ExpectationCheck:
    """One expectation: what was expected, what happened, and whether it held."""

    name: str  # e.g. "verdict", "outcome.id_token.claims.extPatientId"
    passed: bool
    expected: Any
    actual: Any
    detail: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "passed": self.passed, "expected": self.expected, "actual": self.actual,
                "detail": self.detail}

    def describe(self) -> str:
        mark = "ok" if self.passed else "FAILED"
        text = f"{self.name}: expected {_short(self.expected)}, got {_short(self.actual)} [{mark}]"
        return text + (f" ({self.detail})" if self.detail else "")


def _short(value: Any, limit: int = 120) -> str:
    if value is _MISSING:
        return "<missing>"
    text = json.dumps(value, default=str) if not isinstance(value, str) else repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def is_operator(value: Any) -> bool:
    return isinstance(value, dict) and bool(value) and all(k in OPERATORS for k in value)


def match(expected: Any, actual: Any) -> tuple[bool, str]:
    """``(passed, detail)`` for one matcher: a literal (equality) or an operator object."""
    if not is_operator(expected):
        if actual is _MISSING:
            return False, "not present"
        return _equal(expected, actual), ""
    for op, arg in expected.items():
        ok, why = _apply(op, arg, actual)
        if not ok:
            return False, why
    return True, ""


def _equal(a: Any, b: Any) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b or (type(a) is type(b) and a == b)
    if isinstance(a, int | float) and isinstance(b, int | float):
        return a == b
    return a == b


def _apply(op: str, arg: Any, actual: Any) -> tuple[bool, str]:
    if op == "exists":
        return (actual is not _MISSING) == bool(arg), "" if (actual is not _MISSING) == bool(arg) else (
            "not present" if arg else "present")
    if actual is _MISSING:
        return False, "not present"
    try:
        if op == "eq":
            return _equal(arg, actual), ""
        if op == "ne":
            return not _equal(arg, actual), ""
        if op == "contains":
            return arg in actual, f"{_short(arg)} not in value"
        if op == "not_contains":
            return arg not in actual, f"{_short(arg)} is in value"
        if op == "matches":
            return re.search(str(arg), str(actual)) is not None, f"no match for /{arg}/"
        if op == "startswith":
            return str(actual).startswith(str(arg)), ""
        if op == "endswith":
            return str(actual).endswith(str(arg)), ""
        if op == "in":
            return actual in arg, f"not one of {_short(arg)}"
        if op == "len":
            ok, why = match(arg, len(actual))
            return ok, f"length {len(actual)}" + (f"; {why}" if why else "")
        if op == "gt":
            return actual > arg, ""
        if op == "gte":
            return actual >= arg, ""
        if op == "lt":
            return actual < arg, ""
        if op == "lte":
            return actual <= arg, ""
    except TypeError as exc:
        return False, f"cannot apply '{op}': {exc}"
    return False, f"unknown operator '{op}'"


def _get(doc: dict, path: str) -> Any:
    try:
        return lookup(doc, path)
    except KeyError:
        return _MISSING


def evaluate(action: str, doc: dict[str, Any], expect: dict[str, Any]) -> list[ExpectationCheck]:
    """Check every expectation of one step against the step's result document (see runner docs)."""
    checks: list[ExpectationCheck] = []

    def add(name: str, expected: Any, actual: Any, matcher: Any = None) -> None:
        ok, why = match(expected if matcher is None else matcher, actual)
        checks.append(ExpectationCheck(name, ok, expected, None if actual is _MISSING else actual, why))

    for key, expected in expect.items():
        if key == "verdict":
            add("verdict", expected, doc.get("verdict", _MISSING))
        elif key == "status":
            statuses = doc.get("http_statuses") or [doc.get("http_status")]
            bad = [s for s in statuses if not match(expected, s)[0]]
            checks.append(ExpectationCheck("status", not bad, expected,
                                           statuses[0] if len(statuses) == 1 else statuses,
                                           f"{len(bad)} of {len(statuses)} differ" if bad and len(statuses) > 1
                                           else ""))
        elif key == "attempts":
            add("attempts", expected, doc.get("attempt_count", _MISSING))
        elif key == "commands":
            present = [c.get("type") for c in (doc.get("response") or {}).get("commands", []) or []
                       if isinstance(c, dict)] if isinstance(doc.get("response"), dict) else []
            missing = [c for c in expected if c not in present]
            checks.append(ExpectationCheck("commands", not missing, expected, present,
                                           f"missing {', '.join(missing)}" if missing else ""))
        elif key == "problems":
            rules = [p.get("rule") if isinstance(p, dict) else str(p) for p in doc.get("problems", []) or []]
            if expected == "empty" or expected == []:
                checks.append(ExpectationCheck("problems", not rules, "empty", rules,
                                               "; ".join(_problem_text(p) for p in doc.get("problems", []))))
            else:
                wanted = [expected["contains"]] if isinstance(expected, dict) else list(expected)
                missing = [r for r in wanted if r not in rules]
                checks.append(ExpectationCheck("problems", not missing, {"contains": wanted}, rules,
                                               f"missing rule {', '.join(missing)}" if missing else ""))
        elif key in ("outcome", "fields"):
            root = doc.get("outcome") if key == "outcome" else doc
            for path, matcher in expected.items():
                actual = _get(root, path) if isinstance(root, dict) else _MISSING
                add(f"{key}.{path}", matcher, actual)
        elif key == "elapsed_under":
            ms = doc.get("elapsed_ms", 0.0)
            checks.append(ExpectationCheck("elapsed_under", ms < expected * 1000, f"< {expected} s",
                                           round(ms / 1000, 3)))
        elif key == "elapsed_over":
            ms = doc.get("elapsed_ms", 0.0)
            checks.append(ExpectationCheck("elapsed_over", ms >= expected * 1000, f">= {expected} s",
                                           round(ms / 1000, 3)))
        elif key == "timed_out":
            add("timed_out", expected, doc.get("timed_out", _MISSING))
        elif key == "delivered":
            add("delivered", expected, doc.get("delivered", _MISSING))
        elif key == "batches":
            add("batches", expected, doc.get("batch_count", _MISSING))
        elif key == "events":
            add("events", expected, doc.get("event_count", _MISSING))
    return checks


def _problem_text(p: Any) -> str:
    if isinstance(p, dict):
        return f"{p.get('path', '')} {p.get('rule', '')}: {p.get('message', '')}".strip()
    return str(p)
