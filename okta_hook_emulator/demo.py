"""``make demo`` / ``python -m okta_hook_emulator.demo``: start the emulator server and the sample hook on free
127.0.0.1 ports, register and verify the hooks through the Management API over HTTP, run every built-in scenario
through the server, print the report, then keep both running (dashboard URL printed) until Ctrl-C.
``--once`` exits after the report (exit 0 when every expectation held)."""

from __future__ import annotations

import argparse
import sys
import time
from typing import Any


def load_sample_hook() -> Any:
    """The sample hook module that ships with the package (``create_app()``, ``serve(app)``)."""
    from . import sample_hook

    return sample_hook


def _aligned(rows: list[tuple[str, str]], indent: str = "") -> str:
    """``label  value`` lines with the values in one column."""
    width = max(len(label) for label, _ in rows) if rows else 0
    return "\n".join(f"{indent}{label:<{width}}  {value}" for label, value in rows)


def main(argv: list[str] | None = None) -> int:
    """Run the demo; returns the exit status."""
    parser = argparse.ArgumentParser(prog="python -m okta_hook_emulator.demo", description=__doc__)
    parser.add_argument("--once", action="store_true", help="exit after the report")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--port", type=int, default=0, help="emulator server port (0 = a free port)")
    parser.add_argument("--hook-port", type=int, default=0, help="sample hook port (0 = a free port)")
    parser.add_argument("--skip-slow", action="store_true", help="leave out the 3 s timeout scenario")
    args = parser.parse_args(argv)

    from .commands.console import Output
    from .scenarios import builtin_names, load, run_scenario, text_report
    from .scenarios.remote import ServerClient, register_hooks
    from .scenarios.reports import progress_line, progress_widths
    from .server.runner import serve

    output = Output()

    sample = load_sample_hook()
    hook_server, hook_thread, hook_base = sample.serve(sample.create_app(), "127.0.0.1", args.hook_port)
    handle = serve({"seed": args.seed}, host="127.0.0.1", port=args.port)
    target = hook_base + "/hooks"
    print(_aligned([("Emulator server:", f"{handle.url}   (API token: {handle.token})"), ("Sample hook:", target)]))
    try:
        names = [n for n in builtin_names() if not (args.skip_slow and n == "slow-hook-timeout")]
        scenarios = [load(n) for n in names]
        event_types = sorted({t for sc in scenarios for s in sc.steps if s.action == "events"
                              for t in s.spec["event_types"]})
        kinds = sorted({k for sc in scenarios for k in sc.kinds if k != "event"})
        client = ServerClient(handle.url, handle.token)
        try:
            hooks = register_hooks(client, target, event_types, kinds)
        finally:
            client.close()
        ev = hooks["event"]
        inline = [(kind, hook["id"]) for kind, hook in hooks.items() if kind != "event" and hook]
        print(f"Registered event hook {ev['id']} ({ev['verificationStatus']}) and {len(inline)} inline hooks:")
        print(_aligned(inline, indent="  "))
        print(f"Running {len(scenarios)} built-in scenarios through the server...\n", flush=True)
        widths = progress_widths(scenarios)
        results = [run_scenario(sc, server=handle.url, token=handle.token, target=target, seed=args.seed,
                                progress=lambda s, st: output.text(progress_line(s.name, st, widths) + "\n"))
                   for sc in scenarios]
        print()
        output.text(text_report(results) + "\n")
        ok = all(r.passed for r in results)
        print(_aligned([("Dashboard:", f"{handle.url}/"), ("Deliveries:", f"{handle.url}/deliveries"),
                        ("Sign-in page:", f"{handle.url}/login/login.htm"),
                        ("Registration:", f"{handle.url}/signin/register"),
                        ("Demo app:", f"{handle.url}/demo-app/"),
                        ("Verify a phone:", f"{handle.url}/signin/verify/phone")]))
        print("(blocked.example emails are denied by the sample registration hook; sign in to the demo app to see "
              "the token hook's claim in the ID token)")
        if args.once:
            return 0 if ok else 1
        print("Press Ctrl-C to stop the emulator server and the sample hook.", flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            print("\nStopping.")
        return 0 if ok else 1
    finally:
        handle.stop()
        hook_server.shutdown()
        hook_thread.join(5)


if __name__ == "__main__":
    sys.exit(main())
