"""Checking a step's ``expect`` block against its result document."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from .. import matchers
from ..emulator.results import VERDICT_OK
from ..matchers import MISSING
from .refs import lookup

VERDICT_ALIASES = {"events": {"delivered": VERDICT_OK}}
"""Older verdict names scenario files may still use: ``delivered`` is an event step's ``ok``."""


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
    if value is MISSING:
        return "<missing>"
    text = json.dumps(value, default=str) if not isinstance(value, str) else repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _get(doc: dict, path: str) -> Any:
    try:
        return lookup(doc, path)
    except KeyError:
        return MISSING


def evaluate(action: str, doc: dict[str, Any], expect: dict[str, Any]) -> list[ExpectationCheck]:
    """Check every expectation of one step against the step's result document (see runner docs)."""
    checks: list[ExpectationCheck] = []

    def add(name: str, expected: Any, actual: Any, result: matchers.Result) -> None:
        ok, why = result
        checks.append(ExpectationCheck(name, ok, expected, None if actual is MISSING else actual, why))

    def value(name: str, expected: Any, actual: Any) -> None:
        add(name, expected, actual, matchers.satisfies(expected, actual))

    for key, expected in expect.items():
        if key == "verdict":
            actual = doc.get("verdict", MISSING)
            add("verdict", expected, actual,
                matchers.satisfies(VERDICT_ALIASES.get(action, {}).get(expected, expected), actual))
        elif key == "status":
            statuses = doc.get("http_statuses") or [doc.get("http_status")]
            add("status", expected, statuses[0] if len(statuses) == 1 else statuses,
                matchers.status(expected, statuses))
        elif key == "attempts":
            value("attempts", expected, doc.get("attempt_count", MISSING))
        elif key == "commands":
            response = doc.get("response")
            commands = response.get("commands") if isinstance(response, dict) else None
            commands = commands if isinstance(commands, list) else []
            present = [c.get("type") for c in commands if isinstance(c, dict)]
            add("commands", expected, present, matchers.command_types(expected, commands))
        elif key == "problems":
            problems = doc.get("problems", []) or []
            if expected in ("empty", []):
                wanted: Any = "empty"
                shown: Any = "empty"
            else:
                wanted = [expected["contains"]] if isinstance(expected, dict) else list(expected)
                shown = {"contains": wanted}
            add("problems", shown, [matchers.problem_rule(p) for p in problems],
                matchers.problem_rules(wanted, problems))
        elif key in ("outcome", "fields"):
            root = doc.get("outcome") if key == "outcome" else doc
            for path, matcher in expected.items():
                value(f"{key}.{path}", matcher, _get(root, path) if isinstance(root, dict) else MISSING)
        elif key in ("elapsed_under", "elapsed_over"):
            seconds = doc.get("elapsed_ms", 0.0) / 1000
            bound = {"lt": expected} if key == "elapsed_under" else {"gte": expected}
            add(key, f"{'<' if key == 'elapsed_under' else '>='} {expected} s", round(seconds, 3),
                matchers.satisfies(bound, seconds))
        elif key in _DOC_KEYS:
            value(key, expected, doc.get(_DOC_KEYS[key], MISSING))
    return checks


# expectation -> the result-document key it reads
_DOC_KEYS = {"timed_out": "timed_out", "delivered": "delivered", "batches": "batch_count", "events": "event_count"}
