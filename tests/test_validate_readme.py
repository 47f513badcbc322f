"""Run the examples of the README's "Validating hook bodies" section exactly as shown."""

from __future__ import annotations

import contextlib
import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _section() -> str:
    text = (ROOT / "README.md").read_text()
    start = text.index("## Validating hook bodies")
    end = text.find("\n## ", start + 1)
    return text[start: end if end != -1 else None]


def _blocks(lang: str) -> list[str]:
    return re.findall(rf"```{lang}\n(.*?)```", _section(), re.S)


def _console_examples() -> list[tuple[str, str]]:
    examples: list[tuple[str, list[str]]] = []
    for block in _blocks("console"):
        for line in block.splitlines():
            if line.startswith("$ "):
                examples.append((line[2:], []))
            else:
                examples[-1][1].append(line)
    return [(cmd, "\n".join(out)) for cmd, out in examples]


def test_section_has_examples():
    assert len(_console_examples()) >= 3
    assert _blocks("python")


@pytest.mark.parametrize(("cmd", "expected"), _console_examples())
def test_console_example(cmd, expected):
    env = dict(os.environ)
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    proc = subprocess.run(cmd, shell=True, cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert proc.stdout.strip() == expected.strip(), proc.stderr
    assert proc.returncode == (0 if expected.strip() == "valid" else 1)


def test_python_example():
    code = _blocks("python")[0]
    expected = [line.split("# ", 1)[1].strip() for line in code.splitlines() if "print(" in line and "# " in line]
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, "README.md", "exec"), {})
    assert out.getvalue().strip().splitlines() == expected
