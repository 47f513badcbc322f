"""Replay capture records through the core and compare what the hook answers now with what it answered then.

Both sides are judged by the same core calls (``Emulator.verify``, ``send_events``, ``call_inline``, or the
sender plus the event acceptance rule for a delivery sent byte for byte): the *recorded* answer is played back
by a tiny in-process app that answers exactly what the record holds, so the recorded verdict comes from today's
rules, not from a copy of them. The comparison uses ``okta_hook_emulator.matchers``."""

from __future__ import annotations

import copy
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import matchers
from ..clock import iso
from ..errors import EmulatorUsageError
from .records import REDACTED, UNKNOWN, VERIFICATION, body_bytes, load_records

# Request headers the core sets itself (Okta's own) or that belong to the transport; never copied from a record.
_OWN_HEADERS = frozenset({"host", "content-length", "connection", "keep-alive", "transfer-encoding", "te",
                          "accept-encoding", "user-agent", "accept", "content-type", "cache-control", "pragma",
                          "x-okta-request-id", "x-okta-verification-challenge", "upgrade", "expect"})


@dataclass
class Capture:
    """One loaded capture record."""

    path: Path
    record: dict[str, Any]

    @property
    def name(self) -> str:
        return self.path.stem

    @property
    def kind(self) -> str:
        return str(self.record.get("kind") or UNKNOWN)

    @property
    def replayable(self) -> bool:
        """Okta hook traffic (verification, event delivery, inline call), as opposed to anything else that
        crossed the proxy."""
        return self.kind != UNKNOWN

    @property
    def request(self) -> dict[str, Any]:
        return self.record.get("request") or {}

    def body(self) -> Any:
        """The captured request body, parsed (``None`` for a bodiless request)."""
        raw = body_bytes(self.request)
        return json.loads(raw) if raw.strip() else None

    def header(self, name: str) -> str | None:
        """A captured request header (case-insensitive)."""
        lowered = name.lower()
        return next((v for k, v in (self.request.get("headers") or {}).items() if k.lower() == lowered), None)

    def custom_headers(self) -> list[tuple[str, str]]:
        """Headers Okta sent because the hook is configured with them (not Okta's own, not redacted)."""
        return [(k, v) for k, v in (self.request.get("headers") or {}).items()
                if k.lower() not in _OWN_HEADERS and not k.lower().startswith("x-forwarded-") and v != REDACTED]

    def redacted_headers(self) -> list[str]:
        return [k for k, v in (self.request.get("headers") or {}).items() if v == REDACTED]

    def describe(self) -> str:
        """``registration``, ``event user.lifecycle.create``, ``telephony (com.okta...)``..."""
        types = self.record.get("eventTypes") or []
        if self.kind == "event" and types:
            return f"event {', '.join(types)}"
        request_type = self.record.get("requestType")
        return f"{self.kind} ({request_type})" if request_type else self.kind


def load_captures(path: str | Path) -> list[Capture]:
    """Every capture record in a folder (name order) or one record file."""
    return [Capture(file, record) for file, record in load_records(path)]


# -------------------------------------------------------------------------------- the recorded answer, replayed


class RecordedAnswer:
    """A WSGI app that answers what the record holds (status, headers, body); when the hook gave no answer, it
    fails the way the connection failed. A verification answer echoes the new challenge where the recorded
    one echoed the recorded challenge."""

    def __init__(self, capture: Capture):
        self.capture = capture

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        response = self.capture.record.get("response")
        if response is None:
            return _Broken(self.capture.record.get("error") or "the hook gave no answer")
        body = body_bytes(response)
        old = self.capture.header("X-Okta-Verification-Challenge")
        new = environ.get("HTTP_X_OKTA_VERIFICATION_CHALLENGE")
        if old and new:
            body = body.replace(old.encode(), new.encode())
        skip = {"content-length", "transfer-encoding", "connection", "content-encoding"}
        headers = [(k, v) for k, v in (response.get("headers") or {}).items() if k.lower() not in skip]
        start_response(f"{int(response['status'])} Recorded", headers + [("Content-Length", str(len(body)))])
        return [body]


class _Broken:
    """A WSGI answer that breaks off: the sender records it as a connection error."""

    def __init__(self, reason: str):
        self.reason = reason

    def __iter__(self) -> Iterator[bytes]:
        raise ConnectionError(f"as recorded: {self.reason}")


# -------------------------------------------------------------------------------------------- sending


def _fresh_inline(emulator: Any, body: dict) -> dict:
    fresh = copy.deepcopy(body)
    if "eventId" in fresh:
        fresh["eventId"] = emulator.payloads.event_id()
    if "eventTime" in fresh:
        fresh["eventTime"] = iso(emulator.clock.now())
    return fresh


def _fresh_events(emulator: Any, events: list[dict]) -> list[dict]:
    out = []
    for event in events:
        event = copy.deepcopy(event)
        if "uuid" in event:
            event["uuid"] = emulator.payloads.uuid()
        if "published" in event:
            event["published"] = iso(emulator.clock.now())
        out.append(event)
    return out


