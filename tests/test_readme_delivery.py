"""Run the README's "Verifying and delivering to event hooks" examples exactly as shown."""

from __future__ import annotations

import json
import shlex

import pytest
from click.testing import CliRunner
from werkzeug import Request, Response

from okta_hook_emulator.cli import _load, cli
from tests.helpers.readme import blocks, commented_prints, printed_lines, section
from tests.helpers.server import QuickStopHTTPServer

README_URL = "http://127.0.0.1:8080/hook"


def _section() -> str:
    return section("Verifying and delivering to event hooks")


def test_python_example_prints_what_it_says():
    (code,) = blocks(_section(), "python")
    expected = commented_prints(code)
    assert len(expected) == 3
    assert printed_lines(code, {"__name__": "readme_example"}) == expected


@pytest.mark.slow  # end to end through servers or processes
def test_shell_examples_run_against_a_local_hook():
    (block,) = blocks(_section(), "bash")
    commands = [shlex.split(line) for line in block.strip().splitlines()]
    assert [c[:2] for c in commands] == [["okta-hooks", "verify"], ["okta-hooks", "send"], ["okta-hooks", "send"]]

    def hook(request: Request) -> Response:
        if request.method == "GET":
            return Response(json.dumps({"verification": request.headers["X-Okta-Verification-Challenge"]}),
                            content_type="application/json")
        return Response("", status=204)  # event delivery accepted / token hook: no change

    server = QuickStopHTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.start()
    try:
        server.expect_request("/hook").respond_with_handler(hook)
        _load()
        runner = CliRunner()
        for argv in commands:
            args = [server.url_for("/hook") if a == README_URL else a for a in argv[1:]]
            result = runner.invoke(cli, args, catch_exceptions=False)
            assert result.exit_code == 0, (argv, result.output)
        posts = [r for r, _ in server.log if r.method == "POST" and r.get_json()["eventType"] == "com.okta.event_hook"]
        assert len(posts) == 6  # 120 events in batches of 50 = 3 POSTs, each re-sent once
        token = [r for r, _ in server.log if r.method == "POST" and r.get_json()["eventType"].endswith("transform")]
        assert token[0].get_json()["data"]["context"]["user"]["profile"]["login"] == "ann@example.com"
    finally:
        server.stop()
