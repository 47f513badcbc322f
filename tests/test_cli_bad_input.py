"""Bad input on the command line never shows a traceback: one ``Error:`` line naming the cause and the fix, exit 2
for usage errors (1 where a check simply failed), and output paths refused before any work is done."""

from __future__ import annotations

import json
import os
import pty
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from pytest_httpserver import HTTPServer

from okta_hook_emulator.cli import _load, cli
from tests.helpers.server import QuickStopHTTPServer

OKTA_HOOKS = str(Path(sys.executable).parent / "okta-hooks")
CAPTURES = Path(__file__).resolve().parents[1] / "examples" / "capture_replay" / "captures"


@pytest.fixture(scope="module")
def invoke() -> Iterator:
    _load()
    runner = CliRunner()

    def run(*args: str, input: str | None = None) -> Result:
        return runner.invoke(cli, list(args), input=input)

    yield run


@pytest.fixture(scope="module")
def hook() -> Iterator[HTTPServer]:
    """A stand-in hook: /error answers an Okta error object, /events accepts deliveries; everything it gets
    is in ``hook.log``."""
    server = QuickStopHTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.start()
    server.expect_request("/error").respond_with_json({"error": {"errorSummary": "Denied by policy"}})
    server.expect_request("/token").respond_with_json({"commands": []})
    server.expect_request("/events").respond_with_data("", status=200)
    yield server
    server.stop()


