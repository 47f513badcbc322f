"""Dashboard over plain HTTP (no browser): the form token guards every state-changing POST, secrets never reach a
page, the pages render for a newcomer and for a busy org, and the empty state's commands really work."""

from __future__ import annotations

import html
import re
import shlex
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner
from werkzeug import Request, Response

from okta_hook_emulator.server import serve
from tests.helpers.server import answer_token_with_claim, answer_verification

REPO = Path(__file__).resolve().parents[1]
TOKEN = "00dashboard-test-api-token"
AUTH_SECRET = "hook-auth-secret-value-42"
HEADER_SECRET = "custom-api-key-value-77"
PAGES = ["/", "/deliveries", "/deliveries/live", "/fire", "/logs", "/latency"]


@pytest.fixture
def emu() -> Iterator[Any]:
    handle = serve({"api_token": TOKEN, "policy": {"timeout": 1.5}, "worker_interval": 0.02})
    try:
        yield handle
    finally:
        handle.stop()


@pytest.fixture
def web(emu: Any) -> Iterator[httpx.Client]:
    """A browser-like client: no API token, follows redirects."""
    with httpx.Client(base_url=emu.url, follow_redirects=True, timeout=20) as client:
        yield client


def form_token(client: httpx.Client) -> str:
    page = client.get("/").text
    return html.unescape(re.search(r'name="csrf_token" value="([^"]+)"', page).group(1))


def hook_service(httpserver: Any) -> str:
    """pytest-httpserver as the hook: answers verification, accepts events, adds a claim to tokens."""
    answer_verification(httpserver, "/hook")
    httpserver.expect_request("/hook", method="POST").respond_with_data("", status=200)
    answer_token_with_claim(httpserver, "/token")
    return httpserver.url_for("/hook")


def register(web: httpx.Client, token: str, **fields: Any) -> httpx.Response:
    data = {"csrf_token": token, "type": "event", "name": "Hook", "auth_key": "Authorization",
            "auth_value": AUTH_SECRET, **fields}
    return web.post("/hooks", data=data)


# -- the form token ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/hooks", "/hooks/event/whoX/verify", "/hooks/inline/calX/activate",
                                  "/fire/events", "/fire/flow", "/fire/scenario"])
def test_post_without_the_form_token_is_refused(emu: Any, web: httpx.Client, path: str) -> None:
    before = emu.state.store.count_logs()
    resp = web.post(path, data={"event_type": "user.lifecycle.create", "name": "x", "uri": "http://127.0.0.1:1/h",
                                "kind": "token", "scenario": "token-add-claims"})
    assert resp.status_code == 403
    body = resp.json()
    assert body["errorCode"] == "E0000006" and body["errorSummary"] and body["errorId"]
    assert "csrf_token" in body["errorCauses"][0]["errorSummary"]
    assert emu.state.store.count_logs() == before  # nothing happened
    assert emu.state.store.list_hooks("event") == []


def test_wrong_token_and_cross_origin_posts_are_refused(emu: Any, web: httpx.Client) -> None:
    token = form_token(web)
    wrong = web.post("/fire/events", data={"csrf_token": token[:-2] + "xx", "event_type": "user.lifecycle.create"})
    assert wrong.status_code == 403 and wrong.json()["errorCode"] == "E0000006"
    cross = web.post("/fire/events", data={"csrf_token": token, "event_type": "user.lifecycle.create"},
                     headers={"Origin": "http://evil.example"})
    assert cross.status_code == 403 and "Cross-origin" in cross.json()["errorCauses"][0]["errorSummary"]
    assert emu.state.store.count_logs() == 0
    ok = web.post("/fire/events", data={"csrf_token": token, "event_type": "user.lifecycle.create"},
                  headers={"Origin": emu.url})
    assert ok.status_code == 200 and emu.state.store.count_logs() == 1


def test_each_app_has_its_own_secret_form_token() -> None:
    a = serve({"start_worker": False})
    b = serve({"start_worker": False})
    try:
        ta = form_token(httpx.Client(base_url=a.url))
        tb = form_token(httpx.Client(base_url=b.url))
        assert ta != tb and len(ta) >= 32
        refused = httpx.post(b.url + "/fire/events", data={"csrf_token": ta, "event_type": "user.lifecycle.create"})
        assert refused.status_code == 403
    finally:
        a.stop()
        b.stop()


# -- pages ----------------------------------------------------------------------------------------------------

