"""Core: the sender's delivery rules, verification, event delivery and the three target kinds.

Hooks are real HTTP services on 127.0.0.1 (pytest-httpserver, or a raw socket server for misbehaviour that
an HTTP framework cannot produce). Budgets that are meant to expire are short (0.2-0.3 s), except the one test at Okta's real 3 s."""

from __future__ import annotations

import asyncio
import json
import re
import socket
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Callable, Iterator

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from okta_hook_emulator.clock import FixedClock
from okta_hook_emulator.emulator import records as R
from okta_hook_emulator.emulator.core import Emulator
from okta_hook_emulator.emulator.transport import ASGI, URL, WSGI, Target
from okta_hook_emulator.errors import EmulatorUsageError
from okta_hook_emulator.payloads.generate import delivered_event
from tests.helpers.server import QuickStopHTTPServer

BUDGET = 2.0  # for hooks that answer at once (a loaded CI box must not turn them into timeouts)


@pytest.fixture(scope="module")
def _hook_server() -> Iterator[HTTPServer]:
    server = QuickStopHTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def hook(_hook_server: HTTPServer) -> Iterator[HTTPServer]:
    """A threaded stand-in hook service on 127.0.0.1 (a slow answer must not block the retry)."""
    _hook_server.clear()
    yield _hook_server
    _hook_server.clear()


@pytest.fixture
def emu() -> Iterator[Emulator]:
    with Emulator(seed=1, clock=FixedClock()) as e:
        yield e


class RawServer:
    """A TCP server on 127.0.0.1 that answers every connection with ``handler(conn)`` (raw bytes)."""

    def __init__(self, handler: Callable[[socket.socket], None]):
        self.handler = handler
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.connections = 0
        self.received: list[bytes] = []
        self._stop = False
        threading.Thread(target=self._serve, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.sock.getsockname()[1]}/hook"

    def _serve(self) -> None:
        while not self._stop:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.connections += 1
            threading.Thread(target=self._one, args=(conn,), daemon=True).start()

    def _one(self, conn: socket.socket) -> None:
        try:
            conn.settimeout(5)
            data = b""
            while b"\r\n\r\n" not in data:
                chunk = conn.recv(65536)
                if not chunk:
                    break
                data += chunk
            # Read the whole request body too: closing a socket with unread input makes the kernel send a
            # reset, which would turn the hook's answer into a connection error on the client side.
            head, _, body = data.partition(b"\r\n\r\n")
            length = next((int(line.split(b":", 1)[1]) for line in head.split(b"\r\n")
                           if line.lower().startswith(b"content-length:")), 0)
            while len(body) < length:
                chunk = conn.recv(65536)
                if not chunk:
                    break
                body += chunk
            data = head + b"\r\n\r\n" + body
            self.received.append(data)
            self.handler(conn)
        except OSError:
            pass
        finally:
            conn.close()

    def close(self) -> None:
        self._stop = True
        self.sock.close()


@pytest.fixture
def raw_server() -> Iterator[Callable[[Callable[[socket.socket], None]], RawServer]]:
    servers: list[RawServer] = []

    def make(handler: Callable[[socket.socket], None]) -> RawServer:
        servers.append(RawServer(handler))
        return servers[-1]

    yield make
    for s in servers:
        s.close()


def sleeper(seconds: float, body: str = "{}") -> Callable[[Request], Response]:
    def handler(request: Request) -> Response:
        time.sleep(seconds)
        return Response(body, content_type="application/json")

    return handler


def calls(server: HTTPServer, path: str = "/hook") -> list[Request]:
    """Requests the hook received on ``path`` (a slow handler of an earlier test may still log elsewhere)."""
    return [req for req, _ in server.log if req.path == path]


def echo_challenge(request: Request) -> Response:
    return Response(json.dumps({"verification": request.headers["X-Okta-Verification-Challenge"]}),
                    content_type="application/json")


# --------------------------------------------------------------------------------------------------------------
# retries, timeouts, redirects, size


