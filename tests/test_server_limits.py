"""Input limits of the server (issue #18 findings 3, 4, 5 and 8): lone surrogates refused, a request-body limit
answered with an Okta-shaped 413, deep JSON and deep filters answered with 400 E0000001 (never a 500), type checks
on every field (inline ``channel.version`` included) and no exception text in any answer."""

from __future__ import annotations

import json

import httpx
import pytest
from flask import Blueprint

from okta_hook_emulator.server import create_app, serve
from tests.helpers.server import AUTH, TOKEN, event_hook_body, inline_hook_body

HOOK_URI = "http://127.0.0.1:9/hook"


def assert_okta_error(resp: httpx.Response, status: int, code: str) -> dict:
    assert resp.status_code == status, resp.text[:500]
    body = resp.json()
    assert body["errorCode"] == code and body["errorSummary"] and body["errorId"], body
    return body


def raw_post(api: httpx.Client, path: str, text: str) -> httpx.Response:
    return api.post(path, content=text.encode(), headers={"Content-Type": "application/json"})


# -- finding 3: a lone surrogate ------------------------------------------------------------------------------

def test_lone_surrogate_in_a_hook_name_is_refused_and_the_dashboard_keeps_working(api):
    body = json.dumps(event_hook_body(HOOK_URI, name="a\ud800b"))  # json.dumps writes the escape \ud800
    assert "\\ud800" in body
    error = assert_okta_error(raw_post(api, "/api/v1/eventHooks", body), 400, "E0000001")
    assert "Unicode" in json.dumps(error)
    assert api.get("/api/v1/eventHooks").json() == []
    assert api.get("/").status_code == 200


def test_lone_surrogate_in_event_overrides_is_refused_and_the_system_log_keeps_working(api):
    body = json.dumps({"eventType": "user.lifecycle.create", "overrides": {"displayMessage": "x\udc80"}})
    assert_okta_error(raw_post(api, "/_emulator/events", body), 400, "E0000001")
    assert api.get("/api/v1/logs").status_code == 200
    assert api.get("/logs").status_code == 200


def test_lone_surrogate_in_a_key_is_refused(api):
    assert_okta_error(raw_post(api, "/_emulator/reseed", '{"seed": 1, "\\udfff": 2}'), 400, "E0000001")


def test_body_that_is_not_utf8_is_refused(api):
    headers = {"Content-Type": "application/json"}
    surrogate = api.post("/api/v1/eventHooks", content=b'{"name": "\xed\xa0\x80"}', headers=headers)
    assert_okta_error(surrogate, 400, "E0000001")  # UTF-8-encoded surrogate: json decodes it with surrogatepass
    assert_okta_error(api.post("/api/v1/eventHooks", content=b'{"name": "\xff"}', headers=headers), 400, "E0000003")


# -- finding 4: the request-body limit --------------------------------------------------------------------------

def test_a_body_over_the_limit_is_answered_413_and_not_stored(api):
    big = event_hook_body(HOOK_URI, description="x" * 2_000_000)
    error = assert_okta_error(api.post("/api/v1/eventHooks", json=big), 413, "E0000003")
    assert "limited to" in json.dumps(error)
    assert api.get("/api/v1/eventHooks").json() == []


def test_a_chunked_body_over_the_limit_is_answered_413():
    handle = serve({"api_token": TOKEN, "max_body_bytes": 4096})
    try:
        def chunks():
            yield b'{"name": "'
            for _ in range(10):
                yield b"x" * 1000
            yield b'"}'

        with httpx.Client(base_url=handle.url, headers=AUTH) as client:
            resp = client.post("/api/v1/eventHooks", content=chunks(), headers={"Content-Type": "application/json"})
            assert_okta_error(resp, 413, "E0000003")
            small = client.post("/api/v1/eventHooks", json=event_hook_body(HOOK_URI))
            assert small.status_code == 200, small.text
    finally:
        handle.stop()


# -- finding 5: deep input, type errors, no exception text ----------------------------------------------------

@pytest.mark.parametrize("path", ["/api/v1/eventHooks", "/api/v1/inlineHooks", "/_emulator/events",
                                  "/_emulator/flows/token", "/_emulator/reseed"])
