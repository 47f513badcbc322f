"""Telephony inline hook (``com.okta.telephony.provider``), docs/okta-behaviour.md#telephony-hook.

``com.okta.telephony.action`` with ``value: [{status, provider, transactionId, transactionMetadata}]``. The hook
delivered the OTP when it reports SUCCESSFUL (or PENDING, ``fidelity.TELEPHONY_FAILOVER_STATUSES``). Okta fails over
to its own SMS/voice providers on a timeout or connection error (no retry), any HTTP status besides 200, an
``error`` object, a malformed / unmappable answer or an invalid status, and when the status is FAILED.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ... import fidelity
from ..results import VERDICT_ERROR, VERDICT_FAILED, VERDICT_INVALID, VERDICT_OK, CommandResult
from . import (
    JudgeContext,
    Judgement,
    Outcome,
    error_summary,
    has_error,
    problem_text,
    shown,
    type_text,
    typed_commands,
    unknown_command,
    with_invalid,
)

TELEPHONY_ACTION = "com.okta.telephony.action"
STATUSES = ("SUCCESSFUL", "PENDING", "FAILED")
HOOK, OKTA = "hook", "okta"


@dataclass
class TelephonyOutcome(Outcome):
    """Who delivered the one-time passcode."""

    failover: bool
    delivered_by: str  # "hook" | "okta"
    status: str | None  # the status the hook reported, if any
    provider: str | None
    transaction_id: str | None
    transaction_metadata: Any = None
    channel: str | None = None  # SMS | Voice (from the request)
    phone_number: str | None = None

    @property
    def summary(self) -> str:
        via = f" by {self.channel}" if self.channel else ""
        if not self.failover:
            return (f"The hook delivered the OTP{via} via {self.provider or 'its provider'} "
                    f"(status {self.status}, transaction {self.transaction_id}).")
        reported = f" after the hook reported {self.status}" if self.status else ""
        return (f"Failover: Okta sent the OTP{via} through its own telephony providers{reported} "
                "(heavily rate-limited).")

    @property
    def denied(self) -> None:
        """Telephony has no allow/deny decision: the OTP is sent either way (by the hook or by failover)."""
        return None


def _message_profile(request: dict) -> dict:
    try:
        mp = request["data"]["messageProfile"]
    except (KeyError, TypeError):
        return {}
    return mp if isinstance(mp, dict) else {}


def _failover(request: dict, status: str | None = None) -> TelephonyOutcome:
    mp = _message_profile(request)
    return TelephonyOutcome(True, OKTA, status, None, None, None, mp.get("deliveryChannel"), mp.get("phoneNumber"))


def _apply(body: dict) -> tuple[dict | None, list[CommandResult], str | None]:
    action: dict | None = None
    results: list[CommandResult] = []
    refusal_first = None
    for i, ctype, value in typed_commands(body):
        if ctype != TELEPHONY_ACTION:
            refusal = unknown_command(ctype, f"the telephony hook accepts only {TELEPHONY_ACTION}")
        elif not isinstance(value, list) or not value or not isinstance(value[0], dict):
            refusal = f"{TELEPHONY_ACTION} value must be a non-empty array of {{status, provider, transactionId}}"
        elif value[0].get("status") not in STATUSES:
            refusal = f"invalid status {shown(value[0].get('status'))}: use SUCCESSFUL, PENDING or FAILED"
        else:
            action = action or value[0]
            results.append(CommandResult(i, ctype, True, f"status {value[0]['status']}", value))
            continue
        results.append(CommandResult(i, type_text(ctype), False, refusal, value))
        refusal_first = refusal_first or f"command {i}: {refusal}"
    if action is None and refusal_first is None:
        refusal_first = f"the answer has no {TELEPHONY_ACTION} command with a status"
    return action, results, refusal_first


def judge(request: dict, response_body: dict | None, transport_ok: bool, problems: list,
          ctx: JudgeContext) -> Judgement:
    """Judge a telephony hook answer: delivered by the hook, or failover to Okta's providers."""
    if not transport_ok:
        return Judgement(VERDICT_FAILED, _failover(request),
                         f"{ctx.failure_reason or 'The call failed'}; the telephony hook is not retried: Okta sends "
                         "the OTP through its own providers.")
    if response_body is None:
        return Judgement(VERDICT_INVALID, _failover(request),
                         "Empty answer: the telephony hook must answer 200 with a telephony action, so Okta sends "
                         "the OTP through its own providers.")
    if has_error(response_body):
        summary = error_summary(response_body)
        results = with_invalid(_apply(response_body)[1], "not applied: the hook answered an error")
        return Judgement(VERDICT_ERROR, _failover(request),
                         f"The hook answered an error object ({summary}): Okta retries sending the OTP through "
                         "its own providers.", results)
    action, results, refusal = _apply(response_body)
    if problems or refusal or action is None:
        why = refusal or problem_text(problems)
        return Judgement(VERDICT_INVALID, _failover(request),
                         f"The answer is malformed or can't be mapped ({why}): Okta sends the OTP through its own "
                         "providers.", with_invalid(results, "skipped: the answer was not usable"))
    mp = _message_profile(request)
    status = action.get("status")
    if status in fidelity.TELEPHONY_FAILOVER_STATUSES:
        return Judgement(VERDICT_OK, _failover(request, status),
                         f"The hook reported {status}: Okta fails over to its own providers.", results)
    outcome = TelephonyOutcome(False, HOOK, status, action.get("provider"), action.get("transactionId"),
                               action.get("transactionMetadata"), mp.get("deliveryChannel"), mp.get("phoneNumber"))
    return Judgement(VERDICT_OK, outcome, f"The hook reported {status}: the OTP was delivered by the hook.", results)
