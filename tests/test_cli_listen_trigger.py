"""The daily loop (issue #14 items 1 and 2): the server's delivery observer, the delivery line every live view
prints, ``okta-hooks listen`` and ``okta-hooks trigger`` (errors, option parsing, and end to end in processes)."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import threading
from typing import Any

import httpx
import pytest
from click.testing import CliRunner

from okta_hook_emulator.cli import _load, cli
from okta_hook_emulator.commands.listen import delivery_line, failure_reason
from tests.helpers.hooks import HookService
from tests.helpers.listen import Listen, run_cli
from tests.helpers.server import TOKEN, answer_verification, event_hook_body, inline_hook_body

EVENT_TYPE = "user.lifecycle.create"


def _closed_port_url(path: str = "/hook") -> str:
    """A loopback URL nothing listens on (the port was free a moment ago): connection refused."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}{path}"


def _invoke(*args: str, env: dict[str, str] | None = None) -> Any:
    _load()
    return CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)


def _register_event_hook(api: httpx.Client, url: str) -> str:
    hook_id = api.post("/api/v1/eventHooks", json=event_hook_body(url, [EVENT_TYPE])).json()["id"]
    assert api.post(f"/api/v1/eventHooks/{hook_id}/lifecycle/verify").status_code == 200
    return hook_id


# -- the observer point -------------------------------------------------------------------------------------

def test_every_stored_delivery_reaches_the_observers_once(server: Any, api: httpx.Client, httpserver: Any) -> None:
    answer_verification(httpserver)
    httpserver.expect_request("/hook", method="POST").respond_with_data("", status=204)
    seen: list[dict] = []
    unsubscribe = server.state.on_delivery(seen.append)
    server.state.on_delivery(lambda record: 1 / 0)  # a broken observer disturbs nothing
    _register_event_hook(api, httpserver.url_for("/hook"))
    api.post("/_emulator/events", json={"eventType": EVENT_TYPE, "count": 2})
    assert api.post("/_emulator/wait", json={"timeout": 10}).json()["idle"] is True
    assert [r["kind"] for r in seen] == ["verification", "event"]
    assert seen[1]["verdict"] == "ok" and seen[1]["outcome"]["events"] == 2
    stored = api.get(f"/_emulator/deliveries/{seen[1]['id']}").json()
    assert stored["outcome"] == seen[1]["outcome"] and stored["verdict"] == seen[1]["verdict"]
    unsubscribe()
    api.post("/_emulator/events", json={"eventType": EVENT_TYPE})
    assert api.post("/_emulator/wait", json={"timeout": 10}).json()["idle"] is True
    assert len(seen) == 2
    assert len(api.get("/_emulator/deliveries", params={"kind": "event"}).json()) == 2


# -- the delivery line ---------------------------------------------------------------------------------------

def test_delivery_line_of_an_accepted_event_batch(server: Any, api: httpx.Client, httpserver: Any) -> None:
    answer_verification(httpserver)
    httpserver.expect_request("/hook", method="POST").respond_with_data("", status=204)
    seen: list[dict] = []
    server.state.on_delivery(seen.append)
    _register_event_hook(api, httpserver.url_for("/hook"))
    api.post("/_emulator/events", json={"eventType": EVENT_TYPE, "count": 3})
    api.post("/_emulator/wait", json={"timeout": 10})
    verification, event = (delivery_line(r) for r in seen)
    assert "verification" in verification and "HTTP 200" in verification and verification.endswith("ok")
    fields = event.split()
    assert fields[1:4] == [EVENT_TYPE, "(3", "events)"]
    assert fields[4] == seen[1]["outcome"]["eventId"]
    assert fields[5:7] == ["HTTP", "204"] and fields[8:] == ["ms", "1", "attempt", "ok"]


