"""Terminal output for the ``okta-hooks`` commands, through rich: colour on a terminal only (plain text, with no
escape sequence at all, when piped or when ``NO_COLOR`` is set), progress bars with rate and ETA on a terminal
only (never ``\\r`` lines in a pipe or a log), and the latency summary of bulk sends. Each command makes one
``Output``; nothing here is module state."""

from __future__ import annotations

import os
import statistics
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TaskID,
    TextColumn,
    TimeRemainingColumn,
)
from rich.text import Text

OK_MARK = "✓"
FAIL_MARK = "✗"
WARN_MARK = "!"

# Styles of the words a reader scans for (rich style names).
Progressed = Callable[..., None]  # update(done, total=None) of Output.progress

STYLES = {"ok": "green", "fail": "bold red", "warn": "yellow", "dim": "dim", "head": "bold"}

# Words of the text reports (scenarios/reports.py, verify/send) and their STYLES key; later entries win.
REPORT_WORDS = {
    r"\b(PASS|passed|ok|VERIFIED|DELIVERED)\b|all expectations met|✓": "ok",
    r"(?m)^\s*! .*$|^Warnings.*$": "warn",
    r"\b(FAIL|ERR|failed|error|invalid|UNVERIFIED|FAILED)\b|\[FAILED\]|✗": "fail",
}


def no_color() -> bool:
    """True when the user asked for no colour (https://no-color.org: ``NO_COLOR`` set and not empty)."""
    return bool(os.environ.get("NO_COLOR"))


def make_console(*, stderr: bool = False) -> Console:
    """A rich console on stdout (or stderr) that colours only a terminal, prints text as given (no markup,
    no highlighting, no emoji codes) and never wraps or cuts a line."""
    return Console(stderr=stderr, color_system=None if no_color() else "auto", highlight=False, markup=False,
                   emoji=False, soft_wrap=True)


class _Rate(ProgressColumn):
    """Items per second, e.g. ``412.3 POST/s``."""

    def __init__(self, unit: str) -> None:
        super().__init__()
        self.unit = unit

    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text(f"{speed:,.1f} {self.unit}/s" if speed else f"- {self.unit}/s", style="cyan")


class Output:
    """What one command prints: results on stdout, progress and notes on stderr."""

    def __init__(self, *, quiet: bool = False) -> None:
        self.quiet = quiet
        self.out = make_console()
        self.err = make_console(stderr=True)

    def line(self, *parts: str | tuple[str, str], err: bool = False) -> None:
        """Print one line made of plain strings and ``(text, style)`` pairs (style: a ``STYLES`` key)."""
        text = Text.assemble(*((p[0], STYLES.get(p[1], p[1])) if isinstance(p, tuple) else p for p in parts))
        (self.err if err else self.out).print(text)

    def text(self, text: str, *, err: bool = False) -> None:
        """Print report text as it is, its verdict words coloured (``REPORT_WORDS``) on a terminal."""
        rich_text = Text(text)
        for pattern, style in REPORT_WORDS.items():
            rich_text.highlight_regex(pattern, STYLES[style])
        (self.err if err else self.out).print(rich_text, end="")

    @staticmethod
    def mark(passed: bool) -> tuple[str, str]:
        """``✓`` in green or ``✗`` in red."""
        return (OK_MARK, "ok") if passed else (FAIL_MARK, "fail")

    @contextmanager
    def progress(self, description: str, unit: str, total: int | None = None) -> Iterator[Progressed]:
        """A progress bar on stderr (count, rate, ETA) while the block runs; yields ``update(done, total=None)``.
        The bar appears at the first update with more than one item in total, and disappears when the block
        ends, so the results printed after it stand alone. Nothing at all when stderr is not a terminal or with
        ``--quiet``."""
        if self.quiet or not self.err.is_terminal:
            yield lambda done, total=None: None
            return
        columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), _Rate(unit),
                   TextColumn("ETA"), TimeRemainingColumn())
        bar = Progress(*columns, console=self.err, transient=True)
        task: list[TaskID] = []
        known = total

        def update(done: int, total: int | None = None) -> None:
            nonlocal known
            known = total if total is not None else known
            if not task:
                if not known or known <= 1:
                    return
                bar.start()
                task.append(bar.add_task(description, total=known))
            bar.update(task[0], completed=done, total=known)

        try:
            yield update
        finally:
            if task:
                bar.stop()


def latency_line(milliseconds: Iterable[float], what: str = "attempt") -> str:
    """``p50 12 ms, p95 30 ms, max 41 ms over 200 attempts`` (``what``: the noun counted, singular)."""
    values = sorted(milliseconds)
    if not values:
        return f"no {what}s"
    if len(values) == 1:
        p50 = p95 = values[0]
    else:
        cuts = statistics.quantiles(values, n=100, method="inclusive")
        p50, p95 = cuts[49], cuts[94]
    return f"p50 {p50:,.0f} ms, p95 {p95:,.0f} ms, max {values[-1]:,.0f} ms over {len(values):,} {what}{'' if len(values) == 1 else 's'}"
