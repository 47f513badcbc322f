"""Run every example of the README's "Capture and replay" section. Console commands run as shown; the only
changes are the hook address (`http://127.0.0.1:8080`: the sample hook, served here on a free port), the
proxy's port (0) and the output files (a temporary folder)."""

from __future__ import annotations

import shlex
import subprocess
import sys
import threading

import pytest
from werkzeug.serving import make_server

from tests.helpers.readme import (
    ROOT,
    blocks,
    commented_prints,
    console_examples,
    printed_lines,
    run_console,
    section,
)

SECTION = section("Capture and replay")
EXAMPLES = console_examples(SECTION)
HOOK = "http://127.0.0.1:8080"
pytest_plugins = ["pytester"]


@pytest.fixture(scope="module")
def sample_hook():
    from okta_hook_emulator.sample_hook.app import create_app

    server = make_server("127.0.0.1", 0, create_app(), threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def _localise(cmd: str, hook: str, tmp_path) -> str:
    return (cmd.replace(HOOK, hook).replace("--port 8081", "--port 0")
            .replace(" captures/", f" {tmp_path}/captures/").replace("captured.yaml", str(tmp_path / "captured.yaml")))


def test_section_has_examples():
    commands = [cmd for cmd, _ in EXAMPLES]
    assert any(cmd.startswith("okta-hooks capture ") for cmd in commands)
    assert sum(cmd.startswith("okta-hooks replay ") for cmd in commands) == 2
    assert any(cmd.startswith("okta-hooks scenario from ") for cmd in commands)
    assert len(blocks(SECTION, "python")) == 2


def test_capture_example_starts_the_proxy(sample_hook, tmp_path):
    cmd, expected = next((c, e) for c, e in EXAMPLES if c.startswith("okta-hooks capture "))
    args = shlex.split(_localise(cmd, sample_hook, tmp_path))
    child = subprocess.Popen([sys.executable, "-m", "okta_hook_emulator.cli", *args[1:]], cwd=ROOT,
                             stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout is not None
        line = child.stdout.readline().rstrip()
        url = line.split()[2]
        import httpx

        answer = httpx.get(f"{url}/hooks/events", headers={"X-Okta-Verification-Challenge": "c-123"}, timeout=10)
    finally:
        child.terminate()
        child.wait(timeout=10)
    assert answer.json() == {"verification": "c-123"}
    assert line == _localise(expected, sample_hook, tmp_path).replace("127.0.0.1:8081", url.split("//")[1])
    assert len(list((tmp_path / "captures").glob("*-verification.json"))) == 1


@pytest.mark.parametrize(("cmd", "expected"), [e for e in EXAMPLES if e[0].startswith("okta-hooks replay ")])
def test_replay_examples(cmd, expected):
    proc = run_console(cmd, ROOT)  # the records and the changed hook are in the repository's examples/
    assert proc.returncode == (1 if "CHANGED" in expected else 0), proc.stdout + proc.stderr
    assert proc.stdout.rstrip() == expected.rstrip()


@pytest.mark.slow
def test_scenario_examples(sample_hook, tmp_path):
    commands = [cmd for cmd, _ in EXAMPLES if cmd.startswith(("okta-hooks scenario ", "okta-hooks run "))]
    assert len(commands) == 2
    for cmd in commands:
        proc = run_console(_localise(cmd, sample_hook, tmp_path), ROOT)
        assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "all expectations met" in proc.stdout


def test_scenario_python_example():
    code = next(block for block in blocks(SECTION, "python") if "scenario_from_captures" in block)
    assert printed_lines(code) == commented_prints(code)


@pytest.mark.slow
def test_pytest_example(pytester):
    code = next(block for block in blocks(SECTION, "python") if "okta_replay" in block)
    pytester.makeconftest("""
import pytest
from okta_hook_emulator.sample_hook.app import create_app

@pytest.fixture
def okta_hook_target():
    return create_app()
""")
    pytester.makepyfile(test_captures=code)
    folder = pytester.path / "captures"
    folder.mkdir()
    for record in (ROOT / "examples" / "capture_replay" / "captures").glob("*.json"):
        (folder / record.name).write_text(record.read_text())
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", f"--rootdir={pytester.path}",
                                           "-o", f"pythonpath={ROOT}")
    result.assert_outcomes(passed=5)





def test_serve_captures_example(tmp_path):
    """The dashboard example runs as shown on a free port, with a copy of the example records as captures/."""
    import shutil

    import httpx

    line = blocks(SECTION, "bash")[0].splitlines()[0]
    cmd, comment = line.split("#", 1)
    assert shlex.split(cmd) == ["okta-hooks", "serve", "--captures", "captures/"]
    shutil.copytree(ROOT / "examples" / "capture_replay" / "captures", tmp_path / "captures")
    child = subprocess.Popen([sys.executable, "-m", "okta_hook_emulator.cli", "serve", "--port", "0", "--quiet",
                              "--captures", "captures/"], cwd=tmp_path, stdout=subprocess.PIPE, text=True)
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
