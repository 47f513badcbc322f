"""Security checks. Planted secrets (an event hook's auth header value, an inline hook's auth header value and
OAuth client secret, the API token) never appear on any surface: API responses, delivery records and the System
Log in the database, the server's own output (request log), dashboard HTML, CLI output. The Management API refuses
requests without the SSWS token; the default bind is loopback; redirects are never followed."""

from __future__ import annotations

import inspect
import json
import os
import re
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from okta_hook_emulator.server import serve
from tests.helpers.examples import hostile_hook
from tests.helpers.server import stop_cli_server

TOKEN = "00PlantedApiToken-7f3k2j9q"
EVENT_SECRET = "planted-event-secret-5b1d"
INLINE_SECRET = "planted-inline-secret-9c2e"
OAUTH_SECRET = "planted-oauth-client-secret-4a7f"
HOOK_SECRETS = (EVENT_SECRET, INLINE_SECRET, OAUTH_SECRET)
# A custom header whose *name* marks it secret: Okta returns custom headers from the API (they are not write-only),
# but the emulator masks such values in delivery records.
CUSTOM_SECRET = "planted-custom-api-key-1e8b"


class Server:
    """``okta-hooks serve`` as a subprocess (request log on), its output collected."""

    def __init__(self, db: Path, *extra: str):
        cmd = [sys.executable, "-c", "from okta_hook_emulator.cli import main; main()", "serve", "--port", "0",
               "--db", str(db), "--token", TOKEN, *extra]
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                     env={**os.environ, "PYTHONUNBUFFERED": "1"})
        self.output: list[str] = []
        self.url = ""
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not self.url:
            line = self.proc.stdout.readline()
            if not line:
                break
            self.output.append(line)
            if "listening on " in line:
                self.url = line.split("listening on ", 1)[1].strip()
        assert self.url, "".join(self.output)
        self._reader = threading.Thread(target=self._drain, daemon=True)
        self._reader.start()

    def _drain(self) -> None:
        for line in self.proc.stdout:
            self.output.append(line)

    def stop(self) -> str:
        stop_cli_server(self.proc)
        self._reader.join(5)
        return "".join(self.output)