@pytest.mark.parametrize("retries, attempts", [(1, 2), (0, 1)])
def test_timeout_is_retried_only_as_often_as_the_policy_says(hook, emu, retries, attempts):
    hook.expect_request("/sleepy").respond_with_handler(sleeper(0.8))
    result = emu.verify(hook.url_for("/sleepy"), timeout=0.2, max_retries=retries)
    assert [a.transport for a in result.delivery.attempts] == [R.TIMEOUT] * attempts
    assert [a.retried for a in result.delivery.attempts] == [True] * (attempts - 1) + [False]
    assert [a.number for a in result.delivery.attempts] == list(range(1, attempts + 1))
    assert "0.2 s" in result.delivery.final.error
    assert result.status == "UNVERIFIED"


def test_4xx_is_not_retried(hook, emu):
    hook.expect_request("/hook").respond_with_data("nope", status=403)
    result = emu.send_events(hook.url_for("/hook"), ["user.lifecycle.create"], timeout=BUDGET)
    (batch,) = result.batches
    assert len(batch.delivery.attempts) == 1, [(a.transport, a.error, a.elapsed_ms) for a in batch.delivery.attempts]
    assert batch.delivery.final.transport == R.HTTP_ERROR and batch.delivery.status == 403
    assert not batch.accepted and not result.delivered
    assert len(calls(hook)) == 1


def test_5xx_is_retried_once_then_success_counts(hook, emu):
    hook.expect_ordered_request("/hook").respond_with_data("boom", status=503)
    hook.expect_ordered_request("/hook").respond_with_data("", status=200)
    result = emu.send_events(hook.url_for("/hook"), ["user.lifecycle.create"], timeout=BUDGET)
    attempts = result.batches[0].delivery.attempts
    assert [(a.transport, a.response.status, a.retried) for a in attempts] == [
        (R.HTTP_ERROR, 503, True), (R.OK, 200, False)]
    assert attempts[0].response.body == "boom"
    assert result.delivered and result.log_events == []


def test_5xx_twice_is_a_failed_delivery_logged_as_event_hook_delivery(hook, emu):
    hook.expect_request("/hook").respond_with_data("boom", status=500)
    result = emu.send_events(hook.url_for("/hook"), ["user.lifecycle.create"], timeout=BUDGET)
    assert len(calls(hook)) == 2
    assert not result.delivered
    (event,) = result.log_events
    assert event["eventType"] == "event_hook.delivery"
    assert event["outcome"]["result"] == "FAILURE"
    assert "HTTP 500" in event["outcome"]["reason"]


def test_redirect_is_not_followed_nor_retried(hook, emu):
    hook.expect_request("/hook").respond_with_data("", status=302, headers={"Location": hook.url_for("/moved")})
    hook.expect_request("/moved").respond_with_handler(echo_challenge)
    hook.expect_request("/sleepy").respond_with_data("", status=200)  # a late request of an earlier test
    result = emu.verify(hook.url_for("/hook"), timeout=BUDGET)
    assert [a.transport for a in result.delivery.attempts] == [R.REDIRECT]
    assert len(calls(hook)) == 1 and calls(hook, "/moved") == []
    assert "/moved" in result.delivery.final.error
    failed = {c.name: c for c in result.checks}["no redirect"]
    assert not failed.passed and "does not follow redirects" in failed.detail
    assert result.status == "UNVERIFIED"


def test_answer_of_256_kb_is_too_large_and_not_retried(hook, emu):
    hook.expect_request("/big").respond_with_data(b"x" * (256 * 1024), status=200)
    hook.expect_request("/fits").respond_with_data(b"x" * (256 * 1024 - 1), status=200)
    big = emu.send_events(hook.url_for("/big"), ["user.lifecycle.create"], timeout=2)
    assert [a.transport for a in big.batches[0].delivery.attempts] == [R.TOO_LARGE]
    assert "256 KB" in big.batches[0].delivery.final.error
    assert not big.delivered
    fits = emu.send_events(hook.url_for("/fits"), ["user.lifecycle.create"], timeout=2)
    assert fits.batches[0].delivery.final.transport == R.OK
    assert len(fits.batches[0].delivery.final_body) == 256 * 1024 - 1


def test_chunked_body_without_length_is_cut_at_the_limit(raw_server, emu):
    def endless(conn: socket.socket) -> None:
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
        chunk = b"y" * 65536
        for _ in range(10):
            conn.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
        conn.sendall(b"0\r\n\r\n")

    server = raw_server(endless)
    result = emu.send_events(server.url, ["user.lifecycle.create"], timeout=2, record_body_limit=100)
    final = result.batches[0].delivery.final
    assert final.transport == R.TOO_LARGE
    assert final.response.truncated and len(final.response.body) == 100
    assert 256 * 1024 <= final.response.size < 10 * 65536


