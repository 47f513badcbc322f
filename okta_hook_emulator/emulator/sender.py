"""Send one hook call the way Okta does: per-attempt timeout (enforced for URLs *and* in-process apps),
at most ``policy.max_retries`` retries after timeout / connection error / 5xx, never after 2xx/4xx, 3xx never
followed, answers of ``max_response_bytes`` or more refused, secret header values masked in the records.

A hook's misbehaviour (reset connections, garbage, huge headers, non-UTF-8, endless bodies) never raises: it is
recorded in an :class:`~okta_hook_emulator.emulator.records.Attempt` and classified."""

from __future__ import annotations

import asyncio
import contextvars
import io
import queue
import re
import sys
import threading
import time
import traceback
from collections.abc import Callable, Mapping
from concurrent.futures import CancelledError, Future
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote, urlsplit

import httpx

from .. import fidelity
from ..clock import Clock, SystemClock, iso
from ..errors import EmulatorUsageError
from . import records as R
from .exchange import WIRE_CONNECT, WIRE_OTHER, WIRE_PROTOCOL, WIRE_TIMEOUT, Answer, PreparedRequest, deliver
from .policy import DeliveryPolicy
from .records import Delivery
from .transport import ASGI, URL, WSGI, HookChannel, Target

# Confirmed on the wire (docs/okta-behaviour.md#verification-get-headers): the verification GET's User-Agent.
VERIFICATION_USER_AGENT = "Okta-Integrations"
JSON = "application/json"

_SECRET_NAME = re.compile(r"authorization|api[-_]?key|token|secret|password|passwd|cookie|credential|signature",
                          re.IGNORECASE)
# The headers Okta itself sends (names as sent): never secret, so records need no pattern search for them.
_OKTA_PLAIN_HEADERS = frozenset({"User-Agent", "X-Okta-Request-Id", "Cache-Control", "Pragma", "Accept",
                                 "Content-Type", "X-Okta-Verification-Challenge"})


def verification_headers(challenge: str, request_id: str) -> dict[str, str]:
    """Headers of the event-hook verification GET, in Okta's order and casing
    (docs/okta-behaviour.md#verification-get-headers)."""
    return {
        "User-Agent": VERIFICATION_USER_AGENT,
        "Accept": JSON,
        "X-Okta-Request-Id": request_id,
        "X-Okta-Verification-Challenge": challenge,
    }


def event_delivery_headers(hook_id: str | None) -> dict[str, str]:
    """Headers of an event delivery POST (docs/okta-behaviour.md#event-delivery-headers): no
    ``X-Okta-Request-Id``."""
    return {
        "User-Agent": fidelity.EVENT_DELIVERY_USER_AGENT.format(hook_id=hook_id or ""),
        "Accept": JSON,
        "Content-Type": JSON,
    }


def inline_headers(request_id: str) -> dict[str, str]:
    """Headers of an inline hook POST (docs/okta-behaviour.md#inline-hook-headers)."""
    return {
        "User-Agent": fidelity.INLINE_USER_AGENT,
        "X-Okta-Request-Id": request_id,
        "Cache-Control": "no-cache",
        "Pragma": "no-cache",
        "Accept": JSON,
        "Content-Type": JSON,
    }


def is_secret_header(name: str) -> bool:
    """True for header names whose values are masked in records (authorization, x-api-key, *token*...)."""
    return name not in _OKTA_PLAIN_HEADERS and bool(_SECRET_NAME.search(name))


def mask_headers(headers: Mapping[str, str], secret_names: set[str] = frozenset()) -> dict[str, str]:
    """A copy with secret values replaced by ``SECRET_MASK``."""
    lowered = {n.lower() for n in secret_names}
    # is_secret_header(k) written out: no call per header (one mask per request a load run sends)
    return {k: (R.SECRET_MASK if (k not in _OKTA_PLAIN_HEADERS and _SECRET_NAME.search(k))
                or (lowered and k.lower() in lowered) else v) for k, v in headers.items()}


# --------------------------------------------------------------------------------------------------------------
# Worker threads and the private event loop (owned by one Sender)


