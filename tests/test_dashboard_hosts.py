"""Host and origin checks (issue #18 findings 1 and 10): the server answers only for the hosts it was started
for, the dashboard never sends the API token to a URL built from the request's Host, a dashboard token guards the
pages when the server is reachable beyond loopback, and ``--host 0.0.0.0`` starts with a loud warning."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from okta_hook_emulator.server import serve
from tests.helpers.server import AUTH, TOKEN


class Capture:
    """A loopback HTTP server that records the Authorization header of every request (the 'attacker')."""

    def __init__(self) -> None:
        self.seen: list[str] = []
        capture = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def _any(self) -> None:
                capture.seen.append(self.headers.get("Authorization", ""))
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()

            do_GET = do_POST = do_PUT = do_DELETE = _any

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def emulator():
    handle = serve({"api_token": TOKEN})
    yield handle
    handle.stop()


def form_token(client: httpx.Client, host: str) -> str:
    page = client.get("/", headers={"Host": host})
    assert page.status_code == 200, page.text[:300]
    return re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)


@pytest.mark.parametrize("path", ["/", "/fire", "/api/v1/eventHooks", "/_emulator/org"])
def test_a_foreign_host_is_refused(emulator, path):
    with httpx.Client(base_url=emulator.url, headers=AUTH) as client:
        resp = client.get(path, headers={"Host": "rebind.attacker.example"})
        assert resp.status_code == 421
        assert resp.json()["errorCode"] == "E0000001"
        assert client.get(path).status_code == 200  # the address it was started on
        assert client.get(path, headers={"Host": "localhost"}).status_code == 200


def test_a_cross_origin_form_post_under_a_foreign_host_is_refused(emulator):
    with httpx.Client(base_url=emulator.url) as client:
        token = form_token(client, emulator.url.split("//", 1)[1])
        resp = client.post("/fire/events", data={"csrf_token": token, "event_type": "user.lifecycle.create"},
                           headers={"Host": "evil.example", "Origin": "http://evil.example"})
        assert resp.status_code == 421


def test_run_scenario_never_sends_the_api_token_to_the_host_the_request_named(emulator):
    attacker = Capture()
    try:
        host = f"localhost:{attacker.port}"  # a loopback name, another port: what a rebinding page can name
        with httpx.Client(base_url=emulator.url, timeout=60) as client:
            token = form_token(client, host)
            client.post("/fire/scenario", data={"csrf_token": token, "scenario": "event-hook-verification",
                                                "target": "", "seed": ""},
                        headers={"Host": host, "Origin": f"http://{host}"})
    finally:
        attacker.stop()
    assert not [h for h in attacker.seen if TOKEN in h], attacker.seen


def test_allowed_host_names_are_served():
    handle = serve({"api_token": TOKEN, "allowed_hosts": ["emulator.internal"]})
    try:
        with httpx.Client(base_url=handle.url, headers=AUTH) as client:
            assert client.get("/api/v1/eventHooks", headers={"Host": "emulator.internal:8070"}).status_code == 200
            assert client.get("/api/v1/eventHooks", headers={"Host": "other.internal"}).status_code == 421
    finally:
        handle.stop()


def test_the_dashboard_needs_its_token_when_the_server_is_reachable_beyond_loopback():
    handle = serve({"api_token": TOKEN}, host="0.0.0.0")
    try:
        token = handle.state.config.dashboard_token
        assert token
        base = f"http://127.0.0.1:{handle.server.server_port}"
        with httpx.Client(base_url=base) as client:
            refused = client.get("/")
            assert refused.status_code == 401 and refused.json()["errorCode"] == "E0000011"
            assert client.get("/", params={"token": "wrong"}).status_code == 401
            entry = client.get("/", params={"token": token})
            assert entry.status_code == 303 and entry.headers["location"] == "/"
            assert "HttpOnly" in entry.headers["set-cookie"] and "SameSite=Strict" in entry.headers["set-cookie"]
            assert client.get("/").status_code == 200  # the cookie now carries it
            assert client.get("/api/v1/eventHooks", headers=AUTH).status_code == 200  # the API keeps its token
    finally:
        handle.stop()


def test_the_dashboard_needs_no_token_on_loopback(emulator):
    assert emulator.state.config.dashboard_token is None
    assert httpx.get(emulator.url + "/").status_code == 200


@pytest.mark.slow
def test_serve_on_all_interfaces_warns_loudly_and_prints_the_dashboard_token():
    cmd = [sys.executable, "-c", "from okta_hook_emulator.cli import main; main()", "serve", "--host", "0.0.0.0",
           "--port", "0", "--token", TOKEN, "--quiet"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        out = ""
        for line in proc.stdout:
            out += line
            if "Press Ctrl-C" in line:
                break
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=30)
    assert "WARNING" in err and "EVERY network interface" in err
    assert re.search(r"Dashboard: +http://0\.0\.0\.0:\d+/\?token=\S+", out), out