def test_slow_loris_hook_times_out_at_the_budget(raw_server, emu):
    def dribble(conn: socket.socket) -> None:
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n")
        for _ in range(100):
            conn.sendall(b"a")
            time.sleep(0.05)

    server = raw_server(dribble)
    t0 = time.monotonic()
    result = emu.verify(server.url, timeout=0.3, max_retries=0)
    took = time.monotonic() - t0
    assert result.delivery.final.transport == R.TIMEOUT
    assert took < 2.0  # the hook needs 5 s to finish its body


def test_hook_that_stalls_after_the_headers_times_out(raw_server, emu):
    def stall(conn: socket.socket) -> None:
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nab")
        time.sleep(3)

    server = raw_server(stall)
    t0 = time.monotonic()
    result = emu.verify(server.url, timeout=0.3, max_retries=0)
    assert result.delivery.final.transport == R.TIMEOUT
    assert time.monotonic() - t0 < 2.0


def test_hook_bookkeeping_log_events_keep_the_log_event_shape(emu):
    event = emu.log_event("event_hook.delivery", outcome={"result": "FAILURE", "reason": "HTTP 500"},
                          debug_data={"eventHookId": "who1"})
    eligible = emu.log_event("user.lifecycle.create")
    assert event["eventType"] == "event_hook.delivery" and event["displayMessage"] == "Event hook delivery"
    assert event["outcome"] == {"result": "FAILURE", "reason": "HTTP 500"}
    assert event["debugContext"]["debugData"]["eventHookId"] == "who1"
    assert set(event) == set(eligible)
    with pytest.raises(EmulatorUsageError, match="Did you mean"):
        emu.log_event("user.lifecycle.craete")


@pytest.mark.parametrize("answer, expected", [
    (b"this is not HTTP\r\n\r\n", R.CONNECTION_ERROR),
    (b"HTTP/1.1 200 OK\r\nX-Huge: " + b"h" * 200_000 + b"\r\nContent-Length: 0\r\n\r\n", R.CONNECTION_ERROR),
    (b"", R.CONNECTION_ERROR),  # connection closed without an answer
])
def test_misbehaving_hooks_are_recorded_not_raised(raw_server, emu, answer, expected):
    server = raw_server(lambda conn: conn.sendall(answer))
    result = emu.verify(server.url, timeout=1)
    assert [a.transport for a in result.delivery.attempts] == [expected, expected]  # retried once on error
    assert result.delivery.final.error
    assert server.connections == 2


def test_connection_refused_is_a_connection_error_retried_once(emu):
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    result = emu.verify(f"http://127.0.0.1:{port}/hook", timeout=BUDGET)
    assert [a.transport for a in result.delivery.attempts] == [R.CONNECTION_ERROR] * 2
    assert result.checks[0].name == "answered in time" and not result.checks[0].passed


def test_non_utf8_body_is_recorded_with_replacement(hook, emu):
    hook.expect_request("/hook").respond_with_data(b"\xff\xfe{bad", status=200)
    result = emu.verify(hook.url_for("/hook"), timeout=BUDGET)
    final = result.delivery.final
    assert final.transport == R.OK and "\ufffd" in final.response.body
    assert result.delivery.final_body == b"\xff\xfe{bad"
    json_check = {c.name: c for c in result.checks}["JSON body"]
    assert not json_check.passed and "not JSON" in json_check.detail


# --------------------------------------------------------------------------------------------------------------
# verification


def test_correct_answer_is_verified(hook, emu):
    hook.expect_request("/hook", method="GET").respond_with_handler(echo_challenge)
    result = emu.verify(hook.url_for("/hook"), timeout=BUDGET, hook_id="who1234567890abcdefg")
    assert result.status == "VERIFIED" and result.verified
    assert [c.passed for c in result.checks] == [True] * len(result.checks)
    assert len(result.challenge) == 40
    (event,) = result.log_events
    assert event["eventType"] == "event_hook.verified" and event["outcome"]["result"] == "SUCCESS"