class _DaemonPool:
    """Daemon threads fed by one shared queue, each call a ``concurrent.futures.Future``. A new thread starts
    whenever none is idle, so a hook that never returns holds only its own thread: never the next call, nor
    interpreter exit (``ThreadPoolExecutor`` joins its threads at exit, so it would wait for such a hook)."""

    def __init__(self, name: str):
        self._name = name
        self._jobs: queue.SimpleQueue = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._threads = 0
        self._idle = 0  # threads waiting for a job (or about to)
        self._closed = False

    def submit(self, fn: Callable[..., Any], *args: Any) -> Future:
        """Run ``fn(*args)`` on an idle thread, or on a new one when none is idle."""
        future: Future = Future()
        with self._lock:
            if self._closed:
                raise RuntimeError("Sender is closed")
            if self._idle:
                self._idle -= 1
            else:
                self._threads += 1
                threading.Thread(target=self._work, name=f"{self._name}-{self._threads}", daemon=True).start()
        self._jobs.put((future, fn, args))
        return future

    def _work(self) -> None:
        while (job := self._jobs.get()) is not None:
            future, fn, args = job
            value, error = None, None
            if future.set_running_or_notify_cancel():
                try:
                    value = fn(*args)
                except BaseException as exc:  # noqa: BLE001 - handed to the waiting caller
                    error = exc
            with self._lock:  # idle again before the caller wakes up, so its next call reuses this thread
                self._idle += 1
            if error is not None:
                future.set_exception(error)
            elif future.running():
                future.set_result(value)

    def close(self) -> None:
        """Stop every thread once its current call (if any) returns."""
        with self._lock:
            self._closed = True
            threads = self._threads
        for _ in range(threads):
            self._jobs.put(None)


class _LoopThread:
    """A private asyncio loop in a daemon thread, for ASGI targets driven from synchronous code."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, name="okta-hooks-asgi", daemon=True)
        self._thread.start()

    def submit(self, coro: Any) -> Future:
        return asyncio.run_coroutine_threadsafe(coro, self.loop)

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)


# --------------------------------------------------------------------------------------------------------------
# In-process apps as a server runs them: ASGI lifespan, and the exception behind a framework's 500

# Where the exception an in-process app raised during the current call is noted: a fresh list per call, set in the
# call's own context (the ASGI call's task, the WSGI call's worker thread), so concurrent calls never mix.
_APP_EXCEPTION: contextvars.ContextVar[list[str] | None] = contextvars.ContextVar("okta_hooks_app_exception",
                                                                                   default=None)
# How long an ASGI app's lifespan startup (and shutdown) may take: it runs once, outside the hook's budget.
LIFESPAN_TIMEOUT = 30.0


def _note_app_exception(exc: BaseException, *, own_frame: bool = False) -> None:
    """Keep the traceback of ``exc`` for the current call (``own_frame``: leave out the frame that caught it)."""
    holder = _APP_EXCEPTION.get()
    if holder is not None and not holder:
        tb = exc.__traceback__.tb_next if own_frame and exc.__traceback__ is not None else exc.__traceback__
        holder.append("".join(traceback.format_exception(type(exc), exc, tb)).rstrip())


def _on_flask_exception(sender: Any, exception: BaseException, **_: Any) -> None:
    """Flask's ``got_request_exception`` signal: the exception Flask is about to turn into its 500 (or re-raise
    under ``PROPAGATE_EXCEPTIONS``); the app's own config is left as it is."""
    _note_app_exception(exception)


def _watch_wsgi_app(app: Any) -> None:
    """Listen for the exceptions a Flask app handles itself (the only WSGI framework that hides them from us)."""
    flask = sys.modules.get("flask")
    if flask is not None and isinstance(app, flask.Flask):
        flask.got_request_exception.connect(_on_flask_exception, sender=app)  # idempotent per (receiver, app)


