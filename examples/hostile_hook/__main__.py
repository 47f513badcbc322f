"""``python -m examples.hostile_hook --behaviour NAME [--port P]``: a hook that misbehaves on purpose."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

if __package__ in (None, ""):  # run as a script: python examples/hostile_hook
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    from examples.hostile_hook.server import BEHAVIOURS, serve_forever
else:
    from .server import BEHAVIOURS, serve_forever


def main(argv: list[str] | None = None) -> int:
    """Parse options and serve until Ctrl-C."""
    parser = argparse.ArgumentParser(prog="hostile_hook", description="A hook service that misbehaves on purpose.")
    parser.add_argument("--behaviour", "--behavior", default="ok", choices=list(BEHAVIOURS),
                        help="what every request (except /<behaviour> paths) gets")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=9000, help="0 picks a free port")
    parser.add_argument("--sleep", type=float, default=4.0, help="seconds for 'sleep' (Okta's budget: 3 s)")
    parser.add_argument("--dribble", type=float, default=0.05, help="seconds between bytes for 'slow-loris'")
    parser.add_argument("--verify-ok", action="store_true",
                        help="answer the event-hook verification GET correctly; misbehave on POSTs only")
    parser.add_argument("--list", action="store_true", help="list the behaviours and exit")
    args = parser.parse_args(argv)
    if args.list:
        for name, text in BEHAVIOURS.items():
            print(f"{name:20} {text}")
        return 0
    serve_forever(args.behaviour, args.host, args.port, sleep=args.sleep, dribble=args.dribble,
                  dribble_max=max(10.0, args.sleep * 3), verify_ok=args.verify_ok)
    return 0


if __name__ == "__main__":
    sys.exit(main())
