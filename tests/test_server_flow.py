"""Events flow through the server: System Log -> worker -> ACTIVE + VERIFIED subscribed event hooks, with every
attempt recorded; the control API (flows, deliveries, reset, reseed, wait) and the System Log API."""

from __future__ import annotations

import ssl
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from okta_hook_emulator.clock import FixedClock
from okta_hook_emulator.server import serve
from tests.helpers.server import (
    AUTH,
    TOKEN,
    answer_verification,
    assert_okta_error,
    event_hook_body,
    inline_hook_body,
)


def _verified_hook(api: httpx.Client, httpserver: Any, path: str = "/events", **kw: Any) -> dict:
    answer_verification(httpserver, path)
    hook = api.post("/api/v1/eventHooks", json=event_hook_body(httpserver.url_for(path), **kw)).json()
    resp = api.post(f"/api/v1/eventHooks/{hook['id']}/lifecycle/verify")
    assert resp.status_code == 200, resp.text
    return resp.json()


def _posts(httpserver: Any, path: str = "/events") -> list[dict]:
    return [req.json for req, _ in httpserver.log if req.method == "POST" and req.path == path]


def _wait(api: httpx.Client) -> None:
    resp = api.post("/_emulator/wait", json={"timeout": 10})
    assert resp.status_code == 200 and resp.json()["idle"] is True, resp.text


def test_triggered_event_reaches_verified_hook_and_the_system_log(api: httpx.Client, httpserver: Any) -> None:
    httpserver.expect_request("/events", method="POST").respond_with_data("", status=200)
    hook = _verified_hook(api, httpserver)
    resp = api.post("/_emulator/events", json={"eventType": "user.lifecycle.create", "count": 3})
    assert resp.status_code == 200, resp.text
    events = resp.json()["events"]
    assert [e["eventType"] for e in events] == ["user.lifecycle.create"] * 3
    _wait(api)
    posts = _posts(httpserver)
    assert len(posts) == 1
    envelope = posts[0]
    assert envelope["eventType"] == "com.okta.event_hook" and envelope["cloudEventsVersion"] == "0.1"
    assert envelope["source"].endswith(f"/api/v1/eventHooks/{hook['id']}")
    assert [e["uuid"] for e in envelope["data"]["events"]] == [e["uuid"] for e in events]
    sent = [req for req, _ in httpserver.log if req.method == "POST"][0]
    assert sent.headers["Authorization"] == "my-shared-secret"
    assert sent.headers["User-Agent"] == f"Okta Hook Service v1.0.0 - {hook['id']}"

    logged = api.get("/api/v1/logs", params={"filter": 'eventType eq "user.lifecycle.create"'}).json()
    assert [e["uuid"] for e in logged] == [e["uuid"] for e in events]

    deliveries = api.get("/_emulator/deliveries").json()
    assert [d["kind"] for d in deliveries] == ["event", "verification"]  # newest first
    assert deliveries[0]["hookId"] == hook["id"] and deliveries[0]["verdict"] == "ok"
    assert deliveries[0]["eventType"] == "user.lifecycle.create" and deliveries[0]["attempts"] == 1
    full = api.get(f"/_emulator/deliveries/{deliveries[0]['id']}").json()
    assert full["request"]["eventId"] == envelope["eventId"]
    assert full["attempts"][0]["response"]["status"] == 200
    assert "my-shared-secret" not in str(full["attempts"])  # secrets are masked in records


def test_only_active_verified_subscribed_hooks_receive(api: httpx.Client, httpserver: Any) -> None:
    for path in ("/verified", "/unverified", "/inactive", "/other-type"):
        httpserver.expect_request(path, method="POST").respond_with_data("", status=204)
    _verified_hook(api, httpserver, "/verified", name="verified")
    api.post("/api/v1/eventHooks", json=event_hook_body(httpserver.url_for("/unverified"), name="unverified"))
    inactive = _verified_hook(api, httpserver, "/inactive", name="inactive")
    api.post(f"/api/v1/eventHooks/{inactive['id']}/lifecycle/deactivate")
    _verified_hook(api, httpserver, "/other-type", name="other", items=["group.user_membership.add"])
    api.post("/_emulator/events", json={"eventType": "user.lifecycle.create"})
    _wait(api)
    assert len(_posts(httpserver, "/verified")) == 1
    for path in ("/unverified", "/inactive", "/other-type"):
        assert _posts(httpserver, path) == []