def test_wrong_challenge_is_unverified_and_shows_both_values(hook, emu):
    hook.expect_request("/hook").respond_with_json({"verification": "not-the-challenge"})
    result = emu.verify(hook.url_for("/hook"), timeout=BUDGET)
    assert result.status == "UNVERIFIED"
    check = result.checks[-1]
    assert check.name == "value equals the challenge" and not check.passed
    assert result.challenge in check.detail and "not-the-challenge" in check.detail
    assert result.log_events[0]["eventType"] == "event_hook.verified"
    assert result.log_events[0]["outcome"]["result"] == "FAILURE"  # fired even when unsuccessful


def test_missing_verification_key_is_reported(hook, emu):
    hook.expect_request("/hook").respond_with_json({"challenge": "x"})
    result = emu.verify(hook.url_for("/hook"), timeout=BUDGET)
    checks = {c.name: c for c in result.checks}
    assert checks["JSON body"].passed
    assert not checks["`verification` present"].passed and "challenge" in checks["`verification` present"].detail


def test_challenges_are_seeded(hook):
    hook.expect_request("/hook").respond_with_handler(echo_challenge)
    with Emulator(seed=5, clock=FixedClock()) as a, Emulator(seed=5, clock=FixedClock()) as b, \
            Emulator(seed=6, clock=FixedClock()) as c:
        ca, cb, cc = (e.verify(hook.url_for("/hook"), timeout=BUDGET).challenge for e in (a, b, c))
    assert ca == cb != cc


# --------------------------------------------------------------------------------------------------------------
# headers on the wire and masking


def test_verification_get_headers_exactly_as_okta(hook, emu):
    hook.expect_request("/hook").respond_with_handler(echo_challenge)
    result = emu.verify(hook.url_for("/hook"), timeout=BUDGET, auth_header=("Authorization", "my-shared-secret"),
                        headers=[("x-any-key", "my-header-value")])
    assert result.verified
    request = calls(hook)[0]
    assert request.method == "GET" and request.get_data() == b""
    h = request.headers
    assert h["User-Agent"] == "Okta-Integrations"
    assert h["Accept"] == "application/json"
    assert re.fullmatch(r"[0-9a-f]{32}", h["X-Okta-Request-Id"])  # fidelity.REQUEST_ID_FORMAT, as since 2024
    assert h["X-Okta-Verification-Challenge"] == result.challenge
    assert h["Authorization"] == "my-shared-secret"
    assert h["x-any-key"] == "my-header-value"
    assert "Content-Type" not in h and "Accept-Encoding" not in h


def test_delivery_post_headers_exactly_as_okta(hook, emu):
    hook.expect_request("/hook", method="POST").respond_with_data("", status=200)
    emu.send_events(hook.url_for("/hook"), ["user.lifecycle.create"], hook_id="who1234567890abcdefg",
                    auth_header=("Authorization", "s3cret"), timeout=BUDGET)
    request = calls(hook)[0]
    h = request.headers
    assert h["User-Agent"] == "Okta Hook Service v1.0.0 - who1234567890abcdefg"
    assert h["Accept"] == "application/json" and h["Content-Type"] == "application/json"
    assert h["Authorization"] == "s3cret"
    assert "X-Okta-Request-Id" not in h
    envelope = request.get_json()
    assert envelope["eventType"] == "com.okta.event_hook"
    assert envelope["source"].endswith("/api/v1/eventHooks/who1234567890abcdefg")


def test_header_names_keep_okta_casing_on_the_wire(raw_server, emu):
    server = raw_server(lambda conn: conn.sendall(b"HTTP/1.1 204 No Content\r\n\r\n"))
    emu.send_events(server.url, ["user.lifecycle.create"], hook_id="who1", headers={"X-Custom-Thing": "v"},
                    timeout=1)
    emu.verify(server.url, timeout=1)
    delivery, verification = (r.decode("latin-1") for r in server.received[:2])
    head = delivery.split("\r\n\r\n")[0]
    lines = [line.split(":", 1)[0] for line in head.split("\r\n")[1:]]
    assert [n for n in lines if n not in ("Host", "Content-Length")] == [
        "User-Agent", "Accept", "Content-Type", "X-Custom-Thing"]
    assert "X-Custom-Thing" in lines and "X-Okta-Request-Id" not in lines
    assert "User-Agent: Okta Hook Service v1.0.0 - who1\r\n" in delivery
    assert "\r\nX-Okta-Verification-Challenge: " in verification
    assert "\r\nX-Okta-Request-Id: " in verification and "python-httpx" not in verification


