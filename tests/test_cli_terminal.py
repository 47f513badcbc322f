"""Terminal output of ``okta-hooks``: colour and progress bars on a terminal only (a pseudo-terminal here), plain
text with no escape sequence and no ``\\r`` line when piped, ``NO_COLOR`` honoured, and the summary of a bulk send."""

from __future__ import annotations

import os
import pty
import re
import select
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from okta_hook_emulator.cli import _load, cli
from okta_hook_emulator.commands.console import latency_line
from tests.helpers.server import QuickStopHTTPServer

OKTA_HOOKS = str(Path(sys.executable).parent / "okta-hooks")
COLOUR = re.compile(r"\x1b\[[0-9;]*m")  # an SGR (colour / bold) escape sequence
ANY_ESCAPE = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
SCENARIO = """version: 1
name: two-steps
description: a delivery that fails and one that is expected to fail
steps:
  - name: notify
    action: events
    event_types: [user.lifecycle.create]
    expect: {verdict: ok}
  - name: notify_again
    action: events
    event_types: [user.lifecycle.create]
    expect: {verdict: failed}
"""


@pytest.fixture(scope="module")
def hook() -> Iterator[QuickStopHTTPServer]:
    server = QuickStopHTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.start()
    server.expect_request("/events").respond_with_data("", status=204)
    server.expect_request("/down").respond_with_data("down", status=500)
    yield server
    server.stop()


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR", "TTY_COMPATIBLE")}
    return env | {"TERM": "xterm-256color", "COLUMNS": "120"} | extra


def on_terminal(*args: str, **env: str) -> str:
    """Run okta-hooks with stdout and stderr on a pseudo-terminal; everything it wrote, decoded."""
    leader, follower = pty.openpty()
    proc = subprocess.Popen([OKTA_HOOKS, *args], stdin=follower, stdout=follower, stderr=follower, env=_env(**env))
    os.close(follower)
    chunks = []
    while True:
        ready, _, _ = select.select([leader], [], [], 60)
        if not ready:
            break
        try:
            data = os.read(leader, 65536)
        except OSError:  # the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    proc.wait(30)
    os.close(leader)
    return b"".join(chunks).decode("utf-8", errors="replace")


def screen_lines(raw: str) -> list[str]:
    """The lines a terminal shows at the end: escape sequences dropped, each line what its last ``\\r`` left."""
    lines = []
    for line in raw.replace("\r\n", "\n").split("\n"):
        visible = [part for part in ANY_ESCAPE.sub("", line).split("\r") if part]
        lines.append(visible[-1] if visible else "")
    return lines


def piped(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([OKTA_HOOKS, *args], capture_output=True, text=True, timeout=120, env=_env())


@pytest.mark.slow
def test_piped_send_and_run_have_no_escape_sequences_and_no_carriage_returns(hook, tmp_path):
    send = piped("send", "event", hook.url_for("/down"), "--event-type", "user.lifecycle.create", "--count", "4",
                 "--batch-size", "1", "--timeout", "2")
    scenario = tmp_path / "s.yaml"
    scenario.write_text(SCENARIO, encoding="utf-8")
    run = piped("run", str(scenario), "--target", hook.url_for("/down"))
    for proc in (send, run):
        assert proc.returncode == 1
        for text in (proc.stdout, proc.stderr):
            assert "\x1b" not in text and "\r" not in text
    assert "✗ POST 1" in send.stdout and "FAILED: 0/4 POSTs accepted" in send.stdout
    assert "FAIL notify " in run.stderr  # the plain step lines stay in a pipe


@pytest.mark.slow
def test_a_terminal_gets_colour_and_a_progress_bar_that_leaves_no_broken_line(hook):
    raw = on_terminal("send", "event", hook.url_for("/down"), "--event-type", "user.lifecycle.create",
                      "--count", "6", "--batch-size", "1", "--timeout", "2")
    assert COLOUR.search(raw)
    assert "POST/s" in raw and "ETA" in raw  # the bar, with rate and ETA
    lines = screen_lines(raw)
    post_1 = next(line for line in lines if "POST 1 " in line)
    assert post_1.startswith("  ✗ POST 1 eventId=")  # not `POST 3/6  ✗ POST 1 ...`
    assert any(line.startswith("FAILED: 0/6 POSTs accepted") for line in lines)


@pytest.mark.slow
def test_no_color_turns_colour_off_on_a_terminal(hook, tmp_path):
    raw = on_terminal("send", "event", hook.url_for("/down"), "--event-type", "user.lifecycle.create", "--count",
                      "3", "--batch-size", "1", "--timeout", "2", NO_COLOR="1")
    assert "FAILED: 0/3 POSTs accepted" in raw and not COLOUR.search(raw)
    scenario = tmp_path / "s.yaml"
    scenario.write_text(SCENARIO, encoding="utf-8")
    coloured = on_terminal("run", str(scenario), "--target", hook.url_for("/down"))
    plain = on_terminal("run", str(scenario), "--target", hook.url_for("/down"), NO_COLOR="1")
    assert COLOUR.search(coloured) and "steps" in coloured and "step/s" in coloured
    assert "FAIL" in plain and not COLOUR.search(plain)


def test_a_bulk_send_prints_failures_capped_then_the_latency_and_verdict_summary(hook):
    _load()
    result = CliRunner().invoke(cli, ["send", "event", hook.url_for("/down"), "--event-type",
                                      "user.lifecycle.create", "--count", "25", "--batch-size", "1",
                                      "--timeout", "2"])
    assert result.exit_code == 1
    out = result.stdout
    assert out.count("✗ POST") == 10 and "... and 15 more failed POSTs" in out
    assert "FAILED: 0/25 POSTs accepted, 50 attempts" in out
    assert re.search(r"answer time: p50 \d+ ms, p95 \d+ ms, max \d+ ms over 50 attempts", out)
    assert "verdicts: ok 0, failed 25 (HTTP 500 after 2 attempts: 25)" in out
    assert out.count("System Log:") == 10


def test_a_bulk_send_that_succeeds_prints_no_line_per_post(hook):
    _load()
    result = CliRunner().invoke(cli, ["send", "event", hook.url_for("/events"), "--event-type",
                                      "user.lifecycle.create", "--count", "30", "--batch-size", "1"])
    assert result.exit_code == 0
    assert "POST 1 " not in result.stdout and "verdicts: ok 30" in result.stdout
    assert len(result.stdout.splitlines()) == 3


def test_quiet_prints_only_the_verdict_line(hook):
    _load()
    result = CliRunner().invoke(cli, ["send", "event", hook.url_for("/events"), "--event-type",
                                      "user.lifecycle.create", "--count", "3", "--quiet"])
    assert result.exit_code == 0 and result.stdout == "DELIVERED: 1/1 POSTs accepted, 1 attempt\n"


def test_latency_line_percentiles():
    assert latency_line([10.0] * 94 + [100.0] * 6) == "p50 10 ms, p95 100 ms, max 100 ms over 100 attempts"
    assert latency_line([7.0]) == "p50 7 ms, p95 7 ms, max 7 ms over 1 attempt"