def test_events_are_batched(api: httpx.Client, httpserver: Any) -> None:
    httpserver.expect_request("/events", method="POST").respond_with_data("", status=200)
    _verified_hook(api, httpserver, items=["user.lifecycle.create", "group.user_membership.add"])
    api.post("/_emulator/events", json={"eventType": ["user.lifecycle.create", "group.user_membership.add"],
                                        "count": 120})
    _wait(api)
    sizes = [len(p["data"]["events"]) for p in _posts(httpserver)]
    assert sum(sizes) == 120 and max(sizes) <= 50 and len(sizes) == 3


def test_failed_delivery_is_retried_once_and_logged(api: httpx.Client, httpserver: Any) -> None:
    httpserver.expect_request("/events", method="POST").respond_with_data("down", status=503)
    hook = _verified_hook(api, httpserver)
    api.post("/_emulator/events", json={"eventType": "user.lifecycle.create"})
    _wait(api)
    assert len(_posts(httpserver)) == 2  # first try + one retry on 5xx
    failed = api.get("/_emulator/deliveries", params={"verdict": "failed"}).json()
    assert len(failed) == 1 and failed[0]["attempts"] == 2 and failed[0]["hookId"] == hook["id"]
    logged = api.get("/api/v1/logs", params={"filter": 'eventType eq "event_hook.delivery"'}).json()
    assert len(logged) == 1 and logged[0]["outcome"]["result"] == "FAILURE"
    _wait(api)
    assert len(_posts(httpserver)) == 2  # event_hook.delivery is not eligible: never re-delivered


def test_flow_runs_the_registered_inline_hook(api: httpx.Client, httpserver: Any, okta_example: Any) -> None:
    assert_okta_error(api.post("/_emulator/flows/token", json={}), 404, "E0000007", "Register and activate")
    httpserver.expect_request("/token", method="POST").respond_with_json(
        okta_example("token.response.add-claims.json"))
    hook = api.post("/api/v1/inlineHooks", json=inline_hook_body(httpserver.url_for("/token"))).json()
    resp = api.post("/_emulator/flows/token", json={"policy": {"timeout": 2}})
    assert resp.status_code == 200, resp.text
    result = resp.json()
    assert result["kind"] == "token" and result["verdict"] == "ok"
    assert result["outcome"]["access_token"]["claims"]["external_guid"] == "F0384685-F87D-474B-848D-2058AC5655A7"
    assert result["request"]["source"]  # the generated request is returned
    flows = api.get("/_emulator/deliveries", params={"kind": "token"}).json()
    assert flows[0]["hookId"] == hook["id"] and flows[0]["verdict"] == "ok"
    assert_okta_error(api.post("/_emulator/flows/tokn", json={}), 400, "E0000001", "Did you mean 'token'")
    assert_okta_error(api.post("/_emulator/flows/event", json={}), 400, "E0000001", "not an inline kind")


def test_trigger_validation(api: httpx.Client) -> None:
    assert_okta_error(api.post("/_emulator/events", json={"eventType": "user.lifecycle.craete"}), 400, "E0000001",
                      "Did you mean 'user.lifecycle.create'")
    assert_okta_error(api.post("/_emulator/events", json={"eventType": "user.lifecycle.create", "count": 0}), 400,
                      "E0000001", "count")
    assert_okta_error(api.post("/_emulator/events", json={}), 400, "E0000001", "eventType")


def test_trigger_overrides_apply(api: httpx.Client) -> None:
    resp = api.post("/_emulator/events", json={"eventType": "user.lifecycle.create", "count": 2,
                                               "overrides": {"outcome.result": "FAILURE"}})
    assert [e["outcome"]["result"] for e in resp.json()["events"]] == ["FAILURE", "FAILURE"]


def test_reset_and_reseed(api: httpx.Client) -> None:
    api.post("/api/v1/inlineHooks", json=inline_hook_body("https://example.com/t"))
    api.post("/_emulator/events", json={"eventType": "user.session.start"})
    assert api.post("/_emulator/reset").json() == {"reset": True}
    assert api.get("/api/v1/inlineHooks").json() == []
    assert api.get("/api/v1/logs").json() == []
    assert api.get("/_emulator/deliveries").json() == []
    assert_okta_error(api.post("/_emulator/reseed", json={"seed": "x"}), 400, "E0000001", "seed")


def test_reseed_repeats_the_same_events_with_a_fixed_clock() -> None:
    handle = serve({"api_token": TOKEN, "clock": FixedClock(), "start_worker": False})
    try:
        with httpx.Client(base_url=handle.url, headers=AUTH) as client:
            client.post("/_emulator/reseed", json={"seed": 7})
            first = client.post("/_emulator/events", json={"eventType": "user.session.start", "count": 2}).json()
            client.post("/_emulator/reseed", json={"seed": 7})
            again = client.post("/_emulator/events", json={"eventType": "user.session.start", "count": 2}).json()
            assert first == again
            client.post("/_emulator/reseed", json={"seed": 8})
            other = client.post("/_emulator/events", json={"eventType": "user.session.start", "count": 2}).json()
            assert other != first
    finally:
        handle.stop()