def test_secret_values_are_masked_in_records(hook, emu):
    hook.expect_request("/hook").respond_with_handler(echo_challenge)
    result = emu.verify(hook.url_for("/hook"), timeout=BUDGET, auth_header=("X-Hook-Auth", "topsecret"),
                        headers={"x-api-key": "k1", "X-Session-Token": "t1", "X-Tenant": "acme"})
    recorded = result.delivery.final.request.headers
    assert recorded["X-Hook-Auth"] == R.SECRET_MASK
    assert recorded["x-api-key"] == R.SECRET_MASK and recorded["X-Session-Token"] == R.SECRET_MASK
    assert recorded["X-Tenant"] == "acme"
    dumped = json.dumps(result.to_dict())
    assert "topsecret" not in dumped and "k1" not in dumped and "t1" not in dumped
    assert calls(hook)[0].headers["X-Hook-Auth"] == "topsecret"  # the hook itself got the real value


# --------------------------------------------------------------------------------------------------------------
# event delivery switches


def test_batches_duplicates_keep_the_same_event_id(hook, emu):
    hook.expect_request("/hook").respond_with_data("", status=204)
    result = emu.send_events(hook.url_for("/hook"), ["user.lifecycle.create", "group.user_membership.add"],
                             count=5, batch_size=2, duplicate=True, timeout=BUDGET)
    originals = [b for b in result.batches if b.duplicate_of is None]
    dups = [b for b in result.batches if b.duplicate_of is not None]
    assert [len(b.events) for b in originals] == [2, 2, 1]
    assert [d.duplicate_of for d in dups] == [o.event_id for o in originals]
    assert [d.event_id for d in dups] == [o.event_id for o in originals]
    received = [req.get_json()["eventId"] for req in calls(hook)]
    assert len(received) == 6 and len(set(received)) == 3
    assert result.delivered


def test_out_of_order_shuffles_batches_and_events_deterministically(hook):
    hook.expect_request("/hook").respond_with_data("", status=200)

    def published(seed: int, out_of_order: bool) -> list[str]:
        with Emulator(seed=seed, clock=FixedClock(tick=__import__("datetime").timedelta(seconds=1))) as e:
            res = e.send_events(hook.url_for("/hook"), ["user.lifecycle.create"], count=12, batch_size=3,
                                out_of_order=out_of_order, timeout=BUDGET)
        return [ev["published"] for b in res.batches for ev in b.events]

    in_order = published(3, False)
    shuffled = published(3, True)
    assert in_order == sorted(in_order)
    assert shuffled != in_order and sorted(shuffled) == sorted(in_order)
    assert published(3, True) == shuffled  # same seed, same order


def test_other_2xx_accepted_with_note(hook, emu):
    hook.expect_request("/hook").respond_with_data("", status=202)
    result = emu.send_events(hook.url_for("/hook"), ["user.lifecycle.create"], timeout=BUDGET)
    assert result.delivered and "202" in result.batches[0].note


def test_ready_events_are_sent_unchanged(hook, emu):
    hook.expect_request("/hook").respond_with_data("", status=200)
    events = [emu.payloads.log_event("user.session.start") for _ in range(3)]
    result = emu.send_events(hook.url_for("/hook"), events=events, batch_size=50, timeout=BUDGET)
    sent = calls(hook)[0].get_json()
    hook_id = sent["source"].rsplit("/", 1)[-1]
    # unchanged but for the delivered form: no top-level `request`, targetEventHookIds names the hook
    assert sent["data"]["events"] == [delivered_event(e, hook_id) for e in events]
    assert all("request" not in e and e["debugContext"]["debugData"]["targetEventHookIds"] == hook_id
               for e in sent["data"]["events"])
    assert len(result.batches) == 1


def test_delay_waits_before_each_post(hook, emu):
    hook.expect_request("/hook").respond_with_data("", status=200)
    t0 = time.monotonic()
    emu.send_events(hook.url_for("/hook"), ["user.lifecycle.create"], count=2, batch_size=1, delay=0.2,
                    timeout=BUDGET)
    assert time.monotonic() - t0 >= 0.4


# --------------------------------------------------------------------------------------------------------------
# WSGI and ASGI targets


def wsgi_hook(environ, start_response):
    challenge = environ.get("HTTP_X_OKTA_VERIFICATION_CHALLENGE")
    if environ["PATH_INFO"] == "/slow":
        time.sleep(3)
    body = json.dumps({"verification": challenge}).encode() if challenge else b""
    start_response("200 OK" if challenge else "204 No Content", [("Content-Type", "application/json")])
    return [body]


