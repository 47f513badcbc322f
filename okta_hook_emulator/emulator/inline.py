"""Call an inline hook as Okta does, judge the answer as Okta does, and carry the flow to its outcome.

``call_inline`` is what ``Emulator.call_inline`` delegates to. Steps:

1. serialise the request (compact JSON, UTF-8) and POST it with Okta's inline headers through the sender
   (timeouts, retries, size limit, redirects: the ``DeliveryPolicy``);
2. classify the answer: transport failure (timeout, connection error, non-2xx, redirect, too large), a status
   outside the kind's ``success_statuses`` that the kind does not accept (telephony: any status but 200), or a
   body that is not JSON → ``VERDICT_FAILED``; 204 / empty body → no change; JSON →
   ``payloads.validate.validate_response`` problems (and ``response_warnings``, which never change a verdict);
3. hand everything to the kind's judge (``emulator/outcomes/<kind>.py``), which decides ``ok`` / ``error`` /
   ``invalid`` / ``failed`` and the outcome (fail open / closed / over, docs/okta-behaviour.md#failure-modes);
4. write the System Log events Okta would write: ``inline_hook.executed`` when the call failed,
   ``inline_hook.response.processed`` always (with the answer's ``debugContext``), plus the flow's own events
   (``user.import.password``, ``user.lifecycle.create`` ...). What decides each event (clock reading, a child
   seed, the facts of the call) is fixed at call time; the ``LogEvent`` dicts are built on first access of
   ``InlineResult.log_events`` (a cached property).

Never raises for anything a hook answers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .. import fidelity, wire_json
from ..payloads.catalog import HookKind
from . import records as R
from .exchange import PreparedRequest
from .outcomes import JudgeContext, Judgement
from .policy import DeliveryPolicy
from .results import VERDICT_FAILED, VERDICT_OK, InlineResult
from .sender import inline_headers, prepare_request
from .transport import HookChannel


def serialize_request(request: dict) -> bytes:
    """The exact bytes POSTed: compact JSON (Okta sends no insignificant whitespace), UTF-8."""
    return wire_json.dumps(request)


def _attempts_text(delivery: R.Delivery) -> str:
    n = len(delivery.attempts)
    return f" after {n} attempts" if n > 1 else ""


def _failure_reason(delivery: R.Delivery) -> str:
    final = delivery.final
    what = {R.TIMEOUT: "Timed out", R.CONNECTION_ERROR: "Connection failed", R.HTTP_ERROR: "The hook answered",
            R.REDIRECT: "The hook redirected", R.TOO_LARGE: "The answer was too large"}.get(final.transport,
                                                                                          final.transport)
    detail = final.error or final.transport
    return f"{what}: {detail}{_attempts_text(delivery)}"


def _deserialize_error(exc: Exception) -> str:
    line, col = getattr(exc, "lineno", 1), getattr(exc, "colno", 1)
    return f"Could not deserialize inline hook response due to error at Line {line} Column {col}"


def _problems(kind: HookKind, body: Any, request: dict, size: int) -> list[Any]:
    from ..payloads.validate import Problem, validate_response

    try:
        problems = list(validate_response(kind, body, request, size=size))
    except Exception as exc:  # noqa: BLE001 - a validator bug must not turn into a crash of the flow
        problems = [Problem("$", "schema", f"the answer could not be validated ({type(exc).__name__}: {exc})")]
    return problems


def _warnings(kind: HookKind, body: Any, request: dict) -> list[Any]:
    if body is None:
        return []
    from ..payloads.validate import response_warnings

    try:
        return list(response_warnings(kind, body, request))
    except Exception:  # noqa: BLE001 - a warning rule's bug must not crash the flow; warnings are optional
        return []


def classify(kind: HookKind, delivery: R.Delivery, request: dict) -> tuple[bool, Any, list[Any], str, str]:
    """Turn a delivery into the judge's inputs: ``(transport_ok, parsed_body, problems, failure_reason, note)``.

    ``parsed_body`` is ``None`` for an empty answer or a failed call; ``note`` mentions an unusual 2xx."""
    if delivery.transport != R.OK:
        return False, None, [], _failure_reason(delivery), ""
    status = delivery.status or 0
    note = ""
    if status not in kind.success_statuses:
        expected = " or ".join(str(s) for s in kind.success_statuses)
        if not kind.accepts_other_2xx:
            return False, None, [], f"The hook answered HTTP {status}; a {kind.title.lower()} must answer {expected}", ""
        if not fidelity.INLINE_ACCEPT_ANY_2XX:
            return False, None, [], f"The hook answered HTTP {status}; Okta expects {expected}", ""
        note = (f" (HTTP {status} accepted as success; Okta documents "
                f"{' and '.join(str(s) for s in kind.success_statuses)})")
    raw = delivery.final_body or b""
    if status == 204 or not raw.strip():
        return True, None, [], "", note
    try:
        body = wire_json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        return False, None, [], _deserialize_error(exc), note
    problems = _problems(kind, body, request, len(raw))
    if not isinstance(body, dict) and not problems:  # never judge a non-object answer as "empty"
        from ..payloads.validate import Problem

        problems = [Problem("$", "schema", f"the answer must be a JSON object, not {type(body).__name__}")]
    return True, body, problems, "", note


def _hook_target(kind: HookKind, channel: HookChannel) -> dict:
    return {"id": channel.hook_id or "", "type": "InlineHook", "alternateId": kind.okta_type,
            "displayName": kind.title, "detailEntry": None}


def _log(emulator: Any, event_type: str, result: str, reason: str | None, targets: list[dict] | None,
         debug_data: dict | None) -> Callable[[], dict]:
    """A function that builds the event (``Emulator.log_event(deferred=True)``: seed and clock drawn now)."""
    return emulator.log_event(event_type, deferred=True, outcome={"result": result, "reason": reason},
                              targets=targets, debug_data=debug_data)


def _log_events(emulator: Any, kind: HookKind, channel: HookChannel, request_id: str, judgement: Judgement,
                body: Any, failure_reason: str, delivery: R.Delivery) -> list[Callable[[], dict]]:
    """Builders of the System Log events of the call (everything that decides them is fixed now)."""
    hook = [_hook_target(kind, channel)]
    base = {"inlineHookId": channel.hook_id or "", "inlineHookType": kind.okta_type, "requestId": request_id,
            "requestUri": channel.url}
    events: list[Callable[[], dict]] = []
    if judgement.verdict == VERDICT_FAILED:
        executed = dict(base, errorSummary=failure_reason, attempts=len(delivery.attempts))
        if delivery.status is not None:
            executed["statusCode"] = delivery.status
        events.append(_log(emulator, "inline_hook.executed", "FAILURE", failure_reason, hook, executed))
    processed = dict(base, verdict=judgement.verdict)
    debug_context = body.get("debugContext") if isinstance(body, dict) else None
    if debug_context is not None:
        processed["debugContext"] = debug_context
    ok = judgement.verdict == VERDICT_OK
    events.append(_log(emulator, "inline_hook.response.processed", "SUCCESS" if ok else "FAILURE",
                       None if ok else judgement.reason, hook, processed))
    for spec in judgement.log_specs:
        events.append(_log(emulator, spec.event_type, spec.result, spec.reason, spec.targets, spec.debug_data))
    return events


def _judge(kind: HookKind, request: dict, body: Any, transport_ok: bool, problems: list,
           ctx: JudgeContext) -> Judgement:
    judge = kind.resolve("judge")
    if isinstance(body, dict) or not transport_ok:
        judged = body if transport_ok else None
    elif problems:  # JSON that is not an object (null, a list, a number...): judged as an invalid answer
        judged = {}
    else:  # an empty answer (204 / empty body)
        judged = None
    try:
        return judge(request, judged, transport_ok, problems, ctx)
    except Exception as exc:  # noqa: BLE001 - safety net: a judge bug must not crash the caller's flow
        ctx.failure_reason = f"internal emulator error while judging the answer ({type(exc).__name__}: {exc})"
        return judge(request, None, False, [], ctx)


def request_id_of(request: Any) -> str | None:
    """The request's own id (``data.context.request.id``), which Okta also sends as ``X-Okta-Request-Id``."""
    try:
        value = request["data"]["context"]["request"]["id"]
    except (KeyError, TypeError, IndexError):
        return None
    return value if isinstance(value, str) and value else None


