"""The README "Scenarios" examples run as shown."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

from click.testing import CliRunner

from okta_hook_emulator.commands.run import run

ROOT = Path(__file__).resolve().parents[1]


def _sample():
    spec = importlib.util.spec_from_file_location("sample_hook_app", ROOT / "examples" / "sample_hook" / "app.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("sample_hook_app", module)
    spec.loader.exec_module(module)
    return module


SAMPLE = _sample()


def _readme_scenario() -> str:
    text = (ROOT / "README.md").read_text()
    m = re.search(r"<!-- scenario-example -->\n```yaml\n(.*?)```", text, re.S)
    assert m, "README Scenarios example not found"
    return m.group(1)


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
