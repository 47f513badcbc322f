"""A hook service that misbehaves on purpose, one switch per hostile behaviour (raw sockets, so it can do what a
well-behaved HTTP framework never would: reset connections, close mid-body, dribble bytes, send huge headers).

Each request's path picks the behaviour: ``/<behaviour>`` (e.g. ``/reset``, ``/status-503``); a server started with
``behaviour=NAME`` uses NAME for every other path. ``/ok`` always answers like a correct hook (verification echo,
empty 200 for events and inline calls), so a test can check the emulator still works after each misbehaviour.
A ``/verified/<behaviour>`` path (or ``verify_ok=True``) answers the verification GET correctly and misbehaves on
POSTs only, so an event hook can be verified and then fail its deliveries. ``HostileHook.hits`` counts requests per path (e.g. to prove a redirect's ``Location`` was never requested).

    python -m examples.hostile_hook --behaviour reset --port 9000
"""

from __future__ import annotations

import json
import socket
import socketserver
import struct
import threading
import time
from collections import Counter
from typing import Any

HUGE_BODY_BYTES = 300 * 1024  # over Okta's 256 KB limit
HUGE_HEADER_BYTES = 512 * 1024  # total size of the junk response headers

# name -> one-line description (the CLI's --list)
BEHAVIOURS: dict[str, str] = {
    "ok": "a correct hook: echoes the verification challenge, answers 200 {} to POSTs",
    "sleep": "sleeps past the timeout (--sleep seconds), then answers 200",
    "hang": "accepts the connection and never answers",
    "reset": "resets the connection (TCP RST) after reading the request",
    "close-mid-body": "sends headers announcing 100 bytes, 10 bytes of body, then closes",
    "redirect-301": "answers 301 with a Location (which must never be followed)",
    "redirect-302": "answers 302 with a Location",
    "redirect-307": "answers 307 with a Location",
    "status-400": "answers 400",
    "status-401": "answers 401",
    "status-500": "answers 500",
    "status-503": "answers 503",
    "html": "answers 200 text/html",
    "invalid-json": "answers 200 application/json with a truncated JSON document",
    "non-utf8": "answers 200 application/json with bytes that are not UTF-8",
    "huge-body": "answers 200 with a 300 KB JSON body (Okta's limit: under 256 KB)",
    "empty": "answers 200 with an empty body where JSON is needed",
    "wrong-verification": "answers verification with a different value",
    "verification-text": "answers verification with the challenge as text/plain, not JSON",
    "unknown-command": "answers an inline call with an unknown command type",
    "wrong-shape": "answers valid JSON of the wrong shape (commands is an object, not a list)",
    "huge-headers": "answers 200 with 512 KB of response headers",
    "slow-loris": "answers 200 and dribbles the body one byte every --dribble seconds",
}


