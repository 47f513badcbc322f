"""A recording reverse proxy that knows nothing about Okta: every request (any method, path and query) is
forwarded to one upstream base URL with its headers and body unchanged, the answer is streamed back as it
arrives, and each finished exchange is handed to a callback (which writes the record).

Built on the standard library's threading HTTP server (HTTP/1.1 keep-alive, ``TCP_NODELAY``) and one shared
``httpx.Client`` (pooled upstream connections), so the proxy adds little to each call. When the upstream cannot
be reached the caller gets what a gateway answers: ``502`` (``504`` when the upstream timed out)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

import httpx

# Headers about one TCP hop, never forwarded (RFC 9110 section 7.6.1); Host and Content-Length are set for the
# upstream by httpx, and an `Expect: 100-continue` was already answered by the proxy.
HOP_BY_HOP = frozenset({"connection", "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding",
                        "upgrade", "host", "content-length", "expect"})
RECORD_LIMIT = 8 * 1024 * 1024  # bytes of each body kept for the record (the forwarded stream is never cut)
_CHUNK = 64 * 1024


@dataclass
class Exchange:
    """One request and its answer as they crossed the proxy (bodies as bytes, headers in wire order/case)."""

    method: str
    path: str  # path and query exactly as requested
    request_headers: list[tuple[str, str]]
    request_body: bytes
    started: float  # time.time() when the request line arrived
    status: int | None = None
    response_headers: list[tuple[str, str]] = field(default_factory=list)
    response_body: bytes = b""
    response_truncated: bool = False
    error: str | None = None  # why the upstream gave no answer (the caller got a 502/504)
    upstream_ms: float = 0.0  # until the upstream's status line and headers arrived
    elapsed_ms: float = 0.0  # until the whole answer was passed on


ExchangeCallback = Callable[[Exchange], Any]


def _join(base: str, path: str) -> str:
    """The upstream URL for ``path``: the base URL's own path (if any) is a prefix."""
    parts = urlsplit(base)
    prefix = parts.path.rstrip("/")
    return f"{parts.scheme}://{parts.netloc}{prefix}{path if path.startswith('/') else '/' + path}"