class _AsgiApp:
    """One in-process ASGI app run as an ASGI server runs it: the lifespan protocol's startup once, before the
    first request (its ``state`` copied into every request scope), shutdown at :meth:`close`; an exception the
    app raises (Starlette re-raises after sending its 500) is noted for the attempt. Apps without lifespan
    support (they raise on the lifespan scope, or return without a message) are called without it."""

    def __init__(self, app: Any):
        self.app = app
        self.state: dict[str, Any] = {}
        self._lock = threading.Lock()
        self._started = False
        self._failure: str | None = None
        self._inbox: asyncio.Queue | None = None
        self._task: Future | None = None
        self._lifespan_task: asyncio.Task | None = None
        self._supported = False

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope.get("type") == "http":
            scope = {**scope, "state": dict(self.state)}
        try:
            await self.app(scope, receive, send)
        except Exception as exc:
            _note_app_exception(exc, own_frame=True)
            raise

    def start(self, loop: _LoopThread) -> None:
        """Run the lifespan startup once (later calls return at once); raise when the app reports it failed."""
        with self._lock:
            if not self._started:
                self._started = True
                ready: Future = Future()
                self._task = loop.submit(self._lifespan(ready))
                try:
                    self._failure = ready.result(timeout=LIFESPAN_TIMEOUT)
                except FutureTimeout:
                    self._failure = f"its lifespan startup did not finish within {LIFESPAN_TIMEOUT:g} s"
        if self._failure is not None:
            raise EmulatorUsageError(f"The in-process ASGI app {_app_name(self.app)} did not start, so it cannot "
                                     f"answer Okta: {self._failure}")

    async def _lifespan(self, ready: Future) -> None:
        inbox: asyncio.Queue = asyncio.Queue()
        self._inbox = inbox
        self._lifespan_task = asyncio.current_task()
        inbox.put_nowait({"type": "lifespan.startup"})

        async def send(message: dict[str, Any]) -> None:
            kind = message.get("type")
            if kind == "lifespan.startup.complete" and not ready.done():
                self._supported = True
                ready.set_result(None)
            elif kind == "lifespan.startup.failed" and not ready.done():
                ready.set_result("lifespan.startup.failed: " + (str(message.get("message") or "").strip()
                                                                or "(no message)"))

        scope = {"type": "lifespan", "asgi": {"version": "3.0", "spec_version": "2.0"}, "state": self.state}
        try:
            await self.app(scope, inbox.get, send)
        except BaseException:  # noqa: BLE001 - raising on the lifespan scope means "lifespan not supported"
            pass
        finally:
            if not ready.done():
                ready.set_result(None)

    def close(self, loop: _LoopThread) -> None:
        """Send ``lifespan.shutdown`` and wait (bounded) for the app to finish it. A lifespan call still waiting
        after its startup failed is cancelled instead, as a server exiting ends it."""
        if self._inbox is None or self._task is None or self._lifespan_task is None or self._task.done():
            return
        if self._supported:
            loop.loop.call_soon_threadsafe(self._inbox.put_nowait, {"type": "lifespan.shutdown"})
        else:
            loop.loop.call_soon_threadsafe(self._lifespan_task.cancel)
        try:
            self._task.result(timeout=LIFESPAN_TIMEOUT)
        except Exception:  # noqa: BLE001 - best effort at shutdown
            pass


def _app_name(app: Any) -> str:
    return getattr(app, "__name__", None) or type(app).__name__


# --------------------------------------------------------------------------------------------------------------


@dataclass
class _Raw:
    """What one exchange produced before classification."""

    status: int | None = None
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    size: int = 0
    too_large: bool = False
    timed_out: bool = False  # body still arriving at the deadline
    error: BaseException | None = None
    app_exception: str | None = None  # traceback of an exception raised inside an in-process app


def _take(raw: _Raw, chunks: list[bytes], chunk: bytes, deadline: float, limit: int) -> bool:
    """Add one body chunk to ``chunks``; True when reading must stop (size limit reached or past the deadline)."""
    chunks.append(chunk)
    raw.size += len(chunk)
    if raw.size >= limit:
        raw.too_large = True
        return True
    if time.monotonic() > deadline:
        raw.timed_out = True
        return True
    return False


def _read_sync(client: httpx.Client, request: httpx.Request, deadline: float, limit: int) -> _Raw:
    raw = _Raw()
    try:
        response = client.send(request, stream=True)
    except BaseException as exc:  # noqa: BLE001 - classified by the caller
        raw.error = exc
        return raw
    try:
        raw.status = response.status_code
        raw.headers = _decode_headers(response)
        declared = _declared_length(response)
        if declared is not None and declared >= limit:
            raw.too_large, raw.size = True, declared
            return raw
        chunks: list[bytes] = []
        for chunk in response.iter_bytes():
            if _take(raw, chunks, chunk, deadline, limit):
                break
        raw.body = b"".join(chunks)
    except BaseException as exc:  # noqa: BLE001
        raw.error = exc
    finally:
        try:
            response.close()
        except Exception:  # noqa: BLE001 - a broken stream may fail to close; nothing to do
            pass
    return raw