def test_pages_render_for_a_newcomer_with_the_first_command(emu: Any, web: httpx.Client) -> None:
    for path in PAGES:
        resp = web.get(path)
        assert resp.status_code == 200, path
        assert "default-src 'self'" in resp.headers["Content-Security-Policy"]
    home = web.get("/").text
    assert "Nothing here yet" in home
    assert f"okta-hooks run event-hook-verification --server {emu.url} --token &lt;API token&gt;" in home
    assert TOKEN not in home  # the empty state names the token, never shows it
    assert "No deliveries yet" in web.get("/deliveries").text
    css = web.get("/dashboard-static/dashboard.css")
    js = web.get("/dashboard-static/dashboard.js")
    assert css.status_code == js.status_code == 200 and "skip-link" in css.text and "fetch(" in js.text


def test_no_page_references_another_origin(emu: Any, web: httpx.Client, httpserver: Any) -> None:
    target = hook_service(httpserver)
    register(web, form_token(web), uri=target, event_type="user.lifecycle.create")
    for path in PAGES:
        text = web.get(path).text
        for url in re.findall(r'(?:src|href|action)="([^"]+)"', text):
            assert url.startswith(("/", "#")), (path, url)
    for name in ("dashboard.js", "dashboard.css"):
        assert "http://" not in web.get(f"/dashboard-static/{name}").text.replace("http://www.w3.org", "")


def test_secrets_never_reach_a_page(emu: Any, web: httpx.Client, httpserver: Any) -> None:
    target = hook_service(httpserver)
    token = form_token(web)
    resp = register(web, token, uri=target, event_type="user.lifecycle.create",
                    headers=f"X-Api-Key: {HEADER_SECRET}\nX-Env: demo")
    assert resp.status_code == 200
    hook_id = emu.state.store.list_hooks("event")[0]["id"]
    assert web.post(f"/hooks/event/{hook_id}/verify", data={"csrf_token": token}).status_code == 200
    register(web, token, type="token", name="Tokens", uri=httpserver.url_for("/token"))
    web.post("/fire/events", data={"csrf_token": token, "event_type": "user.lifecycle.create", "count": "2"})
    flow = web.post("/fire/flow", data={"csrf_token": token, "kind": "token"})
    assert flow.status_code == 200 and "/deliveries/dlv" in str(flow.url)
    emu.state.worker.wait_idle(5)
    # The hook really got the secrets...
    sent = [r for r, _ in httpserver.log if r.method == "POST" and r.path == "/hook"]
    assert sent and sent[0].headers["Authorization"] == AUTH_SECRET and sent[0].headers["X-Api-Key"] == HEADER_SECRET
    # ...and no dashboard page shows them (nor the API token).
    pages = PAGES + [f"/deliveries/{r['id']}" for r in emu.state.store.list_deliveries()]
    pages += ["/logs?q=hook", "/?done=created&hook=" + hook_id]
    for path in pages:
        text = web.get(path).text
        for secret in (AUTH_SECRET, HEADER_SECRET, TOKEN):
            assert secret not in text, (path, secret)
    event = emu.state.store.list_deliveries(kind="event")[0]["id"]
    detail = web.get(f"/deliveries/{event}").text
    for name in ("Authorization", "X-Api-Key"):
        assert f'<th scope="row">{name}</th><td><span class="mask"' in detail
    assert '<th scope="row">X-Env</th><td>demo</td>' in detail


def test_form_errors_are_shown_in_okta_words_and_keep_the_input(emu: Any, web: httpx.Client) -> None:
    token = form_token(web)
    resp = register(web, token, name="Bad", uri="http://127.0.0.1:9/hook", event_type="user.lifecycle.craete")
    assert resp.status_code == 400
    assert "Api validation failed" in resp.text and "Did you mean &#39;user.lifecycle.create&#39;" in resp.text
    assert 'value="Bad"' in resp.text and AUTH_SECRET not in resp.text  # the secret is not echoed back
    flow = web.post("/fire/flow", data={"csrf_token": token, "kind": "registration"})
    assert flow.status_code == 400 and "Register and activate" in flow.text
    bad_filter = web.get("/logs", params={"filter": "eventType eq"})
    assert bad_filter.status_code == 400 and "E0000031" in bad_filter.text


