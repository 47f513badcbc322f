"""Shared by the capture/replay tests: a stand-in hook service on 127.0.0.1 (port 0) that keeps every request
it receives byte for byte, and the project's real-capture corpus entries that are whole HTTP requests."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "tests" / "data" / "captures"


def corpus_requests() -> list[dict]:
    """Corpus entries kept whole with the HTTP request's method and headers (event deliveries and inline calls
    as Okta posted them): ``{"id", "kind", "method", "headers", "body": bytes}``."""
    index = json.loads((CORPUS / "index.json").read_text())
    out = []
    for entry in index["captures"]:
        if entry["content"] == "kept" and entry.get("method") and entry.get("headers"):
            out.append({"id": entry["id"], "kind": entry["kind"], "method": entry["method"],
                        "headers": entry["headers"], "body": (CORPUS / entry["file"]).read_bytes()})
    return out


class StandInHook(ThreadingHTTPServer):
    """A hook service: echoes the verification challenge, accepts every event delivery (200) and answers an
    inline registration hook ALLOW (``changed = True``: DENY). ``received`` holds (method, path, headers,
    body bytes) of every request."""

    daemon_threads = True

    def __init__(self) -> None:
        self.received: list[tuple[str, str, dict[str, str], bytes]] = []
        self.changed = False
        self.lock = threading.Lock()
        super().__init__(("127.0.0.1", 0), _HookHandler)
        threading.Thread(target=self.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def stop(self) -> None:
        self.shutdown()
        self.server_close()


class _HookHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: StandInHook

    def log_message(self, *args: object) -> None:
        pass

    def _answer(self, status: int, payload: object = None) -> None:
        data = b"" if payload is None else json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _handle(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        with self.server.lock:
            self.server.received.append((self.command, self.path, dict(self.headers.items()), body))
        challenge = self.headers.get("X-Okta-Verification-Challenge")
        if self.command == "GET" and challenge:
            return self._answer(200, {"verification": challenge})
        try:
            document = json.loads(body or b"null")
        except ValueError:
            return self._answer(400, {"error": "not JSON"})
        event_type = document.get("eventType") if isinstance(document, dict) else None
        if event_type == "com.okta.event_hook":
            return self._answer(200)
        if event_type == "com.okta.user.pre-registration":
            action = "DENY" if self.server.changed else "ALLOW"
            return self._answer(200, {"commands": [{"type": "com.okta.action.update",
                                                    "value": {"registration": action}}]})
        return self._answer(404, {"error": f"no route for {self.command} {self.path}"})

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _handle


def start_capture(forward_to: str, out_dir: Path, *extra: str) -> tuple[subprocess.Popen, str]:
    """``okta-hooks capture`` as a child process on a free port; returns the process and the proxy's URL
    (read from its first line of output). The caller terminates the process."""
    child = subprocess.Popen([sys.executable, "-m", "okta_hook_emulator.cli", "capture", "--forward-to", forward_to,
                              "--port", "0", "--out", str(out_dir), *extra],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
    assert child.stdout is not None
    line = child.stdout.readline()
    if not line.startswith("capturing on "):
        child.kill()
        raise RuntimeError(f"capture did not start: {line!r} {child.stderr.read() if child.stderr else ''}")
    return child, line.split()[2]


def okta_hooks(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    """Run ``okta-hooks ARGS`` in a child process."""
    return subprocess.run([sys.executable, "-m", "okta_hook_emulator.cli", *args], capture_output=True, text=True,
                          cwd=cwd, timeout=120)
