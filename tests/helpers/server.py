"""Helpers shared by the server tests (tests/test_server_*.py and others): the API token, request bodies, Okta error
checks and a stand-in hook service that answers verification. The ``server`` and ``api`` fixtures are in
tests/conftest.py."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import httpx
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

TOKEN = "00test-token-for-the-emulator"
AUTH = {"Authorization": f"SSWS {TOKEN}"}
SHORT = {"timeout": 2.0}  # hook calls time out after 2 s (Okta: 3 s): fast tests, no false timeouts under load


def answer_verification(httpserver: Any, path: str = "/hook") -> None:
    """Make the pytest-httpserver hook answer Okta's verification GET correctly on ``path``."""

    def handler(request: Request) -> Response:
        challenge = request.headers.get("X-Okta-Verification-Challenge", "")
        return Response(json.dumps({"verification": challenge}), content_type="application/json")

    httpserver.expect_request(path, method="GET").respond_with_handler(handler)


def answer_token_with_claim(httpserver: Any, path: str = "/token") -> None:
    """Make the pytest-httpserver hook answer token inline calls on ``path`` by adding ``extPatientId: P-1234``."""

    def handler(request: Request) -> Response:
        return Response(json.dumps({"commands": [{"type": "com.okta.identity.patch", "value": [
            {"op": "add", "path": "/claims/extPatientId", "value": "P-1234"}]}]}), content_type="application/json")

    httpserver.expect_request(path, method="POST").respond_with_handler(handler)


def event_hook_body(uri: str, items: list[str] | None = None, name: str = "My hook", **extra: Any) -> dict:
    """An EventHook create body as in Okta's recorded traffic."""
    body = {
        "name": name,
        "events": {"type": "EVENT_TYPE", "items": items or ["user.lifecycle.create"]},
        "channel": {"type": "HTTP", "version": "1.0.0",
                    "config": {"uri": uri, "authScheme": {"type": "HEADER", "key": "Authorization",
                                                          "value": "my-shared-secret"}}},
    }
    body.update(extra)
    return body


def inline_hook_body(uri: str, hook_type: str = "com.okta.oauth2.tokens.transform", name: str = "Token hook",
                     **extra: Any) -> dict:
    """An InlineHook create body with an HTTP channel."""
    body = {
        "name": name, "type": hook_type, "version": "1.0.0",
        "channel": {"type": "HTTP", "version": "1.0.0",
                    "config": {"uri": uri, "method": "POST", "headers": [{"key": "X-Env", "value": "test"}],
                               "authScheme": {"type": "HEADER", "key": "Authorization", "value": "inline-secret"}}},
    }
    body.update(extra)
    return body


def assert_okta_error(resp: httpx.Response, status: int, code: str, *cause_words: str) -> dict:
    """Assert an Okta error object with ``code`` whose causes mention every word of ``cause_words``."""
    assert resp.status_code == status, resp.text
    body = resp.json()
    assert set(body) == {"errorCode", "errorSummary", "errorLink", "errorId", "errorCauses"}, body
    assert body["errorCode"] == code and body["errorLink"] == code, body
    causes = " | ".join(c["errorSummary"] for c in body["errorCauses"])
    for word in cause_words:
        assert word in causes, f"{word!r} not in causes: {causes}"
    return body


class QuickStopHTTPServer(HTTPServer):
    """pytest-httpserver's server, polling for shutdown every 20 ms instead of werkzeug's 0.5 s, so stopping one at
    the end of a test module costs milliseconds."""

    def thread_target(self) -> None:
        assert self.server is not None
        self.server.serve_forever(poll_interval=0.02)


def start_cli_server(db: Path, token: str = TOKEN) -> tuple[subprocess.Popen, str]:
    """``okta-hooks serve --port 0`` as a subprocess; returns it and its URL (read from the banner)."""
    cmd = [sys.executable, "-c", "from okta_hook_emulator.cli import main; main()", "serve", "--port", "0",
           "--db", str(db), "--token", token, "--quiet"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            env={**os.environ, "PYTHONUNBUFFERED": "1"})
    deadline = time.monotonic() + 60
    lines = []
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        lines.append(line)
        if "listening on " in line:
            url = line.split("listening on ", 1)[1].strip()
            threading.Thread(target=proc.stdout.read, daemon=True).start()  # keep the pipe drained
            return proc, url
    proc.kill()
    raise AssertionError("server did not start:\n" + "".join(lines))


def stop_cli_server(proc: subprocess.Popen) -> None:
    """Stop a server started as a subprocess as Ctrl-C would (SIGTERM: it drains its deliveries), killing it
    after 20 s."""
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(20)
    except subprocess.TimeoutExpired:
        proc.kill()
