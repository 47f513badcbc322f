"""Run the README's "Dashboard" examples as shown."""

from __future__ import annotations

import re

from okta_hook_emulator.cli import _load, cli
from tests.helpers.readme import ROOT, blocks, commented_prints, printed_lines, section


def _section() -> str:
    return section("Dashboard")


def test_python_example_prints_what_the_comments_say() -> None:
    code = blocks(_section(), "python")[0]
    assert printed_lines(code) == commented_prints(code, line_start=True)


def test_shell_examples_are_real() -> None:
    block = blocks(_section(), "bash")[0]
    lines = [line.split("#", 1)[0].split() for line in block.splitlines()]
    assert lines[0] == ["okta-hooks", "serve"] and lines[1] == ["make", "demo"]
    assert lines[2] == ["python", "-m", "okta_hook_emulator.demo"]  # what make demo runs, after pip install
    assert "okta_hook_emulator.demo" in (ROOT / "Makefile").read_text()
    _load()
    serve = cli.get_command(None, "serve")  # type: ignore[arg-type]
    defaults = {p.name: p.default for p in serve.params}
    assert defaults["port"] == 8070 and defaults["host"] == "127.0.0.1"  # the URL the comment opens
    assert re.search(r"^demo:", (ROOT / "Makefile").read_text(), re.M)
