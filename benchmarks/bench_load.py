"""Load-mode benchmark (run: ``.venv/bin/python benchmarks/bench_load.py [--users N] [--duration S] [--rounds R]``).

Requests per second against the no-op hook (``_support.py``, its own process) through ``okta-hooks load token``
(seeded token requests, Okta's headers and budget, every answer judged) versus a bare Locust ``FastHttpUser``
POSTing one ready token request body, with the same users and duration, in interleaved rounds (best round of
each). Both rates are Locust's own (the Aggregated ``Requests/s`` of ``--csv``). Goal: ours >= 0.7 x bare; the
ratio is printed last.

On a shared machine the rates swing with the other jobs, so the benchmark also measures what each call costs the
Locust process: CPU time per call of ``TokenHookUser``'s task and of the bare user's task, both built in one
process (Locust's ``Environment``, gevent-patched) against the same no-op hook, in interleaved rounds (the
lowest of each; ``--cpu-calls 0`` skips it)."""

from __future__ import annotations

import argparse
import csv
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _support import start_noop_hook

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
GOAL = 0.7

BARE_LOCUSTFILE = '''
from locust import FastHttpUser, constant, task

BODY = {body!r}
HEADERS = {{"Content-Type": "application/json"}}


class Bare(FastHttpUser):
    wait_time = constant(0)

    @task
    def post(self):
        self.client.post("", data=BODY, headers=HEADERS)
'''


def _rate(stats_csv: Path) -> float:
    with stats_csv.open(newline="") as handle:
        for row in csv.DictReader(handle):
            if row["Name"] == "Aggregated":
                return float(row["Requests/s"])
    raise RuntimeError(f"no Aggregated row in {stats_csv}")


def run_ours(url: str, users: int, seconds: int, folder: Path) -> float:
    prefix = folder / "ours"
    subprocess.run([str(Path(sys.executable).parent / "okta-hooks"), "load", "token", "--target", url, "--users",
                    str(users), "--duration", str(seconds), "--csv", str(prefix)], capture_output=True, text=True,
                   timeout=seconds + 120)
    return _rate(Path(f"{prefix}_stats.csv"))


def run_bare(url: str, users: int, seconds: int, folder: Path, body: bytes) -> float:
    locustfile = folder / "bare_locustfile.py"
    locustfile.write_text(BARE_LOCUSTFILE.format(body=body))
    prefix = folder / "bare"
    subprocess.run([sys.executable, "-m", "locust", "-f", str(locustfile), "--headless", "-H", url, "-u", str(users),
                    "-r", str(users), "-t", f"{seconds}s", "--only-summary", "--csv", str(prefix)],
                   capture_output=True, text=True, timeout=seconds + 120)
    return _rate(Path(f"{prefix}_stats.csv"))


def cpu_per_call(url: str, body: bytes, calls: int, rounds: int) -> dict[str, list[float]]:
    """Microseconds of CPU per call of each task (run in a child: importing Locust patches the process)."""
    done = subprocess.run([sys.executable, __file__, "--cpu-child", url, "--cpu-calls", str(calls), "--rounds",
                           str(rounds)], input=body, capture_output=True, timeout=600, check=True)
    return json.loads(done.stdout)


def _cpu_child(url: str, body: bytes, calls: int, rounds: int) -> None:
    import locust
    from locust import FastHttpUser
    from locust.env import Environment

    from okta_hook_emulator.load import TokenHookUser

    class Ours(TokenHookUser):
        host = url

    class Bare(FastHttpUser):
        host = url

    environment = Environment(user_classes=[Ours, Bare], events=locust.events)
    ours, bare = Ours(environment), Bare(environment)
    headers = {"Content-Type": "application/json"}
    tasks = {"ours": ours.call_hook, "bare": lambda: bare.client.post("", data=body, headers=headers)}
    for task in tasks.values():  # warm up: connections, judges, schemas
        for _ in range(200):
            task()
    costs: dict[str, list[float]] = {name: [] for name in tasks}
    for _ in range(rounds):
        for name, task in tasks.items():
            started = time.process_time()
            for _ in range(calls):
                task()
            costs[name].append((time.process_time() - started) / calls * 1e6)
    print(json.dumps(costs))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=5)
    parser.add_argument("--duration", type=int, default=10, help="seconds per run")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--cpu-calls", type=int, default=2000, help="calls per task and round of the CPU figure")
    parser.add_argument("--cpu-child", metavar="URL", help=argparse.SUPPRESS)
    opts = parser.parse_args()
    if opts.cpu_child:
        _cpu_child(opts.cpu_child, sys.stdin.buffer.read(), opts.cpu_calls, opts.rounds)
        return

    from okta_hook_emulator import wire_json
    from okta_hook_emulator.emulator.core import Emulator

    with Emulator(seed=0) as emu:
        body = wire_json.dumps(emu.payloads.inline_request("token"))
    child, url = start_noop_hook()
    ours: list[float] = []
    bare: list[float] = []
    try:
        with tempfile.TemporaryDirectory() as folder:
            for _ in range(opts.rounds):
                ours.append(run_ours(url, opts.users, opts.duration, Path(folder)))
                bare.append(run_bare(url, opts.users, opts.duration, Path(folder), body))
        cpu = cpu_per_call(url, body, opts.cpu_calls, opts.rounds) if opts.cpu_calls else None
    finally:
        child.terminate()
        child.wait()
    print(f"users {opts.users}, {opts.duration} s per run, {opts.rounds} interleaved rounds (best of each)")
    print(f"okta-hooks load token : {max(ours):8.1f} req/s   (rounds: {', '.join(f'{r:.1f}' for r in ours)})")
    print(f"bare FastHttpUser     : {max(bare):8.1f} req/s   (rounds: {', '.join(f'{r:.1f}' for r in bare)})")
    if cpu:
        low = {name: min(values) for name, values in cpu.items()}
        for name, label in (("ours", "okta-hooks TokenHookUser"), ("bare", "bare FastHttpUser")):
            print(f"CPU per call, {label:24s}: {low[name]:6.0f} us   (rounds: "
                  f"{', '.join(f'{v:.0f}' for v in cpu[name])})")
        print(f"CPU per call bare/ours: {low['bare'] / low['ours']:.2f} (the rate ratio when Locust's process is "
              "the bottleneck)")
    ratio = max(ours) / max(bare) if max(bare) else 0.0
    print(f"ratio okta-hooks load/bare Locust: {ratio:.2f}x (goal >= {GOAL}x: {'met' if ratio >= GOAL else 'NOT met'})")


if __name__ == "__main__":
    main()