# -- System Log API ------------------------------------------------------------------------------------------

def _seed_logs(api: httpx.Client) -> list[dict]:
    events = []
    for event_type, count in (("user.lifecycle.create", 3), ("user.session.start", 2), ("group.user_membership.add", 2)):
        events += api.post("/_emulator/events", json={"eventType": event_type, "count": count}).json()["events"]
    return events


def test_logs_filter_and_or(api: httpx.Client) -> None:
    events = _seed_logs(api)
    actor = events[0]["actor"]["id"]
    target = events[5]["target"][0]["id"]
    q = f'(eventType eq "user.session.start" or target.id eq "{target}") and outcome.result eq "SUCCESS"'
    got = api.get("/api/v1/logs", params={"filter": q}).json()
    expected = [e["uuid"] for e in events if (e["eventType"] == "user.session.start"
                                              or any(t["id"] == target for t in e["target"]))
                and e["outcome"]["result"] == "SUCCESS"]
    assert [e["uuid"] for e in got] == expected and expected
    by_actor = api.get("/api/v1/logs", params={"filter": f'actor.id eq "{actor}"'}).json()
    assert by_actor and all(e["actor"]["id"] == actor for e in by_actor)
    assert_okta_error(api.get("/api/v1/logs", params={"filter": 'eventType equals "x"'}), 400, "E0000031",
                      "Unknown operator 'equals'")
    assert_okta_error(api.get("/api/v1/logs", params={"filter": "eventType eq user.session.start"}), 400,
                      "E0000031", "double-quoted string")


def test_logs_q_limit_pagination_and_sort(api: httpx.Client) -> None:
    events = _seed_logs(api)
    login = events[0]["actor"]["alternateId"]
    found = api.get("/api/v1/logs", params={"q": login}).json()
    assert found and all(login in str(e) for e in found)

    seen, url = [], "/api/v1/logs?limit=3"
    while url:
        resp = api.get(url)
        seen += [e["uuid"] for e in resp.json()]
        links = resp.headers.get_list("Link")
        assert any('rel="self"' in link for link in links)
        nxt = [link for link in links if 'rel="next"' in link]
        # a polling query (no `until`) always links a next page: stop at the first empty one, as Okta says
        url = nxt[0].split(";")[0].strip("<> ") if nxt and resp.json() else None
        if url:
            assert parse_qs(urlsplit(url).query)["limit"] == ["3"]
    assert seen == [e["uuid"] for e in events]

    desc = api.get("/api/v1/logs", params={"sortOrder": "DESCENDING", "limit": 2}).json()
    assert [e["uuid"] for e in desc] == [events[-1]["uuid"], events[-2]["uuid"]]
    assert_okta_error(api.get("/api/v1/logs", params={"limit": 5000}), 400, "E0000001", "out of range")


def test_logs_since_until(api: httpx.Client) -> None:
    events = _seed_logs(api)
    assert api.get("/api/v1/logs", params={"since": "2100-01-01T00:00:00Z"}).json() == []
    assert api.get("/api/v1/logs", params={"until": "2000-01-01T00:00:00.000Z",
                                           "since": "1999-01-01T00:00:00Z"}).json() == []
    everything = api.get("/api/v1/logs", params={"since": events[0]["published"]}).json()
    assert len(everything) == len(events)
    assert_okta_error(api.get("/api/v1/logs", params={"since": "yesterday"}), 400, "E0000001", "ISO 8601")


def test_stop_drains_queued_deliveries(httpserver: Any) -> None:
    httpserver.expect_request("/events", method="POST").respond_with_data("", status=200)
    answer_verification(httpserver, "/events")
    handle = serve({"api_token": TOKEN, "policy": {"timeout": 0.3}, "worker_interval": 5.0})
    with httpx.Client(base_url=handle.url, headers=AUTH) as client:
        hook = client.post("/api/v1/eventHooks", json=event_hook_body(httpserver.url_for("/events"))).json()
        client.post(f"/api/v1/eventHooks/{hook['id']}/lifecycle/verify")
        client.post("/_emulator/events", json={"eventType": "user.lifecycle.create", "count": 4})
    handle.stop()  # the queued events are delivered before the worker stops
    assert sum(len(p["data"]["events"]) for p in _posts(httpserver)) == 4


