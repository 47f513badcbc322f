"""The Management API and System Log as Okta's SDKs see them: `execute` without side effects, API log events
naming the caller, polling `next` links, comparison and `not` filters, request-id and rate-limit headers,
429 E0000047, and `--tls` cleaning up after itself (server/rate_limit.py, api_caller.py, logs.py)."""

from __future__ import annotations

import os
import ssl
from typing import Any

import httpx

from okta_hook_emulator.payloads.event_types import is_eligible
from okta_hook_emulator.payloads.generate import PayloadFactory
from okta_hook_emulator.server import serve
from okta_hook_emulator.server.el_filter import compile_filter
from okta_hook_emulator.server.logs import parse_filter
from tests.helpers.server import (
    AUTH,
    SHORT,
    TOKEN,
    assert_okta_error,
    event_hook_body,
    inline_hook_body,
)


def _import_hook(client: httpx.Client, httpserver: Any) -> str:
    httpserver.expect_request("/import", method="POST").respond_with_json(
        {"commands": [{"type": "com.okta.action.update", "value": {"result": "CREATE_USER"}}]})
    resp = client.post("/api/v1/inlineHooks", json=inline_hook_body(httpserver.url_for("/import"),
                                                                     "com.okta.import.transform", "Import hook"))
    assert resp.status_code == 200, resp.text
    return resp.json()["id"]


def _logs(client: httpx.Client, flt: str | None = None) -> httpx.Response:
    return client.get("/api/v1/logs", params={"filter": flt} if flt else None)


def test_execute_writes_no_flow_event_and_delivers_nothing(api, httpserver):
    hook_id = _import_hook(api, httpserver)
    # an event hook subscribed to the flow's event: it must receive nothing
    httpserver.expect_request("/events", method="POST").respond_with_data("", status=204)
    api.post("/api/v1/eventHooks", json=event_hook_body(httpserver.url_for("/events"),
                                                        ["user.lifecycle.create", "inline_hook.executed"]))
    request = PayloadFactory(0).inline_request("import")
    resp = api.post(f"/api/v1/inlineHooks/{hook_id}/execute", json=request)
    assert resp.status_code == 200, resp.text
    assert resp.json()["commands"][0]["value"] == {"result": "CREATE_USER"}
    assert _logs(api, 'eventType eq "user.lifecycle.create"').json() == []
    written = [e["eventType"] for e in _logs(api).json()]
    assert "inline_hook.response.processed" in written
    assert not [t for t in written if is_eligible(t)]  # nothing an event hook could receive
    processed = _logs(api, 'eventType eq "inline_hook.response.processed"').json()[0]
    assert processed["debugContext"]["debugData"]["requestUri"] == f"/api/v1/inlineHooks/{hook_id}/execute"


def test_api_log_events_name_the_caller(api, server):
    body = event_hook_body("https://hooks.example.com/okta", ["user.lifecycle.create"])
    created = api.post("/api/v1/eventHooks", json=body, headers={"User-Agent": "okta-sdk-nodejs/7.1.0"})
    hook_id = created.json()["id"]
    api.post(f"/api/v1/eventHooks/{hook_id}/lifecycle/deactivate", headers={"User-Agent": "terraform/1.9"})
    events = {e["eventType"]: e for e in _logs(api, 'eventType sw "event_hook."').json()}
    made, off = events["event_hook.created"], events["event_hook.deactivated"]
    owner = server.state.emulator.payloads.org.admins[0]
    assert made["actor"]["id"] == off["actor"]["id"] == owner.id
    assert made["actor"]["alternateId"] == owner.login
    assert made["client"]["ipAddress"] == "127.0.0.1"
    assert made["client"]["userAgent"]["rawUserAgent"] == "okta-sdk-nodejs/7.1.0"
    assert off["client"]["userAgent"]["rawUserAgent"] == "terraform/1.9"
    assert made["debugContext"]["debugData"]["requestUri"] == "/api/v1/eventHooks"
    assert off["debugContext"]["debugData"]["requestUri"] == f"/api/v1/eventHooks/{hook_id}/lifecycle/deactivate"
    assert made["debugContext"]["debugData"]["requestId"] == created.headers["X-Okta-Request-Id"]
    assert made["transaction"]["id"] == created.headers["X-Okta-Request-Id"]


def _next(resp: httpx.Response) -> str | None:
    for link in resp.headers.get_list("link"):
        if link.endswith('rel="next"'):
            return link[1:link.index(">")]
    return None