async def _read_async(client: httpx.AsyncClient, request: httpx.Request, deadline: float, limit: int) -> _Raw:
    raw = _Raw()
    noted: list[str] = []
    _APP_EXCEPTION.set(noted)  # this call's own task: the app wrapper (_AsgiApp) notes an exception here
    try:
        response = await client.send(request, stream=True)
    except Exception as exc:  # noqa: BLE001
        raw.error = exc
        return raw
    finally:
        raw.app_exception = noted[0] if noted else None
    try:
        raw.status = response.status_code
        raw.headers = _decode_headers(response)
        chunks: list[bytes] = []
        async for chunk in response.aiter_bytes():
            if _take(raw, chunks, chunk, deadline, limit):
                break
        raw.body = b"".join(chunks)
    except Exception as exc:  # noqa: BLE001
        raw.error = exc
    finally:
        try:
            await response.aclose()
        except Exception:  # noqa: BLE001
            pass
    return raw


def _wsgi_environ(url: str, method: str, headers: Mapping[str, str], body: bytes | None) -> dict[str, Any]:
    """The environ a WSGI server builds for one request to ``url``."""
    parts = urlsplit(url)
    data = body or b""
    environ: dict[str, Any] = {
        "REQUEST_METHOD": method, "SCRIPT_NAME": "", "PATH_INFO": unquote(parts.path) or "/",
        "QUERY_STRING": parts.query, "SERVER_NAME": parts.hostname or "hook.local",
        "SERVER_PORT": str(parts.port or (443 if parts.scheme == "https" else 80)), "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1", "wsgi.version": (1, 0), "wsgi.url_scheme": parts.scheme,
        "wsgi.input": io.BytesIO(data), "wsgi.errors": io.StringIO(),
        "wsgi.multithread": True, "wsgi.multiprocess": False, "wsgi.run_once": False, "HTTP_HOST": parts.netloc,
    }
    if body is not None:
        environ["CONTENT_LENGTH"] = str(len(data))
    for name, value in headers.items():
        key = name.upper().replace("-", "_")
        if key in ("CONTENT_TYPE", "CONTENT_LENGTH"):  # the header value wins
            environ[key] = value
        else:
            key = "HTTP_" + key
            environ[key] = f"{environ[key]},{value}" if key in environ else value
    return environ


