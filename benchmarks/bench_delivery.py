"""Delivery benchmark (run: ``.venv/bin/python benchmarks/bench_delivery.py [--events N] [--inline N]``).

1. Over HTTP: a no-op hook (HTTP/1.1 keep-alive, answers 204) runs in a separate process on 127.0.0.1.
   The emulator delivers N events with ``batch_size=1`` (N POSTs, each with Okta's headers, per-attempt
   timeout, records). A bare ``httpx.Client`` keep-alive loop then POSTs the very same bodies. Goal: emulator
   rate >= 0.8 x bare rate.
2. In process: ``Emulator.call_inline("token", flask_app)`` (generate the request + call the Flask hook through
   WSGI + judge the answer, tokens left unsigned) against a bare Flask test-client POST of one pre-built body,
   in interleaved rounds. Goal: emulator time per call <= 2.5 x bare.

The last two lines print both ratios with "goal ... met/NOT met"."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from _support import start_noop_hook

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
ROUND = 1000  # POSTs per interleaved round
INLINE_ROUND = 100  # in-process calls per interleaved round


def bench_http(n: int) -> float:
    import httpx

    from okta_hook_emulator.clock import FixedClock
    from okta_hook_emulator.emulator.core import Emulator

    child, url = start_noop_hook()
    try:
        headers = {"User-Agent": "Okta Hook Service v1.0.0 - who", "Accept": "application/json",
                   "Content-Type": "application/json"}
        t_emu = t_bare = 0.0
        delivered = 0
        with Emulator(seed=0, clock=FixedClock()) as emu, httpx.Client(timeout=3.0) as client:
            events = emu.payloads.log_events(["user.lifecycle.create", "user.session.start"], n)
            warm = emu.send_events(url, events=events[:200], batch_size=1)  # warm-up (connections, imports)
            for b in warm.batches:
                client.post(url, content=json.dumps(b.envelope, separators=(",", ":")).encode(), headers=headers)
            # Interleave rounds so a change in machine load hits both sides alike.
            for start in range(0, n, ROUND):
                t0 = time.perf_counter()
                result = emu.send_events(url, events=events[start:start + ROUND], batch_size=1)
                t_emu += time.perf_counter() - t0
                assert result.delivered, "emulator delivery failed"
                delivered += len(result.batches)
                bodies = [json.dumps(b.envelope, separators=(",", ":")).encode() for b in result.batches]
                t0 = time.perf_counter()
                for body in bodies:
                    r = client.post(url, content=body, headers=headers)
                    assert r.status_code == 204
                t_bare += time.perf_counter() - t0
        assert delivered == n
    finally:
        child.terminate()
        child.wait(timeout=5)
    emu_rate, bare_rate = n / t_emu, n / t_bare
    print(f"HTTP delivery, {n} events, batch_size=1 ({n} POSTs to a no-op hook in another process):")
    print(f"  emulator send_events : {emu_rate:8.0f} POST/s ({t_emu:.2f} s)")
    print(f"  bare httpx keep-alive: {bare_rate:8.0f} POST/s ({t_bare:.2f} s)")
    return emu_rate / bare_rate


def bench_inline(n: int) -> float:
    from flask import Flask, request

    from okta_hook_emulator.clock import FixedClock
    from okta_hook_emulator.emulator.core import Emulator

    app = Flask("hook")
    answer = {"commands": [{"type": "com.okta.identity.patch",
                            "value": [{"op": "add", "path": "/claims/extPatientId", "value": "1234"}]}]}

    @app.post("/")
    def token_hook():
        request.get_json()
        return answer

    client = app.test_client()
    t_emu = t_bare = 0.0
    with Emulator(seed=0, clock=FixedClock()) as emu:
        body = json.dumps(emu.payloads.inline_request("token"), separators=(",", ":"))
        for _ in range(50):
            emu.call_inline("token", app)
            client.post("/", data=body, content_type="application/json")
        # Interleave rounds (as for HTTP) so a change in machine load hits both sides alike.
        for start in range(0, n, INLINE_ROUND):
            count = min(INLINE_ROUND, n - start)
            t0 = time.perf_counter()
            for _ in range(count):
                result = emu.call_inline("token", app)
            t_emu += time.perf_counter() - t0
            assert result.verdict == "ok", result.reason
            t0 = time.perf_counter()
            for _ in range(count):
                r = client.post("/", data=body, content_type="application/json")
                assert r.status_code == 200
            t_bare += time.perf_counter() - t0
        parts = _inline_breakdown(emu, app, body, answer, min(n, 500))
    per_emu, per_bare = t_emu / n * 1e6, t_bare / n * 1e6
    print(f"In-process token round trip, {n} calls (Flask hook via WSGI):")
    print(f"  emulator call_inline (generate + call + judge): {per_emu:7.0f} us/call")
    print(f"  bare Flask test-client POST of a ready body   : {per_bare:7.0f} us/call")
    rest = per_emu - sum(parts.values())
    print("  where the emulator's time goes: " + ", ".join(f"{k} {v:.0f} us" for k, v in parts.items())
          + f", judge + log events + rest {rest:.0f} us")
    return per_emu / per_bare


def _inline_breakdown(emu, app, body: str, answer: dict, n: int) -> dict[str, float]:
    """Microseconds per call of the parts of ``call_inline``, measured separately."""
    from okta_hook_emulator.emulator.sender import inline_headers
    from okta_hook_emulator.payloads.catalog import get_kind
    from okta_hook_emulator.payloads.validate import validate_response

    kind = get_kind("token")
    channel, policy = emu.channel(app), emu.resolve_policy(kind)
    request, raw = emu.payloads.inline_request("token"), body.encode()

    def per_call(fn) -> float:
        t0 = time.perf_counter()
        for _ in range(n):
            fn()
        return (time.perf_counter() - t0) / n * 1e6

    return {
        "generate request": per_call(lambda: emu.payloads.inline_request("token")),
        "send (incl. the Flask hook itself)": per_call(
            lambda: emu.sender.send(channel, "POST", raw, inline_headers("r"), policy)),
        "validate answer": per_call(lambda: validate_response("token", answer, request)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--inline", type=int, default=2_000)
    args = parser.parse_args()
    http_ratio = bench_http(args.events)
    inline_ratio = bench_inline(args.inline)
    print(f"ratio emulator/bare HTTP delivery rate: {http_ratio:.2f} (goal >= 0.8): "
          f"{'met' if http_ratio >= 0.8 else 'NOT met'}")
    print(f"ratio emulator/bare in-process round trip time: {inline_ratio:.2f}x (goal <= 2.5x): "
          f"{'met' if inline_ratio <= 2.5 else 'NOT met'}")


if __name__ == "__main__":
    main()