def test_polling_always_answers_a_next_link(api):
    empty = _logs(api, 'eventType eq "nothing"')
    assert empty.json() == [] and _next(empty)
    api.post("/api/v1/eventHooks", json=event_hook_body("https://hooks.example.com/a", ["user.lifecycle.create"]))
    last_page = _logs(api)
    assert len(last_page.json()) == 1 and _next(last_page)
    follow = api.get(_next(last_page))
    assert follow.json() == [] and _next(follow)
    api.post("/api/v1/eventHooks", json=event_hook_body("https://hooks.example.com/b", ["user.lifecycle.create"],
                                                        name="Second"))
    news = api.get(_next(follow)).json()
    assert [e["target"][0]["displayName"] for e in news] == ["Second"]
    bounded = api.get("/api/v1/logs", params={"since": "2000-01-01T00:00:00Z", "until": "2100-01-01T00:00:00Z"})
    assert len(bounded.json()) == 2 and _next(bounded) is None


def test_published_comparisons_filter_by_time(api):
    for name in ("A", "B"):
        api.post("/api/v1/eventHooks", json=event_hook_body(f"https://hooks.example.com/{name}",
                                                            ["user.lifecycle.create"], name=name))
    first, second = _logs(api).json()
    assert [e["uuid"] for e in _logs(api, f'published gt "{first["published"]}"').json()] in (
        [second["uuid"]], [])  # same millisecond: nothing is strictly later
    assert [e["uuid"] for e in _logs(api, f'published ge "{first["published"]}"').json()] == [
        first["uuid"], second["uuid"]]
    assert _logs(api, 'published lt "2000-01-01T00:00:00Z"').json() == []
    assert len(_logs(api, 'published le "2100-01-01T00:00:00.000Z"').json()) == 2


def test_system_log_filter_operators():
    event = {"eventType": "user.session.start", "published": "2026-03-01T10:00:00.123Z",
             "outcome": {"result": "FAILURE"}, "severity": "WARN"}
    assert parse_filter('published gt "2026-03-01T10:00:00Z"')(event)  # precision differs: compared as times
    assert not parse_filter('published lt "2026-03-01T10:00:00Z"')(event)
    assert parse_filter('severity ge "WARN" and severity le "WARN"')(event)
    assert parse_filter('not (outcome.result eq "SUCCESS")')(event)
    assert not parse_filter('not (eventType sw "user.")')(event)
    assert parse_filter('eventType eq "x" or not (severity eq "INFO")')(event)


def test_event_hook_filter_word_operators():
    event = {"eventType": "user.session.start", "debugContext": {"debugData": {"risk": 7}}}
    assert compile_filter("event.debugData.risk gt 5 and event.debugData.risk le 7")(event)
    assert compile_filter("not (event.eventType eq 'x')")(event)
    assert not compile_filter("event.debugData.risk lt 7")(event)


def test_every_api_answer_has_request_id_and_rate_limit_headers(api, server):
    answers = [api.get("/api/v1/eventHooks"), api.get("/api/v1/logs"), api.get("/api/v1/eventHooks/nope"),
               httpx.get(server.url + "/api/v1/inlineHooks")]  # 401: no token
    assert [a.status_code for a in answers] == [200, 200, 404, 401]
    ids = [a.headers["X-Okta-Request-Id"] for a in answers]
    assert len(set(ids)) == 4 and all(len(i) == 27 for i in ids)
    remaining = [int(a.headers["X-Rate-Limit-Remaining"]) for a in answers]
    assert remaining == sorted(remaining, reverse=True) and remaining[0] > remaining[-1]
    for a in answers:
        assert int(a.headers["X-Rate-Limit-Limit"]) >= int(a.headers["X-Rate-Limit-Remaining"])
        assert int(a.headers["X-Rate-Limit-Reset"]) % 60 == 0


def test_rate_limit_answers_429_E0000047():
    handle = serve({"api_token": TOKEN, "policy": dict(SHORT), "rate_limit_per_minute": 3}, dashboard=False)
    try:
        with httpx.Client(base_url=handle.url, headers=AUTH) as client:
            answers = [client.get("/api/v1/eventHooks") for _ in range(4)]
    finally:
        handle.stop()
    assert [a.status_code for a in answers[:3]] == [200, 200, 200]
    body = assert_okta_error(answers[3], 429, "E0000047")
    assert body["errorSummary"] == "API call exceeded rate limit due to too many requests."
    assert answers[3].headers["X-Rate-Limit-Limit"] == "3"
    assert answers[3].headers["X-Rate-Limit-Remaining"] == "0"


def test_tls_server_removes_its_certificate_folder():
    handle = serve({"api_token": TOKEN}, tls=True, dashboard=False)
    folder = os.path.dirname(handle.server.ssl_context.cert_path)
    assert os.path.exists(os.path.join(folder, "key.pem"))
    trust = ssl.create_default_context(cafile=handle.server.ssl_context.cert_path)
    with httpx.Client(verify=trust) as client:
        assert client.get(handle.url + "/api/v1/eventHooks", headers=AUTH).status_code == 200
    handle.stop()
    assert not os.path.exists(folder)


def test_serve_cli_takes_rate_limit():
    from click.testing import CliRunner

    from okta_hook_emulator.commands.serve import command

    result = CliRunner().invoke(command, ["--rate-limit", "0"])
    assert result.exit_code == 2 and "--rate-limit" in result.output