def test_hook_buttons_drive_the_management_api(emu: Any, web: httpx.Client, httpserver: Any) -> None:
    target = hook_service(httpserver)
    token = form_token(web)
    register(web, token, uri=target, event_type="user.lifecycle.create")
    hook_id = emu.state.store.list_hooks("event")[0]["id"]
    api = httpx.Client(base_url=emu.url, headers={"Authorization": f"SSWS {TOKEN}"})
    assert api.get(f"/api/v1/eventHooks/{hook_id}").json()["verificationStatus"] == "UNVERIFIED"
    page = web.post(f"/hooks/event/{hook_id}/verify", data={"csrf_token": token})
    assert "verified." in page.text
    assert api.get(f"/api/v1/eventHooks/{hook_id}").json()["verificationStatus"] == "VERIFIED"
    web.post(f"/hooks/event/{hook_id}/deactivate", data={"csrf_token": token})
    assert api.get(f"/api/v1/eventHooks/{hook_id}").json()["status"] == "INACTIVE"
    web.post(f"/hooks/event/{hook_id}/delete", data={"csrf_token": token})
    assert api.get(f"/api/v1/eventHooks/{hook_id}").status_code == 404
    types = [e["eventType"] for e in api.get("/api/v1/logs").json()]
    assert {"event_hook.created", "event_hook.verified", "event_hook.deactivated", "event_hook.deleted"} <= set(types)


def test_live_endpoint_filters_and_reports_new_deliveries(emu: Any, web: httpx.Client, httpserver: Any) -> None:
    target = hook_service(httpserver)
    token = form_token(web)
    register(web, token, uri=target, event_type="user.lifecycle.create")
    hook_id = emu.state.store.list_hooks("event")[0]["id"]
    web.post(f"/hooks/event/{hook_id}/verify", data={"csrf_token": token})
    first = web.get("/deliveries/live").json()
    assert first["count"] == 1 and 'data-verdict="ok"' in first["html"]
    web.post("/fire/events", data={"csrf_token": token, "event_type": "user.lifecycle.create"})
    emu.state.worker.wait_idle(5)
    second = web.get("/deliveries/live").json()
    assert second["count"] == 2 and second["signature"] != first["signature"]
    only_events = web.get("/deliveries/live", params={"kind": "event"}).json()
    assert only_events["count"] == 1 and "user.lifecycle.create" in only_events["html"]
    assert web.get("/deliveries/live", params={"verdict": "failed"}).json()["count"] == 0


@pytest.mark.slow  # a hook call waits out its budget
def test_latency_chart_marks_timeouts_against_the_budget(emu: Any, web: httpx.Client, httpserver: Any) -> None:
    import time

    def slow(request: Request) -> Response:
        time.sleep(2.0)  # longer than this server's 1.5 s timeout
        return Response("{}", content_type="application/json")

    httpserver.expect_request("/slow", method="POST").respond_with_handler(slow)
    token = form_token(web)
    register(web, token, type="token", name="Slow tokens", uri=httpserver.url_for("/slow"))
    web.post("/fire/flow", data={"csrf_token": token, "kind": "token"})
    page = web.get("/latency").text
    assert "Okta's 3 s budget</text>" in page and "this server's timeout: 1.5 s</text>" in page
    assert page.count('class="bar bar-timeout"') == 1 and 'class="mark-timeout"' in page
    assert re.search(r"<dt>timeouts</dt><dd>1</dd>", page)


def test_scenario_runs_through_this_server_and_shows_its_report(emu: Any, web: httpx.Client,
                                                                httpserver: Any) -> None:
    target = hook_service(httpserver)
    resp = web.post("/fire/scenario", data={"csrf_token": form_token(web), "scenario": "event-hook-verification",
                                            "target": target})
    assert resp.status_code == 200
    assert "event-hook-verification" in resp.text and "passed" in resp.text and "step-passed" in resp.text
    rows = emu.state.store.list_deliveries(kind="verification")
    assert rows and rows[0]["verdict"] == "ok"  # recorded by the server: visible on the Deliveries page


