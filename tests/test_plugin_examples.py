"""The plugin examples run as users run them: `pytest -n 2` over examples/, and the README example copied
into a fresh directory and run there with only the installed package."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import readme
from tests.helpers.readme import ROOT

EXAMPLES = ROOT / "examples"
FLASK_FILES = ("flask_hook_app.py", "conftest.py", "test_flask_hook.py")


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    env["PYTHONDONTWRITEBYTECODE"] = "1"  # write nothing into the source tree
    return env


def _run_pytest(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *args], cwd=cwd,
                          env=_env(), capture_output=True, text=True, timeout=300)


def readme_section() -> str:
    return readme.section("Test your hook with pytest")


def readme_files() -> dict[str, str]:
    """The example files shown in the README section, by file name."""
    pattern = re.compile(r"\*\*`examples/pytest_flask_hook/([\w.]+)`\*\*\n\n```python\n(.*?)```", re.S)
    return dict(pattern.findall(readme_section()))


def test_readme_shows_the_example_files_verbatim():
    files = readme_files()
    assert sorted(files) == sorted(FLASK_FILES)
    for name, code in files.items():
        assert code == (EXAMPLES / "pytest_flask_hook" / name).read_text(), f"README copy of {name} drifted"


def test_readme_documents_every_fixture_marker_and_setting():
    section = readme_section()
    for name in ("okta_hook_target", "okta_server", "okta_payloads", "`okta`", "okta_policy", "okta_scenario",
                 "--okta-hooks-seed", "--okta-hooks-target", "okta_hooks_timeout", "okta_hooks_strict",
                 "assert_responds_within", "assert_timed_out", "assert_failover"):
        assert name in section, name


@pytest.mark.slow
def test_readme_example_passes_in_a_fresh_directory(tmp_path):
    for name, code in readme_files().items():
        (tmp_path / name).write_text(code)
    (tmp_path / "pytest.ini").write_text("[pytest]\n")  # keep pytest from looking further up
    done = _run_pytest("-q", "--strict-markers", cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "7 passed" in done.stdout
    assert "okta-hooks: seed=0" in _run_pytest("--collect-only", cwd=tmp_path).stdout


@pytest.mark.slow
def test_examples_pass_under_xdist():
    done = _run_pytest("-n", "2", "-q", str(EXAMPLES), cwd=ROOT)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "10 passed" in done.stdout
