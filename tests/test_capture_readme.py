"""Run every example of the README's "Capture and replay" section as a user who only did `pip install` runs
them: in order, from an empty temporary folder, with the checkout off the Python path. Background commands
(`... &`) start on free ports (port 0) and the ports they print replace the README's (8080, 8081, 8082) in the
later commands and in the outputs; record names carry the time they were written, compared as a placeholder."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from tests.helpers.readme import (
    blocks,
    commented_prints,
    console_examples,
    installed_env,
    run_console,
    section,
    start_console,
)

SECTION = section("Capture and replay")
EXAMPLES = console_examples(SECTION)
PORT = re.compile(r"127\.0\.0\.1:(\d+)")
RECORD_TIME = re.compile(r"\b\d{8}T\d{6}-(\d{4})-")
pytest_plugins = ["pytester"]


@dataclass
class Run:
    """One console example as run: the command after port substitution, the README's output and the real one
    (ports mapped back to the README's, record times as placeholders)."""

    readme_cmd: str
    expected: str
    output: str
    returncode: int | None = None


@dataclass
class Flow:
    folder: Path
    runs: list[Run] = field(default_factory=list)


def _placeholders(text: str) -> str:
    return RECORD_TIME.sub(r"<time>-\1-", text.rstrip())


@pytest.fixture(scope="module")
def flow(tmp_path_factory) -> Iterator[Flow]:
    """Every console example of the section, run in order in one empty folder; background processes are
    stopped at the end of the module."""
    result = Flow(tmp_path_factory.mktemp("installed-user"))
    ports: dict[str, str] = {}  # README port -> real port
    background: list[subprocess.Popen] = []

    def to_real(text: str) -> str:
        return PORT.sub(lambda m: f"127.0.0.1:{ports.get(m.group(1), m.group(1))}", text)

    def to_readme(text: str) -> str:
        back = {real: readme for readme, real in ports.items()}
        return PORT.sub(lambda m: f"127.0.0.1:{back.get(m.group(1), m.group(1))}", text)

    try:
        for cmd, expected in EXAMPLES:
            if cmd.endswith(" &"):
                readme_port = re.search(r"--port (\d+)", cmd).group(1)
                child = start_console(to_real(cmd[:-2]).replace(f"--port {readme_port}", "--port 0"),
                                      result.folder)
                background.append(child)
                assert child.stdout is not None
                line = child.stdout.readline()
                ports[readme_port] = PORT.search(line).group(1)
                result.runs.append(Run(cmd, expected, to_readme(line)))
            else:
                proc = run_console(to_real(cmd), result.folder)
                result.runs.append(Run(cmd, expected, to_readme(proc.stdout), proc.returncode))
                assert proc.returncode is not None, proc.stderr
        yield result
    finally:
        for child in background:
            child.terminate()
        for child in background:
            try:
                child.wait(timeout=10)
            except subprocess.TimeoutExpired:
                child.kill()


def test_section_has_examples():
    commands = [cmd for cmd, _ in EXAMPLES]
    assert sum(cmd.endswith(" &") for cmd in commands) == 3
    assert any(cmd.startswith("okta-hooks capture ") for cmd in commands)
    assert sum(cmd.startswith("okta-hooks replay ") for cmd in commands) == 2
    assert any(cmd.startswith("okta-hooks scenario from ") for cmd in commands)
    assert "examples/" not in SECTION  # nothing from the checkout: the examples write what they read
    assert len(blocks(SECTION, "python")) == 2


@pytest.mark.slow
def test_console_examples_print_what_is_shown(flow):
    assert [run.readme_cmd for run in flow.runs] == [cmd for cmd, _ in EXAMPLES]
    for run in flow.runs:
        if run.expected:
            assert _placeholders(run.output) == _placeholders(run.expected), run.readme_cmd
        if run.returncode is not None:
            wanted = 1 if "CHANGED" in run.expected else 0
            assert run.returncode == wanted, (run.readme_cmd, run.output)
    changed = next(run for run in flow.runs if "CHANGED" in run.output)
    assert changed.readme_cmd.endswith("--target http://127.0.0.1:8082") and changed.output.count("CHANGED") == 3


@pytest.mark.slow
def test_capture_wrote_one_record_per_exchange(flow):
    names = sorted(path.name for path in (flow.folder / "captures").glob("*.json"))
    assert [RECORD_TIME.sub("", name) for name in names] == ["verification.json", "event.json", "token.json",
                                                             "registration.json"]


@pytest.mark.slow
def test_scenario_examples(flow):
    run = next(run for run in flow.runs if run.readme_cmd.startswith("okta-hooks run "))
    assert run.returncode == 0 and "all expectations met" in run.output
    assert (flow.folder / "captured.yaml").is_file()


@pytest.mark.slow
def test_scenario_python_example(flow):
    code = next(block for block in blocks(SECTION, "python") if "scenario_from_captures" in block)
    proc = subprocess.run([sys.executable, "-c", code], cwd=flow.folder, env=installed_env(),
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().splitlines() == commented_prints(code)


@pytest.mark.slow
def test_pytest_example(flow, pytester):
    code = next(block for block in blocks(SECTION, "python") if "okta_replay" in block)
    pytester.makeconftest("""
import pytest
from okta_hook_emulator.sample_hook.app import create_app

@pytest.fixture
def okta_hook_target():
    return create_app()
""")
    pytester.makepyfile(test_captures=code)
    shutil.copytree(flow.folder / "captures", pytester.path / "captures")
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", f"--rootdir={pytester.path}")
    result.assert_outcomes(passed=5)


@pytest.mark.slow
def test_serve_captures_example(flow, tmp_path):
    """The dashboard example runs as shown on a free port, with the captures/ the examples above wrote."""
    line = blocks(SECTION, "bash")[0].splitlines()[0]
    cmd, comment = line.split("#", 1)
    assert shlex.split(cmd) == ["okta-hooks", "serve", "--captures", "captures/"]
    shutil.copytree(flow.folder / "captures", tmp_path / "captures")
    child = start_console("okta-hooks serve --port 0 --quiet --captures captures/", tmp_path)
    try:
        assert child.stdout is not None
        url = child.stdout.readline().split()[-1]
        shown = next(out for out in child.stdout if out.startswith("  Captures:"))
        page = httpx.get(f"{url}/captures", timeout=10)
    finally:
        child.terminate()
        child.wait(timeout=10)
    assert shown.split() == ["Captures:", "captures/", "(dashboard", "page", f"{url}/captures)"]
    assert comment.strip() == "then open http://127.0.0.1:8070/captures"
    assert page.status_code == 200 and page.text.count("data-capture=") == 4
