"""Capture proxy latency (run: ``.venv/bin/python benchmarks/bench_capture.py [--calls N]``).

A no-op hook (HTTP/1.1 keep-alive, answers 204) runs in a process of its own; ``okta-hooks capture`` runs in
another, forwarding to it and writing one record per exchange to a temporary folder. One keep-alive
``httpx.Client`` (Okta's side) POSTs a real captured event delivery (the project's corpus) N times straight to
the hook and N times through the proxy, interleaved, after a warm-up. The added latency is the proxy's p95 minus
the direct p95 (the p95 of the paired differences is printed too). Goal: p95 added latency <= 5 ms; the last
line prints it with "goal ... met/NOT met"."""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _support import start_noop_hook

ROOT = Path(__file__).resolve().parents[1]
BODY = ROOT / "tests" / "data" / "captures" / "cruglobal-okta-hooks" / "cru-alb-user-lifecycle-create.json"
HEADERS = {"User-Agent": "Okta Hook Service v1.0.0 - whoo0erni6PIVagJY0h7", "Accept": "application/json",
           "Content-Type": "application/json", "Authorization": "Bearer bench-secret-value"}
GOAL_MS = 5.0


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(pct / 100 * (len(ordered) - 1))))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=2000, help="calls each way (default 2000)")
    opts = parser.parse_args()
    import httpx

    body = BODY.read_bytes()
    hook, hook_url = start_noop_hook()
    out = tempfile.TemporaryDirectory(prefix="bench-capture-")
    proxy = subprocess.Popen([sys.executable, "-m", "okta_hook_emulator.cli", "capture", "--forward-to",
                              hook_url.rsplit("/", 1)[0], "--port", "0", "--out", out.name, "--quiet"],
                             stdout=subprocess.PIPE, text=True, cwd=ROOT)
    try:
        assert proxy.stdout is not None
        proxy_url = proxy.stdout.readline().split()[2] + "/hook"
        direct, proxied = [], []
        with httpx.Client(timeout=10) as okta:
            for url in (hook_url, proxy_url) * 50:  # warm-up: connections, imports, caches
                okta.post(url, content=body, headers=HEADERS)
            for _ in range(opts.calls):
                for url, times in ((hook_url, direct), (proxy_url, proxied)):
                    t0 = time.perf_counter()
                    answer = okta.post(url, content=body, headers=HEADERS)
                    times.append((time.perf_counter() - t0) * 1000)
                    if answer.status_code != 204:
                        raise SystemExit(f"unexpected answer {answer.status_code} from {url}")
    finally:
        proxy.terminate()
        proxy.wait(timeout=30)
        hook.terminate()
        hook.wait(timeout=10)
    records = len(list(Path(out.name).glob("*.json")))
    out.cleanup()
    pairs = [p - d for p, d in zip(proxied, direct, strict=True)]
    print(f"calls each way: {opts.calls} (body {len(body)} bytes, interleaved, keep-alive)")
    print(f"records written: {records} (expected {opts.calls + 50})")
    for name, times in (("direct ", direct), ("proxied", proxied)):
        print(f"{name}: median {statistics.median(times):.3f} ms, p95 {percentile(times, 95):.3f} ms, "
              f"p99 {percentile(times, 99):.3f} ms")
    print(f"paired differences: median {statistics.median(pairs):.3f} ms, p95 {percentile(pairs, 95):.3f} ms")
    added = percentile(proxied, 95) - percentile(direct, 95)
    met = added <= GOAL_MS and records == opts.calls + 50
    print(f"capture proxy p95 added latency: {added:.3f} ms (goal <= {GOAL_MS:g} ms: {'met' if met else 'NOT met'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
