"""The one-time event-hook verification GET (docs/okta-behaviour.md#verification) and its checklist."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from .. import fidelity, wire_json
from . import records as R
from .policy import DeliveryPolicy
from .records import Delivery
from .results import Check, VerificationResult
from .sender import verification_headers
from .system_log import hook_target
from .transport import HookChannel

if TYPE_CHECKING:
    from .core import Emulator

CHECK_ANSWERED = "answered in time"
CHECK_NO_REDIRECT = "no redirect"
CHECK_STATUS = "2xx status"
CHECK_SIZE = "response under size limit"
CHECK_JSON = "JSON body"
CHECK_PRESENT = "`verification` present"
CHECK_EQUAL = "value equals the challenge"
CHECK_NAMES = (CHECK_ANSWERED, CHECK_NO_REDIRECT, CHECK_STATUS, CHECK_SIZE, CHECK_JSON, CHECK_PRESENT, CHECK_EQUAL)


def _short(value: Any, limit: int = 80) -> str:
    text = json.dumps(value) if not isinstance(value, str) else repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def checklist(delivery: Delivery, challenge: str, policy: DeliveryPolicy) -> list[Check]:
    """Judge the final verification answer: one :class:`Check` per rule, later ones marked not checked once
    an earlier one makes them meaningless."""
    final = delivery.final
    tries = len(delivery.attempts)
    tried = f" ({tries} attempts)" if tries > 1 else ""
    checks: list[Check] = []
    blocked: str | None = None

    def add(name: str, passed: bool, detail: str) -> None:
        nonlocal blocked
        if blocked is not None:
            checks.append(Check(name, False, f"not checked: {blocked}"))
            return
        checks.append(Check(name, passed, detail))
        if not passed:
            blocked = f"'{name}' failed"

    budget = f"{policy.timeout:g} s"
    answered = final.transport not in (R.TIMEOUT, R.CONNECTION_ERROR)
    add(CHECK_ANSWERED, answered,
        f"answered in {final.elapsed_ms:.0f} ms (budget {budget})" if answered
        else f"{final.error or final.transport}{tried}")
    status = final.response.status if final.response else None
    add(CHECK_NO_REDIRECT, final.transport != R.REDIRECT,
        final.error or "" if final.transport == R.REDIRECT else "not redirected")
    add(CHECK_STATUS, status is not None and 200 <= status < 300, f"HTTP {status}{tried}")
    add(CHECK_SIZE, final.transport != R.TOO_LARGE,
        final.error or "" if final.transport == R.TOO_LARGE else f"{final.response.size if final.response else 0} bytes")
    parsed: Any = None
    try:
        parsed = wire_json.loads(delivery.final_body or b"")
        is_object = isinstance(parsed, dict)
        detail = "JSON object" if is_object else f"JSON {type(parsed).__name__}, expected an object"
    except (UnicodeDecodeError, ValueError) as exc:
        is_object = False
        body = (delivery.final_body or b"")[:60].decode("utf-8", "replace")
        detail = f"not JSON ({exc}); body starts {body!r}" if body else "empty body; expected {\"verification\": ...}"
    add(CHECK_JSON, is_object, detail)
    present = is_object and isinstance(parsed.get("verification"), str)
    if is_object and "verification" in parsed and not present:
        pdetail = f"`verification` is {_short(parsed['verification'])}, expected a string"
    else:
        pdetail = "present" if present else f"no `verification` key (keys: {sorted(parsed) if is_object else []})"
    add(CHECK_PRESENT, present, pdetail)
    if present:
        got = parsed["verification"]
        extra = sorted(set(parsed) - {"verification"})
        equal = got == challenge and (fidelity.VERIFICATION_ALLOW_EXTRA_FIELDS or not extra)
        if got != challenge:
            edetail = f"expected {challenge!r} (from X-Okta-Verification-Challenge), got {_short(got)}"
        elif extra and not fidelity.VERIFICATION_ALLOW_EXTRA_FIELDS:
            edetail = f"extra fields not allowed: {extra}"
        else:
            edetail = f"{challenge!r}"
        add(CHECK_EQUAL, equal, edetail)
    else:
        add(CHECK_EQUAL, False, "")
    return checks


def verify(emulator: Emulator, channel: HookChannel, policy: DeliveryPolicy) -> VerificationResult:
    """Send the verification GET (retried once after a timeout or error, per policy) and judge it."""
    challenge = emulator.challenge()
    headers = verification_headers(challenge, emulator.request_id())
    delivery = emulator.sender.send(channel, "GET", None, headers, policy)
    checks = checklist(delivery, challenge, policy)
    ok = all(c.passed for c in checks)
    failed = next((c for c in checks if not c.passed), None)
    reason = "Verification succeeded" if ok else f"Unable to verify event hook: {failed.name}: {failed.detail}"
    event = emulator.log_event(
        "event_hook.verified",
        outcome={"result": "SUCCESS" if ok else "FAILURE", "reason": reason},
        targets=[hook_target("EventHook", channel.hook_id, channel.url)] if channel.hook_id else None,
        debug_data={"eventHookId": channel.hook_id, "url": channel.url, "attempts": len(delivery.attempts),
                    "transport": delivery.transport, "status": delivery.status},
    )
    return VerificationResult(challenge=challenge, checks=checks, delivery=delivery, log_events=[event])