def test_deeply_nested_json_is_a_400_not_a_500(api, path):
    for depth in (100_000, 1_000, 65):
        resp = raw_post(api, path, "[" * depth + "]" * depth)
        body = assert_okta_error(resp, 400, "E0000001")
        assert "nested too deeply" in json.dumps(body)
        assert "RecursionError" not in resp.text and "Traceback" not in resp.text


def test_json_nested_within_the_limit_is_accepted(api):
    nested: dict = {"v": 1}
    for _ in range(60):
        nested = {"n": nested}
    resp = api.post("/_emulator/events", json={"eventType": "user.lifecycle.create",
                                               "overrides": {"debugContext.debugData.deep": nested}})
    assert resp.status_code == 200, resp.text[:300]


def test_system_log_filter_nested_thousands_deep_is_a_400(api):
    flt = "(" * 5000 + 'eventType eq "x"' + ")" * 5000
    resp = api.get("/api/v1/logs", params={"filter": flt})
    assert_okta_error(resp, 400, "E0000001")
    assert "RecursionError" not in resp.text
    shallow = "(" * 5 + 'eventType eq "x"' + ")" * 5
    assert api.get("/api/v1/logs", params={"filter": shallow}).status_code == 200


@pytest.mark.parametrize("expression", ["(" * 3000 + "event.eventType eq 'x'" + ")" * 3000,
                                        "!" * 3000 + "true"])
def test_event_hook_filter_nested_thousands_deep_is_a_400(api, expression):
    body = event_hook_body(HOOK_URI)
    body["events"]["filter"] = {"type": "EXPRESSION_LANGUAGE", "eventFilterMap": [
        {"event": "user.lifecycle.create", "condition": {"version": None, "expression": expression}}]}
    resp = api.post("/api/v1/eventHooks", json=body)
    assert_okta_error(resp, 400, "E0000001")
    assert "RecursionError" not in resp.text


@pytest.mark.parametrize("field,value", [("requestType", 1), ("variant", ["x"]), ("overrides", "a=b")])
def test_flow_fields_of_the_wrong_type_are_a_400(api, field, value):
    created = api.post("/api/v1/inlineHooks", json=inline_hook_body(HOOK_URI))
    assert created.status_code == 200, created.text
    resp = api.post("/_emulator/flows/token", json={field: value})
    body = assert_okta_error(resp, 400, "E0000001")
    assert field in json.dumps(body) and "TypeError" not in resp.text


def test_an_unexpected_failure_answers_500_without_the_exception_text():
    boom = Blueprint("boom", __name__)

    @boom.get("/_emulator/boom")
    def explode():
        raise RuntimeError("secret internal detail /etc/passwd")

    app = create_app({"api_token": TOKEN, "start_worker": False, "blueprints": [boom]})
    resp = app.test_client().get("/_emulator/boom", headers=AUTH)
    assert resp.status_code == 500
    assert resp.get_json()["errorCode"] == "E0000009"
    assert "secret internal detail" not in resp.get_data(as_text=True)
    assert "RuntimeError" not in resp.get_data(as_text=True)


# -- finding 8: inline channel.version is type-checked --------------------------------------------------------

@pytest.mark.parametrize("version", [{"x": 1}, ["1.0.0"], 1, True])
def test_inline_hook_channel_version_must_be_a_string(api, version):
    body = inline_hook_body(HOOK_URI)
    body["channel"]["version"] = version
    error = assert_okta_error(api.post("/api/v1/inlineHooks", json=body), 400, "E0000001")
    assert "channel.version" in json.dumps(error)
    assert api.get("/api/v1/inlineHooks").json() == []


def test_inline_oauth_scope_must_be_a_string(api):
    body = inline_hook_body(HOOK_URI)
    body["channel"] = {"type": "OAUTH", "version": "1.0.0", "config": {
        "uri": HOOK_URI, "method": "POST", "authType": "client_secret_post", "clientId": "0oa1",
        "clientSecret": "s3cret-value", "tokenUrl": "http://127.0.0.1:9/token", "scope": ["a"]}}
    error = assert_okta_error(api.post("/api/v1/inlineHooks", json=body), 400, "E0000001")
    assert "channel.config.scope" in json.dumps(error)