class HostileHook:
    """A threaded raw-socket HTTP/1.1 server on ``host:port`` (0 = free port). ``start()`` / ``stop()``, ``url``."""

    def __init__(self, behaviour: str = "ok", host: str = "127.0.0.1", port: int = 0, *, sleep: float = 1.0,
                 dribble: float = 0.05, dribble_max: float = 3.0, verify_ok: bool = False):
        if behaviour not in BEHAVIOURS:
            raise ValueError(f"Unknown behaviour {behaviour!r}; choose one of {', '.join(BEHAVIOURS)}.")
        self.behaviour = behaviour
        self.sleep = sleep
        self.dribble = dribble
        self.dribble_max = dribble_max
        self.verify_ok = verify_ok
        self.hits: Counter[str] = Counter()
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        hook = self

        class Handler(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                hook._handle(self.request)

        class Server(socketserver.ThreadingTCPServer):
            daemon_threads = True
            allow_reuse_address = True
            request_queue_size = 128

        self._server = Server((host, port), Handler)
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    @property
    def url(self) -> str:
        """Base URL (no trailing slash); append ``/<behaviour>``."""
        return f"http://{self._server.server_address[0]}:{self.port}"

    def start(self) -> HostileHook:
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="hostile-hook", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> HostileHook:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- one connection -------------------------------------------------------------------------------------
    def _handle(self, conn: socket.socket) -> None:
        conn.settimeout(10)
        try:
            while not self._stopping.is_set():
                request = _read_request(conn)
                if request is None:
                    return
                method, path, headers, _body = request
                with self._lock:
                    self.hits[path] += 1
                name = path.split("?")[0].strip("/")
                verify_ok = self.verify_ok or name.startswith("verified/")
                name = name.removeprefix("verified/")
                if verify_ok and method == "GET" and "x-okta-verification-challenge" in headers:
                    name = "ok"
                if name not in BEHAVIOURS:
                    name = self.behaviour
                if not self._act(conn, name, method, headers):
                    return
        except OSError:
            return
        finally:
            try:
                conn.close()
            except OSError:
                pass

    def _act(self, conn: socket.socket, name: str, method: str, headers: dict[str, str]) -> bool:
        """Play ``name``; returns True when the connection may be reused."""
        challenge = headers.get("x-okta-verification-challenge", "")
        if name == "ok":
            body = json.dumps({"verification": challenge}).encode() if method == "GET" else b"{}"
            conn.sendall(_response(200, body))
            return True
        if name == "sleep":
            self._stopping.wait(self.sleep)
            conn.sendall(_response(200, b"{}"))
            return False
        if name == "hang":
            self._stopping.wait(60)
            return False
        if name == "reset":
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            return False
        if name == "close-mid-body":
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n"
                         b'{"command')
            return False
        if name.startswith("redirect-"):
            conn.sendall(_response(int(name.split("-")[1]), b"", extra=[("Location", "/redirected-here")]))
            return True
        if name.startswith("status-"):
            status = int(name.split("-")[1])
            conn.sendall(_response(status, json.dumps({"status": status}).encode()))
            return True
        if name == "html":
            conn.sendall(_response(200, b"<html><body>Hello</body></html>", content_type="text/html"))
            return True
        if name == "invalid-json":
            conn.sendall(_response(200, b'{"commands": [{"type": '))
            return True
        if name == "non-utf8":
            conn.sendall(_response(200, b'{"verification": "\xff\xfe\xfa"}'))
            return True
        if name == "huge-body":
            filler = "x" * HUGE_BODY_BYTES
            conn.sendall(_response(200, json.dumps({"verification": challenge, "commands": [],
                                                    "debugContext": {"filler": filler}}).encode()))
            return True
        if name == "empty":
            conn.sendall(_response(200, b""))
            return True
        if name == "wrong-verification":
            conn.sendall(_response(200, json.dumps({"verification": challenge[::-1] + "x"}).encode()))
            return True
        if name == "verification-text":
            conn.sendall(_response(200, challenge.encode(), content_type="text/plain"))
            return True
        if name == "unknown-command":
            body = {"commands": [{"type": "com.okta.unknown.command", "value": {"x": 1}}]}
            conn.sendall(_response(200, json.dumps(body).encode()))
            return True
        if name == "wrong-shape":
            conn.sendall(_response(200, b'{"commands": {"type": "com.okta.identity.patch"}}'))
            return True
        if name == "huge-headers":
            junk = [(f"X-Junk-{i}", "j" * 8000) for i in range(HUGE_HEADER_BYTES // 8000)]
            conn.sendall(_response(200, b"{}", extra=junk))
            return False
        if name == "slow-loris":
            body = b'{"commands": []}' + b" " * 4096
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                         b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n")
            deadline = time.monotonic() + self.dribble_max
            for i in range(len(body)):
                if time.monotonic() > deadline or self._stopping.is_set():
                    break
                conn.sendall(body[i:i + 1])
                time.sleep(self.dribble)
            return False
        raise AssertionError(name)  # pragma: no cover - BEHAVIOURS is checked in __init__


def _response(status: int, body: bytes, *, content_type: str = "application/json",
              extra: list[tuple[str, str]] | None = None) -> bytes:
    lines = [f"HTTP/1.1 {status} {_REASONS.get(status, 'Status')}", f"Content-Type: {content_type}",
             f"Content-Length: {len(body)}"]
    lines += [f"{k}: {v}" for k, v in (extra or [])]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


_REASONS = {200: "OK", 301: "Moved Permanently", 302: "Found", 307: "Temporary Redirect", 400: "Bad Request",
            401: "Unauthorized", 500: "Internal Server Error", 503: "Service Unavailable"}


def _read_request(conn: socket.socket) -> tuple[str, str, dict[str, str], bytes] | None:
    """Read one HTTP/1.1 request (Content-Length bodies); None when the peer closed the connection."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            return None
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    method, path, *_ = lines[0].split(" ")
    headers: dict[str, str] = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    length = int(headers.get("content-length", "0") or 0)
    while len(body) < length:
        chunk = conn.recv(65536)
        if not chunk:
            return None
        body += chunk
    return method, path, headers, body


def serve_forever(behaviour: str, host: str, port: int, **kw: Any) -> None:
    """Run until Ctrl-C, printing the URL."""
    with HostileHook(behaviour, host, port, **kw) as hook:
        print(f"Hostile hook ({behaviour}) listening on {hook.url}/hook  (or {hook.url}/<behaviour>)", flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass
