"""Run the sample hook service: ``python -m examples.sample_hook [--port 8080] [--misbehave MODE]``."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

if __package__ in (None, ""):  # run as a script: python examples/sample_hook
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    from examples.sample_hook.app import MISBEHAVE_MODES, create_app, serve
else:
    from .app import MISBEHAVE_MODES, create_app, serve


def main(argv: list[str] | None = None) -> int:
    """Parse options, start the server and block until Ctrl-C."""
    parser = argparse.ArgumentParser(prog="sample_hook", description="Okta-style sample hook service.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080, help="0 picks a free port")
    parser.add_argument("--misbehave", choices=[*MISBEHAVE_MODES, "none"], default="none")
    parser.add_argument("--slow-seconds", type=float, default=3.5)
    parser.add_argument("--hang-seconds", type=float, default=30.0)
    args = parser.parse_args(argv)
    app = create_app(args.misbehave, slow_seconds=args.slow_seconds, hang_seconds=args.hang_seconds)
    server, _thread, url = serve(app, args.host, args.port)
    print(f"Sample hook listening on {url}/hooks (misbehave: {args.misbehave})", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        server.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