class AsgiHook:
    """A minimal ASGI app (Starlette/FastAPI style: an object with ``async __call__``)."""

    async def __call__(self, scope, receive, send):
        assert scope["type"] == "http"
        headers = {k.decode().lower(): v.decode() for k, v in scope["headers"]}
        while True:
            message = await receive()
            if not message.get("more_body"):
                break
        if scope["path"] == "/slow":
            await asyncio.sleep(3)
        challenge = headers.get("x-okta-verification-challenge")
        body = json.dumps({"verification": challenge}).encode() if challenge else b""
        await send({"type": "http.response.start", "status": 200 if challenge else 204,
                    "headers": [(b"content-type", b"application/json")]})
        await send({"type": "http.response.body", "body": body})


async def asgi_function_hook(scope, receive, send):
    await AsgiHook()(scope, receive, send)


def test_target_of_detects_the_kind():
    assert Target.of("http://127.0.0.1:1/x").mode == URL
    assert Target.of(wsgi_hook).mode == WSGI
    assert Target.of(AsgiHook()).mode == ASGI
    assert Target.of(asgi_function_hook).mode == ASGI
    with pytest.raises(EmulatorUsageError, match="http"):
        Target.of("ftp://example")
    with pytest.raises(EmulatorUsageError, match="URL string, a WSGI app"):
        Target.of(42)


def _shape(result) -> list[tuple]:
    """Everything about the attempts that does not depend on where the hook runs."""
    return [(a.number, a.transport, a.response.status, sorted(a.request.headers), a.request.headers["Authorization"],
             a.retried) for a in result.delivery.attempts]


def test_url_wsgi_and_asgi_targets_produce_the_same_records(hook):
    hook.expect_request("/hook").respond_with_handler(lambda req: Response.from_app(wsgi_hook, req.environ))
    shapes = []
    for target in (hook.url_for("/hook"), wsgi_hook, AsgiHook()):
        with Emulator(seed=9, clock=FixedClock()) as e:
            result = e.verify(target, auth_header=("Authorization", "x"), timeout=1)
            assert result.verified, result.checks
            events = e.send_events(target, ["user.lifecycle.create"], auth_header=("Authorization", "x"),
                                   timeout=1)
            assert events.delivered
            shapes.append((result.challenge, result.delivery.final.started_at, _shape(result),
                           events.batches[0].event_id, _shape(events.batches[0])))
    assert shapes[0] == shapes[1] == shapes[2]


@pytest.mark.parametrize("app", [wsgi_hook, AsgiHook()], ids=["wsgi", "asgi"])
def test_in_process_hook_slower_than_budget_returns_at_the_budget(emu, app):
    t0 = time.monotonic()
    result = emu.verify(Target.of(app, path="/slow"), timeout=0.3, max_retries=0)
    took = time.monotonic() - t0
    assert result.delivery.final.transport == R.TIMEOUT
    assert took < 2.0  # the hook sleeps 3 s
    assert result.delivery.final.elapsed_ms < 2000


def test_hung_in_process_hook_blocks_neither_the_next_call_nor_interpreter_exit(tmp_path):
    script = tmp_path / "hung.py"
    script.write_text(textwrap.dedent("""
        import threading
        from okta_hook_emulator.emulator.core import Emulator

        never = threading.Event()

        def hung(environ, start_response):
            never.wait()  # never returns

        def fine(environ, start_response):
            start_response("204 No Content", [])
            return [b""]

        with Emulator(seed=1) as emu:
            first = emu.send_events(hung, ["user.lifecycle.create"], timeout=0.2, max_retries=0)
            second = emu.send_events(fine, ["user.lifecycle.create"], timeout=2, max_retries=0)
        print(first.batches[0].delivery.final.transport, second.delivered)
    """))
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == [R.TIMEOUT, "True"]


def test_calls_one_after_another_reuse_one_worker_thread(emu):
    seen = set()

    def hook(environ, start_response):
        seen.add(threading.get_ident())
        start_response("204 No Content", [])
        return [b""]

    for _ in range(30):
        assert emu.send_events(hook, ["user.lifecycle.create"], timeout=BUDGET).delivered
    assert len(seen) == 1


