"""Captured Okta traffic as tests: ``okta.replay(path)`` and ``@pytest.mark.okta_replay("captures/")``.

A replay re-sends one capture record through the core (``okta_hook_emulator.capture.replay``) and compares the
hook's verdict and commands with the recorded ones; ``assert_as_recorded()`` fails with the same report as the
other ``HookResult`` helpers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from .assertions import HookResult


class ReplayResult(HookResult):
    """A ``HookResult`` for one replayed capture; ``replay`` is the comparison (``held``, ``changes``, ``notes``,
    ``recorded``: the core's result for the recorded answer)."""

    def __init__(self, raw: Any, replay: Any, *, label: str = "", timeout: float | None = None) -> None:
        super().__init__(raw, label=label, timeout=timeout)
        self.replay = replay

    @property
    def held(self) -> bool:
        """The hook still gets the recorded verdict and commands."""
        return bool(self.replay.held)

    def assert_as_recorded(self) -> ReplayResult:
        """The hook's answer gets the recorded verdict and the same commands (and ``error`` object)."""
        __tracebackhide__ = True
        self.checked = True
        if not self.replay.held:
            from ..capture.replay import answer_of, verdict_of

            recorded = self.replay.recorded
            commands = [c.get("type") for c in answer_of(recorded).get("commands", []) if isinstance(c, dict)]
            expected = f"verdict {verdict_of(recorded)} as recorded in {self.replay.capture.path}" + (
                f", with commands {', '.join(commands)}" if commands else "")
            self._fail("assert_as_recorded", expected, "; ".join(self.replay.changes))
        return self


def resolve(path: str | Path, base: Path | None = None, rootdir: Path | None = None) -> Path:
    """A marker's capture path: as given when absolute, else next to the test file, else under the rootdir."""
    candidate = Path(path)
    if candidate.is_absolute():
        return candidate
    for folder in (base, rootdir):
        if folder is not None and (folder / candidate).exists():
            return folder / candidate
    return candidate


def parametrize(metafunc: pytest.Metafunc, marker: pytest.Mark) -> None:
    """Turn a test marked ``okta_replay(path)`` into one test per capture record (ids: the record names)."""
    from ..capture.replay import load_captures

    if not marker.args or not isinstance(marker.args[0], str | Path):
        raise ValueError("@pytest.mark.okta_replay needs a folder of capture records (or one record), "
                         "e.g. @pytest.mark.okta_replay('captures/')")
    if "okta_capture" not in metafunc.fixturenames:
        raise ValueError(f"{metafunc.definition.nodeid}: a test marked okta_replay takes the `okta_capture` "
                         "argument (one capture record per generated test)")
    folder = resolve(marker.args[0], Path(str(metafunc.definition.path)).parent, metafunc.config.rootpath)
    captures = [c for c in load_captures(folder) if c.replayable]
    metafunc.parametrize("okta_capture", captures, ids=[c.name for c in captures])
