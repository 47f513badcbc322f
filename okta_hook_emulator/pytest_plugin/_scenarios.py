"""Adapter from the ``okta`` fixture to the scenario runner (``okta_hook_emulator.scenarios``)."""

from __future__ import annotations

from typing import Any


def run(emulator: Any, name_or_path: str, target: Any, **options: Any) -> Any:
    """Load a built-in scenario (by name) or a scenario file and run it with ``emulator`` against ``target``.
    ``options`` go to the runner (``sets``, ``skip``, ``policy``, ``env``)."""
    from ..scenarios.loader import load
    from ..scenarios.runner import run_scenario

    scenario = load(name_or_path)
    return run_scenario(scenario, target=target, seed=emulator.seed, emulator=emulator, **options)


def report(result: Any) -> str:
    """A plain-text report of a ``ScenarioResult``: every step, its checks, and what failed."""
    try:
        from ..scenarios import reports  # type: ignore[attr-defined]

        render = getattr(reports, "render_text", None) or getattr(reports, "text_report", None)
        if render is not None:
            return str(render([result]))
    except ImportError:
        pass
    counts = ", ".join(f"{n} {k}" for k, n in result.counts.items() if n)
    lines = [f"scenario {result.name} ({result.source}), seed {result.seed}, target {result.target}: "
             f"{'PASSED' if result.passed else 'FAILED'} ({counts})"]
    for step in result.steps:
        lines.append(f"  [{step.status}] {step.name}: {step.label}" + (f" - {step.summary}" if step.summary else ""))
        if step.error:
            lines.append(f"      error: {step.error}")
        for check in step.failures():
            lines.append(f"      {check.describe()}")
    return "\n".join(lines)