def _read_chunked(stream: Any) -> bytes:
    body = bytearray()
    while True:
        size = int(stream.readline().split(b";", 1)[0].strip() or b"0", 16)
        if size == 0:
            while stream.readline() not in (b"\r\n", b"\n", b""):  # trailers
                pass
            return bytes(body)
        body += stream.read(size)
        stream.readline()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    server: CaptureServer

    def __getattr__(self, name: str) -> Any:
        if name.startswith("do_"):  # any method: GET, POST, PUT, PATCH, DELETE, OPTIONS, custom ones
            return self._proxy
        raise AttributeError(name)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - http.server's signature
        pass

    def _request_body(self) -> bytes:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            return _read_chunked(self.rfile)
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def _proxy(self) -> None:
        started, t0 = time.time(), time.perf_counter()
        headers = list(self.headers.items())
        exchange = Exchange(self.command, self.path, headers, self._request_body(), started)
        with self.server.in_flight:
            try:
                self._forward(exchange, t0)
            finally:
                exchange.elapsed_ms = round((time.perf_counter() - t0) * 1000, 3)
                self.server.on_exchange(exchange)

    def _forward(self, exchange: Exchange, t0: float) -> None:
        upstream = self.server.upstream
        wire = [(k, v) for k, v in exchange.request_headers if k.lower() not in HOP_BY_HOP]
        request = upstream.build_request(exchange.method, _join(self.server.forward_to, exchange.path),
                                         headers=wire, content=exchange.request_body)
        try:
            response = upstream.send(request, stream=True)
        except httpx.TimeoutException as exc:
            self._gateway_error(exchange, 504, f"the hook did not answer in time ({type(exc).__name__})")
            return
        except httpx.HTTPError as exc:
            self._gateway_error(exchange, 502, f"could not reach the hook: {type(exc).__name__}: {exc}")
            return
        try:
            exchange.upstream_ms = round((time.perf_counter() - t0) * 1000, 3)
            exchange.status = response.status_code
            exchange.response_headers = [(k.decode("latin-1"), v.decode("latin-1"))
                                         for k, v in response.headers.raw]
            self._relay(exchange, response)
        finally:
            response.close()

    def _relay(self, exchange: Exchange, response: httpx.Response) -> None:
        self.send_response_only(response.status_code, response.reason_phrase or None)
        framed = False
        for name, value in exchange.response_headers:
            lowered = name.lower()
            if lowered == "content-length":
                framed = True
            if lowered not in HOP_BY_HOP or lowered == "content-length":
                self.send_header(name, value)
        body_allowed = self.command != "HEAD" and response.status_code not in (204, 304) \
            and response.status_code >= 200
        chunked = body_allowed and not framed
        if chunked:
            self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        kept = bytearray()
        try:
            for chunk in self._chunks(response):
                if len(kept) < RECORD_LIMIT:
                    kept += chunk[:RECORD_LIMIT - len(kept)]
                else:
                    exchange.response_truncated = True
                if body_allowed:
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk) if chunked else chunk)
            if chunked:
                self.wfile.write(b"0\r\n\r\n")
        except OSError as exc:  # the caller hung up (e.g. Okta gave up after 3 s): still record the answer
            exchange.error = f"the caller went away while the answer was relayed: {exc}"
            self.close_connection = True
        except httpx.HTTPError as exc:
            exchange.error = f"the hook broke off its answer: {type(exc).__name__}: {exc}"
            self.close_connection = True
        exchange.response_body = bytes(kept)

    @staticmethod
    def _chunks(response: httpx.Response) -> Iterator[bytes]:
        for chunk in response.iter_raw(_CHUNK):
            if chunk:
                yield chunk

    def _gateway_error(self, exchange: Exchange, status: int, reason: str) -> None:
        exchange.error = reason
        body = ('{"errorSummary": "capture proxy: ' + reason.replace('"', "'").replace("\\", "/") + '"}').encode()
        self.send_response_only(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


class _InFlight:
    """Counts exchanges between their request and their record, so a stopping proxy can wait for them."""

    def __init__(self) -> None:
        self._count = 0
        self._idle = threading.Condition()

    def __enter__(self) -> None:
        with self._idle:
            self._count += 1

    def __exit__(self, *exc: object) -> None:
        with self._idle:
            self._count -= 1
            self._idle.notify_all()

    def wait(self, timeout: float) -> bool:
        """Wait until no exchange is in flight; False if some still are after ``timeout`` seconds."""
        with self._idle:
            return self._idle.wait_for(lambda: self._count == 0, timeout)


class CaptureServer(ThreadingHTTPServer):
    """The proxy: listens on ``(host, port)`` (port 0 picks a free one), forwards to ``forward_to`` and calls
    ``on_exchange(exchange)`` after each answer was passed on (in the connection's thread)."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, forward_to: str, on_exchange: ExchangeCallback, *, host: str = "127.0.0.1", port: int = 0,
                 timeout: float = 30.0):
        parts = urlsplit(forward_to)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError(f"--forward-to must be an http(s) URL, got {forward_to!r}")
        self.forward_to = forward_to
        self.on_exchange = on_exchange
        self.upstream = httpx.Client(timeout=httpx.Timeout(timeout, connect=5.0), follow_redirects=False,
                                     limits=httpx.Limits(max_connections=100, max_keepalive_connections=20))
        self.in_flight = _InFlight()
        self._thread: threading.Thread | None = None
        super().__init__((host, port), _Handler)

    @property
    def url(self) -> str:
        """The proxy's base URL, e.g. ``http://127.0.0.1:8081``."""
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> CaptureServer:
        """Serve in a daemon thread (tests, benchmarks); ``stop()`` ends it."""
        self._thread = threading.Thread(target=self.serve_forever, name="okta-hooks-capture", daemon=True)
        self._thread.start()
        return self

    def stop(self, drain: float = 10.0) -> None:
        """Stop serving, wait up to ``drain`` seconds for exchanges in flight to be recorded, close the
        listening socket and the upstream connections."""
        if self._thread is not None:
            self.shutdown()
            self._thread.join(timeout=5)
            self._thread = None
        self.server_close()
        self.in_flight.wait(drain)
        self.upstream.close()
