"""Peak memory of the core delivering events in process (tracemalloc), against holding the same events.

    .venv/bin/python benchmarks/bench_memory.py [--events 20000]

Baseline: generate the N LogEvents into a list (the data itself). Figure: ``Emulator.send_events`` generating and
delivering the same N events in batches of 50 to a no-op hook over HTTP (another process), keeping every batch's
envelope and attempts in the returned result, as the library API does. Both are Python heap peaks measured with
tracemalloc in the same run. Last line: the ratio and "goal ... met/NOT met".
"""

from __future__ import annotations

import argparse
import gc
import signal
import sys
import tracemalloc
from pathlib import Path

from _support import start_noop_hook

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from okta_hook_emulator.emulator.core import Emulator  # noqa: E402
from okta_hook_emulator.payloads.generate import PayloadFactory  # noqa: E402

GOAL_RATIO = 3.0  # delivering (with every record kept) costs at most 3x the memory of the events themselves
EVENT_TYPE = "user.lifecycle.create"


def _peak(fn) -> float:
    gc.collect()
    tracemalloc.start()
    try:
        kept = fn()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    del kept
    return peak / 2**20


def main() -> float:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=20_000)
    args = parser.parse_args()
    hook, url = start_noop_hook()
    try:
        PayloadFactory(seed=1).log_events([EVENT_TYPE], 10)  # warm caches (catalog, Faker) outside the measure
        with Emulator(seed=1) as warm:
            warm.send_events(url, EVENT_TYPE, count=10)
        base = _peak(lambda: PayloadFactory(seed=1).log_events([EVENT_TYPE], args.events))

        def deliver():
            with Emulator(seed=1) as emu:
                result = emu.send_events(url, EVENT_TYPE, count=args.events, batch_size=50)
            assert result.delivered
            return result

        peak = _peak(deliver)
    finally:
        hook.send_signal(signal.SIGTERM)
        hook.wait(10)
    ratio = peak / base
    print(f"events: {args.events}")
    print(f"  holding the events (baseline)           : {base:7.1f} MB peak")
    print(f"  send_events, batches of 50, over HTTP    : {peak:7.1f} MB peak (records kept)")
    print(f"memory ratio delivery/events: {ratio:.2f}x (goal <= {GOAL_RATIO:g}x): "
          f"{'met' if ratio <= GOAL_RATIO else 'NOT met'}")
    return ratio


if __name__ == "__main__":
    main()
