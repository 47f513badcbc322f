"""Shared by the benchmarks: hook services in processes of their own, so the emulator and the hook do not share a
GIL. The no-op hook (HTTP/1.1 keep-alive) answers Okta's verification GET and 204 to every POST; the hanging hook
answers the verification GET and never a POST.

``start_noop_hook()`` / ``start_hanging_hook()`` start one (this file run as a script) and return the child process
and the hook URL."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class NoOpHook(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:  # noqa: N802 - http.server naming
        body = json.dumps({"verification": self.headers.get("X-Okta-Verification-Challenge", "")}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self) -> None:  # noqa: N802
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.send_response(204)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


class HangingHook(NoOpHook):
    def do_POST(self) -> None:  # noqa: N802
        time.sleep(3600)  # never answers


HOOKS = {"noop": NoOpHook, "hanging": HangingHook}


def serve_hook(kind: str) -> None:
    """Serve the ``kind`` hook on 127.0.0.1 (free port) forever; print the port first."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), HOOKS[kind])
    server.daemon_threads = True
    print(server.server_address[1], flush=True)
    server.serve_forever()


def _start(kind: str) -> tuple[subprocess.Popen, str]:
    child = subprocess.Popen([sys.executable, __file__, kind], stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None
    return child, f"http://127.0.0.1:{int(child.stdout.readline())}/hook"


def start_noop_hook() -> tuple[subprocess.Popen, str]:
    """Start the no-op hook in a child process; returns ``(process, "http://127.0.0.1:<port>/hook")``. The caller
    terminates the process."""
    return _start("noop")


def start_hanging_hook() -> tuple[subprocess.Popen, str]:
    """Start the hanging hook in a child process (same return value as :func:`start_noop_hook`)."""
    return _start("hanging")


if __name__ == "__main__":
    serve_hook(sys.argv[1] if len(sys.argv) > 1 else "noop")
