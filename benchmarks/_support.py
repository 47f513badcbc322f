"""Shared by the benchmarks: the no-op hook service (HTTP/1.1 keep-alive; answers Okta's verification GET, 204 to
every POST) in a process of its own, so the emulator and the hook do not share a GIL.

``start_noop_hook()`` starts it (this file run as a script) and returns the child process and the hook URL."""

from __future__ import annotations

import json
import subprocess
import sys
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


def serve_noop_hook() -> None:
    """Serve the no-op hook on 127.0.0.1 (free port) forever; print the port first."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), NoOpHook)
    server.daemon_threads = True
    print(server.server_address[1], flush=True)
    server.serve_forever()


def start_noop_hook() -> tuple[subprocess.Popen, str]:
    """Start the no-op hook in a child process; returns ``(process, "http://127.0.0.1:<port>/hook")``. The caller
    terminates the process."""
    child = subprocess.Popen([sys.executable, __file__], stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None
    return child, f"http://127.0.0.1:{int(child.stdout.readline())}/hook"


if __name__ == "__main__":
    serve_noop_hook()
