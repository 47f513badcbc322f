"""How much the okta_hooks pytest plugin adds to collecting an unrelated test suite.

Runs ``pytest --collect-only`` on an empty test file with plugin autoloading off on both sides
(``PYTEST_DISABLE_PLUGIN_AUTOLOAD=1``), once with our plugin loaded (``-p okta_hook_emulator.pytest_plugin.plugin``)
and once without, interleaved (A, B, A, B...) so machine noise hits both sides of a pair alike. Against bare
pytest nothing our plugin imports is already imported by another plugin, so this is the plugin's whole cost;
and the runs are short, so a noisy machine cannot drown a 30 ms goal (with every installed plugin loading, Faker's
and Hypothesis' own plugins make each run about 1.5 s). The last line is the median of the paired differences
and whether the goal (<= 30 ms) is met.

    .venv/bin/python benchmarks/bench_plugin.py [--runs 21]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

GOAL_MS = 30.0


PLUGIN_MODULE = "okta_hook_emulator.pytest_plugin.plugin"


def _collect_once(workdir: Path, *extra: str) -> float:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "COV_"))}
    env["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
    cmd = [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider", *extra,
           "test_empty.py"]
    start = time.perf_counter()
    done = subprocess.run(cmd, cwd=workdir, env=env, capture_output=True, text=True)
    elapsed = (time.perf_counter() - start) * 1000
    if done.returncode not in (0, 5):  # 5 = no tests collected
        raise SystemExit(f"pytest failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return elapsed


def _import_cost_ms(runs: int = 5) -> float:
    """Median cumulative ``-X importtime`` of the plugin module (pytest already imported), in ms."""
    samples = []
    for _ in range(runs):
        done = subprocess.run([sys.executable, "-X", "importtime", "-c",
                               "import pytest; import okta_hook_emulator.pytest_plugin.plugin"],
                              capture_output=True, text=True, check=True)
        total = 0
        for line in done.stderr.splitlines():
            parts = line.split("|")
            if len(parts) == 3 and parts[2].strip().startswith("okta_hook_emulator") and \
                    not parts[2].startswith("  "):
                total += int(parts[1])
        samples.append(total / 1000)
    return statistics.median(samples)


def main() -> None:
    """Measure and print the medians and the difference."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21, help="runs per side (default 21)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench_plugin_") as tmp:
        workdir = Path(tmp)
        (workdir / "test_empty.py").write_text("")
        (workdir / "pytest.ini").write_text("[pytest]\n")
        # warm-up (filesystem caches, .pyc files) on both sides, not measured
        _collect_once(workdir, "-p", PLUGIN_MODULE)
        _collect_once(workdir)
        with_plugin: list[float] = []
        without_plugin: list[float] = []
        for _ in range(args.runs):
            with_plugin.append(_collect_once(workdir, "-p", PLUGIN_MODULE))
            without_plugin.append(_collect_once(workdir))
    med_with = statistics.median(with_plugin)
    med_without = statistics.median(without_plugin)
    diff = statistics.median(w - wo for w, wo in zip(with_plugin, without_plugin, strict=True))
    print(f"runs per side: {args.runs} (interleaved pairs; plugin autoloading off on both sides)")
    print(f"plugin import alone (-X importtime, after pytest): {_import_cost_ms():.1f} ms")
    print(f"collect empty file, with okta_hooks:    median {med_with:7.1f} ms "
          f"(min {min(with_plugin):.1f}, max {max(with_plugin):.1f})")
    print(f"collect empty file, without okta_hooks: median {med_without:7.1f} ms "
          f"(min {min(without_plugin):.1f}, max {max(without_plugin):.1f})")
    verdict = "met" if diff <= GOAL_MS else "NOT met"
    print(f"plugin overhead (median of paired differences): {diff:+.1f} ms (goal <= {GOAL_MS:g} ms: {verdict})")


if __name__ == "__main__":
    main()