@pytest.mark.slow
def test_planted_secrets_appear_on_no_surface(tmp_path):
    hook = hostile_hook().HostileHook("ok").start()
    db = tmp_path / "s.db"
    server = Server(db)
    surfaces: dict[str, str] = {}
    try:
        with httpx.Client(base_url=server.url, headers={"Authorization": f"SSWS {TOKEN}"}, timeout=30) as api:
            def grab(name: str, resp: httpx.Response) -> httpx.Response:
                assert resp.status_code < 500, resp.text
                surfaces[name] = resp.text + json.dumps(dict(resp.headers))
                return resp

            eh = grab("create event hook", api.post("/api/v1/eventHooks", json={
                "name": "sec events", "events": {"type": "EVENT_TYPE", "items": ["user.lifecycle.create"]},
                "channel": {"type": "HTTP", "version": "1.0.0", "config": {
                    "uri": f"{hook.url}/events", "headers": [{"key": "X-Api-Key", "value": CUSTOM_SECRET}],
                    "authScheme": {"type": "HEADER", "key": "Authorization", "value": EVENT_SECRET}}}})).json()
            grab("verify", api.post(f"/api/v1/eventHooks/{eh['id']}/lifecycle/verify"))
            ih = grab("create inline hook", api.post("/api/v1/inlineHooks", json={
                "name": "sec inline", "type": "com.okta.oauth2.tokens.transform", "version": "1.0.0",
                "channel": {"type": "HTTP", "version": "1.0.0", "config": {
                    "uri": f"{hook.url}/inline", "method": "POST",
                    "authScheme": {"type": "HEADER", "key": "X-Hook-Token", "value": INLINE_SECRET}}}})).json()
            oh = grab("create oauth inline hook", api.post("/api/v1/inlineHooks", json={
                "name": "sec oauth", "type": "com.okta.import.transform", "version": "1.0.0",
                "channel": {"type": "OAUTH", "version": "1.0.0", "config": {
                    "uri": f"{hook.url}/oauth", "method": "POST", "authType": "client_secret_post",
                    "clientId": "0oaPlanted", "clientSecret": OAUTH_SECRET,
                    "tokenUrl": f"{hook.url}/token", "scope": "okta.hooks"}}})).json()
            grab("events", api.post("/_emulator/events", json={"eventType": "user.lifecycle.create", "count": 3}))
            grab("flow", api.post("/_emulator/flows/token", json={}))
            grab("execute", api.post(f"/api/v1/inlineHooks/{ih['id']}/execute", json={"data": {}}))
            grab("execute oauth", api.post(f"/api/v1/inlineHooks/{oh['id']}/execute", json={"data": {}}))
            assert api.post("/_emulator/wait", json={"timeout": 30}).json()["idle"]
            for name, path in [("event hooks", "/api/v1/eventHooks"), ("inline hooks", "/api/v1/inlineHooks"),
                               ("event hook", f"/api/v1/eventHooks/{eh['id']}"),
                               ("inline hook", f"/api/v1/inlineHooks/{ih['id']}"),
                               ("oauth hook", f"/api/v1/inlineHooks/{oh['id']}"),
                               ("logs", "/api/v1/logs?limit=1000"), ("org", "/_emulator/org"),
                               ("deliveries", "/_emulator/deliveries?limit=1000"),
                               ("openapi", "/_emulator/openapi.json")]:
                grab(name, api.get(path))
            records = api.get("/_emulator/deliveries", params={"limit": 1000}).json()
            assert {r["kind"] for r in records} >= {"verification", "event", "token"}
            for record in records:
                grab(f"delivery {record['id']}", api.get(f"/_emulator/deliveries/{record['id']}"))
            # dashboard pages (when the dashboard is installed): the index and every local page it links to
            index = httpx.get(server.url + "/", timeout=30)
            if index.status_code == 200 and "html" in index.headers.get("content-type", ""):
                surfaces["dashboard /"] = index.text
                links = set(re.findall(r'href="(/[^"#?]*)"', index.text)) | {"/deliveries", "/logs", "/fire"}
                for record in records[:10]:
                    links.add(f"/deliveries/{record['id']}")
                for link in sorted(links)[:60]:
                    page = httpx.get(server.url + link, timeout=30)
                    assert page.status_code < 500, (link, page.text[:300])
                    surfaces[f"dashboard {link}"] = page.text
    finally:
        surfaces["server output"] = server.stop()
        hook.stop()

    # the secrets were really in play: the hook received them
    assert hook.hits["/events"] >= 2 and hook.hits["/inline"] >= 2
    conn = sqlite3.connect(db)
    try:
        for table in ("deliveries", "logs"):
            surfaces[f"db {table}"] = "\n".join(r[0] for r in conn.execute(f"SELECT data FROM {table}"))
    finally:
        conn.close()
    assert "********" in surfaces["db deliveries"]  # masked, not dropped
    for name in ("db deliveries", "db logs", "server output"):
        assert CUSTOM_SECRET not in surfaces[name], name
    assert not any(CUSTOM_SECRET in text for name, text in surfaces.items() if name.startswith("delivery "))
    for name, text in surfaces.items():
        for secret in HOOK_SECRETS:
            assert secret not in text, f"hook secret leaked on surface: {name}"
        if name != "server output":
            assert TOKEN not in text, f"API token leaked on surface: {name}"
    # the server's own output shows the API token once, in the banner the operator needs, and never logs it
    banner = [line for line in surfaces["server output"].splitlines() if TOKEN in line]
    assert len(banner) == 1 and "API token:" in banner[0]


@pytest.mark.slow
def test_cli_verify_masks_the_auth_header(tmp_path):
    hook = hostile_hook().HostileHook("ok").start()
    try:
        for extra in ([], ["--json"]):
            done = subprocess.run([sys.executable, "-c", "from okta_hook_emulator.cli import main; main()",
                                   "verify", f"{hook.url}/cli", "--auth-header", f"Authorization:{EVENT_SECRET}",
                                   "--header", f"X-Api-Key:{INLINE_SECRET}", "--timeout", "2", *extra],
                                  capture_output=True, text=True, timeout=60)
            assert done.returncode == 0, done.stdout + done.stderr
            assert EVENT_SECRET not in done.stdout + done.stderr
            assert INLINE_SECRET not in done.stdout + done.stderr
    finally:
        hook.stop()
    assert hook.hits["/cli"] == 2


SCENARIO = f"""version: 1
name: planted-secrets
steps:
  - name: verify
    action: verify
    auth_header: {{name: Authorization, value: {EVENT_SECRET}}}
    headers: {{X-Api-Key: {CUSTOM_SECRET}}}
  - name: events
    action: events
    event_types: [user.lifecycle.create]
    auth_header: {{name: Authorization, value: {EVENT_SECRET}}}
  - name: token
    action: inline
    hook: token
    auth_header: {{name: X-Hook-Token, value: {INLINE_SECRET}}}
"""


