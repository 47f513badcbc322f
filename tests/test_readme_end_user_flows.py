"""The README's "End-user flows (hosted pages)" section: its Python example runs as an installed user runs it
(a fresh interpreter in an empty temporary folder, the checkout not on the path) and prints what its comments say;
the pages it lists are the ones ``GET /_emulator/org`` lists, and the demo password is the real one."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from okta_hook_emulator.pages import HOSTED_PAGES
from okta_hook_emulator.server.users import DEMO_PASSWORD
from tests.helpers.readme import blocks, commented_prints, section


def _section() -> str:
    return section("End-user flows (hosted pages)")


def test_the_section_lists_every_hosted_page_and_the_demo_password() -> None:
    text = _section()
    for path in HOSTED_PAGES.values():
        assert f"`{path}" in text, path
    assert f"**`{DEMO_PASSWORD}`**" in text


@pytest.mark.slow  # a fresh interpreter
def test_python_example_prints_what_the_comments_say_from_an_empty_folder(tmp_path: Path) -> None:
    code = blocks(_section(), "python")[0]
    script = tmp_path / "sign_in.py"
    script.write_text(code)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    proc = subprocess.run([sys.executable, str(script)], cwd=tmp_path, env=env, capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().splitlines() == commented_prints(code, line_start=True)