def test_delivery_line_says_why_a_call_failed(server: Any, api: httpx.Client, httpserver: Any) -> None:
    httpserver.expect_request("/token", method="POST").respond_with_json({"commands": [
        {"type": "com.okta.identity.patch", "value": [{"op": "add", "path": "/claims/sub", "value": "x"}]}]})
    httpserver.expect_request("/boom", method="POST").respond_with_data("no", status=500)
    seen: list[dict] = []
    server.state.on_delivery(seen.append)
    api.post("/api/v1/inlineHooks", json=inline_hook_body(httpserver.url_for("/token")))
    api.post("/_emulator/flows/token", json={})
    hook = api.post("/api/v1/inlineHooks", json=inline_hook_body(
        _closed_port_url(), hook_type="com.okta.user.pre-registration", name="Registration")).json()
    api.post("/_emulator/flows/registration", json={})
    api.post(f"/api/v1/inlineHooks/{hook['id']}/lifecycle/deactivate")
    api.post("/api/v1/inlineHooks", json=inline_hook_body(
        httpserver.url_for("/boom"), hook_type="com.okta.user.pre-registration", name="Registration 2"))
    api.post("/_emulator/flows/registration", json={})
    invalid, refused, error_500 = (delivery_line(r) for r in seen)
    assert "token flow" in invalid and " invalid  aud_sub_access_only at $.commands[0].value[0].path: " in invalid
    assert "registration flow" in refused and "no answer" in refused and re.search(r"failed  connection refused by 127\.0\.0\.1:\d+ \(2 attempts\)$", refused)
    assert "HTTP 500" in error_500 and error_500.endswith("failed  HTTP 500 after 2 attempts")
    for line in (invalid, refused, error_500):
        assert "None" not in line


def _attempt(n: int, transport: str, error: str | None, status: int | None = None) -> dict:
    return {"number": n, "started_at": "2026-01-02T03:04:05.678Z", "transport": transport, "error": error,
            "elapsed_ms": 3000.4 if transport == "timeout" else 12.0,
            "response": {"status": status} if status else None}


@pytest.mark.parametrize(("attempts", "expected"), [
    ([_attempt(1, "timeout", "no complete response within 3 s")], "timed out after 3 s"),
    ([_attempt(1, "timeout", "no complete response within 3 s"), _attempt(2, "timeout",
      "no complete response within 3 s")], "timed out after 3 s (2 attempts)"),
    ([_attempt(1, "connection_error", "could not connect: [Errno 111] Connection refused")], "connection refused"),
    ([_attempt(1, "http_error", "HTTP 500", 500), _attempt(2, "http_error", "HTTP 503", 503)],
     "HTTP 503 after 2 attempts"),
    ([_attempt(1, "redirect", "HTTP 302 redirect to /x (Okta does not follow redirects)", 302)],
     "HTTP 302 redirect to /x (Okta does not follow redirects)"),
])
def test_failure_reason_in_okta_terms(attempts: list[dict], expected: str) -> None:
    record = {"kind": "event", "eventType": EVENT_TYPE, "verdict": "failed", "createdAt": attempts[0]["started_at"],
              "attempts": attempts, "outcome": {"eventId": "e-1", "events": 1, "accepted": False}}
    assert failure_reason(record) == expected
    line = delivery_line(record)
    assert line.startswith("03:04:05.678  ") and line.endswith(f"failed  {expected}") and "None" not in line


def test_a_failed_verification_names_the_failed_check() -> None:
    record = {"kind": "verification", "verdict": "failed", "createdAt": "2026-01-02T03:04:05.678Z",
              "attempts": [_attempt(1, "ok", None, 200)],
              "outcome": {"checks": [{"name": "JSON body", "passed": True, "detail": ""},
                                     {"name": "value equals the challenge", "passed": False,
                                      "detail": "sent 'abc', got 'xyz'"}]}}
    assert delivery_line(record).endswith("failed  check 'value equals the challenge' failed: sent 'abc', got 'xyz'")


def test_a_record_without_attempts_or_time_prints_no_none() -> None:
    line = delivery_line({"kind": "token", "verdict": "failed", "createdAt": None, "attempts": [],
                          "request": None, "outcome": None, "result": {"reason": None}, "note": None})
    assert "None" not in line and "no answer" in line and "0 attempts" in line


# -- listen: option parsing and start-up errors -------------------------------------------------------------

@pytest.mark.parametrize(("args", "words"), [
    ([], "--forward-to"),
    (["--inline", "tokn=http://127.0.0.1:1/t"], "Did you mean 'token'?"),
    (["--inline", "event=http://127.0.0.1:1/t"], "not an inline kind"),
    (["--inline", "token"], "KIND=URL"),
    (["--forward-to", "http://127.0.0.1:1/h", "--events", "user.lifecycle.craete"], "Did you mean"),
    (["--events", EVENT_TYPE, "--inline", "token=http://127.0.0.1:1/t"], "--forward-to"),
])
def test_listen_usage_errors_are_one_line_and_exit_2(args: list[str], words: str) -> None:
    result = _invoke("listen", "--port", "0", *args)
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: ") and words in result.stderr and result.stderr.count("\n") == 1
    assert "Traceback" not in result.output


