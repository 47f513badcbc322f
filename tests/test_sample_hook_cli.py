"""The sample hook ships in the package: ``okta-hooks sample-hook`` and ``python -m okta_hook_emulator.sample_hook``
serve it from any folder (no checkout needed)."""

from __future__ import annotations

import re
import socket
import subprocess
import sys

import httpx
import pytest
from click.testing import CliRunner

from okta_hook_emulator.cli import _load, cli


@pytest.mark.slow  # a subprocess
@pytest.mark.parametrize("argv", [["-m", "okta_hook_emulator.sample_hook"], ["-m", "okta_hook_emulator.cli",
                                                                            "sample-hook"]])
def test_sample_hook_runs_from_an_empty_folder(tmp_path, argv):
    proc = subprocess.Popen([sys.executable, *argv, "--port", "0"], cwd=tmp_path, stdout=subprocess.PIPE,
                            text=True)
    try:
        line = proc.stdout.readline()
        url = re.search(r"(http://127\.0\.0\.1:\d+/hooks)", line).group(1)
        answer = httpx.get(url, headers={"X-Okta-Verification-Challenge": "abc"}, timeout=10)
        assert answer.json() == {"verification": "abc"}
    finally:
        proc.terminate()
        assert proc.wait(10) == 0


def test_sample_hook_on_a_busy_port_exits_2_with_one_line():
    _load()
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        result = CliRunner().invoke(cli, ["sample-hook", "--port", str(port)])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert [line for line in result.output.splitlines() if line.startswith("Error:")] == [
        f"Error: Port {port} on 127.0.0.1 is already in use by another program. Pick another --port "
        "(0 = any free port)."]
