"""Run the README's "Daily loop" examples as shown: ``okta-hooks listen`` against a stand-in hook service, then each
``okta-hooks trigger`` line with the environment from listen's export line; the sample output has the shape of
the lines listen prints."""

from __future__ import annotations

import re
import shlex
from typing import Any

import pytest
from click.testing import CliRunner
from werkzeug import Request, Response

from okta_hook_emulator.cli import _load, cli
from okta_hook_emulator.commands.listen import failure_reason
from tests.helpers.listen import Listen
from tests.helpers.readme import blocks, section
from tests.helpers.server import QuickStopHTTPServer

README_HOOK = "http://127.0.0.1:8080"
# time, event type or flow, eventId, HTTP status, ms, attempts, verdict, reason (commands/listen.delivery_line)
LINE = re.compile(r"^\d\d:\d\d:\d\d\.\d{3}  .{36}  .{36}  (HTTP \d{3} |no answer)  [ \d]{6} ms  \d+ attempts? *  "
                  r"(ok|failed|invalid|error)(  .+)?$")


def _commands() -> tuple[list[str], list[list[str]]]:
    listen_block, trigger_block = blocks(section("Daily loop"), "bash")
    (listen,) = [shlex.split(line) for line in listen_block.strip().splitlines()]
    triggers = [shlex.split(line) for line in trigger_block.strip().splitlines()]
    return listen, triggers


def test_examples_use_real_options() -> None:
    _load()
    listen, triggers = _commands()
    for argv in [listen, *triggers]:
        assert argv[0] == "okta-hooks"
        help_text = CliRunner().invoke(cli, [argv[1], "--help"]).output
        for option in (w.split("=", 1)[0] for w in argv if w.startswith("--")):
            assert option in help_text, (argv[1], option)


def test_sample_output_has_the_shape_of_listen_lines() -> None:
    (sample,) = blocks(section("Daily loop"), "text")
    lines = sample.strip().splitlines()
    assert lines and all(LINE.match(line) for line in lines), lines
    timeout = {"kind": "token", "verdict": "failed", "attempts": [
        {"transport": "timeout", "error": "no complete response within 3 s"}] * 2}
    assert lines[-1].endswith("failed  " + failure_reason(timeout))


@pytest.mark.slow  # an okta-hooks listen process and a stand-in hook service on real sockets
def test_listen_and_trigger_run_as_shown() -> None:
    listen_argv, triggers = _commands()

    def hook(request: Request) -> Response:
        if request.method == "GET":
            return Response(f'{{"verification": "{request.headers["X-Okta-Verification-Challenge"]}"}}',
                            content_type="application/json")
        return Response("", status=204)  # events accepted; token hook: no change

    service = QuickStopHTTPServer(host="127.0.0.1", port=0, threaded=True)
    service.start()
    service.expect_request("/hooks").respond_with_handler(hook)
    base = service.url_for("").rstrip("/")
    listen = Listen(*[a.replace(README_HOOK, base) for a in listen_argv[2:]], "--port", "0")
    try:
        _load()
        for argv in triggers:
            result = CliRunner().invoke(cli, argv[1:], env=listen.env, catch_exceptions=False)
            assert result.exit_code == 0, (argv, result.output)
        posted: list[Any] = [r.get_json() for r, _ in service.log if r.method == "POST"]
        events = [e for body in posted if body.get("eventType") == "com.okta.event_hook" for e in body["data"]["events"]]
        assert [e["eventType"] for e in events] == ["user.lifecycle.create"] + ["group.user_membership.add"] * 3
        assert all("ann@example.com" in str(e["target"]) for e in events[1:])
        (token,) = [body for body in posted if body.get("eventType") == "com.okta.oauth2.tokens.transform"]
        assert token["data"]["context"]["protocol"]["client"]["name"] == "Portal"
        listen.wait_for_line("token flow")
        live = [line for line in listen.lines if LINE.match(line)]
        assert [line.split()[1] for line in live] == ["verification", "verification", "user.lifecycle.create",
                                                      "group.user_membership.add", "token"]
        assert listen.stop() == 0
    finally:
        if listen.proc.poll() is None:
            listen.proc.kill()
        service.stop()