def _hook_id(envelope: dict) -> str | None:
    source = str(envelope.get("source") or "")
    return source.rstrip("/").rsplit("/", 1)[-1] or None


def send(emulator: Any, capture: Capture, target: Any, *, as_recorded: bool = False,
         auth_header: tuple[str, str] | None = None,
         headers: Mapping[str, str] | Iterable[tuple[str, str]] = (), **policy_overrides: Any) -> Any:
    """Send the captured request to ``target`` with Okta's headers and delivery rules and return the core's
    judged result (``VerificationResult``, ``EventDeliveryResult`` or ``InlineResult``). Fresh ids and
    timestamps unless ``as_recorded`` (then the body is sent as captured, with the captured request id)."""
    if not capture.replayable:
        raise EmulatorUsageError(f"{capture.path}: not an Okta hook request (kind unknown); nothing to replay.")
    channel_headers = capture.custom_headers() + list(headers.items() if isinstance(headers, Mapping) else headers)
    if capture.kind == VERIFICATION:
        return emulator.verify(target, auth_header=auth_header, headers=channel_headers, **policy_overrides)
    body = capture.body()
    if capture.kind == "event":
        hook_id = _hook_id(body)
        if as_recorded:
            return _send_exact_delivery(emulator, capture, body, target, auth_header, channel_headers, hook_id,
                                        policy_overrides)
        events = body["data"]["events"]
        return emulator.send_events(target, events=_fresh_events(emulator, events), batch_size=max(1, len(events)),
                                    auth_header=auth_header, headers=channel_headers, hook_id=hook_id,
                                    **policy_overrides)
    if as_recorded:
        request_id = capture.header("X-Okta-Request-Id")
        if request_id:
            channel_headers.append(("X-Okta-Request-Id", request_id))
    request = body if as_recorded else _fresh_inline(emulator, body)
    return emulator.call_inline(capture.kind, target, request=request, auth_header=auth_header,
                                headers=channel_headers, **policy_overrides)


def _send_exact_delivery(emulator: Any, capture: Capture, envelope: dict, target: Any,
                         auth_header: tuple[str, str] | None, headers: list[tuple[str, str]], hook_id: str | None,
                         policy_overrides: dict[str, Any]) -> Any:
    """The captured delivery POST, byte for byte, through the sender; judged by Okta's acceptance rule."""
    from ..emulator.events import judge_delivery
    from ..emulator.results import BatchDelivery, EventDeliveryResult
    from ..emulator.sender import event_delivery_headers

    channel = emulator.channel(target, auth_header, headers, hook_id)
    policy = emulator.resolve_policy(None, **policy_overrides)
    delivery = emulator.sender.send(channel, "POST", body_bytes(capture.request), event_delivery_headers(hook_id),
                                    policy)
    accepted, note = judge_delivery(delivery)
    return EventDeliveryResult(batches=[BatchDelivery(envelope=envelope, delivery=delivery, accepted=accepted,
                                                      note=note)])


def judge_recorded(emulator: Any, capture: Capture, **policy_overrides: Any) -> Any:
    """Okta's verdict on the *recorded* answer: the captured request (as recorded) sent to an app that answers
    what the record holds, judged by the core."""
    return send(emulator, capture, RecordedAnswer(capture), as_recorded=True, **policy_overrides)


# ------------------------------------------------------------------------------------------ comparing


def verdict_of(result: Any) -> str:
    """The verdict of any core result: ``ok``/``error``/``invalid``/``failed`` or ``VERIFIED``/``UNVERIFIED``."""
    value = getattr(result, "verdict", None)
    return str(value if value is not None else result.status)


def answer_of(result: Any) -> dict[str, Any]:
    """The parts of an inline answer that decide what Okta does: ``commands`` and ``error``."""
    body = getattr(result, "response_body", None)
    if not isinstance(body, dict):
        return {}
    return {key: body[key] for key in ("commands", "error") if key in body}


def _statuses(result: Any) -> list[int | None]:
    batches = getattr(result, "batches", None)
    if batches is not None:
        return [b.delivery.status for b in batches]
    return [result.delivery.status]