def test_listen_stops_with_the_reason_when_the_event_hook_does_not_verify() -> None:
    url = _closed_port_url()
    result = _invoke("listen", "--forward-to", url, "--events", EVENT_TYPE, "--port", "0")
    assert result.exit_code == 1
    assert "failed  connection refused" in result.stdout  # the live line of the verification GET
    assert f"The event hook at {url} did not verify: " in result.stderr and "Connection refused" in result.stderr
    assert result.stdout.rstrip().endswith("Stopped.")


# -- trigger ---------------------------------------------------------------------------------------------------

def _org(server: Any) -> dict[str, str]:
    return {"OKTA_HOOKS_ORG_URL": server.url, "OKTA_HOOKS_TOKEN": TOKEN}


@pytest.mark.parametrize(("args", "env", "words"), [
    (["user.lifecycle.craete"], {"OKTA_HOOKS_ORG_URL": "http://127.0.0.1:1", "OKTA_HOOKS_TOKEN": "t"},
     "Did you mean 'user.lifecycle.create'?"),
    (["tokn"], {"OKTA_HOOKS_ORG_URL": "http://127.0.0.1:1", "OKTA_HOOKS_TOKEN": "t"}, "Did you mean 'token'?"),
    (["event"], {"OKTA_HOOKS_ORG_URL": "http://127.0.0.1:1", "OKTA_HOOKS_TOKEN": "t"}, "Give the event type"),
    ([EVENT_TYPE], {"OKTA_HOOKS_TOKEN": "t"}, "--org-url"),
    ([EVENT_TYPE, "--org-url", "http://127.0.0.1:1"], {}, "--token"),
    ([EVENT_TYPE, "--set", "novalue"], {"OKTA_HOOKS_ORG_URL": "http://127.0.0.1:1", "OKTA_HOOKS_TOKEN": "t"}, "="),
    ([EVENT_TYPE, "--set", "/target/0/displayNme=x"], {"OKTA_HOOKS_ORG_URL": "http://127.0.0.1:1",
                                                      "OKTA_HOOKS_TOKEN": "t"}, "Did you mean '/target/0/displayName'?"),
    (["token", "--set", "/data/context/usr/login=x"], {"OKTA_HOOKS_ORG_URL": "http://127.0.0.1:1",
                                                       "OKTA_HOOKS_TOKEN": "t"}, "+/data/context/usr/login=VALUE"),
])
def test_trigger_usage_errors_exit_2_before_any_request(args: list[str], env: dict, words: str) -> None:
    clean = {"OKTA_HOOKS_ORG_URL": None, "OKTA_HOOKS_TOKEN": None, **env}
    result = _invoke("trigger", *args, env=clean)
    assert result.exit_code == 2, result.output
    assert result.stderr.startswith("Error: ") and words in result.stderr and result.stderr.count("\n") == 1


def test_trigger_names_the_url_of_an_unreachable_org() -> None:
    url = _closed_port_url("")
    result = _invoke("trigger", EVENT_TYPE, "--org-url", url, "--token", "t")
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: Cannot reach the org at {url}: connection refused.")
    assert result.stderr.count("\n") == 1


def test_trigger_with_a_wrong_token_says_so(server: Any) -> None:
    result = _invoke("trigger", EVENT_TYPE, "--org-url", server.url, "--token", "wrong")
    assert result.exit_code == 2 and "refused the API token" in result.stderr


def test_trigger_a_flow_without_a_registered_hook_says_how_to_register_one(server: Any) -> None:
    result = _invoke("trigger", "saml", env=_org(server))
    assert result.exit_code == 2 and "POST /api/v1/inlineHooks" in result.stderr


def test_trigger_events_prints_the_deliveries_that_carried_them(server: Any, api: httpx.Client,
                                                                httpserver: Any) -> None:
    answer_verification(httpserver)
    httpserver.expect_request("/hook", method="POST").respond_with_data("", status=204)
    _register_event_hook(api, httpserver.url_for("/hook"))
    result = _invoke("trigger", EVENT_TYPE, "--count", "2", "--user", "ann@example.com", "--set",
                     "outcome.reason=from-trigger", env=_org(server))
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == f"Fired 2 {EVENT_TYPE} events into the System Log of {server.url}."
    assert f"{EVENT_TYPE} (2 events)" in lines[1] and lines[1].endswith("ok  [My hook]")
    assert lines[-1] == "1 delivery: 1 ok, 0 not ok."
    posted = [r.get_json() for r, _ in httpserver.log if r.method == "POST"]
    events = posted[-1]["data"]["events"]
    assert [e["outcome"]["reason"] for e in events] == ["from-trigger"] * 2
    assert all("ann@example.com" in json.dumps(e["target"]) for e in events)
    logs = api.get("/api/v1/logs", params={"filter": f'eventType eq "{EVENT_TYPE}"'}).json()
    assert {e["uuid"] for e in events} <= {e["uuid"] for e in logs}  # in the System Log too


