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
