"""``okta-hooks listen`` as a subprocess for the daily-loop tests (tests/test_cli_listen_trigger.py,
tests/test_readme_daily_loop.py), and other ``okta-hooks`` commands run in their own process."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import threading
import time


class Listen:
    """``okta-hooks listen`` as a subprocess: its output collected line by line, its export line parsed."""

    def __init__(self, *args: str):
        cmd = [sys.executable, "-c", "from okta_hook_emulator.cli import main; main()", "listen", *args]
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                     env={**os.environ, "PYTHONUNBUFFERED": "1"})
        self.lines: list[str] = []
        self.env: dict[str, str] = {}
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            line = self.proc.stdout.readline()
            if not line:
                break
            self.lines.append(line.rstrip("\n"))
            if line.strip().startswith("export "):
                self.env = dict(item.split("=", 1) for item in shlex.split(line.strip())[1:])
            if line.startswith("Ready."):
                threading.Thread(target=self._drain, daemon=True).start()
                return
        self.proc.kill()
        raise AssertionError("listen did not get ready:\n" + "\n".join(self.lines))

    def _drain(self) -> None:
        for line in self.proc.stdout:
            self.lines.append(line.rstrip("\n"))

    def wait_for_line(self, *words: str, seconds: float = 30) -> str:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            for line in list(self.lines):
                if all(w in line for w in words):
                    return line
            time.sleep(0.05)
        raise AssertionError(f"no line with {words}:\n" + "\n".join(self.lines))

    def stop(self) -> int:
        self.proc.terminate()
        return self.proc.wait(timeout=30)


def run_cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    """``okta-hooks ARGS`` in another process with ``env`` added."""
    return subprocess.run([sys.executable, "-c", "from okta_hook_emulator.cli import main; main()", *args],
                          env={**os.environ, **env}, capture_output=True, text=True, timeout=120)