def test_trigger_events_exits_1_when_a_hook_fails(server: Any, api: httpx.Client, httpserver: Any) -> None:
    answer_verification(httpserver)
    httpserver.expect_request("/hook", method="POST").respond_with_data("down", status=500)
    _register_event_hook(api, httpserver.url_for("/hook"))
    result = _invoke("trigger", EVENT_TYPE, env=_org(server))
    assert result.exit_code == 1
    assert "failed  HTTP 500 after 2 attempts" in result.stdout
    assert result.stdout.splitlines()[-1] == "1 delivery: 0 ok, 1 not ok."


def test_trigger_events_nobody_subscribes_to(server: Any) -> None:
    result = _invoke("trigger", EVENT_TYPE, env=_org(server))
    assert result.exit_code == 0 and "No event hook received them" in result.stdout


def test_trigger_flows_print_verdict_and_outcome(server: Any, api: httpx.Client, httpserver: Any) -> None:
    httpserver.expect_request("/token", method="POST").respond_with_data("", status=204)
    api.post("/api/v1/inlineHooks", json=inline_hook_body(httpserver.url_for("/token")))
    result = _invoke("trigger", "token", "--count", "2", "--user", "ann@example.com", env=_org(server))
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    calls = [line for line in lines if line.split()[1:3] == ["token", "flow"]]
    assert len(calls) == 2 and all("HTTP 204" in line and line.endswith("1 attempt   ok") for line in calls)
    assert "    The ID token and access token were minted unmodified." in lines  # the flow's outcome
    assert lines[-1] == "2 flow calls: 2 ok, 0 not ok."
    sent = [r.get_json() for r, _ in httpserver.log]
    assert all(body["data"]["context"]["user"]["profile"]["login"] == "ann@example.com" for body in sent)


def test_trigger_flow_against_a_dead_hook_exits_1(server: Any, api: httpx.Client) -> None:
    api.post("/api/v1/inlineHooks", json=inline_hook_body(_closed_port_url("/token")))
    result = _invoke("trigger", "token", env=_org(server))
    assert result.exit_code == 1 and "connection refused" in result.stdout


# -- end to end: listen and trigger as processes --------------------------------------------------------------

@pytest.mark.slow  # two okta-hooks processes and a stand-in hook on real sockets
def test_listen_shows_the_delivery_of_an_event_triggered_from_another_process() -> None:
    hook = HookService()
    listen = Listen("--forward-to", hook.url, "--port", "0")
    try:
        assert set(listen.env) == {"OKTA_HOOKS_ORG_URL", "OKTA_HOOKS_TOKEN"}
        assert listen.env["OKTA_HOOKS_ORG_URL"] in listen.lines[0]
        fired = run_cli("trigger", EVENT_TYPE, env=listen.env)
        assert fired.returncode == 0, fired.stdout + fired.stderr
        assert len(hook.envelope_ids) == 1 and len(hook.acked) == 1  # at the hook
        event_id = hook.envelope_ids[0]
        line = listen.wait_for_line(EVENT_TYPE, event_id)  # in listen's live view
        assert line.endswith(" ok") and "HTTP 200" in line and "1 attempt" in line
        assert event_id in fired.stdout  # and in trigger's verdicts
        assert listen.stop() == 0
        assert listen.lines[-1] == "Stopped."
    finally:
        if listen.proc.poll() is None:
            listen.proc.kill()
        hook.stop()