def test_the_empty_state_commands_really_work(emu: Any, web: httpx.Client) -> None:
    from okta_hook_emulator import cli

    home = web.get("/").text
    commands = {m.group(1): html.unescape(m.group(2)) for m in
                re.finditer(r'data-command="([\w-]+)"><code>(.*?)</code>', home)}
    sample = shlex.split(commands["sample-hook"])
    assert sample[:2] == ["okta-hooks", "sample-hook"]
    proc = subprocess.Popen([sys.executable, "-m", "okta_hook_emulator.cli", *sample[1:-1], "0"], cwd=REPO,
                            stdout=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()  # "Sample hook listening on http://127.0.0.1:PORT/hooks ..."
        hook_url = re.search(r"(http://127\.0\.0\.1:\d+/hooks)", line).group(1)
        run = shlex.split(commands["run"].replace("<API token>", TOKEN).replace("http://127.0.0.1:8080/hooks",
                                                                                 hook_url))
        assert run[0] == "okta-hooks"
        cli._load()
        result = CliRunner().invoke(cli.cli, run[1:])
        assert result.exit_code == 0, result.output
    finally:
        proc.terminate()
        proc.wait(10)
    hooks = web.get("/").text
    assert "Nothing here yet" not in hooks and "✓ VERIFIED" in hooks


def test_serve_binds_loopback_unless_told_otherwise() -> None:
    from okta_hook_emulator.commands.serve import command

    host = next(p for p in command.params if p.name == "host")
    assert host.default == "127.0.0.1"
    handle = serve({"start_worker": False})
    try:
        assert handle.server.server_address[0] == "127.0.0.1"
    finally:
        handle.stop()


@pytest.mark.slow
def test_demo_flow_every_builtin_scenario_shows_up_with_full_details() -> None:
    """What `make demo` does (minus the 3 s timeout scenario): every delivery renders request, response,
    attempts, verdict and outcome."""
    from okta_hook_emulator.demo import load_sample_hook
    from okta_hook_emulator.scenarios import builtin_names, load, run_scenario
    from okta_hook_emulator.scenarios.remote import ServerClient, register_hooks

    sample = load_sample_hook()
    hook_server, hook_thread, hook_base = sample.serve(sample.create_app(), "127.0.0.1", 0)
    handle = serve({"api_token": TOKEN, "worker_interval": 0.02})
    target = hook_base + "/hooks"
    try:
        scenarios = [load(n) for n in builtin_names() if n != "slow-hook-timeout"]
        event_types = sorted({t for sc in scenarios for s in sc.steps if s.action == "events"
                              for t in s.spec["event_types"]})
        kinds = sorted({k for sc in scenarios for k in sc.kinds if k != "event"})
        client = ServerClient(handle.url, TOKEN)
        try:
            register_hooks(client, target, event_types, kinds)
        finally:
            client.close()
        for sc in scenarios:
            run_scenario(sc, server=handle.url, token=TOKEN, target=target)
        handle.state.worker.wait_idle(10)
        web = httpx.Client(base_url=handle.url, timeout=20)
        rows = handle.state.store.list_deliveries(limit=1000)
        assert {r["kind"] for r in rows} >= {"verification", "event", *kinds}
        listing = web.get("/deliveries").text
        for kind in kinds:
            assert f'<td>{html.escape(KIND_TITLE[kind])}</td>' in listing, kind
        for row in rows:
            page = web.get(f"/deliveries/{row['id']}")
            assert page.status_code == 200, row
            text = page.text
            assert "Attempt 1" in text and "Request <span" in text and "Response <span" in text
            assert f'class="badge verdict verdict-{row["verdict"]}"' in text
            if row["kind"] not in ("event", "verification"):
                assert "What Okta made of the answer" in text
                assert ("Token claims" in text or "Registration outcome" in text or "<h2 id=\"outcome-title\">"
                        in text), row
        for path in PAGES:
            assert web.get(path).status_code == 200
    finally:
        handle.stop()
        hook_server.shutdown()
        hook_thread.join(5)


KIND_TITLE = {"token": "Token inline hook", "saml": "SAML assertion inline hook",
              "registration": "Registration inline hook", "import": "User import inline hook",
              "password-import": "Password import inline hook", "telephony": "Telephony inline hook"}


def test_a_token_error_shows_claims_as_not_issued_not_removed(emu: Any, web: httpx.Client, httpserver: Any) -> None:
    """A hook `error` means Okta mints no token: the claims table must not blame the hook for removing claims."""
    httpserver.expect_request("/token", method="POST").respond_with_json({"error": {"errorSummary": "Blocked user"}})
    token = form_token(web)
    register(web, token, type="token", name="Tokens", uri=httpserver.url_for("/token"))
    flow = web.post("/fire/flow", data={"csrf_token": token, "kind": "token"})
    assert flow.status_code == 200 and "/deliveries/dlv" in str(flow.url)
    page = flow.text
    assert "No tokens issued" in page and "Blocked user" in page
    assert "removed by the hook" not in page and "changed by the hook" not in page
    assert "not issued" in page