@pytest.mark.slow
def test_tls_server_with_self_signed_certificate() -> None:
    handle = serve({"api_token": TOKEN, "start_worker": False}, tls=True)
    try:
        assert handle.url.startswith("https://127.0.0.1:")
        cert = ssl.create_default_context(cafile=handle.server.ssl_context.cert_path)
        resp = httpx.get(handle.url + "/api/v1/eventHooks", headers=AUTH, verify=cert)
        assert resp.status_code == 200 and resp.json() == []
        conf = httpx.get(handle.url + "/oauth2/default/.well-known/openid-configuration", verify=cert).json()
        assert conf["issuer"] == handle.url + "/oauth2/default"
    finally:
        handle.stop()


def test_event_hook_filter_selects_the_events_delivered(api: httpx.Client, httpserver: Any) -> None:
    httpserver.expect_request("/events", method="POST").respond_with_data("", status=200)
    hook = _verified_hook(api, httpserver, items=["group.user_membership.add", "user.lifecycle.create"])
    body = event_hook_body(httpserver.url_for("/events"), items=["group.user_membership.add", "user.lifecycle.create"])
    body["events"]["filter"] = {"type": "EXPRESSION_LANGUAGE", "eventFilterMap": [{
        "event": "group.user_membership.add",
        "condition": {"expression": "event.target.?[type eq 'UserGroup'].size()>0 && "
                                    "event.target.?[displayName eq 'Sales'].size()>0"}}]}
    body["channel"]["config"]["authScheme"].pop("value")
    assert api.put(f"/api/v1/eventHooks/{hook['id']}", json=body).json()["verificationStatus"] == "VERIFIED"
    sales = api.post("/_emulator/events", json={"eventType": "group.user_membership.add",
                                                "overrides": {"target.1.displayName": "Sales"}}).json()["events"]
    assert [t["type"] for t in sales[0]["target"]] == ["User", "UserGroup"]
    api.post("/_emulator/events", json={"eventType": "group.user_membership.add",
                                        "overrides": {"target.1.displayName": "Engineering"}})
    created = api.post("/_emulator/events", json={"eventType": "user.lifecycle.create"}).json()["events"]
    _wait(api)
    delivered = [e["uuid"] for p in _posts(httpserver) for e in p["data"]["events"]]
    assert sorted(delivered) == sorted([sales[0]["uuid"], created[0]["uuid"]])


def test_event_hook_filter_syntax_is_validated(api: httpx.Client) -> None:
    body = event_hook_body("https://example.com/h", items=["group.user_membership.add"])
    body["events"]["filter"] = {"type": "EXPRESSION_LANGUAGE", "eventFilterMap": [
        {"event": "group.user_membership.add", "condition": {"expression": "event.target.?[type eq "}}]}
    assert_okta_error(api.post("/api/v1/eventHooks", json=body), 400, "E0000001",
                      "eventFilterMap[0].condition.expression", "ends too early")


def test_flows_after_a_reseed_get_fresh_delivery_ids(api: httpx.Client, httpserver: Any) -> None:
    """A reseed replays the id sequence; new deliveries must not collide with the ones already stored."""
    httpserver.expect_request("/token").respond_with_data("", status=204)
    api.post("/api/v1/inlineHooks", json=inline_hook_body(httpserver.url_for("/token")))
    for _ in range(2):
        assert api.post("/_emulator/reseed", json={"seed": 3}).status_code == 200
        resp = api.post("/_emulator/flows/token", json={})
        assert resp.status_code == 200, resp.text
    deliveries = api.get("/_emulator/deliveries").json()
    assert len(deliveries) == 2 and len({d["id"] for d in deliveries}) == 2


def test_delivered_events_name_every_target_hook_and_drop_request(api: httpx.Client,
                                                                   httpserver: Any) -> None:
    for path in ("/one", "/two"):
        httpserver.expect_request(path, method="POST").respond_with_data("", status=200)
    one = _verified_hook(api, httpserver, "/one", name="one")
    two = _verified_hook(api, httpserver, "/two", name="two")
    api.post("/_emulator/events", json={"eventType": "user.lifecycle.create"})
    _wait(api)
    for path in ("/one", "/two"):
        [event] = _posts(httpserver, path)[0]["data"]["events"]
        # deliveries carry no top-level `request`; the ids name both hooks (capture:
        # cru-alb-user-account-update-profile, "who1hzk33c2pxL1Yl0h8,who1mpwgrxrsCR23M0h8")
        assert "request" not in event and event["client"]["ipChain"]
        assert event["debugContext"]["debugData"]["targetEventHookIds"] == f"{one['id']},{two['id']}"
    [logged] = api.get("/api/v1/logs", params={"filter": 'eventType eq "user.lifecycle.create"'}).json()
    assert logged["request"]["ipChain"] and "targetEventHookIds" not in logged["debugContext"]["debugData"]