@pytest.mark.slow  # an okta-hooks process and a stand-in hook on real sockets
def test_serve_shows_deliveries_live_unless_told_not_to(tmp_path: Any) -> None:
    from tests.helpers.server import AUTH

    service = HookService()

    def start(*extra: str) -> tuple[subprocess.Popen, str, list[str], threading.Thread]:
        cmd = [sys.executable, "-c", "from okta_hook_emulator.cli import main; main()", "serve", "--port", "0",
               "--token", TOKEN, "--quiet", *extra]
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                env={**os.environ, "PYTHONUNBUFFERED": "1"})
        url = proc.stdout.readline().split("listening on ", 1)[1].strip()
        lines: list[str] = []
        reader = threading.Thread(target=lambda: lines.extend(proc.stdout), daemon=True)
        reader.start()
        return proc, url, lines, reader

    try:
        for extra, shown in (((), True), (("--no-live",), False)):
            proc, url, lines, reader = start(*extra)
            try:
                with httpx.Client(base_url=url, headers=AUTH, timeout=30) as api:
                    _register_event_hook(api, service.url)
                    api.post("/_emulator/events", json={"eventType": EVENT_TYPE})
                    assert api.post("/_emulator/wait", json={"timeout": 20}).json()["idle"] is True
            finally:
                proc.terminate()
                proc.wait(timeout=30)
                reader.join(10)
            live = [line for line in lines if EVENT_TYPE in line]
            assert bool(live) is shown, lines
            if shown:
                assert live[0].rstrip().endswith("ok  [My hook]")
                assert any(line.split()[1:2] == ["verification"] for line in lines)
    finally:
        service.stop()


def test_listen_replaces_the_hooks_it_registered_in_a_kept_org(server: Any, api: httpx.Client,
                                                                httpserver: Any) -> None:
    from okta_hook_emulator.commands.listen import register_hooks
    from okta_hook_emulator.payloads.catalog import get_kind

    answer_verification(httpserver)
    mine = api.post("/api/v1/inlineHooks", json=inline_hook_body(httpserver.url_for("/mine"), name="Mine")).json()
    for _ in range(2):  # a second listen on the same --db
        register_hooks(api, httpserver.url_for("/hook"), [EVENT_TYPE], [(get_kind("token"), "http://127.0.0.1:1/t")],
                       None)
    event_hooks = api.get("/api/v1/eventHooks").json()
    assert [(h["name"], h["status"], h["verificationStatus"]) for h in event_hooks] == [
        ("okta-hooks listen", "ACTIVE", "VERIFIED")]
    names = sorted(h["name"] for h in api.get("/api/v1/inlineHooks").json())
    assert names == ["Mine", "okta-hooks listen token"]
    assert api.get(f"/api/v1/inlineHooks/{mine['id']}").json()["status"] == "ACTIVE"  # not listen's: untouched


@pytest.mark.slow  # 40,000 events through an okta-hooks serve process whose output nobody reads
def test_a_live_view_nobody_reads_never_holds_up_deliveries() -> None:
    from tests.helpers.server import AUTH

    service = HookService()
    cmd = [sys.executable, "-c", "from okta_hook_emulator.cli import main; main()", "serve", "--port", "0",
           "--token", TOKEN, "--quiet"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        url = next(line for line in proc.stdout if "listening on " in line).split("listening on ", 1)[1].strip()
        # from here on nobody reads the pipe: 800 delivery lines (~120 KB) fill its 64 KB
        with httpx.Client(base_url=url, headers=AUTH, timeout=120) as api:
            _register_event_hook(api, service.url)
            for _ in range(4):
                api.post("/_emulator/events", json={"eventType": EVENT_TYPE, "count": 10_000})
            assert api.post("/_emulator/wait", json={"timeout": 60}).json()["idle"] is True
        assert len(service.acked) == 40_000
    finally:
        proc.kill()
        proc.wait(timeout=30)
        service.stop()


def test_an_inline_error_answer_gives_the_judge_reason_not_the_route() -> None:
    record = {"kind": "registration", "verdict": "error", "note": "flow", "createdAt": "2026-01-02T03:04:05.678Z",
              "attempts": [_attempt(1, "ok", None, 200)], "request": {"eventId": "abc"},
              "result": {"reason": "The hook answered an error object: Sign-up closed.", "problems": []}}
    assert delivery_line(record).endswith("error  The hook answered an error object: Sign-up closed.")
    del record["result"]
    assert delivery_line(record).endswith("1 attempt   error")


@pytest.mark.slow  # the hanging hook is cut off at the server's 2 s budget before the server can stop
def test_trigger_exits_1_when_the_deliveries_outlast_wait(server: Any, api: httpx.Client) -> None:
    hanging = HookService(hang_after=0)
    try:
        _register_event_hook(api, hanging.url)
        result = _invoke("trigger", EVENT_TYPE, "--wait", "0", env=_org(server))
        assert result.exit_code == 1
        assert result.stderr.startswith("Deliveries were still running after 0 s")
    finally:
        hanging.release()
        hanging.stop()
