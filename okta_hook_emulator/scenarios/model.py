"""Scenario shapes: a loaded, checked scenario and its steps, plus the error raised for unusable input."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..errors import EmulatorUsageError

SUPPORTED_VERSION = 1
ACTIONS = ("verify", "events", "inline", "flow", "wait")


class ScenarioError(EmulatorUsageError):
    """A scenario file cannot be used. Names the file, the step and the JSON path, and says how to fix it."""

    def __init__(self, message: str, *, file: str | None = None, step: str | None = None,
                 path: str | None = None, index: int | None = None):
        self.file = file
        self.step = step
        self.path = path
        self.detail = message
        if index is None and path and path.startswith("$.steps["):
            index = int(path[len("$.steps["):].split("]")[0])
        self.index = index  # 0-based position of the step in the file
        where = []
        if file:
            where.append(f"scenario '{file}'")
        if step:
            where.append(f"step '{step}'" + (f" (step {index + 1})" if index is not None else ""))
        elif index is not None:
            where.append(f"step {index + 1}")
        prefix = ", ".join(where)
        if path:
            prefix = f"{prefix} at {path}" if prefix else f"at {path}"
        super().__init__(f"{prefix}: {message}" if prefix else message)


@dataclass
class Step:
    """One named step of a scenario, as written in the file (references still unresolved)."""

    name: str
    action: str
    spec: dict[str, Any]  # every key of the step except name/action/expect
    expect: dict[str, Any] = field(default_factory=dict)
    index: int = 0

    @property
    def hook(self) -> str | None:
        return self.spec.get("hook")

    def describe(self) -> str:
        """Short label for progress lines: ``inline token``, ``events user.lifecycle.create x3``."""
        if self.action in ("inline", "flow"):
            rt = self.spec.get("request_type")
            return f"{self.action} {self.hook}" + (f" ({rt})" if rt else "")
        if self.action == "events":
            types = self.spec.get("event_types", [])
            label = types[0] if len(types) == 1 else f"{len(types)} types"
            return f"events {label} x{self.spec.get('count', 1)}"
        if self.action == "wait":
            return f"wait {self.spec.get('seconds')}s"
        return self.action

    def label(self) -> str:
        """``describe()`` plus the named target the step calls (``inline token @tokens``)."""
        target = self.spec.get("target")
        return self.describe() + (f" @{target}" if isinstance(target, str) and "://" not in target else "")


@dataclass
class Scenario:
    """A checked scenario: header fields plus ordered steps."""

    name: str
    description: str
    steps: list[Step]
    version: int = SUPPORTED_VERSION
    target: str | None = None
    targets: dict[str, str | None] = field(default_factory=dict)  # named hook services steps pick with `target:`
    seed: int | None = None
    requires: dict[str, Any] = field(default_factory=dict)
    tags: list[str] = field(default_factory=list)
    source: str = "<string>"  # file path, or "builtin:<name>"
    raw: dict[str, Any] = field(default_factory=dict)

    def step(self, name: str) -> Step:
        for s in self.steps:
            if s.name == name:
                return s
        raise KeyError(name)

    @property
    def kinds(self) -> set[str]:
        """Hook kinds this scenario exercises (``event`` for verify/events steps)."""
        out: set[str] = set()
        for s in self.steps:
            if s.action in ("verify", "events"):
                out.add("event")
            elif s.hook:
                from ..payloads.catalog import get_kind

                out.add(get_kind(s.hook).name)
        return out
