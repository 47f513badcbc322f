"""The core's prepare -> transport -> judge split (``Emulator.prepare_inline`` / ``deliver`` / ``judge_inline``,
``prepare_event_delivery`` / ``judge_event_delivery``) and load mode's geventhttpclient transport: the same
verdicts, transport results, statuses and attempts as the core's own sender, on a real hook on 127.0.0.1.

geventhttpclient runs here without Locust (nothing is monkey-patched); the stand-in hook is a threaded server."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from okta_hook_emulator.emulator import records as R
from okta_hook_emulator.emulator.core import Emulator
from okta_hook_emulator.emulator.exchange import WIRE_CONNECT, Answer
from okta_hook_emulator.load.tally import failure_name, failure_outcome
from okta_hook_emulator.load.transport import GeventTransport

BUDGET = 0.5  # seconds per attempt (the slow answer takes SLOW_SECONDS)
SLOW_SECONDS = 1.5
LIMIT = 4096  # max_response_bytes of these tests; the oversize answer is twice that
PATCH = {"commands": [{"type": "com.okta.identity.patch",
                       "value": [{"op": "add", "path": "/claims/extPatientId", "value": "1234"}]}]}
BROKEN = {"commands": [{"type": "com.okta.not.a.command", "value": []}]}

# path -> (status, headers, body, seconds before answering)
ANSWERS: dict[str, tuple[int, dict[str, str], bytes, float]] = {
    "/ok": (200, {"Content-Type": "application/json"}, json.dumps(PATCH).encode(), 0.0),
    "/empty": (204, {}, b"", 0.0),
    "/slow": (204, {}, b"", SLOW_SECONDS),
    "/error": (500, {"Content-Type": "text/plain"}, b"boom", 0.0),
    "/redirect": (302, {"Location": "/ok"}, b"", 0.0),
    "/invalid": (200, {"Content-Type": "application/json"}, json.dumps(BROKEN).encode(), 0.0),
    "/oversize": (200, {"Content-Type": "application/json"}, b'{"a":"' + b"x" * (2 * LIMIT) + b'"}', 0.0),
}


class Hook:
    """Answers each path as ANSWERS says and counts the POSTs per path."""

    def __init__(self) -> None:
        self.posts: dict[str, int] = {}
        lock = threading.Lock()
        hook = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with lock:
                    hook.posts[self.path] = hook.posts.get(self.path, 0) + 1
                status, headers, body, delay = ANSWERS[self.path]
                time.sleep(delay)
                try:
                    self.send_response(status)
                    for name, value in headers.items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except OSError:  # the caller gave up on a slow answer
                    pass

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()


@pytest.fixture(scope="module")
def hook() -> Iterator[Hook]:
    service = Hook()
    yield service
    service.server.shutdown()
    service.server.server_close()


@pytest.fixture
def transport() -> Iterator[GeventTransport]:
    sender = GeventTransport()
    yield sender
    sender.close()


def _summary(result) -> tuple:
    """What must be the same both ways: verdict, Locust failure name, outcome, transport, status, attempts."""
    delivery = result.delivery
    return (result.verdict, failure_name(result.verdict, delivery, result.reason, result.problems),
            failure_outcome(result.kind, result.verdict), delivery.transport, delivery.status,
            len(delivery.attempts))


CASES = [
    ("/ok", ("ok", None, None, R.OK, 200, 1)),
    ("/empty", ("ok", None, None, R.OK, 204, 1)),
    pytest.param("/slow", ("failed", "timed out", "fail open", R.TIMEOUT, None, 1), marks=pytest.mark.slow),
    ("/error", ("failed", "HTTP 500", "fail open", R.HTTP_ERROR, 500, 1)),
    ("/redirect", ("failed", "redirect (HTTP 302)", "fail open", R.REDIRECT, 302, 1)),
    ("/invalid", ("invalid", "invalid: [unknown_command] at $.commands[0].type", "fail open", R.OK, 200, 1)),
    ("/oversize", ("failed", "answer too large", "fail open", R.TOO_LARGE, 200, 1)),
]


@pytest.mark.parametrize(("path", "expected"), CASES)
def test_prepared_calls_sent_by_geventhttpclient_get_the_senders_verdicts(hook, transport, path, expected) -> None:
    policy = {"timeout": BUDGET, "max_response_bytes": LIMIT}
    with Emulator(seed=1) as emu:
        request = emu.payloads.inline_request("token")
        by_sender = emu.call_inline("token", hook.base + path, request=request, **policy)
        call = emu.prepare_inline("token", hook.base + path, request=request, **policy)
        by_split = emu.judge_inline(call, emu.deliver(call.http, transport.send))
    assert _summary(by_sender) == _summary(by_split) == expected
    if path != "/slow":  # the transports word their timeouts differently; every other reason is the core's
        assert by_split.reason == by_sender.reason
    assert (by_split.outcome.denied, by_split.outcome.decision) == \
        (by_sender.outcome.denied, by_sender.outcome.decision)
    assert by_split.delivery.final.request == by_sender.delivery.final.request  # the same request, as recorded


def test_the_prepared_request_is_what_okta_sends(hook) -> None:
    with Emulator(seed=2) as emu:
        call = emu.prepare_inline("token", hook.base + "/ok", auth_header=("Authorization", "secret"), timeout=2)
    http = call.http
    assert (http.method, http.url, http.timeout, http.follow_redirects) == ("POST", hook.base + "/ok", 2.0, False)
    assert json.loads(http.body) == call.request
    assert http.headers["X-Okta-Request-Id"] == call.request_id == call.request["data"]["context"]["request"]["id"]
    assert http.headers["Authorization"] == "secret"
    assert http.recorded.headers["Authorization"] == R.SECRET_MASK
    assert http.policy.max_retries == 0  # Okta never retries a token hook call


def test_retries_follow_the_cores_policy(hook, transport) -> None:
    with Emulator(seed=3) as emu:
        call = emu.prepare_inline("registration", hook.base + "/error", timeout=BUDGET)
        before = hook.posts.get("/error", 0)
        result = emu.judge_inline(call, emu.deliver(call.http, transport.send))
    assert [a.transport for a in result.delivery.attempts] == [R.HTTP_ERROR, R.HTTP_ERROR]
    assert result.delivery.attempts[0].retried and not result.delivery.attempts[1].retried
    assert hook.posts["/error"] - before == 2
    assert result.verdict == "failed" and failure_outcome("registration", result.verdict) == "fail closed"


@pytest.mark.parametrize(("path", "accepted", "attempts"), [("/empty", True, 1), ("/error", False, 2)])
def test_event_deliveries_sent_by_geventhttpclient_get_the_senders_verdicts(hook, transport, path, accepted,
                                                                            attempts) -> None:
    with Emulator(seed=4) as emu:
        events = [emu.payloads.log_event("user.session.start")]
        by_sender = emu.send_events(hook.base + path, events=events, timeout=BUDGET).batches[0]
        envelope, prepared = emu.prepare_event_delivery(hook.base + path, events, timeout=BUDGET)
        by_split = emu.judge_event_delivery(envelope, prepared, emu.deliver(prepared, transport.send))
    assert (by_split.accepted, by_split.note, len(by_split.delivery.attempts)) == \
        (by_sender.accepted, by_sender.note, len(by_sender.delivery.attempts)) == \
        (accepted, by_sender.note, attempts)
    assert json.loads(prepared.body) == envelope
    assert [e["uuid"] for e in envelope["data"]["events"]] == [e["uuid"] for e in events]


def test_one_answer_reported_by_any_client_is_judged() -> None:
    with Emulator(seed=5) as emu:
        call = emu.prepare_inline("token", "http://127.0.0.1:9/hook", timeout=1)
        ok = emu.judge_inline(call, Answer(status=200, body=json.dumps(PATCH).encode(), elapsed_ms=5))
        late = emu.judge_inline(call, Answer(status=204, elapsed_ms=1500))
        refused = emu.judge_inline(call, Answer(failure=WIRE_CONNECT, detail="Connection refused", elapsed_ms=1))
    assert ok.verdict == "ok" and ok.outcome.to_dict()["tokens_issued"]
    assert (late.verdict, late.delivery.transport) == ("failed", R.TIMEOUT)  # complete, but after the budget
    assert (refused.verdict, refused.delivery.transport) == ("failed", R.CONNECTION_ERROR)
    assert "could not connect: Connection refused" in refused.reason


def test_each_request_goes_out_with_exactly_oktas_headers_in_oktas_order(transport) -> None:
    """Raw request heads as a hook receives them, two calls on one keep-alive connection: Okta's headers (and the
    auth header) in Okta's order with each call's own X-Okta-Request-Id, then only Host and Content-Length."""
    server = socket.create_server(("127.0.0.1", 0))
    heads: list[list[str]] = []

    def serve() -> None:
        connection, _ = server.accept()
        with connection:
            buffered = b""
            while len(heads) < 2:
                head, sep, rest = buffered.partition(b"\r\n\r\n")
                if not sep:
                    chunk = connection.recv(65536)
                    if not chunk:
                        return
                    buffered += chunk
                    continue
                lines = head.decode("latin-1").split("\r\n")
                length = next(int(line.split(":", 1)[1]) for line in lines if line.lower().startswith("content-length"))
                while len(rest) < length:
                    rest += connection.recv(65536)
                buffered = rest[length:]
                heads.append(lines)
                connection.sendall(b"HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n")

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.getsockname()[1]}/hook"
    try:
        with Emulator(seed=3) as emu:
            calls = [emu.prepare_inline("token", url, auth_header=("Authorization", "secret")) for _ in range(2)]
            for call in calls:
                assert emu.judge_inline(call, emu.deliver(call.http, transport.send)).verdict == "ok"
        thread.join(timeout=10)
    finally:
        server.close()
    assert len(heads) == 2
    for call, lines in zip(calls, heads, strict=True):
        assert lines[0] == "POST /hook HTTP/1.1"
        sent = [tuple(line.split(": ", 1)) for line in lines[1:]]
        expected = [*call.http.headers.items(), ("Host", url.split("/")[2]), ("Content-Length", str(len(call.http.body)))]
        assert sent == expected
    assert heads[0] != heads[1]  # each call carries its own request id