def test_in_process_hook_exception_escaping_the_wsgi_call_is_a_connection_error(emu):
    class Broken:
        def __call__(self, environ, start_response):
            start_response("200 OK", [])
            return self

        def __iter__(self):
            raise KeyboardInterrupt  # a BaseException from the body iterator: recorded, never raised

    result = emu.send_events(Broken(), ["user.lifecycle.create"], timeout=BUDGET, max_retries=0)
    assert result.batches[0].delivery.final.transport == R.CONNECTION_ERROR


def test_app_crash_is_a_500_not_an_exception(emu):
    def crashing(environ, start_response):
        raise RuntimeError("hook bug")

    result = emu.verify(crashing, timeout=1)
    assert [a.transport for a in result.delivery.attempts] == [R.HTTP_ERROR, R.HTTP_ERROR]
    assert result.delivery.status == 500
    assert "RuntimeError: hook bug" in result.delivery.final.response.body


def test_closed_emulator_refuses_to_send(hook):
    hook.expect_request("/hook").respond_with_handler(echo_challenge)
    e = Emulator()
    e.close()
    e.close()  # idempotent
    with pytest.raises(EmulatorUsageError, match="closed"):
        e.verify(hook.url_for("/hook"), timeout=BUDGET, max_retries=0)


def test_unknown_policy_setting_is_a_usage_error(emu):
    with pytest.raises(EmulatorUsageError, match="timeout"):
        emu.verify("http://127.0.0.1:9/x", timout=1)


@pytest.mark.slow
def test_okta_real_three_second_timeout(hook, emu):
    """Okta's real budget: a hook answering after 5 s is a timeout at 3 s whose record names 3 s."""
    hook.expect_request("/sleepy").respond_with_handler(sleeper(5))
    t0 = time.monotonic()
    result = emu.verify(hook.url_for("/sleepy"), max_retries=0)
    took = time.monotonic() - t0
    assert result.delivery.final.transport == R.TIMEOUT
    assert "3 s" in result.delivery.final.error
    assert "3 s" in result.checks[0].detail
    assert 2.9 <= took < 4.5  # at the budget, well before the hook's answer (slack for a loaded machine)


def test_inline_request_id_is_the_x_okta_request_id_header(hook, emu):
    hook.expect_request("/hook").respond_with_data("", status=204)
    result = emu.call_inline("registration", hook.url_for("/hook"), timeout=BUDGET)
    sent = calls(hook)[0]
    body_id = sent.get_json()["data"]["context"]["request"]["id"]
    assert sent.headers["X-Okta-Request-Id"] == body_id == result.request["data"]["context"]["request"]["id"]
    assert re.fullmatch(r"[0-9a-f]{32}", body_id)
    # a caller's request keeps its own id, and the header follows it
    given = emu.payloads.inline_request("telephony", overrides={"data.context.request.id": "XbHgP-OT7cn8YM13gzo6nAAABBw"})
    emu.call_inline("telephony", hook.url_for("/hook"), request=given, timeout=BUDGET)
    assert calls(hook)[1].headers["X-Okta-Request-Id"] == "XbHgP-OT7cn8YM13gzo6nAAABBw"


def test_resolved_policies_follow_the_emulators_current_base_policy() -> None:
    """resolve_policy keeps its last results, but a new base policy (even one that reuses an old one's id) is
    never answered from them; overrides and Okta's per-kind rule still apply on the new base."""
    from okta_hook_emulator.emulator.policy import DeliveryPolicy
    from okta_hook_emulator.payloads.catalog import get_kind

    with Emulator(seed=0) as emu:
        token, saml = get_kind("token"), get_kind("saml")
        assert emu.resolve_policy(saml).timeout == 3.0
        assert emu.resolve_policy(saml, timeout=1.5).timeout == 1.5
        for timeout in (7.0, 8.0, 9.0):  # each old base is dropped: ids may be reused
            emu.policy = DeliveryPolicy(timeout=timeout, max_retries=2)
            assert emu.resolve_policy(saml).timeout == timeout
            assert emu.resolve_policy(saml).max_retries == 2
            assert emu.resolve_policy(token).max_retries == 0  # Okta never retries a token hook call
            assert emu.resolve_policy(saml, timeout=2.0).timeout == 2.0
        assert emu.resolve_policy(saml) is emu.resolve_policy(saml)  # kept