def _call_wsgi(app: Any, environ: dict[str, Any], deadline: float, limit: int) -> _Raw:
    """Call a WSGI app directly (a lean equivalent of ``httpx.WSGITransport``: same environ a WSGI server
    builds, far less per-call overhead). An exception in the app becomes its 500 answer, as with a server, and
    its traceback is kept (``app_exception``), as is one Flask turned into its own 500 (``_watch_wsgi_app``)."""
    raw = _Raw()
    chunks: list[bytes] = []
    noted: list[str] = []
    token = _APP_EXCEPTION.set(noted)

    def start_response(status: str, response_headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        raw.status = int(status.split(" ", 1)[0])
        raw.headers = {}
        for k, v in response_headers:
            raw.headers[k] = f"{raw.headers[k]}, {v}" if k in raw.headers else v
        return chunks.append  # the legacy write() callable

    try:
        try:
            result = app(environ, start_response)
        except Exception as exc:  # noqa: BLE001 - the hook's bug becomes its 500 answer
            _note_app_exception(exc, own_frame=True)
            start_response("500 Internal Server Error", [("Content-Type", "text/plain; charset=utf-8")])
            result = [f"The hook app raised {type(exc).__name__}: {exc}".encode()]
        try:
            raw.size = sum(len(c) for c in chunks)
            for chunk in result:
                if _take(raw, chunks, chunk, deadline, limit):
                    break
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()
        if raw.status is None:
            raise RuntimeError("the WSGI app returned without calling start_response")
        raw.body = b"".join(chunks)
    except BaseException as exc:  # noqa: BLE001 - classified by the caller
        raw.error = exc
    finally:
        _APP_EXCEPTION.reset(token)
        raw.app_exception = noted[0] if noted else None
    return raw


def _decode_headers(response: httpx.Response) -> dict[str, str]:
    out: dict[str, str] = {}
    for name, value in response.headers.raw:
        key = name.decode("latin-1")
        text = value.decode("utf-8", errors="replace")
        out[key] = f"{out[key]}, {text}" if key in out else text
    return out


def _declared_length(response: httpx.Response) -> int | None:
    try:
        return int(response.headers.get("content-length", ""))
    except ValueError:
        return None


class Sender:
    """Sends hook calls under a :class:`DeliveryPolicy` and records every attempt. Owns its HTTP clients,
    worker threads and ASGI loop; ``close()`` releases them."""

    def __init__(self, clock: Clock | None = None):
        self.clock: Clock = clock or SystemClock()
        self._lock = threading.Lock()
        self._http: httpx.Client | None = None
        self._app_clients: dict[int, tuple[Any, Any, _AsgiApp]] = {}  # id(app) -> (app, client, runner)
        self._wsgi_apps: dict[int, Any] = {}  # id(app) -> app, for the apps already watched (_watch_wsgi_app)
        self._pool: _DaemonPool | None = None
        self._loop: _LoopThread | None = None
        self._closed = False

    # -- resources ------------------------------------------------------------------------------------------

    @staticmethod
    def _bare(client: Any) -> Any:
        client.headers.clear()  # no httpx defaults (User-Agent: python-httpx, Accept: */*...): Okta's only
        return client

    def _client_for(self, target: Target) -> Any:
        with self._lock:
            if self._closed:
                raise RuntimeError("This emulator was closed; create a new Emulator to send again.")
            if target.mode == WSGI:
                if self._wsgi_apps.get(id(target.app)) is not target.app:
                    _watch_wsgi_app(target.app)
                    self._wsgi_apps[id(target.app)] = target.app
                return None  # called directly, see _call_wsgi
            if target.mode == URL:
                if self._http is None:
                    self._http = self._bare(httpx.Client(follow_redirects=False, trust_env=False,
                                                         limits=httpx.Limits(max_keepalive_connections=32)))
                return self._http
            return self._asgi_entry(target.app)[1]

    def _asgi_entry(self, app: Any) -> tuple[Any, Any, _AsgiApp]:
        """``(app, client, runner)`` for an ASGI app, created on first use (call with ``self._lock`` held)."""
        entry = self._app_clients.get(id(app))
        if entry is None or entry[0] is not app:
            runner = _AsgiApp(app)
            client: Any = httpx.AsyncClient(transport=httpx.ASGITransport(app=runner, raise_app_exceptions=False),
                                            follow_redirects=False)
            entry = (app, self._bare(client), runner)
            self._app_clients[id(app)] = entry
        return entry

    def _start_app(self, target: Target) -> None:
        """An ASGI app's lifespan startup, once per app per sender, before its first call (outside the budget)."""
        if target.mode != ASGI:
            return
        with self._lock:
            if self._closed:
                raise EmulatorUsageError("This emulator was closed; create a new Emulator to send again.")
            runner = self._asgi_entry(target.app)[2]
        runner.start(self._asgi_loop())

    def _workers(self) -> _DaemonPool:
        with self._lock:
            if self._pool is None:
                self._pool = _DaemonPool("okta-hooks-send")
            return self._pool

    def _asgi_loop(self) -> _LoopThread:
        with self._lock:
            if self._loop is None:
                self._loop = _LoopThread()
            return self._loop

    def close(self) -> None:
        """Close clients, stop worker threads and the ASGI loop. Idempotent."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            http, apps, pool, loop = self._http, list(self._app_clients.values()), self._pool, self._loop
            self._app_clients.clear()
        if http is not None:
            http.close()
        for _, client, runner in apps:
            if loop is not None:
                try:
                    loop.submit(client.aclose()).result(timeout=1)
                except Exception:  # noqa: BLE001 - best effort at shutdown
                    pass
                runner.close(loop)  # lifespan shutdown, as a server does when it stops
        if pool is not None:
            pool.close()
        if loop is not None:
            loop.close()

    # -- sending --------------------------------------------------------------------------------------------

    def send(self, channel: HookChannel, method: str, body: bytes | None, headers: Mapping[str, str],
             policy: DeliveryPolicy, *, started_at: Callable[[], str] | None = None) -> Delivery:
        """Send one logical call (first attempt + retries) and return every attempt. Never raises for the
        hook's behaviour. ``headers`` are the call's Okta headers; the channel's auth and custom headers are
        appended. ``started_at`` (optional) returns the ISO timestamp recorded for each attempt."""
        return self.deliver(prepare_request(channel, method, body, headers, policy), started_at=started_at)

    def deliver(self, prepared: PreparedRequest, *, started_at: Callable[[], str] | None = None) -> Delivery:
        """Send a prepared request with Okta's retries (``exchange.deliver``), each attempt through
        :meth:`exchange`."""
        if self._closed:
            raise EmulatorUsageError("This emulator was closed; create a new Emulator (or use it in a `with` "
                                     "block and send inside the block).")
        if prepared.target is not None:
            self._start_app(prepared.target)  # an ASGI app's lifespan startup, once, outside the budget
        return deliver(prepared, self.exchange, started_at or (lambda: iso(self.clock.now())))

    def exchange(self, prepared: PreparedRequest) -> Answer:
        """One attempt: send ``prepared`` to its target (URL, WSGI or ASGI app) within its budget and size limit
        and report what came back. Never raises for the hook's behaviour."""
        target = prepared.target if prepared.target is not None else Target.url(prepared.url)
        method, body, wire = prepared.method, prepared.body, prepared.headers
        budget = prepared.timeout
        limit = prepared.max_response_bytes
        t0 = time.perf_counter()
        deadline = time.monotonic() + budget
        raw: _Raw | None = None
        future: Future | None = None
        failure: str | None = None
        try:
            client = self._client_for(target)
            if target.mode == WSGI:
                future = self._workers().submit(_call_wsgi, target.app,
                                                _wsgi_environ(target.address, method, wire, body), deadline, limit)
            else:
                request = httpx.Request(method, target.address, content=body, headers=wire,
                                        extensions={"timeout": httpx.Timeout(budget).as_dict()})
                if target.mode == ASGI:
                    future = self._asgi_loop().submit(_read_async(client, request, deadline, limit))
                else:
                    # URLs: in the calling thread (no thread hop per POST); httpx's per-phase timeouts plus the
                    # deadline checked between body chunks bound the wait, and an answer completed after the
                    # budget is still a timeout (exchange.attempt_of).
                    raw = _read_sync(client, request, deadline, limit)
            if future is not None:
                try:
                    raw = future.result(timeout=max(0.0, deadline - time.monotonic()))
                except (FutureTimeout, CancelledError):
                    future.cancel()
                    raw = None
        except Exception as exc:  # noqa: BLE001 - e.g. headers httpx refuses to encode
            failure = f"request could not be sent: {type(exc).__name__}: {exc}"
        elapsed_ms = (time.perf_counter() - t0) * 1000
        if failure is not None:
            return Answer(elapsed_ms=elapsed_ms, failure=WIRE_OTHER, detail=failure)
        if raw is None:
            return Answer(elapsed_ms=elapsed_ms, timed_out=True)
        answer = Answer(status=raw.status, headers=raw.headers, body=raw.body, elapsed_ms=elapsed_ms,
                        size=raw.size, timed_out=raw.timed_out, app_exception=raw.app_exception)
        if raw.error is not None:
            answer.failure, answer.detail = _wire_failure(raw.error)
        return answer


def prepare_request(channel: HookChannel, method: str, body: bytes | None, headers: Mapping[str, str],
                    policy: DeliveryPolicy) -> PreparedRequest:
    """What Okta sends for one call on ``channel``: its ``headers`` with the channel's auth header and custom
    headers appended, the body, the policy, and the request as records show it (secret values masked)."""
    wire = dict(headers)
    secret = set()
    if channel.auth_header is not None:
        wire[channel.auth_header[0]] = channel.auth_header[1]
        secret.add(channel.auth_header[0])
    for name, value in channel.headers:
        wire[name] = value
    url = channel.url
    recorded = R.RecordedRequest(method=method, url=url, headers=mask_headers(wire, secret),
                                 body=None if body is None else body.decode("utf-8", "replace"))
    return PreparedRequest(method, url, wire, body, policy, recorded, channel.target)


def _wire_failure(exc: BaseException) -> tuple[str, str]:
    """An httpx (or in-process app) error as ``(exchange.WIRE_*, detail)``."""
    if isinstance(exc, httpx.TimeoutException):
        return WIRE_TIMEOUT, type(exc).__name__
    detail = str(exc) or type(exc).__name__
    if isinstance(exc, httpx.RemoteProtocolError | httpx.LocalProtocolError):
        return WIRE_PROTOCOL, detail
    if isinstance(exc, httpx.ConnectError):
        return WIRE_CONNECT, detail
    return WIRE_OTHER, f"{type(exc).__name__}: {detail}"