@pytest.mark.slow
@pytest.mark.parametrize("report", ["text", "json", "junit"])
def test_cli_scenario_reports_mask_secrets(tmp_path, report):
    hook = hostile_hook().HostileHook("ok").start()
    scenario = tmp_path / "s.yaml"
    scenario.write_text(SCENARIO)
    try:
        done = subprocess.run([sys.executable, "-c", "from okta_hook_emulator.cli import main; main()", "run",
                               str(scenario), "--target", f"{hook.url}/run", "--report", report,
                               "--output", str(tmp_path / "report"), "--policy", "timeout=2"],
                              capture_output=True, text=True, timeout=120)
    finally:
        hook.stop()
    assert hook.hits["/run"] >= 3  # the steps really ran against the hook, carrying the secrets
    text = done.stdout + done.stderr + (tmp_path / "report").read_text()
    for secret in (EVENT_SECRET, INLINE_SECRET, CUSTOM_SECRET):
        assert secret not in text, f"{secret} leaked in the {report} report"


def test_management_api_refuses_requests_without_the_token():
    handle = serve({"api_token": TOKEN})
    try:
        for path in ("/api/v1/eventHooks", "/api/v1/inlineHooks", "/api/v1/logs", "/_emulator/deliveries"):
            for headers in ({}, {"Authorization": "SSWS"}, {"Authorization": f"SSWS {TOKEN}x"},
                            {"Authorization": TOKEN}, {"Authorization": f"Bearer {TOKEN}"}):
                resp = httpx.get(handle.url + path, headers=headers)
                assert resp.status_code == 401 and resp.json()["errorCode"] == "E0000011", (path, headers)
                assert TOKEN not in resp.text
            assert httpx.get(handle.url + path, headers={"Authorization": f"SSWS {TOKEN}"}).status_code == 200
        create = httpx.post(handle.url + "/api/v1/eventHooks", json={"name": "x"})
        assert create.status_code == 401 and not handle.state.store.list_hooks("event")
    finally:
        handle.stop()


@pytest.mark.slow
def test_default_bind_is_loopback(tmp_path):
    from okta_hook_emulator.commands import serve as serve_command
    from okta_hook_emulator.server import runner

    assert inspect.signature(runner.serve).parameters["host"].default == "127.0.0.1"
    host_option = next(p for p in serve_command.command.params if p.name == "host")
    assert host_option.default == "127.0.0.1"
    server = Server(tmp_path / "b.db", "--quiet")
    try:
        assert server.url.startswith("http://127.0.0.1:")
        port = int(server.url.rsplit(":", 1)[1])
        out = subprocess.run(["ss", "-ltnH", f"sport = :{port}"], capture_output=True, text=True)
        if out.returncode == 0 and out.stdout.strip():
            assert all(" 127.0.0.1:" in line for line in out.stdout.strip().splitlines()), out.stdout
    finally:
        server.stop()


@pytest.mark.parametrize("status", [301, 302, 307])
def test_event_delivery_redirects_are_never_followed(status):
    hook = hostile_hook().HostileHook("ok").start()
    handle = serve({"api_token": TOKEN, "policy": {"timeout": 0.5}, "worker_interval": 0.02})
    try:
        with httpx.Client(base_url=handle.url, headers={"Authorization": f"SSWS {TOKEN}"}, timeout=30) as api:
            eh = api.post("/api/v1/eventHooks", json={
                "name": "redirect", "events": {"type": "EVENT_TYPE", "items": ["user.lifecycle.create"]},
                "channel": {"type": "HTTP", "version": "1.0.0",
                            "config": {"uri": f"{hook.url}/verified/redirect-{status}"}}}).json()
            assert api.post(f"/api/v1/eventHooks/{eh['id']}/lifecycle/verify").status_code == 200
            api.post("/_emulator/events", json={"eventType": "user.lifecycle.create", "count": 2})
            assert api.post("/_emulator/wait", json={"timeout": 10}).json()["idle"]
            records = api.get("/_emulator/deliveries", params={"kind": "event"}).json()
            assert [(r["verdict"], r["attempts"]) for r in records] == [("failed", 1)]
    finally:
        handle.stop()
        hook.stop()
    assert hook.hits["/redirected-here"] == 0
