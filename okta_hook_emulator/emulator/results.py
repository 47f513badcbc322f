"""Result objects returned by the core (``Emulator``) to every front end: CLI, server, plugin, scenarios,
dashboard. All are JSON-serialisable through ``to_dict()``."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from .records import Delivery

VERIFIED = "VERIFIED"
UNVERIFIED = "UNVERIFIED"

# Inline verdicts
VERDICT_OK = "ok"  # usable answer, applied (including 204 / no commands)
VERDICT_ERROR = "error"  # the hook answered an `error` object
VERDICT_INVALID = "invalid"  # the answer broke Okta's rules (problems); it was skipped
VERDICT_FAILED = "failed"  # transport failure: timeout, connection error, non-2xx, redirect, too large, not JSON


@dataclass(frozen=True)
class Check:
    """One line of a checklist (verification, delivery): pass/fail with the reason."""

    name: str
    passed: bool
    detail: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "passed": self.passed, "detail": self.detail}


@dataclass
class VerificationResult:
    """Outcome of the event-hook verification GET."""

    challenge: str
    checks: list[Check]
    delivery: Delivery
    log_events: list[dict] = field(default_factory=list)

    @property
    def verified(self) -> bool:
        return all(c.passed for c in self.checks)

    @property
    def status(self) -> str:
        return VERIFIED if self.verified else UNVERIFIED

    def to_dict(self) -> dict[str, Any]:
        return {"status": self.status, "challenge": self.challenge, "checks": [c.to_dict() for c in self.checks],
                "delivery": self.delivery.to_dict(), "log_events": self.log_events}


@dataclass
class BatchDelivery:
    """One POST of the ``com.okta.event_hook`` envelope (one batch) and all its attempts."""

    envelope: dict
    delivery: Delivery
    accepted: bool
    note: str = ""  # e.g. "201 accepted (Okta expects 200 or 204)"
    duplicate_of: str | None = None  # eventId this POST re-sends (at-least-once switch)

    @property
    def event_id(self) -> str:
        return self.envelope["eventId"]

    @property
    def events(self) -> list[dict]:
        return self.envelope["data"]["events"]

    def to_dict(self) -> dict[str, Any]:
        return {"eventId": self.event_id, "accepted": self.accepted, "note": self.note,
                "duplicate_of": self.duplicate_of, "event_types": [e["eventType"] for e in self.events],
                "envelope": self.envelope, "delivery": self.delivery.to_dict()}


def event_delivery_verdict(accepted: Iterable[bool]) -> str:
    """The verdict on an event delivery from whether each of its batches was accepted: ``VERDICT_OK`` when at
    least one batch was sent and the hook accepted every one, else ``VERDICT_FAILED``."""
    flags = list(accepted)
    return VERDICT_OK if flags and all(flags) else VERDICT_FAILED


@dataclass
class EventDeliveryResult:
    """All batches sent for one ``send_events`` call."""

    batches: list[BatchDelivery]
    log_events: list[dict] = field(default_factory=list)  # event_hook.delivery failures

    @property
    def delivered(self) -> bool:
        return all(b.accepted for b in self.batches)

    @property
    def verdict(self) -> str:
        """``ok`` when every batch was accepted (and there was one), else ``failed`` (``VERDICT_*``)."""
        return event_delivery_verdict(b.accepted for b in self.batches)

    @property
    def attempts(self) -> int:
        return sum(len(b.delivery.attempts) for b in self.batches)

    def to_dict(self) -> dict[str, Any]:
        return {"verdict": self.verdict, "delivered": self.delivered, "attempts": self.attempts,
                "batches": [b.to_dict() for b in self.batches], "log_events": self.log_events}


@dataclass
class CommandResult:
    """What Okta did with one command of an inline answer (or one op inside it)."""

    index: int
    type: str
    applied: bool
    reason: str = ""
    value: Any = None

    def to_dict(self) -> dict[str, Any]:
        return {"index": self.index, "type": self.type, "applied": self.applied, "reason": self.reason,
                "value": self.value}


@dataclass
class InlineResult:
    """One inline hook call, judged: the transport result, problems, commands and Okta's outcome."""

    kind: str
    request_type: str | None
    request: dict
    delivery: Delivery
    verdict: str  # VERDICT_*
    response_body: Any = None  # parsed JSON answer, None when absent/unparseable
    problems: list[Any] = field(default_factory=list)  # payloads.validate.Problem
    # What Okta likely ignores but a tester wants pointed out (payloads.validate.response_warnings); never
    # changes the verdict.
    warnings: list[Any] = field(default_factory=list)
    commands: list[CommandResult] = field(default_factory=list)
    outcome: Any = None  # kind-specific outcome object with to_dict() and summary
    reason: str = ""  # one sentence: why this verdict
    # One function per System Log event of the call; ``log_events`` calls them on first access.
    log_builders: tuple[Callable[[], dict], ...] = field(default=(), repr=False, compare=False)
    # OAUTH channels: the token request (``oauth_channel.TokenExchange``, secrets masked in to_dict); else None.
    token_exchange: Any = field(default=None, repr=False, compare=False)

    @cached_property
    def log_events(self) -> list[dict]:
        """The System Log events Okta writes for this call, built on first access (their seeds and clock readings
        were fixed at call time, so when they are read does not change them)."""
        return [build() for build in self.log_builders]

    @property
    def transport(self) -> str:
        return self.delivery.transport

    @property
    def status(self) -> int | None:
        return self.delivery.status

    @property
    def timed_out(self) -> bool:
        return any(a.transport == "timeout" for a in self.delivery.attempts)

    @property
    def elapsed_ms(self) -> float:
        total = 0.0
        for attempt in self.delivery.attempts:  # a plain loop: read once per load-mode call
            total += attempt.elapsed_ms
        return total

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind, "requestType": self.request_type, "verdict": self.verdict, "reason": self.reason,
            "transport": self.transport, "status": self.status, "request": self.request,
            "response": self.response_body,
            "problems": [p.to_dict() if hasattr(p, "to_dict") else p for p in self.problems],
            "warnings": [w.to_dict() if hasattr(w, "to_dict") else w for w in self.warnings],
            "commands": [c.to_dict() for c in self.commands],
            "outcome": self.outcome.to_dict() if hasattr(self.outcome, "to_dict") else self.outcome,
            "delivery": self.delivery.to_dict(), "log_events": list(self.log_events),
        } | ({"tokenExchange": self.token_exchange.to_dict()} if self.token_exchange is not None else {})
