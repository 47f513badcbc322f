"""JSON-serialisable records of every attempt. Nothing about an attempt is lost when a hook misbehaves."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

SECRET_MASK = "********"

# Transport results of one attempt (the `transport` field).
OK = "ok"  # a 2xx answer within the budget and size limit
TIMEOUT = "timeout"
CONNECTION_ERROR = "connection_error"
HTTP_ERROR = "http_error"  # 4xx / 5xx (and 1xx)
REDIRECT = "redirect"  # 3xx, never followed
TOO_LARGE = "too_large"  # body >= max_response_bytes
TRANSPORT_RESULTS = (OK, TIMEOUT, CONNECTION_ERROR, HTTP_ERROR, REDIRECT, TOO_LARGE)


@dataclass(slots=True)
class RecordedRequest:
    method: str
    url: str
    headers: dict[str, str]  # secret values masked with SECRET_MASK
    body: str | None  # the exact text sent (None for GET)


@dataclass(slots=True)
class RecordedResponse:
    status: int
    headers: dict[str, str]
    body: str  # decoded as UTF-8 with replacement, cut at the policy's record_body_limit
    size: int  # bytes received in total
    truncated: bool = False


@dataclass(slots=True)
class Attempt:
    """One HTTP attempt: what was sent, what came back (if anything), how long it took and what it counts as."""

    number: int  # 1-based
    started_at: str  # ISO timestamp from the emulator clock
    request: RecordedRequest
    response: RecordedResponse | None
    transport: str  # one of TRANSPORT_RESULTS
    elapsed_ms: float
    error: str | None = None  # human-readable reason when transport != "ok"
    retried: bool = False  # True when another attempt followed this one
    # An in-process app (WSGI/ASGI) raised during this attempt: the traceback behind the framework's 500, as text
    app_exception: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(slots=True)
class Delivery:
    """All attempts of one logical call (first try + retries)."""

    attempts: list[Attempt] = field(default_factory=list)
    # Raw bytes of the final response body (not truncated, not recorded), for judging. None if no response.
    final_body: bytes | None = field(default=None, repr=False)

    @property
    def final(self) -> Attempt:
        return self.attempts[-1]

    @property
    def transport(self) -> str:
        return self.attempts[-1].transport

    @property
    def status(self) -> int | None:
        response = self.attempts[-1].response
        return response.status if response is not None else None

    @property
    def app_exception(self) -> str | None:
        """The traceback of the last exception an in-process hook app raised in these attempts, if any."""
        return next((a.app_exception for a in reversed(self.attempts) if a.app_exception), None)

    def to_dict(self) -> dict[str, Any]:
        return {"attempts": [a.to_dict() for a in self.attempts], "transport": self.transport, "status": self.status}
