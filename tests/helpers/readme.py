"""Helpers shared by the README tests (tests/test_readme_*.py): find a section, its fenced blocks and console
examples, and run a Python example capturing what it prints. Assertions stay in the tests."""

from __future__ import annotations

import contextlib
import io
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"


def section(title: str) -> str:
    """The README section that starts at the ``## <title>`` heading, up to the next ``## `` heading."""
    text = README.read_text()
    start = text.index(f"## {title}")
    end = text.find("\n## ", start + 1)
    return text[start: end if end != -1 else None]


def blocks(text: str, lang: str) -> list[str]:
    """The bodies of the ```<lang> fenced blocks in ``text``."""
    return re.findall(rf"```{lang}\n(.*?)```", text, re.S)


def console_examples(text: str) -> list[tuple[str, str]]:
    """``(command, expected output)`` for every ``$ command`` line of the ```console blocks in ``text``."""
    examples: list[tuple[str, list[str]]] = []
    for block in blocks(text, "console"):
        for line in block.splitlines():
            if line.startswith("$ "):
                examples.append((line[2:], []))
            else:
                examples[-1][1].append(line)
    return [(cmd, "\n".join(out)) for cmd, out in examples]


def run_console(cmd: str, cwd: Path) -> subprocess.CompletedProcess:
    """Run a console example in ``cwd`` with this interpreter's scripts first on ``PATH``. README examples run
    as an installed user runs them: from an empty temporary folder (files they need are written by earlier
    examples); only examples that name the repository's ``examples/`` folder run from the checkout root."""
    return subprocess.run(cmd, shell=True, cwd=cwd, env=installed_env(), capture_output=True, text=True,
                          timeout=60)


def installed_env() -> dict[str, str]:
    """The environment of an installed user: this interpreter's scripts first on ``PATH``, no ``PYTHONPATH``."""
    env = dict(os.environ)
    env["PATH"] = str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", "")
    env.pop("PYTHONPATH", None)  # the checkout is not on the path of an installed user
    return env


def start_console(cmd: str, cwd: Path) -> subprocess.Popen:
    """Start a background console example (``cmd &`` without the ``&``) in ``cwd`` as :func:`run_console` runs
    one; its stdout is a text pipe. The caller stops it."""
    return subprocess.Popen(shlex.split(cmd), cwd=cwd, env=installed_env(), stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True)


def commented_prints(code: str, *, line_start: bool = False) -> list[str]:
    """What the example's ``print(...)  # expected`` comments say it prints, in order. ``line_start``: only lines
    that begin with ``print(`` (otherwise any line with ``print(`` and a ``# `` comment)."""
    if line_start:
        return [line.split("# ", 1)[1].strip() for line in code.splitlines() if line.startswith("print(")]
    return [line.split("# ", 1)[1].strip() for line in code.splitlines() if "print(" in line and "# " in line]


def printed_lines(code: str, namespace: dict[str, Any] | None = None) -> list[str]:
    """Run the example (as file ``README.md``) and return the lines it printed."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, "README.md", "exec"), {} if namespace is None else namespace)
    return out.getvalue().strip().splitlines()
