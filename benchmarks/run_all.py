"""Run every benchmark and print one table: each figure beside its baseline measured in the same run and the goal.

    .venv/bin/python benchmarks/run_all.py [--quick] [--strict]

Benchmarks (each a script in this folder, run as its own process; its full output is printed first):
  bench_payloads.py     payload generation: seeded LogEvent generator vs naive Faker-per-field
  bench_delivery.py     delivery over HTTP vs a bare httpx loop; in-process round trip vs a bare Flask POST
  bench_plugin.py       pytest plugin: collection with vs without okta_hooks
  bench_suite.py        a 500-test pytest suite through the okta fixture vs the same with a bare Flask test client
  bench_server_day.py   one Okta day (400,000 events) through `okta-hooks serve` to a no-op hook; server peak RSS
  bench_memory.py       core peak heap delivering events vs holding them
  bench_capture.py      capture proxy: p95 latency added to a hook call vs calling the hook directly
  bench_load.py         okta-hooks load (Locust, every answer judged) vs a bare Locust FastHttpUser
Every goal line reads "met" or "NOT met"; the last line names every missed goal. ``--quick`` shrinks the sizes
(not the goals) for a smoke run; ``--strict`` exits 1 when a goal is missed.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent


@dataclass
class Row:
    name: str
    figure: str
    baseline: str
    goal: str
    met: bool | None  # None: the benchmark failed to run


def _num(pattern: str, text: str) -> float | None:
    m = re.search(pattern, text, re.MULTILINE)
    return float(m.group(1).replace(",", "")) if m else None


def _verdict(pattern: str, text: str) -> bool | None:
    m = re.search(pattern + r".*?:\s*(met|NOT met)\)?\s*$", text, re.MULTILINE)
    return None if m is None else m.group(1) == "met"


def _fmt(value: float | None, unit: str, digits: int = 0) -> str:
    return "?" if value is None else f"{value:,.{digits}f} {unit}"


def payload_rows(out: str) -> list[Row]:
    ours, naive = _num(r"^ours:\s+([\d,.]+)", out), _num(r"^naive:\s+([\d,.]+)", out)
    ratio = _num(r"^ratio ours/naive: ([\d.]+)x", out)
    return [Row("payload generation (LogEvents/s)", _fmt(ours, "/s"), f"naive Faker {_fmt(naive, '/s')}",
                f">= 5x naive (got {ratio}x)", _verdict(r"^ratio ours/naive", out))]


def delivery_rows(out: str) -> list[Row]:
    emu, bare = _num(r"emulator send_events :\s+([\d.]+)", out), _num(r"bare httpx keep-alive:\s+([\d.]+)", out)
    http_ratio = _num(r"^ratio emulator/bare HTTP delivery rate: ([\d.]+)", out)
    call, flask = _num(r"emulator call_inline .*?:\s+([\d.]+) us", out), _num(r"bare Flask .*?:\s+([\d.]+) us", out)
    rt_ratio = _num(r"^ratio emulator/bare in-process round trip time: ([\d.]+)x", out)
    return [Row("delivery over HTTP (POST/s)", _fmt(emu, "POST/s"), f"bare httpx {_fmt(bare, 'POST/s')}",
                f">= 0.8x bare (got {http_ratio})", _verdict(r"^ratio emulator/bare HTTP delivery rate", out)),
            Row("in-process token round trip", _fmt(call, "us/call"), f"bare Flask {_fmt(flask, 'us/call')}",
                f"<= 2.5x bare (got {rt_ratio}x)", _verdict(r"^ratio emulator/bare in-process round trip", out))]


def plugin_rows(out: str) -> list[Row]:
    with_p = _num(r"with okta_hooks:\s+median\s+([\d.]+)", out)
    without = _num(r"without okta_hooks:\s+median\s+([\d.]+)", out)
    diff = _num(r"^plugin overhead[^:]*: ([+-]?[\d.]+) ms", out)
    return [Row("pytest collection with plugin", _fmt(with_p, "ms", 1), f"without plugin {_fmt(without, 'ms', 1)}",
                f"overhead <= 30 ms (got {diff:+.1f} ms)" if diff is not None else "overhead <= 30 ms",
                _verdict(r"^plugin overhead", out))]


def suite_rows(out: str) -> list[Row]:
    ours, bare = _num(r"okta fixture .*?median\s+([\d.]+) s", out), _num(r"bare Flask test client\s*: median\s+([\d.]+) s", out)
    ratio = _num(r"^ratio okta-fixture/bare suite wall clock: ([\d.]+)x", out)
    return [Row("500-test pytest suite, okta fixture", _fmt(ours, "s", 2), f"bare Flask test client {_fmt(bare, 's', 2)}",
                f"<= 1.5x bare (got {ratio}x)", _verdict(r"^ratio okta-fixture/bare suite wall clock", out))]


def day_rows(out: str) -> list[Row]:
    rate, bare = _num(r"server end to end :\s+([\d,.]+)", out), _num(r"bare httpx floor  :\s+([\d,.]+)", out)
    secs = _num(r"^day time \(scaled to 400,000 events\): ([\d.]+) s", out)
    peak, idle = _num(r"^server peak RSS: ([\d.]+) MB", out), _num(r"after start-up: ([\d.]+) MB", out)
    return [Row("Okta day, 400k events via server", f"{_fmt(secs, 's', 1)} ({_fmt(rate, 'ev/s')})",
                f"bare transport {_fmt(bare, 'ev/s')}", "day <= 60 s", _verdict(r"^day time", out)),
            Row("server peak RSS during the day", _fmt(peak, "MB"), f"after start-up {_fmt(idle, 'MB')}",
                "<= 512 MB", _verdict(r"^server peak RSS", out))]


def memory_rows(out: str) -> list[Row]:
    base, peak = _num(r"holding the events \(baseline\)\s+:\s+([\d.]+)", out), _num(r"send_events.*?:\s+([\d.]+) MB", out)
    ratio = _num(r"^memory ratio delivery/events: ([\d.]+)x", out)
    return [Row("core peak heap delivering events", _fmt(peak, "MB", 1), f"events alone {_fmt(base, 'MB', 1)}",
                f"<= 3x (got {ratio}x)", _verdict(r"^memory ratio", out))]


def capture_rows(out: str) -> list[Row]:
    added = _num(r"^capture proxy p95 added latency: ([+-]?[\d.]+) ms", out)
    direct = _num(r"^direct : median [\d.]+ ms, p95 ([\d.]+) ms", out)
    return [Row("capture proxy p95 added latency", _fmt(added, "ms", 2), f"direct p95 {_fmt(direct, 'ms', 2)}",
                "<= 5 ms", _verdict(r"^capture proxy p95 added latency", out))]

def load_rows(out: str) -> list[Row]:
    ours, bare = _num(r"^okta-hooks load token :\s+([\d,.]+)", out), _num(r"^bare FastHttpUser\s+:\s+([\d,.]+)", out)
    ratio = _num(r"^ratio okta-hooks load/bare Locust: ([\d.]+)x", out)
    return [Row("load mode via Locust (req/s)", _fmt(ours, "req/s"), f"bare FastHttpUser {_fmt(bare, 'req/s')}",
                f">= 0.7x bare (got {ratio}x)", _verdict(r"^ratio okta-hooks load/bare Locust", out))]


BENCHMARKS: list[tuple[str, list[str], list[str], Callable[[str], list[Row]]]] = [
    # script, arguments, --quick arguments, parser
    ("bench_payloads.py", ["20000"], ["3000"], payload_rows),
    ("bench_delivery.py", [], ["--events", "1000", "--inline", "300"], delivery_rows),
    ("bench_plugin.py", ["--runs", "21"], ["--runs", "3"], plugin_rows),
    ("bench_suite.py", ["--runs", "3"], ["--runs", "1"], suite_rows),  # 500 tests: the size is the point
    ("bench_server_day.py", ["--events", "400000"], ["--events", "20000"], day_rows),
    ("bench_memory.py", ["--events", "10000"], ["--events", "2000"], memory_rows),
    ("bench_capture.py", ["--calls", "2000"], ["--calls", "300"], capture_rows),
    ("bench_load.py", ["--duration", "10", "--rounds", "2"], ["--duration", "3", "--rounds", "1"], load_rows),
]


def run(script: str, args: list[str]) -> tuple[str, float, int]:
    started = time.perf_counter()
    done = subprocess.run([sys.executable, str(HERE / script), *args], capture_output=True, text=True, cwd=HERE.parent)
    return done.stdout + (f"\n[stderr]\n{done.stderr}" if done.returncode else ""), \
        time.perf_counter() - started, done.returncode


def table(rows: list[Row]) -> str:
    head = ("benchmark", "figure", "baseline (same run)", "goal", "verdict")
    cells = [head] + [(r.name, r.figure, r.baseline, r.goal,
                       "met" if r.met else ("FAILED to run" if r.met is None else "NOT met")) for r in rows]
    widths = [max(len(c[i]) for c in cells) for i in range(len(head))]
    lines = ["| " + " | ".join(c[i].ljust(widths[i]) for i in range(len(head))) + " |" for c in cells]
    lines.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes (same goals), for a smoke run")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a goal is missed")
    opts = parser.parse_args()
    started = time.perf_counter()
    rows: list[Row] = []
    for script, args, quick, parse in BENCHMARKS:
        chosen = quick if opts.quick else args
        print(f"=== {script} {' '.join(chosen)}", flush=True)
        out, secs, code = run(script, chosen)
        print(out.rstrip(), f"\n({secs:.1f} s)", flush=True)
        parsed = parse(out)
        if code:
            for row in parsed:
                row.met = None
        rows += parsed
    total = time.perf_counter() - started
    print()
    print(table(rows))
    print(f"\nwhole suite: {total:.0f} s (goal < 600 s: {'met' if total < 600 else 'NOT met'})"
          + (" [--quick sizes]" if opts.quick else ""))
    missed = [r.name for r in rows if not r.met]
    if total >= 600:
        missed.append("whole suite under 10 minutes")
    print("all goals met" if not missed else f"{len(missed)} goal(s) NOT met: {'; '.join(missed)}")
    return 1 if missed and opts.strict else 0


if __name__ == "__main__":
    sys.exit(main())
