"""Reports for scenario runs: a text summary table, JSON, and JUnit XML (one test case per step)."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from typing import Any

from .runner import ERROR, FAILED, SKIPPED, ScenarioResult, StepResult

FORMATS = ("text", "json", "junit")
_MARK = {"passed": "PASS", "failed": "FAIL", "skipped": "SKIP", "error": "ERR "}


def progress_widths(scenarios: Sequence[Any]) -> tuple[int, int, int]:
    """The column widths (scenario name, step name, step label) that align the progress lines of a run of these
    scenarios (``scenarios.model.Scenario``)."""
    steps = [st for sc in scenarios for st in sc.steps]
    return (max((len(sc.name) for sc in scenarios), default=0), max((len(st.name) for st in steps), default=0),
            max((len(st.describe()) for st in steps), default=0))


def progress_line(scenario_name: str, step: StepResult, widths: tuple[int, int, int] = (0, 20, 40)) -> str:
    """One line per step, printed (to stderr) as the run goes; ``widths`` from ``progress_widths`` align them."""
    name_w, step_w, label_w = widths
    line = (f"{'[' + scenario_name + ']':<{name_w + 2}} {_MARK[step.status]} {step.name:<{step_w}} "
            f"{step.label:<{label_w}} {step.summary}")
    line = line.rstrip()
    if step.status == FAILED:
        line += "".join(f"\n      - {c.describe()}" for c in step.failures())
    if step.error:
        line += f"\n      - {step.error}"
    line += "".join(f"\n      ! warning {w}" for w in step.warnings)
    return line


def summary_table(results: Sequence[ScenarioResult]) -> str:
    """The table printed at the end of a run: one row per scenario, then the totals."""
    head = ("scenario", "steps", "passed", "failed", "skipped", "result", "time")
    rows = []
    for r in results:
        c = r.counts
        rows.append((r.name, str(len(r.steps)), str(c["passed"]), str(c["failed"] + c["error"]), str(c["skipped"]),
                     "PASS" if r.passed else "FAIL", f"{r.duration_ms / 1000:.2f}s"))
    widths = [max(len(h), *(len(row[i]) for row in rows)) if rows else len(h) for i, h in enumerate(head)]
    fmt = "  ".join(f"{{:<{w}}}" for w in widths)
    lines = [fmt.format(*head), fmt.format(*("-" * w for w in widths))]
    lines += [fmt.format(*row) for row in rows]
    failed = sum(1 for r in results if not r.passed)
    steps = sum(len(r.steps) for r in results)
    bad_steps = sum(1 for r in results for s in r.steps if s.status in (FAILED, ERROR))
    verdict = "all expectations met" if not failed else f"{failed} scenario(s) failed, {bad_steps} step(s)"
    lines.append(f"{len(results)} scenario(s), {steps} step(s): {verdict}")
    return "\n".join(lines)


def text_report(results: Sequence[ScenarioResult]) -> str:
    """Summary table plus the details of every failed expectation."""
    parts = [summary_table(results)]
    for r in results:
        for s in r.steps:
            if s.status in (FAILED, ERROR):
                parts.append(f"\n{r.name} / {s.name} ({s.label}) {s.status}: {s.summary}")
                parts += [f"  - {c.describe()}" for c in s.failures()]
                if s.error:
                    parts.append(f"  - {s.error}")
                if s.app_exception:
                    parts.append("  - the hook app raised:\n" + "\n".join(f"      {line}"
                                                                        for line in s.app_exception.splitlines()))
    warned = [(r, s) for r in results for s in r.steps if s.warnings]
    if warned:
        parts.append("\nWarnings (what Okta likely ignores; they never fail a step):")
        for r, s in warned:
            parts.append(f"{r.name} / {s.name} ({s.label}):")
            parts += [f"  ! {w}" for w in s.warnings]
    return "\n".join(parts) + "\n"


def json_report(results: Sequence[ScenarioResult], *, include_docs: bool = True) -> str:
    """Every scenario, step, check and (by default) result document as JSON."""
    doc = {"passed": all(r.passed for r in results), "scenarios": [r.to_dict(include_docs=include_docs)
                                                                    for r in results]}
    return json.dumps(doc, indent=2, default=str) + "\n"


def junit_report(results: Sequence[ScenarioResult]) -> str:
    """JUnit XML: one ``<testsuite>`` per scenario, one ``<testcase>`` per step."""
    suites = ET.Element("testsuites", name="okta-hooks scenarios")
    total = fails = errors = skipped = 0
    for r in results:
        c = r.counts
        suite = ET.SubElement(suites, "testsuite", name=r.name, tests=str(len(r.steps)), failures=str(c["failed"]),
                              errors=str(c["error"]), skipped=str(c["skipped"]), time=f"{r.duration_ms / 1000:.3f}")
        props = ET.SubElement(suite, "properties")
        for key, value in (("source", r.source), ("seed", str(r.seed)), ("target", r.target), ("mode", r.mode)):
            ET.SubElement(props, "property", name=key, value=value)
        for s in r.steps:
            case = ET.SubElement(suite, "testcase", classname=f"scenarios.{r.name}", name=s.name,
                                 time=f"{s.duration_ms / 1000:.3f}")
            if s.status == FAILED:
                fl = ET.SubElement(case, "failure", message=f"{len(s.failures())} expectation(s) failed",
                                   type="ExpectationFailed")
                fl.text = "\n".join(c.describe() for c in s.failures())
            elif s.status == ERROR:
                er = ET.SubElement(case, "error", message=s.error or "error", type="StepError")
                er.text = s.error
            elif s.status == SKIPPED:
                ET.SubElement(case, "skipped", message=s.summary)
            out = ET.SubElement(case, "system-out")
            out.text = (f"{s.label}: {s.summary}\n" + "\n".join(c.describe() for c in s.checks)
                        + "".join(f"\nwarning: {w}" for w in s.warnings))
        total += len(r.steps)
        fails += c["failed"]
        errors += c["error"]
        skipped += c["skipped"]
    suites.set("tests", str(total))
    suites.set("failures", str(fails))
    suites.set("errors", str(errors))
    suites.set("skipped", str(skipped))
    ET.indent(suites)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"


def render(results: Sequence[ScenarioResult], fmt: str) -> str:
    """Render results in one of ``FORMATS``."""
    if fmt == "text":
        return text_report(results)
    if fmt == "json":
        return json_report(results)
    if fmt == "junit":
        return junit_report(results)
    raise ValueError(f"unknown report format {fmt!r}; use one of {', '.join(FORMATS)}")
