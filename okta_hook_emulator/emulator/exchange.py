"""One hook call in three steps, so that any HTTP client can do the middle one:

1. **prepare** (:class:`PreparedRequest`, built by ``sender.prepare_request``): what Okta sends (method, URL,
   headers in Okta's order with the channel's auth and custom headers, body bytes) and the rules it is sent under
   (the ``DeliveryPolicy``: time budget per attempt, size limit, redirects never followed, retries);
2. **transport**: a client sends it once and reports an :class:`Answer` (status, headers, body bytes, elapsed
   time, or what went wrong on the wire), enforcing the budget and the size limit while it reads;
3. **judge**: the core turns each answer into a classified, recorded attempt (:func:`attempt_of`), decides
   whether Okta tries again (:func:`retried`) and judges the final answer (``inline.judge_inline``,
   ``events.judge_delivery``).

:func:`deliver` runs steps 2 and 3 for every attempt with a given transport. The emulator's own
:class:`~okta_hook_emulator.emulator.sender.Sender` is one transport (httpx for URLs, in-process WSGI and ASGI
apps); load mode's Locust users are another (geventhttpclient). Okta's rules stay here and in the judges."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from .. import fidelity
from . import records as R
from .policy import DeliveryPolicy
from .transport import Target

# What went wrong on the wire, as a transport reports it in Answer.failure (worded in Okta's terms by attempt_of).
WIRE_TIMEOUT = "timeout"  # the budget ran out (the transport's own timeout fired)
WIRE_CONNECT = "connect"  # could not connect
WIRE_PROTOCOL = "protocol"  # the answer was not valid HTTP
WIRE_OTHER = "other"  # anything else: reset connection, a request the client refused to send...
WIRE_FAILURES = (WIRE_TIMEOUT, WIRE_CONNECT, WIRE_PROTOCOL, WIRE_OTHER)

# Transport results decided by the answer's status (their body is kept for the judge).
_STATUS_RESULTS = (R.OK, R.REDIRECT, R.HTTP_ERROR, R.TOO_LARGE)


@dataclass
class PreparedRequest:
    """One hook request ready for any HTTP client: send ``method`` ``url`` with exactly ``headers`` and ``body``,
    give up after ``timeout`` seconds, stop reading at ``max_response_bytes``, never follow a redirect. ``policy``
    holds the rest of Okta's rules (retries); ``recorded`` is the request as records show it (secrets masked).

    Read-only by convention, not ``frozen``: one is built per call, and a frozen dataclass takes about five times
    as long to build (every field set through ``object.__setattr__``)."""

    method: str
    url: str
    headers: dict[str, str]
    body: bytes | None
    policy: DeliveryPolicy
    recorded: R.RecordedRequest = field(repr=False)
    target: Target | None = field(default=None, repr=False)  # the channel's target (URL or in-process app)
    # From the policy (read on every attempt, so kept as values): seconds Okta waits for one attempt (connect,
    # send, answer complete); an answer of max_response_bytes or more is refused (stop reading there).
    timeout: float = field(init=False, repr=False)
    max_response_bytes: int = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.timeout = float(self.policy.timeout)
        self.max_response_bytes = int(self.policy.max_response_bytes)

    follow_redirects = False  # Okta never follows a redirect (docs/okta-behaviour.md#delivery-answers)


@dataclass
class Answer:
    """What one attempt got back, as any HTTP client can report it: ``status``, ``headers`` and ``body`` of the
    answer (as far as it came), ``elapsed_ms`` from the start of the attempt, ``size`` (bytes received, or
    declared by Content-Length; default ``len(body)``), ``timed_out`` when the budget ran out while the answer
    was arriving, ``failure`` (one of ``WIRE_FAILURES``) and ``detail`` (the client's words) when the exchange
    failed; ``app_exception``: the traceback of an exception raised inside an in-process app."""

    status: int | None = None
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    elapsed_ms: float = 0.0
    size: int | None = None
    timed_out: bool = False
    failure: str | None = None
    detail: str = ""
    app_exception: str | None = None

    @property
    def received(self) -> int:
        """Bytes of the answer's body received (or declared)."""
        return len(self.body) if self.size is None else self.size


def _secs(seconds: float) -> str:
    return f"{seconds:g} s"


def attempt_of(prepared: PreparedRequest, answer: Answer, number: int, started_at: str) -> R.Attempt:
    """Okta's classification of one answer, recorded: a timeout (the transport's, or an answer completed after
    the budget), a connection error, a refused size, a redirect, an HTTP error or ok."""
    body = answer.body
    received = len(body) if answer.size is None else answer.size
    transport, error = _classify(prepared, answer, received)
    response = None
    if answer.status is not None:
        cut = prepared.policy.record_body_limit
        response = R.RecordedResponse(status=answer.status, headers=dict(answer.headers),
                                      body=body[:cut].decode("utf-8", errors="replace"), size=received,
                                      truncated=received >= prepared.max_response_bytes or len(body) > cut)
    return R.Attempt(number=number, started_at=started_at, request=prepared.recorded, response=response,
                     transport=transport, elapsed_ms=round(answer.elapsed_ms, 3), error=error,
                     app_exception=answer.app_exception)


def _classify(prepared: PreparedRequest, answer: Answer, received: int) -> tuple[str, str | None]:
    """``(transport result, error)`` of one answer of ``received`` bytes (error None when ok)."""
    budget = prepared.timeout
    failure = answer.failure
    if answer.timed_out or failure == WIRE_TIMEOUT or (failure is None and answer.elapsed_ms > budget * 1000):
        why = f" ({answer.detail})" if failure == WIRE_TIMEOUT and answer.detail else ""
        return R.TIMEOUT, f"no complete response within {_secs(budget)}{why}"
    if failure == WIRE_CONNECT:
        return R.CONNECTION_ERROR, f"could not connect: {answer.detail}"
    if failure == WIRE_PROTOCOL:
        return R.CONNECTION_ERROR, f"invalid HTTP response: {answer.detail}"
    if failure is not None or answer.status is None:
        return R.CONNECTION_ERROR, answer.detail or "no answer"
    status, limit = answer.status, prepared.max_response_bytes
    if received >= limit:
        return R.TOO_LARGE, (f"response body is {received} bytes or more; it must be less than {limit} bytes "
                             f"({limit // 1024} KB)")
    if 200 <= status < 300:
        return R.OK, None
    if 300 <= status < 400:
        where = answer.headers.get("Location") or answer.headers.get("location") or "?"
        return R.REDIRECT, f"HTTP {status} redirect to {where} (Okta does not follow redirects)"
    return R.HTTP_ERROR, f"HTTP {status}"


def retried(attempt: R.Attempt, policy: DeliveryPolicy) -> bool:
    """True when Okta tries again after this attempt (the policy's retry rules; attempts left is the caller's)."""
    t = attempt.transport
    if t == R.TIMEOUT:
        return policy.retry_on_timeout
    if t == R.CONNECTION_ERROR:
        return policy.retry_on_connection_error
    if t == R.HTTP_ERROR:
        return policy.retry_on_5xx and attempt.response is not None and attempt.response.status >= 500
    if t == R.REDIRECT:
        return policy.retry_on_redirect
    if t == R.TOO_LARGE:
        return fidelity.RETRY_ON_TOO_LARGE
    return False


def add_attempt(delivery: R.Delivery, prepared: PreparedRequest, answer: Answer, started_at: str) -> bool:
    """Record ``answer`` as the next attempt of ``delivery``; True when Okta would try again after it."""
    attempt = attempt_of(prepared, answer, len(delivery.attempts) + 1, started_at)
    delivery.attempts.append(attempt)
    delivery.final_body = answer.body if attempt.transport in _STATUS_RESULTS else None
    policy = prepared.policy
    again = (attempt.transport != R.OK and len(delivery.attempts) < policy.max_attempts
             and retried(attempt, policy))
    attempt.retried = again
    return again


def deliver(prepared: PreparedRequest, send: Callable[[PreparedRequest], Answer], started_at: Callable[[], str],
            sleep: Callable[[float], None] | None = None) -> R.Delivery:
    """Send ``prepared`` with ``send`` (one attempt each call) until Okta would stop: first attempt plus the
    retries the policy allows, ``policy.retry_delay`` apart (``sleep``, default ``time.sleep``). ``started_at()``
    stamps each attempt."""
    delivery = R.Delivery()
    while True:
        stamp = started_at()
        if not add_attempt(delivery, prepared, send(prepared), stamp):
            return delivery
        if prepared.policy.retry_delay > 0:
            (sleep or time.sleep)(prepared.policy.retry_delay)
