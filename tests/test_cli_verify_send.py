"""Core CLI: ``okta-hooks verify`` and ``okta-hooks send event|inline`` against real hooks on 127.0.0.1."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from okta_hook_emulator.cli import _load, cli
from tests.helpers.server import QuickStopHTTPServer

OKTA_HOOKS = str(Path(sys.executable).parent / "okta-hooks")


@pytest.fixture(scope="module")
def hook() -> Iterator[HTTPServer]:
    server = QuickStopHTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.start()

    def echo(request: Request) -> Response:
        return Response(json.dumps({"verification": request.headers["X-Okta-Verification-Challenge"]}),
                        content_type="application/json")

    server.expect_request("/good").respond_with_handler(echo)
    server.expect_request("/wrong").respond_with_json({"verification": "not-it"})
    server.expect_request("/events").respond_with_data("", status=204)
    server.expect_request("/down").respond_with_data("down", status=500)
    server.expect_request("/token").respond_with_json({"commands": [{"type": "com.okta.identity.patch", "value": [
        {"op": "add", "path": "/claims/extPatientId", "value": "1234"}]}]})
    server.expect_request("/token-bad").respond_with_json({"commands": [{"type": "com.okta.identity.patch", "value": [
        {"op": "add", "path": "/claims/sub", "value": "x"}]}]})
    yield server
    server.stop()


@pytest.fixture(scope="module")
def run() -> Iterator:
    _load()
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(cli, list(args), catch_exceptions=False)

    yield invoke


def test_verify_exit_0_for_a_correct_hook(hook):
    proc = subprocess.run([OKTA_HOOKS, "verify", hook.url_for("/good"), "--auth-header", "Authorization:s3cret"],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().endswith("VERIFIED")
    assert "✓ value equals the challenge" in proc.stdout and "✗" not in proc.stdout


def test_verify_exit_1_for_a_wrong_answer_and_shows_both_values(hook):
    proc = subprocess.run([OKTA_HOOKS, "verify", hook.url_for("/wrong"), "--timeout", "2"],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 1
    assert proc.stdout.strip().endswith("UNVERIFIED")
    line = next(x for x in proc.stdout.splitlines() if "value equals the challenge" in x)
    assert line.strip().startswith("✗") and "'not-it'" in line
    challenge = next(x for x in proc.stdout.splitlines() if "challenge:" in x).split(":", 1)[1].strip()
    assert challenge in line


def test_verify_json_masks_the_auth_value(hook, run):
    result = run("verify", hook.url_for("/good"), "--auth-header", "X-Secret-Auth:s3cret", "--json")
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert data["status"] == "VERIFIED"
    assert data["delivery"]["attempts"][0]["request"]["headers"]["X-Secret-Auth"] == "********"
    assert "s3cret" not in result.output


def test_send_event_reports_batches_and_duplicates(hook, run):
    result = run("send", "event", hook.url_for("/events"), "--event-type", "user.lifecycle.create",
                 "--count", "3", "--batch-size", "2", "--duplicate", "--json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["delivered"] is True
    assert [b["duplicate_of"] is not None for b in data["batches"]] == [False, False, True, True]
    assert result.stderr == ""  # no progress in a pipe: a terminal gets a bar on stderr (tests/test_cli_terminal.py)


def test_send_event_failure_exits_1_with_system_log_line(hook, run):
    result = run("send", "event", hook.url_for("/down"), "--event-type", "user.lifecycle.create", "--timeout", "2")
    assert result.exit_code == 1
    assert "FAILED: 0/1 POSTs accepted, 2 attempts" in result.stdout
    assert "System Log: event_hook.delivery FAILURE" in result.stdout


def test_send_inline_token_prints_verdict_commands_and_claims(hook, run):
    result = run("send", "inline", "token", hook.url_for("/token"), "--timeout", "2")
    assert result.exit_code == 0, result.output
    assert "verdict OK" in result.stdout
    assert "✓ command 0 com.okta.identity.patch: applied" in result.stdout
    claims_line = next(x for x in result.stdout.splitlines() if "id_token claims:" in x)
    assert json.loads(claims_line.split(":", 1)[1])["extPatientId"] == "1234"


def test_send_inline_invalid_answer_exits_1(hook, run):
    result = run("send", "inline", "token", hook.url_for("/token-bad"), "--timeout", "2", "--json")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["verdict"] == "invalid" and data["problems"]


@pytest.mark.parametrize("args, message", [
    (["send", "inline", "tokn", "http://127.0.0.1:9/x"], "Did you mean 'token'?"),
    (["verify", "http://127.0.0.1:9/x", "--auth-header", "nocolon"], "NAME:VALUE"),
    (["verify", "not-a-url"], "not an http(s) URL"),
    (["verify", "http://[::1/x"], "is not a valid URL (Invalid IPv6 URL)"),
    (["send", "inline", "token", "http://127.0.0.1:99999/x"], "is not a valid URL (Port out of range"),
    (["send", "event", "http://127.0.0.1:9/x", "--event-type", "user.lifecycle.craete"], "user.lifecycle.create"),
])
def test_usage_errors_exit_2_with_a_fix(run, args, message):
    result = run(*args)
    assert result.exit_code == 2
    assert message in result.output
