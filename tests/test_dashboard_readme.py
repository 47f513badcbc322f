"""Run the README's "Dashboard" examples as shown."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

from okta_hook_emulator.cli import _load, cli

ROOT = Path(__file__).resolve().parent.parent


def _section() -> str:
    text = (ROOT / "README.md").read_text()
    start = text.index("## Dashboard")
    end = text.find("\n## ", start + 1)
    return text[start: end if end != -1 else None]


def test_python_example_prints_what_the_comments_say() -> None:
    code = re.findall(r"```python\n(.*?)```", _section(), re.S)[0]
    expected = [line.split("# ", 1)[1].strip() for line in code.splitlines() if line.startswith("print(")]
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, "README.md", "exec"), {})
    assert out.getvalue().strip().splitlines() == expected


def test_shell_examples_are_real() -> None:
    block = re.findall(r"```bash\n(.*?)```", _section(), re.S)[0]
    lines = [line.split("#", 1)[0].split() for line in block.splitlines()]
    assert lines[0] == ["okta-hooks", "serve"] and lines[1] == ["make", "demo"]
    _load()
    serve = cli.get_command(None, "serve")  # type: ignore[arg-type]
    defaults = {p.name: p.default for p in serve.params}
    assert defaults["port"] == 8070 and defaults["host"] == "127.0.0.1"  # the URL the comment opens
    assert re.search(r"^demo:", (ROOT / "Makefile").read_text(), re.M)
