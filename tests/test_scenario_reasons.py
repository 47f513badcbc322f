"""Scenario reports say why a step failed, in Okta's terms: ``okta-hooks run`` in text mode names the timeout,
the refused connection, the broken rule with its JSON path and the failed verification check, and never shows a
Python value such as ``None``."""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from werkzeug import Request, Response

from okta_hook_emulator.commands.run import run
from okta_hook_emulator.scenarios.reasons import delivery_reason, step_summary
from tests.helpers.server import QuickStopHTTPServer

TOKEN_STEP = """version: 1
name: token-step
description: a token flow expected to succeed
steps:
  - name: sign_in
    action: flow
    hook: token
    policy: {timeout: 0.3}
    expect: {verdict: ok}
"""
EVENTS_STEP = """version: 1
name: events-step
description: an event delivery expected to succeed
steps:
  - name: notify
    action: events
    event_types: [user.lifecycle.create]
    count: 2
    expect: {verdict: ok}
"""
VERIFY_STEP = """version: 1
name: verify-step
description: a verification expected to succeed
steps:
  - name: verify
    action: verify
    expect: {verdict: VERIFIED}
"""


@pytest.fixture(scope="module")
def hook() -> Iterator[QuickStopHTTPServer]:
    server = QuickStopHTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.start()

    def slow(request: Request) -> Response:
        time.sleep(1.0)
        return Response("{}", content_type="application/json")

    server.expect_request("/slow").respond_with_handler(slow)
    server.expect_request("/reserved").respond_with_json({"commands": [{"type": "com.okta.identity.patch", "value": [
        {"op": "replace", "path": "/claims/iss", "value": "https://evil.example"}]}]})
    server.expect_request("/down").respond_with_data("down", status=500)
    server.expect_request("/wrong").respond_with_json({"verification": "not-the-challenge"})
    yield server
    server.stop()


@pytest.fixture
def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run_text(tmp_path: Path, scenario: str, target: str) -> str:
    path = tmp_path / "scenario.yaml"
    path.write_text(scenario, encoding="utf-8")
    result = CliRunner().invoke(run, [str(path), "--target", target])
    assert result.exit_code == 1, result.output
    assert "None" not in result.stdout and "None" not in result.stderr
    return result.stdout


@pytest.mark.slow  # waits for a real (short) timeout
def test_a_timed_out_token_call_says_timed_out_with_the_budget(hook, tmp_path):
    text = run_text(tmp_path, TOKEN_STEP, hook.url_for("/slow"))
    assert "timed out after 0.3 s" in text


def test_a_refused_connection_says_connection_refused(tmp_path, closed_port):
    url = f"http://127.0.0.1:{closed_port}/hook"
    for scenario in (TOKEN_STEP, EVENTS_STEP, VERIFY_STEP):
        assert f"connection refused by 127.0.0.1:{closed_port}" in run_text(tmp_path, scenario, url)


def test_a_reserved_claim_names_the_rule_and_its_path(hook, tmp_path):
    text = run_text(tmp_path, TOKEN_STEP, hook.url_for("/reserved"))
    assert "invalid (HTTP 200): reserved_claim at $.commands[0].value[0].path" in text


def test_http_errors_say_the_status_and_the_attempts(hook, tmp_path):
    assert "HTTP 500 after 2 attempts" in run_text(tmp_path, EVENTS_STEP, hook.url_for("/down"))
    assert "UNVERIFIED (HTTP 500, 2 attempts): HTTP 500 after 2 attempts" in run_text(
        tmp_path, VERIFY_STEP, hook.url_for("/down"))


def test_a_failed_verification_names_the_failed_check(hook, tmp_path):
    text = run_text(tmp_path, VERIFY_STEP, hook.url_for("/wrong"))
    assert "check 'value equals the challenge' failed" in text and "'not-the-challenge'" in text


def test_json_and_junit_reports_carry_the_reason_too(tmp_path, closed_port):
    path = tmp_path / "scenario.yaml"
    path.write_text(TOKEN_STEP, encoding="utf-8")
    url = f"http://127.0.0.1:{closed_port}/hook"
    result = CliRunner().invoke(run, [str(path), "--target", url, "--report", "json", "-q"])
    step = json.loads(result.stdout)["scenarios"][0]["steps"][0]
    assert step["summary"].startswith("failed (no HTTP answer): connection refused")
    result = CliRunner().invoke(run, [str(path), "--target", url, "--report", "junit", "-q"])
    assert "connection refused" in result.stdout


def _attempt(transport: str, error: str | None = None, status: int | None = None) -> dict:
    return {"transport": transport, "error": error, "request": {"url": "http://127.0.0.1:8080/hooks"},
            "response": {"status": status} if status else None}


@pytest.mark.parametrize("attempts, reason", [
    ([_attempt("ok", status=200)], ""),
    ([_attempt("timeout", "no complete response within 3 s")], "timed out after 3 s"),
    ([_attempt("timeout", "no complete response within 3 s")] * 2, "timed out after 3 s (2 attempts)"),
    ([_attempt("connection_error", "could not connect: [Errno 111] Connection refused")],
     "connection refused by 127.0.0.1:8080"),
    ([_attempt("connection_error", "invalid HTTP response: bad status line")],
     "connection failed: invalid HTTP response: bad status line"),
    ([_attempt("http_error", "HTTP 503", 503)], "HTTP 503"),
    ([_attempt("http_error", "HTTP 500", 500)] * 2, "HTTP 500 after 2 attempts"),
    ([_attempt("redirect", "HTTP 302 redirect to /x (Okta does not follow redirects)", 302)],
     "HTTP 302 redirect to /x (Okta does not follow redirects)"),
    ([_attempt("too_large", "response body is 262144 bytes or more", 200)],
     "answer too large: response body is 262144 bytes or more"),
])
def test_delivery_reason_names_each_transport_failure(attempts, reason):
    assert delivery_reason({"attempts": attempts}) == reason


def test_summaries_never_show_a_python_none():
    doc = {"verdict": "failed", "http_status": None, "attempt_count": 1, "outcome": None, "reason": None,
           "delivery": {"attempts": [_attempt("timeout", None)]}}
    for action in ("inline", "flow", "verify"):
        assert "None" not in step_summary(action, doc)
    assert "None" not in step_summary("events", {"verdict": "failed", "batches": [{"accepted": False}]})
    assert step_summary("verify", {}) == "no verdict (no HTTP answer, 0 attempts)"
