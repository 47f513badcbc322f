"""What a load run counts besides Locust's own statistics, and the summary printed at its end. Free of Locust
(and so of gevent): ``okta-hooks load`` reads and prints summaries with it without importing Locust.

Every judged call adds one :class:`Call` to a :class:`Tally`: kind, verdict, the reason Locust shows as the
failure name (``None`` when the verdict is ok), the outcome Okta would have produced when the hook failed
(``fail open`` / ``fail closed`` / ``fail over``, from the kind's failure mode) and whether the answer came within
the budget. Workers send their tallies to the master (``Tally.drain`` / ``Tally.merge``)."""

from __future__ import annotations

from collections import Counter
from typing import Any, NamedTuple

from ..emulator import records as R
from ..emulator.results import VERDICT_FAILED, VERDICT_INVALID, VERDICT_OK
from ..payloads.catalog import get_kind

# What Okta does when a hook call fails or its answer breaks the rules (payloads.catalog HookKind.failure_mode).
OUTCOME_NAMES = {"open": "fail open", "closed": "fail closed", "failover": "fail over"}
SUMMARY_PERCENTILES = (0.5, 0.95, 0.99)


class Call(NamedTuple):
    """One judged hook call (an inline call, or one event delivery POST). A named tuple: immutable, and built
    once per load-mode call at a fraction of a frozen dataclass's cost."""

    kind: str
    verdict: str
    reason: str | None  # the Locust failure name; None when ok
    outcome: str | None  # "fail open" / "fail closed" / "fail over" / None
    within_budget: bool


def failure_name(verdict: str, delivery: R.Delivery, reason: str, problems: list[Any] = ()) -> str | None:
    """The short, stable name Locust shows for a call that is not ok: ``timed out``, ``HTTP 500``, ``connection
    failed``, the broken rule of an invalid answer (``invalid: [rule] at path``) or the judge's reason."""
    if verdict == VERDICT_OK:
        return None
    final = delivery.final if delivery.attempts else None
    if verdict == VERDICT_FAILED and final is not None:
        if final.transport == R.TIMEOUT:
            return "timed out"
        if final.transport == R.HTTP_ERROR:
            return f"HTTP {delivery.status}"
        if final.transport == R.CONNECTION_ERROR:
            return "connection failed"
        if final.transport == R.REDIRECT:
            return f"redirect (HTTP {delivery.status})"
        if final.transport == R.TOO_LARGE:
            return "answer too large"
    if verdict == VERDICT_INVALID and problems:
        first = problems[0]
        rule, path = getattr(first, "rule", None), getattr(first, "path", None)
        if rule:
            return f"invalid: [{rule}] at {path}"
    return f"{verdict}: {reason}" if reason else verdict


def failure_outcome(kind: str, verdict: str) -> str | None:
    """The fail-open / fail-closed outcome Okta produces for a failed or invalid answer of ``kind`` (None for
    ok and error answers, and for event deliveries, which affect no flow)."""
    if verdict not in (VERDICT_FAILED, VERDICT_INVALID):
        return None
    return OUTCOME_NAMES.get(get_kind(kind).failure_mode)


def within_budget(delivery: R.Delivery) -> bool:
    """True when no attempt of the call ran out of its time budget."""
    for attempt in delivery.attempts:  # a plain loop: one call per judged load call, kept cheap
        if attempt.transport == R.TIMEOUT:
            return False
    return True


def judged_call(kind: str, verdict: str, delivery: R.Delivery, reason: str, problems: list[Any] = ()) -> Call:
    """The :class:`Call` a judged hook call counts as (failure name and outcome only when it is not ok)."""
    if verdict == VERDICT_OK:
        return Call(kind, verdict, None, None, within_budget(delivery))
    return Call(kind, verdict, failure_name(verdict, delivery, reason, problems), failure_outcome(kind, verdict),
                within_budget(delivery))


class Tally:
    """Counts of judged calls: by (kind, verdict, reason), by (kind, outcome), within budget, by worker."""

    def __init__(self) -> None:
        self.verdicts: Counter[tuple[str, str, str]] = Counter()
        self.outcomes: Counter[tuple[str, str]] = Counter()
        self.within_budget = 0
        self.calls = 0
        self.by_worker: Counter[str] = Counter()

    def add(self, call: Call, worker: str = "local") -> None:
        """Count one judged call."""
        self.calls += 1
        self.verdicts[(call.kind, call.verdict, call.reason or "")] += 1
        if call.outcome:
            self.outcomes[(call.kind, call.outcome)] += 1
        self.within_budget += call.within_budget
        self.by_worker[worker] += 1

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready counts (what a worker sends to the master)."""
        return {"calls": self.calls, "within_budget": self.within_budget,
                "verdicts": [[k, v, r, n] for (k, v, r), n in sorted(self.verdicts.items())],
                "outcomes": [[k, o, n] for (k, o), n in sorted(self.outcomes.items())],
                "by_worker": dict(sorted(self.by_worker.items()))}

    def drain(self) -> dict[str, Any]:
        """The counts so far, then start again from zero (a worker's report to the master)."""
        out = self.to_dict()
        self.__init__()  # type: ignore[misc]
        return out

    def merge(self, counts: dict[str, Any], worker: str | None = None) -> None:
        """Add counts from ``to_dict``/``drain``; ``worker`` (a worker's id) replaces their worker names."""
        self.calls += counts.get("calls", 0)
        self.within_budget += counts.get("within_budget", 0)
        for kind, verdict, reason, n in counts.get("verdicts", []):
            self.verdicts[(kind, verdict, reason)] += n
        for kind, outcome, n in counts.get("outcomes", []):
            self.outcomes[(kind, outcome)] += n
        for name, n in counts.get("by_worker", {}).items():
            self.by_worker[worker or name] += n


def summary_dict(tally: Tally, *, requests: int, failures: int, rps: float, percentiles: dict[str, float],
                 seconds: float, budget: float) -> dict[str, Any]:
    """The run's summary: Locust's totals and percentiles plus the tally (written as JSON by the locustfile)."""
    return {"requests": requests, "failures": failures, "rps": round(rps, 2), "seconds": round(seconds, 2),
            "percentiles_ms": percentiles, "budget_s": budget, **tally.to_dict()}


def format_summary(summary: dict[str, Any]) -> str:
    """The human-readable summary ``okta-hooks load`` prints."""
    calls = summary.get("calls", 0)
    share = summary.get("within_budget", 0) / calls if calls else 0.0
    pct = summary.get("percentiles_ms", {})
    lines = [
        f"requests: {summary['requests']} in {summary['seconds']:g} s ({summary['rps']:g} req/s), "
        f"failures: {summary['failures']}",
        "latency: " + ", ".join(f"{name} {value:g} ms" for name, value in pct.items()),
        f"within Okta's budget ({summary['budget_s']:g} s): {summary.get('within_budget', 0)}/{calls} "
        f"({share:.1%})",
        "verdicts:",
    ]
    for kind, verdict, reason, n in summary.get("verdicts", []):
        lines.append(f"  {kind:<16} {verdict:<8} {n:>8}" + (f"  {reason}" if reason else ""))
    outcomes = summary.get("outcomes", [])
    lines.append("outcomes Okta would have produced:" + ("" if outcomes else " none (every answer was usable)"))
    for kind, outcome, n in outcomes:
        lines.append(f"  {kind:<16} {outcome:<12} {n:>8}")
    workers = summary.get("by_worker", {})
    if len(workers) > 1 or "local" not in workers:
        lines.append("calls by worker: " + ", ".join(f"{name} {n}" for name, n in workers.items()))
    return "\n".join(lines)
