"""Run the Python example of the README's "Inline hooks: how Okta judges the answer" section exactly as shown."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _section() -> str:
    text = (ROOT / "README.md").read_text()
    start = text.index("## Inline hooks: how Okta judges the answer")
    end = text.find("\n## ", start + 1)
    return text[start: end if end != -1 else None]


def test_python_example_prints_what_it_says():
    blocks = re.findall(r"```python\n(.*?)```", _section(), re.S)
    assert len(blocks) == 1
    code = blocks[0]
    expected = [line.split("# ", 1)[1].strip() for line in code.splitlines() if "print(" in line and "# " in line]
    assert len(expected) == 4
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, "README.md", "exec"), {"__name__": "readme_example"})
    assert out.getvalue().strip().splitlines() == expected
