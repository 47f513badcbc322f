"""Stand-in event hook services for the delivery and crash tests."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class HookService:
    """An event hook on loopback: answers verification; ``hang_after`` POSTs are acked, later ones block until
    ``release()`` (None: every POST is acked). Remembers the event uuids and the eventId of every acked POST and
    how many POSTs arrived."""

    def __init__(self, hang_after: int | None = None) -> None:
        self.acked: list[str] = []
        self.envelope_ids: list[str] = []  # eventId of every acked POST
        self.posts = 0
        self.hang_after = hang_after
        self._released = threading.Event()
        self._lock = threading.Lock()
        service = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args) -> None:
                pass

            def _send(self, body: bytes) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self) -> None:
                challenge = self.headers.get("X-Okta-Verification-Challenge", "")
                self._send(json.dumps({"verification": challenge}).encode())

            def do_POST(self) -> None:
                envelope = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))))
                with service._lock:
                    service.posts += 1
                    hang = service.hang_after is not None and service.posts > service.hang_after
                if hang:
                    service._released.wait()
                    self.close_connection = True
                    return
                self._send(b"")
                with service._lock:
                    service.acked += [e["uuid"] for e in envelope["data"]["events"]]
                    service.envelope_ids.append(envelope["eventId"])

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    def release(self) -> None:
        self._released.set()

    def stop(self) -> None:
        self.release()
        self.server.shutdown()
        self.server.server_close()