def assert_one_error_line(result: Result, code: int, *words: str) -> str:
    """Exit ``code``, no traceback, exactly one ``Error:`` line, holding every word; returns that line."""
    output = result.output  # click 8.2+: stdout and stderr interleaved
    assert result.exit_code == code, output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in output
    errors = [line for line in output.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1, output
    for word in words:
        assert word in errors[0], errors[0]
    return errors[0]


# -- okta-hooks serve ---------------------------------------------------------------------------------------

def test_serve_db_in_a_missing_folder(invoke, tmp_path):
    result = invoke("serve", "--port", "0", "--db", str(tmp_path / "missing" / "org.db"))
    assert_one_error_line(result, 2, "does not exist", str(tmp_path / "missing"))
    assert not (tmp_path / "missing").exists()


def test_serve_db_on_a_file_that_is_not_sqlite(invoke, tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text("not a database\n")
    result = invoke("serve", "--port", "0", "--db", str(notes))
    assert_one_error_line(result, 2, "is not a SQLite database")
    assert notes.read_text() == "not a database\n"


def test_serve_db_on_a_folder(invoke, tmp_path):
    result = invoke("serve", "--port", "0", "--db", str(tmp_path))
    assert_one_error_line(result, 2, "is a folder", "org.db")


def test_serve_on_a_busy_port_exits_2_naming_the_port(invoke):
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        result = invoke("serve", "--port", str(port))
    assert_one_error_line(result, 2, f"Port {port}", "already in use", "--port")


# -- output paths are checked before any work ---------------------------------------------------------------

def test_run_output_in_a_missing_folder_is_refused_before_any_scenario_runs(invoke, hook, tmp_path):
    hook.clear_log()
    result = invoke("run", "token-add-claims", "--target", hook.url_for("/token"),
                    "--output", str(tmp_path / "missing" / "x.xml"), "--report", "junit")
    assert_one_error_line(result, 2, "--output", "does not exist")
    assert hook.log == []


@pytest.mark.parametrize("args", [
    ["payload", "token", "-o", "{missing}/token.json"],
    ["scenario", "from", str(CAPTURES), "-o", "{missing}/captured.yaml"],
    ["load", "token", "--target", "http://127.0.0.1:9/hooks", "--duration", "1", "--csv", "{missing}/stats"],
    ["load", "token", "--target", "http://127.0.0.1:9/hooks", "--duration", "1", "--html", "{missing}/r.html"],
])
def test_output_paths_in_a_missing_folder_are_refused(invoke, tmp_path, args):
    missing = tmp_path / "missing"
    result = invoke(*[a.format(missing=missing) for a in args])
    assert_one_error_line(result, 2, "does not exist")
    assert not missing.exists()


def test_capture_out_on_a_file_is_refused(invoke, tmp_path):
    record = tmp_path / "record.json"
    record.write_text("{}")
    result = invoke("capture", "--forward-to", "http://127.0.0.1:9", "--port", "0", "--out", str(record / "sub"))
    assert_one_error_line(result, 2, "--out")


def test_payload_output_writes_the_file(invoke, tmp_path):
    result = invoke("payload", "token", "-o", str(tmp_path / "token.json"))
    assert result.exit_code == 0, result.output
    assert json.loads((tmp_path / "token.json").read_text())["eventType"] == "com.okta.oauth2.tokens.transform"


# -- verify, validate, catalog ------------------------------------------------------------------------------

def test_verify_with_an_unparsable_url(invoke):
    assert_one_error_line(invoke("verify", "http://[::1/x"), 2, "is not a valid URL")


@pytest.mark.parametrize(("args", "words"), [
    (["listen", "--forward-to", "notaurl"], "'notaurl' is not an http(s) URL"),
    (["listen", "--inline", "token=ftp://x"], "'ftp://x' is not an http(s) URL"),
    (["trigger", "token", "--org-url", "notaurl", "--token", "x"], "org URL 'notaurl' is not an http(s) URL"),
    (["load", "token", "--target", "notaurl", "--duration", "1"], "'notaurl' is not an http(s) URL"),
])
def test_a_url_that_is_not_http_is_refused_before_anything_starts(invoke, args, words):
    assert_one_error_line(invoke(*args), 2, words)


@pytest.mark.slow
def test_validate_without_a_file_on_a_terminal_prints_a_usage_line():
    """A real terminal on stdin: the command must not wait silently for input."""
    controller, terminal = pty.openpty()
    try:
        proc = subprocess.run([OKTA_HOOKS, "validate", "token"], stdin=terminal, capture_output=True, text=True,
                              timeout=60)
    finally:
        os.close(terminal)
        os.close(controller)
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    assert proc.stderr.strip().splitlines() == [
        "Error: give the body to check: okta-hooks validate token FILE, or pipe it: "
        "cat FILE | okta-hooks validate token -"]


def test_validate_without_a_file_reads_piped_input(invoke):
    result = invoke("validate", "token", input='{"commands": []}')
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "valid"


@pytest.mark.parametrize(("args", "message"), [
    (["catalog", "--grep", "no-such-thing"], "No hook kind matches 'no-such-thing'"),
    (["catalog", "--event-types", "--grep", "user.lifecycle.nope"], "No event type matches 'user.lifecycle.nope'"),
])
def test_catalog_grep_without_a_match_exits_1_saying_so(invoke, args, message):
    result = invoke(*args)
    assert result.exit_code == 1
    assert result.output.strip() == message + (" (event types: add --event-types)." if "--event-types" not in args
                                               else ".")


# -- --set: a misspelled path is refused with the closest one; +PATH adds a field on purpose ----------------

@pytest.mark.parametrize("args", [
    ["payload", "token"],
    ["send", "inline", "token", "http://127.0.0.1:9/token"],
])
def test_set_with_a_misspelled_path_names_the_closest_one(invoke, hook, args):
    hook.clear_log()
    result = invoke(*args, "--set", "data.context.user.profil.login=ann@example.com")
    assert_one_error_line(result, 2, "no field 'data.context.user.profil'",
                          "Did you mean 'data.context.user.profile.login'?", "+data.context.user.profil.login")


def test_send_event_set_with_a_misspelled_path_sends_nothing(invoke, hook):
    hook.clear_log()
    result = invoke("send", "event", hook.url_for("/events"), "--event-type", "user.lifecycle.create",
                    "--set", "debugContext.debugData.requestUrl=/x")
    assert_one_error_line(result, 2, "Did you mean 'debugContext.debugData.requestUri'?")
    assert hook.log == []


def test_set_plus_adds_a_new_field_on_purpose(invoke):
    result = invoke("payload", "token", "--set", "+data.context.extra.flag=true")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["data"]["context"]["extra"] == {"flag": True}


def test_send_event_takes_set_and_user(invoke, hook):
    hook.clear_log()
    result = invoke("send", "event", hook.url_for("/events"), "--event-type", "user.lifecycle.create",
                    "--count", "2", "--set", "debugContext.debugData.requestUri=/custom/path",
                    "--user", "login=ann@acme.test")
    assert result.exit_code == 0, result.output
    [(request, _response)] = hook.log
    events = request.get_json()["data"]["events"]
    assert [e["debugContext"]["debugData"]["requestUri"] for e in events] == ["/custom/path"] * 2
    assert all("ann@acme.test" in json.dumps(e) for e in events)


# -- send --expect verdict=V --------------------------------------------------------------------------------

def test_expect_verdict_error_passes_when_the_hook_denies(invoke, hook):
    result = invoke("send", "inline", "token", hook.url_for("/error"), "--expect", "verdict=error")
    assert result.exit_code == 0, result.output


def test_expect_verdict_names_expected_and_actual_when_it_differs(invoke, hook):
    result = invoke("send", "inline", "token", hook.url_for("/token"), "--expect", "verdict=error")
    assert result.exit_code == 1
    assert result.output.strip().splitlines()[-1] == "Expected verdict error, got ok."


def test_expect_verdict_on_event_deliveries(invoke, hook):
    ok = invoke("send", "event", hook.url_for("/events"), "--event-type", "user.lifecycle.create",
                "--expect", "verdict=ok")
    assert ok.exit_code == 0, ok.output
    failed = invoke("send", "event", hook.url_for("/events"), "--event-type", "user.lifecycle.create",
                    "--expect", "verdict=failed")
    assert failed.exit_code == 1
    assert failed.output.strip().splitlines()[-1] == "Expected verdict failed, got ok."


@pytest.mark.parametrize("expect", ["verdict=eror", "status=200", "verdict"])
def test_expect_with_a_bad_value_is_a_usage_error(invoke, hook, expect):
    hook.clear_log()
    result = invoke("send", "inline", "token", hook.url_for("/token"), "--expect", expect)
    assert_one_error_line(result, 2, "--expect")
    assert hook.log == []
