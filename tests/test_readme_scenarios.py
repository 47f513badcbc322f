"""The README "Scenarios" examples run as shown."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from okta_hook_emulator.commands.run import run
from tests.helpers.examples import sample_hook
from tests.helpers.readme import README

SAMPLE = sample_hook()


def _readme_scenario() -> str:
    text = README.read_text()
    m = re.search(r"<!-- scenario-example -->\n```yaml\n(.*?)```", text, re.S)
    assert m, "README Scenarios example not found"
    return m.group(1)


@pytest.mark.slow  # end to end through servers or processes
def test_readme_scenario_and_commands_run_against_the_sample_hook(tmp_path):
    path = tmp_path / "my-token-hook.yaml"
    path.write_text(_readme_scenario())
    server, thread, url = SAMPLE.serve(SAMPLE.create_app())
    try:
        env = {"HOOK_URL": url + "/hooks"}
        res = CliRunner(env=env).invoke(run, [str(path)])  # target from ${env:HOOK_URL}
        assert res.exit_code == 0, res.output + res.stderr
        assert "all expectations met" in res.output
        res = CliRunner(env=env).invoke(run, [str(path), "--seed", "7", "--set", "first.policy.timeout=0.5",
                                              "--skip", "second"])
        assert res.exit_code == 0, res.output + res.stderr
        assert "SKIP second" in res.stderr
        out = tmp_path / "scenarios.xml"
        res = CliRunner().invoke(run, ["token-add-claims", "--target", url + "/hooks", "--report", "junit",
                                       "--output", str(out)])
        assert res.exit_code == 0 and out.read_text().startswith("<?xml")
    finally:
        server.shutdown()
        thread.join(5)


def test_readme_multi_service_scenario_runs_in_process_and_through_the_server(tmp_path, server):
    from werkzeug import Response

    from tests.helpers.server import TOKEN, QuickStopHTTPServer, answer_token_with_claim, answer_verification

    m = re.search(r"<!-- multi-service-example -->\n```yaml\n(.*?)```", README.read_text(), re.S)
    assert m, "README multi-service example not found"
    path = tmp_path / "signup-and-sign-in.yaml"
    path.write_text(m.group(1))
    events, tokens = QuickStopHTTPServer(host="127.0.0.1", port=0), QuickStopHTTPServer(host="127.0.0.1", port=0)
    for service in (events, tokens):
        service.start()
    try:
        answer_verification(events, "/events")
        events.expect_request("/events", method="POST").respond_with_response(Response(status=204))
        answer_token_with_claim(tokens, "/token")
        env = {"EVENTS_URL": events.url_for("/events")}
        for extra in ([], ["--server", server.url, "--token", TOKEN]):
            res = CliRunner(env=env).invoke(run, [str(path), "--target", f"tokens={tokens.url_for('/token')}",
                                                  *extra])
            assert res.exit_code == 0, res.output + res.stderr
        assert [r.method for r, _ in tokens.log] == ["POST", "POST"]  # once in-process, once via the server
        assert {r.method for r, _ in events.log} == {"GET", "POST"}
    finally:
        for service in (events, tokens):
            service.clear()
            service.stop()
