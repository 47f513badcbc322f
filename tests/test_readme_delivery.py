"""Run the README's "Verifying and delivering to event hooks" examples exactly as shown."""

from __future__ import annotations

import shlex

import pytest
from click.testing import CliRunner

from okta_hook_emulator.cli import _load, cli
from okta_hook_emulator.sample_hook import create_app, serve
from tests.helpers.readme import blocks, commented_prints, printed_lines, section

README_BASE = "http://127.0.0.1:8080"


def _section() -> str:
    return section("Verifying and delivering to event hooks")


def test_python_example_prints_what_it_says():
    (code,) = blocks(_section(), "python")
    expected = commented_prints(code)
    assert len(expected) == 3
    assert printed_lines(code, {"__name__": "readme_example"}) == expected


@pytest.mark.slow  # end to end through servers or processes
def test_shell_examples_run_against_the_packaged_sample_hook():
    """The commands as shown, against the sample hook they name (``okta-hooks sample-hook --port 8080``, every
    kind at ``/hooks``): a wrong path in the README would fail verification."""
    (block,) = blocks(_section(), "bash")
    commands = [shlex.split(line) for line in block.strip().splitlines()]
    assert [c[:2] for c in commands] == [["okta-hooks", "verify"]] + [["okta-hooks", "send"]] * 3
    assert "okta-hooks sample-hook --port 8080" in _section()
    app = create_app()
    server, thread, base = serve(app)
    try:
        _load()
        runner = CliRunner()
        outputs = []
        for argv in commands:
            args = [a.replace(README_BASE, base) for a in argv[1:]]
            result = runner.invoke(cli, args, catch_exceptions=False)
            assert result.exit_code == 0, (argv, result.output)
            outputs.append(result.output)
        state = app.extensions["sample_hook"]
        assert len(state["event_ids"]) == 3 and len(state["events"]) == 120  # 3 POSTs, each re-sent once
        assert '"extPatientId": "P-ann"' in outputs[2]  # the --set login reached the hook
        assert "verdict ERROR" in outputs[3]  # the blocked user is denied, as --expect says
    finally:
        server.shutdown()
        thread.join(5)