@dataclass
class InlineCall:
    """An inline hook call ready to send (``Emulator.prepare_inline``): the ``request`` Okta sends, its id, and
    ``http``, the HTTP request (Okta's URL, headers with the channel's auth header, body bytes, time budget, size
    limit, no redirects, retries) any client can send before ``Emulator.judge_inline`` judges the answer.
    Read-only by convention (not ``frozen``, which costs five times as much to build, once per call)."""

    kind: HookKind
    channel: HookChannel
    request: dict
    request_id: str
    http: PreparedRequest


def prepare_inline(emulator: Any, kind: HookKind, channel: HookChannel, request: dict, policy: DeliveryPolicy,
                   request_id: str | None = None) -> InlineCall:
    """The call of ``request`` to the inline hook on ``channel`` under ``policy``, ready to send: compact JSON
    POSTed with Okta's inline headers. The ``X-Okta-Request-Id`` header is ``request_id``, else the request's
    ``data.context.request.id`` (a new id when it has none)."""
    request_id = request_id or request_id_of(request) or emulator.request_id()
    http = prepare_request(channel, "POST", serialize_request(request), inline_headers(request_id), policy)
    return InlineCall(kind, channel, request, request_id, http)


def judge_inline(emulator: Any, call: InlineCall, delivery: R.Delivery, token_exchange: Any = None) -> InlineResult:
    """Okta's judgement of the answers to ``call`` (every attempt in ``delivery``): the verdict, the outcome of
    the flow and the System Log events Okta would write. ``token_exchange``: the OAUTH channel's token request
    (a failed one is the call's failure, its delivery is ``delivery``)."""
    kind, request, channel = call.kind, call.request, call.channel
    if token_exchange is not None and not token_exchange.ok:
        transport_ok, body, problems, failure_reason, note = False, None, [], token_exchange.error or "", ""
    else:
        transport_ok, body, problems, failure_reason, note = classify(kind, delivery, request)
    ctx = JudgeContext(keys=emulator.keys, clock=emulator.clock, status=delivery.status, failure_reason=failure_reason,
                       hook_id=channel.hook_id)
    judgement = _judge(kind, request, body, transport_ok, problems, ctx)
    log_builders = _log_events(emulator, kind, channel, call.request_id, judgement, body,
                               ctx.failure_reason or failure_reason, delivery)
    return InlineResult(
        kind=kind.name,
        request_type=request.get("requestType") if isinstance(request, dict) else None,
        request=request,
        delivery=delivery,
        verdict=judgement.verdict,
        response_body=body,
        problems=problems,
        warnings=_warnings(kind, body, request) if body is not None else [],
        commands=judgement.commands,
        outcome=judgement.outcome,
        reason=judgement.reason + note,
        log_builders=tuple(log_builders),
        token_exchange=token_exchange,
    )


def call_inline(emulator: Any, kind: HookKind, channel: HookChannel, request: dict,
                policy: DeliveryPolicy) -> InlineResult:
    """POST ``request`` to the inline hook on ``channel`` with ``policy`` and judge the answer as Okta does
    (prepare, send through the emulator's sender, judge). The ``X-Okta-Request-Id`` header is the request's
    ``data.context.request.id`` (a new id when it has none)."""
    request_id = request_id_of(request) or emulator.request_id()
    exchange = None
    if channel.oauth is not None:  # OAUTH channel: a token request first (emulator/oauth_channel.py)
        from . import oauth_channel

        exchange = emulator.oauth_tokens.fetch(emulator, channel.oauth, policy)
        if exchange.ok:
            channel = oauth_channel.bearer_channel(channel, exchange)
            policy = oauth_channel.remaining_policy(policy, exchange)
    call = prepare_inline(emulator, kind, channel, request, policy, request_id)
    if exchange is not None and not exchange.ok:  # a failed token request is the call's failure
        return judge_inline(emulator, call, exchange.delivery, exchange)
    return judge_inline(emulator, call, emulator.sender.deliver(call.http), exchange)
