"""The README's Durability and Performance sections: the hostile-hook commands run as shown (on a free port), and
the Performance table has one row per figure ``benchmarks/run_all.py`` reports, each with a verdict."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys

import httpx

from okta_hook_emulator.emulator.core import Emulator
from tests.helpers import readme
from tests.helpers.examples import load_module
from tests.helpers.readme import ROOT


def _run_all():
    load_module("bench_run_all", "benchmarks/run_all.py")
    return sys.modules["bench_run_all"]


def test_durability_commands_run_as_shown():
    (block,) = re.findall(r"```bash\n(.*?)```", readme.section("Durability"), re.S)
    commands = [line.split("#", 1)[0].strip() for line in block.splitlines() if line.strip()]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    listed = subprocess.run([sys.executable, *shlex.split(commands[0])[1:]], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=60)
    assert listed.returncode == 0 and "slow-loris" in listed.stdout and "status-503" in listed.stdout
    for command, expect in zip(commands[1:], ("slow", "status-503"), strict=True):
        argv = [sys.executable, *shlex.split(command.replace("--port 9000", "--port 0"))[1:]]
        proc = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
        try:
            line = proc.stdout.readline()
            url = re.search(r"(http://127\.0\.0\.1:\d+)", line).group(1)
            if expect == "slow":
                with Emulator(seed=0) as emu:
                    result = emu.call_inline("token", url + "/hook", timeout=0.3)
                assert result.transport == "timeout" and result.outcome.tokens_issued
            else:
                assert httpx.get(url + "/hook", headers={"X-Okta-Verification-Challenge": "abc"}).json() == \
                    {"verification": "abc"}
                assert httpx.post(url + "/hook", content=b"{}").status_code == 503
        finally:
            proc.terminate()
            proc.wait(10)


def test_performance_table_lists_every_figure_with_a_verdict():
    run_all = _run_all()
    names = [row.name for *_, parse in run_all.BENCHMARKS for row in parse("")]
    section = readme.section("Performance")
    rows = {cells[0]: cells[-1] for line in section.splitlines() if line.startswith("| ")
            for cells in [[c.strip() for c in line.strip("|").split("|")]]}
    assert set(names) <= set(rows), set(names) - set(rows)
    assert all(rows[n] in ("met", "NOT met") for n in names)
    missed = [n for n in names if rows[n] == "NOT met"]
    said = {0: "every goal was met", 1: "One goal was missed", 2: "Two goals were missed", 3: "Three goals were missed",
             4: "Four goals were missed"}
    assert said.get(len(missed), f"{len(missed)} goals were missed") in section  # misses are stated
    assert "benchmarks/run_all.py" in section


def test_run_all_parses_a_benchmark_output():
    run_all = _run_all()
    out = ("ours:  23,872 LogEvents/s (0.84 s)\nnaive: 1,386 LogEvents/s (14.43 s)\n"
           "ratio ours/naive: 17.2x (goal >= 5): met\n")
    (row,) = run_all.payload_rows(out)
    assert (row.figure, row.met) == ("23,872 /s", True)
    (row,) = run_all.plugin_rows("plugin overhead (median of paired differences): +40.0 ms (goal <= 30 ms: NOT met)\n")
    assert (row.goal, row.met) == ("overhead <= 30 ms (got +40.0 ms)", False)
    assert run_all.memory_rows("")[0].met is None  # unparsable output is never reported as met
