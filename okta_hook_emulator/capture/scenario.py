"""A scenario (format version 1) that replays capture records, expecting what the recorded answers got: the
verdict (judged by the core from the recorded answer) and, for inline hooks, the exact commands."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from ..errors import EmulatorUsageError
from .records import VERIFICATION
from .replay import Capture, answer_of, judge_recorded, load_captures, verdict_of

AUTH_ENV = "OKTA_HOOK_AUTH"  # the redacted auth header's value is read from this variable at run time


def _step_name(capture: Capture, used: set[str]) -> str:
    base = re.sub(r"[^A-Za-z0-9_-]", "_", capture.name)
    base = base if re.match(r"[A-Za-z_]", base) else f"c{base}"
    name, n = base, 2
    while name in used:
        name, n = f"{base}_{n}", n + 1
    used.add(name)
    return name


def _scenario_name(path: Path) -> str:
    slug = re.sub(r"[^a-z0-9._-]+", "-", (path.stem if path.is_file() else path.name).lower()).strip("-._")
    return f"replay-{slug or 'captures'}"


def step_for(emulator: Any, capture: Capture, name: str) -> dict[str, Any]:
    """One scenario step replaying ``capture`` with the recorded verdict (and commands) as expectations."""
    recorded = judge_recorded(emulator, capture)
    step: dict[str, Any] = {"name": name, "description": f"captured {capture.describe()} ({capture.path.name})"}
    expect: dict[str, Any] = {"verdict": verdict_of(recorded)}
    if capture.kind == VERIFICATION:
        step["action"] = "verify"
    elif capture.kind == "event":
        events = capture.body()["data"]["events"]
        step.update(action="events", event_types=sorted({e["eventType"] for e in events}), events=events,
                    batch_size=len(events))
    else:
        body = capture.body()
        step.update(action="inline", hook=capture.kind, request=body)
        answer = answer_of(recorded)
        if answer.get("commands"):
            expect["commands"] = sorted({c.get("type") for c in answer["commands"] if isinstance(c, dict)})
            expect["fields"] = {"response.commands": answer["commands"]}
    headers = dict(capture.custom_headers())
    if headers:
        step["headers"] = headers
    redacted = capture.redacted_headers()
    if redacted:
        step["auth_header"] = {"name": redacted[0], "value": f"${{env:{AUTH_ENV}|}}"}
    step["expect"] = expect
    return step


def scenario_from_captures(path: str | Path, *, name: str | None = None, emulator: Any = None) -> dict[str, Any]:
    """The scenario document (a dict ready for YAML) replaying every Okta hook record in ``path``."""
    from ..emulator.core import Emulator

    captures = [c for c in load_captures(path) if c.replayable]
    if not captures:
        raise EmulatorUsageError(f"No Okta hook requests among the records in {path}.")
    owned = emulator is None
    emulator = emulator or Emulator(seed=0)
    try:
        used: set[str] = set()
        steps = [step_for(emulator, capture, _step_name(capture, used)) for capture in captures]
    finally:
        if owned:
            emulator.close()
    return {"version": 1, "name": name or _scenario_name(Path(path)),
            "description": f"Replays {len(steps)} captured Okta request(s) from {Path(path).name}, expecting the "
                           f"recorded verdicts. A redacted auth header is read from ${AUTH_ENV}.",
            "tags": ["capture"], "steps": steps}


def to_yaml(document: dict[str, Any]) -> str:
    """The scenario as YAML (keys in the order written)."""
    return yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=110)