def _command_changes(recorded: dict[str, Any], now: dict[str, Any]) -> list[str]:
    changes = []
    old_cmds, new_cmds = recorded.get("commands") or [], now.get("commands") or []
    for index in range(max(len(old_cmds), len(new_cmds))):
        old = old_cmds[index] if index < len(old_cmds) else matchers.MISSING
        new = new_cmds[index] if index < len(new_cmds) else matchers.MISSING
        label = (old if old is not matchers.MISSING else new)
        label = label.get("type", "?") if isinstance(label, dict) else "?"
        if new is matchers.MISSING:
            changes.append(f"commands[{index}] {label} is gone (was {matchers.show(old, 200)})")
        elif old is matchers.MISSING:
            changes.append(f"commands[{index}] {label} is new: {matchers.show(new, 200)}")
        elif not matchers.equals(old, new)[0]:
            where, was, now_value = _first_difference(old, new, "")
            changes.append(f"commands[{index}] {label}: {where or 'value'} is {matchers.show(now_value, 200)} "
                           f"(was {matchers.show(was, 200)})")
    if ("error" in recorded or "error" in now) and not matchers.equals(recorded.get("error", matchers.MISSING),
                                                                       now.get("error", matchers.MISSING))[0]:
        changes.append(f"error object: was {matchers.show(recorded.get('error', matchers.MISSING), 200)}, "
                       f"now {matchers.show(now.get('error', matchers.MISSING), 200)}")
    return changes


def _first_difference(old: Any, new: Any, where: str) -> tuple[str, Any, Any]:
    """The first path (``.value.registration``, ``.value[0].path``) where two JSON values differ, with both
    values there (``matchers.MISSING`` for a side that lacks it)."""
    if isinstance(old, dict) and isinstance(new, dict):
        for key in list(old) + [k for k in new if k not in old]:
            a, b = old.get(key, matchers.MISSING), new.get(key, matchers.MISSING)
            if not matchers.equals(a, b)[0] or (a is matchers.MISSING) != (b is matchers.MISSING):
                return _first_difference(a, b, f"{where}.{key}")
    if isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        for index, (a, b) in enumerate(zip(old, new, strict=True)):
            if not matchers.equals(a, b)[0]:
                return _first_difference(a, b, f"{where}[{index}]")
    return where, old, new


@dataclass
class Replay:
    """One capture replayed: the recorded answer's result, the new answer's result, and what changed."""

    capture: Capture
    recorded: Any  # core result for the recorded answer
    replayed: Any  # core result for the hook's answer now
    changes: list[str] = field(default_factory=list)  # a verdict or a command that differs: the replay fails
    notes: list[str] = field(default_factory=list)  # differences that do not change what Okta does

    @property
    def held(self) -> bool:
        """The hook still gets the recorded verdict and commands."""
        return not self.changes

    def summary(self) -> str:
        """One line: ``<name> (<kind>): verdict ok as recorded`` or what changed."""
        head = f"{self.capture.name} ({self.capture.describe()})"
        if self.held:
            text = f"{head}: verdict {verdict_of(self.replayed)} as recorded"
            return text + (f"; note: {'; '.join(self.notes)}" if self.notes else "")
        return f"{head}: " + "; ".join(self.changes)

    def to_dict(self) -> dict[str, Any]:
        return {"capture": str(self.capture.path), "kind": self.capture.kind, "held": self.held,
                "recordedVerdict": verdict_of(self.recorded), "verdict": verdict_of(self.replayed),
                "changes": self.changes, "notes": self.notes,
                "recorded": self.recorded.to_dict(), "replayed": self.replayed.to_dict()}


def compare(capture: Capture, recorded: Any, replayed: Any) -> Replay:
    """Same verdict and same commands (and ``error`` object) as recorded, or what changed."""
    outcome = Replay(capture, recorded, replayed)
    old_verdict, new_verdict = verdict_of(recorded), verdict_of(replayed)
    ok, _why = matchers.verdict(old_verdict, new_verdict)
    if not ok:
        reason = getattr(replayed, "reason", "") or _failed_checks(replayed)
        outcome.changes.append(f"verdict was {old_verdict}, now {new_verdict}" + (f" ({reason})" if reason else ""))
    outcome.changes += _command_changes(answer_of(recorded), answer_of(replayed))
    old_status, new_status = _statuses(recorded), _statuses(replayed)
    if old_status != new_status:
        outcome.notes.append(f"HTTP {_join(new_status)}, recorded HTTP {_join(old_status)}")
    return outcome


def _join(statuses: list[int | None]) -> str:
    return ", ".join("no answer" if s is None else str(s) for s in statuses)


def _failed_checks(result: Any) -> str:
    batches = getattr(result, "batches", None)
    if batches is not None:  # an event delivery: why each refused batch was refused
        return "; ".join(b.note or b.delivery.transport for b in batches if not b.accepted)
    checks = getattr(result, "checks", None) or []
    failed = [c for c in checks if not c.passed]
    return f"{failed[0].name}: {failed[0].detail}" if failed else ""


def replay(emulator: Any, capture: Capture, target: Any, *, as_recorded: bool = False,
           auth_header: tuple[str, str] | None = None,
           headers: Mapping[str, str] | Iterable[tuple[str, str]] = (), **policy_overrides: Any) -> Replay:
    """Replay one capture against ``target`` and compare the answer with the recorded one."""
    recorded = judge_recorded(emulator, capture, **policy_overrides)
    replayed = send(emulator, capture, target, as_recorded=as_recorded, auth_header=auth_header,
                    headers=headers, **policy_overrides)
    return compare(capture, recorded, replayed)
