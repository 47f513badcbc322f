"""Run the example of the README's "Run the emulator server" section exactly as shown, and check the CLI
options it lists exist."""

from __future__ import annotations

from click.testing import CliRunner

from okta_hook_emulator.cli import _load, cli
from tests.helpers.readme import blocks, commented_prints, printed_lines, section


def _section() -> str:
    return section("Run the emulator server")


def test_python_example_prints_what_the_comments_say() -> None:
    code = blocks(_section(), "python")[0]
    assert printed_lines(code) == commented_prints(code, line_start=True)


def test_shell_examples_use_real_options() -> None:
    _load()
    help_text = CliRunner().invoke(cli, ["serve", "--help"]).output
    block = blocks(_section(), "bash")[0]
    for line in block.splitlines():
        command = line.split("#", 1)[0].split()
        assert command[:2] == ["okta-hooks", "serve"]
        for option in (w for w in command if w.startswith("--")):
            assert option in help_text, option
