"""Run the example of the README's "Run the emulator server" section exactly as shown, and check the CLI
options it lists exist."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

from click.testing import CliRunner

from okta_hook_emulator.cli import _load, cli

ROOT = Path(__file__).resolve().parent.parent


def _section() -> str:
    text = (ROOT / "README.md").read_text()
    start = text.index("## Run the emulator server")
    end = text.find("\n## ", start + 1)
    return text[start: end if end != -1 else None]


def test_python_example_prints_what_the_comments_say() -> None:
    code = re.findall(r"```python\n(.*?)```", _section(), re.S)[0]
    expected = [line.split("# ", 1)[1].strip() for line in code.splitlines() if line.startswith("print(")]
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, "README.md", "exec"), {})
    assert out.getvalue().strip().splitlines() == expected


def test_shell_examples_use_real_options() -> None:
    _load()
    help_text = CliRunner().invoke(cli, ["serve", "--help"]).output
    block = re.findall(r"```bash\n(.*?)```", _section(), re.S)[0]
    for line in block.splitlines():
        command = line.split("#", 1)[0].split()
        assert command[:2] == ["okta-hooks", "serve"]
        for option in (w for w in command if w.startswith("--")):
            assert option in help_text, option
