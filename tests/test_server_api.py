"""Management API (event hooks, inline hooks): Okta's object shapes, lifecycle rules, validation and errors.
Every validation rule is checked for its exact error code and a helpful cause."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from okta_hook_emulator.payloads.event_types import event_types
from okta_hook_emulator.server import serve
from tests.helpers.server import (
    AUTH,
    TOKEN,
    answer_verification,
    assert_okta_error,
    event_hook_body,
    inline_hook_body,
)

HOOK = "https://hooks.example.com/okta"


def _create(api: httpx.Client, body: dict) -> dict:
    resp = api.post("/api/v1/eventHooks", json=body)
    assert resp.status_code == 200, resp.text
    return resp.json()


def _create_inline(api: httpx.Client, body: dict) -> dict:
    resp = api.post("/api/v1/inlineHooks", json=body)
    assert resp.status_code == 200, resp.text
    return resp.json()


# -- event hook objects --------------------------------------------------------------------------------------

def test_event_hook_create_matches_okta_recorded_shape(api: httpx.Client, okta_example: Any) -> None:
    request = okta_example("api-eventhook-create.request.json")
    recorded = okta_example("api-eventhook-create.response.json")
    hook = _create(api, request)
    assert list(hook) == list(recorded)
    assert list(hook["channel"]["config"]) == list(recorded["channel"]["config"])
    assert hook["status"] == "ACTIVE" and hook["verificationStatus"] == "UNVERIFIED"
    assert hook["description"] is None and hook["events"]["filter"] is None
    assert hook["channel"]["config"]["headers"] == [] and hook["channel"]["config"]["method"] == "POST"
    assert hook["channel"]["config"]["authScheme"] == {"type": "HEADER", "key": "Authorization"}  # no value
    assert hook["createdBy"].startswith("00u") and hook["created"] == hook["lastUpdated"]
    assert list(hook["_links"]) == ["self", "verify", "deactivate"]
    assert hook["_links"]["verify"] == {"href": f"{str(api.base_url).rstrip('/')}/api/v1/eventHooks/{hook['id']}/lifecycle/verify",
                                        "hints": {"allow": ["POST"]}}


def test_event_hook_links_follow_status_and_secret_is_never_returned(api: httpx.Client) -> None:
    hook = _create(api, event_hook_body(HOOK))
    inactive = api.post(f"/api/v1/eventHooks/{hook['id']}/lifecycle/deactivate").json()
    assert inactive["status"] == "INACTIVE"
    assert list(inactive["_links"]) == ["activate", "self", "delete"]
    assert inactive["_links"]["delete"]["hints"] == {"allow": ["DELETE"]}
    for body in (api.get(f"/api/v1/eventHooks/{hook['id']}").json(), api.get("/api/v1/eventHooks").json()[0]):
        assert "my-shared-secret" not in json.dumps(body)


def test_event_hook_filter_is_stored_as_okta_shows_it(api: httpx.Client, okta_example: Any) -> None:
    body = okta_example("api-eventhook-create-with-filter.request.json")
    hook = _create(api, body)
    fmap = hook["events"]["filter"]["eventFilterMap"][0]
    assert fmap["condition"] == {"version": None, "expression": body["events"]["filter"]["eventFilterMap"][0][
        "condition"]["expression"]}
    assert hook["description"] == body["description"]


def test_replace_resets_verification_only_when_the_uri_changes(api: httpx.Client, httpserver: Any) -> None:
    answer_verification(httpserver)
    uri = httpserver.url_for("/hook")
    hook = _create(api, event_hook_body(uri))
    assert api.post(f"/api/v1/eventHooks/{hook['id']}/lifecycle/verify").json()["verificationStatus"] == "VERIFIED"
    same = event_hook_body(uri, items=["user.lifecycle.create", "group.user_membership.add"], name="Renamed")
    same["channel"]["config"]["authScheme"].pop("value")  # write-only: omitted value keeps the stored secret
    kept = api.put(f"/api/v1/eventHooks/{hook['id']}", json=same).json()
    assert kept["verificationStatus"] == "VERIFIED" and kept["name"] == "Renamed"
    assert kept["events"]["items"] == ["user.lifecycle.create", "group.user_membership.add"]
    # the stored secret still travels to the hook on the next verification
    assert api.post(f"/api/v1/eventHooks/{hook['id']}/lifecycle/verify").status_code == 200
    assert httpserver.log[-1][0].headers["Authorization"] == "my-shared-secret"
    moved = api.put(f"/api/v1/eventHooks/{hook['id']}", json=event_hook_body(uri + "/v2", name="Renamed")).json()
    assert moved["verificationStatus"] == "UNVERIFIED"


def test_replace_honours_status_for_event_hooks(api: httpx.Client) -> None:
    hook = _create(api, event_hook_body(HOOK))
    assert api.put(f"/api/v1/eventHooks/{hook['id']}", json=event_hook_body(HOOK, status="INACTIVE")).json()[
        "status"] == "INACTIVE"
    assert api.put(f"/api/v1/eventHooks/{hook['id']}", json=event_hook_body(HOOK, status="ACTIVE")).json()[
        "status"] == "ACTIVE"


def test_delete_only_inactive_event_hook_then_404(api: httpx.Client) -> None:
    hook = _create(api, event_hook_body(HOOK))
    resp = api.delete(f"/api/v1/eventHooks/{hook['id']}")
    assert_okta_error(resp, 400, "E0000001", "only INACTIVE event hooks can be deleted", "lifecycle/deactivate")
    api.post(f"/api/v1/eventHooks/{hook['id']}/lifecycle/deactivate")
    resp = api.delete(f"/api/v1/eventHooks/{hook['id']}")
    assert resp.status_code == 204 and resp.content == b""
    assert_okta_error(api.get(f"/api/v1/eventHooks/{hook['id']}"), 404, "E0000007", hook["id"])


def test_verify_failure_is_okta_error_with_cause_and_detail(api: httpx.Client, httpserver: Any) -> None:
    httpserver.expect_request("/hook", method="GET").respond_with_json({"verification": "wrong"})
    hook = _create(api, event_hook_body(httpserver.url_for("/hook"), name="Payroll sync"))
    resp = api.post(f"/api/v1/eventHooks/{hook['id']}/lifecycle/verify")
    body = assert_okta_error(resp, 400, "E0000001", "Unable to verify event hook. Hook Payroll sync execution failed")
    assert body["errorSummary"] == "Api validation failed: eventHook"
    assert len(body["errorCauses"]) >= 2 and "wrong" in body["errorCauses"][1]["errorSummary"]
    assert api.get(f"/api/v1/eventHooks/{hook['id']}").json()["verificationStatus"] == "UNVERIFIED"
    logged = api.get("/api/v1/logs", params={"filter": 'eventType eq "event_hook.verified"'}).json()
    assert len(logged) == 1  # fired even when the verification fails, once
    assert logged[0]["outcome"]["result"] == "FAILURE" and logged[0]["target"][0]["id"] == hook["id"]


# -- errors common to every route -------------------------------------------------------------------------

def test_malformed_json_is_E0000003(api: httpx.Client) -> None:
    resp = api.post("/api/v1/eventHooks", content=b'{"name": "x",', headers={"Content-Type": "application/json"})
    assert_okta_error(resp, 400, "E0000003", "Malformed JSON")
    resp = api.post("/api/v1/inlineHooks", content=b'["a list"]', headers={"Content-Type": "application/json"})
    assert_okta_error(resp, 400, "E0000003", "Expected a JSON object")


def test_unknown_ids_are_E0000007(api: httpx.Client) -> None:
    assert_okta_error(api.get("/api/v1/eventHooks/whoNope"), 404, "E0000007", "whoNope", "GET /api/v1/eventHooks")
    assert_okta_error(api.post("/api/v1/inlineHooks/calNope/lifecycle/activate"), 404, "E0000007", "calNope")


def test_wrong_method_is_E0000022(api: httpx.Client) -> None:
    hook = _create(api, event_hook_body(HOOK))
    resp = api.patch(f"/api/v1/eventHooks/{hook['id']}", json={})
    body = assert_okta_error(resp, 405, "E0000022", "PATCH is not supported", "DELETE", "PUT")
    assert body["errorSummary"] == "The endpoint does not support the provided HTTP method"


@pytest.mark.parametrize("headers, hint", [({}, "Missing Authorization header"),
                                           ({"Authorization": "SSWS wrong"}, "SSWS <api token>"),
                                           ({"Authorization": f"Bearer {TOKEN}"}, "SSWS <api token>")])
def test_missing_or_wrong_token_is_E0000011(server: Any, headers: dict, hint: str) -> None:
    for path in ("/api/v1/eventHooks", "/api/v1/inlineHooks", "/api/v1/logs", "/_emulator/deliveries"):
        resp = httpx.get(server.url + path, headers=headers)
        assert_okta_error(resp, 401, "E0000011", hint)


# -- validation rules ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("name, cause", [("", "cannot be left blank"), (None, "cannot be left blank"),
                                         ("x" * 256, "the maximum is 255")])
def test_name_length(api: httpx.Client, name: Any, cause: str) -> None:
    assert_okta_error(api.post("/api/v1/eventHooks", json=event_hook_body(HOOK, name=name)), 400, "E0000001",
                      "name:", cause)
    assert_okta_error(api.post("/api/v1/inlineHooks", json=inline_hook_body(HOOK, name=name)), 400, "E0000001",
                      "name:", cause)
    _create(api, event_hook_body(HOOK, name="x" * 255))


def test_name_unique(api: httpx.Client) -> None:
    first = _create(api, event_hook_body(HOOK, name="Dup"))
    assert_okta_error(api.post("/api/v1/eventHooks", json=event_hook_body(HOOK, name="Dup")), 400, "E0000001",
                      "already exists", first["id"])
    other = _create(api, event_hook_body(HOOK, name="Other"))
    assert_okta_error(api.put(f"/api/v1/eventHooks/{other['id']}", json=event_hook_body(HOOK, name="Dup")), 400,
                      "E0000001", "already exists")
    _create_inline(api, inline_hook_body(HOOK, name="Dup"))  # inline hooks are a separate namespace
    assert_okta_error(api.post("/api/v1/inlineHooks", json=inline_hook_body(HOOK, name="Dup")), 400, "E0000001",
                      "already exists")


def test_event_types_must_be_eligible(api: httpx.Client) -> None:
    body = event_hook_body(HOOK, items=["user.lifecycle.craete", "event_hook.delivery"])
    resp = api.post("/api/v1/eventHooks", json=body)
    body = assert_okta_error(resp, 400, "E0000001", "'user.lifecycle.craete' is not an event-hook-eligible",
                             "Did you mean 'user.lifecycle.create'", "'event_hook.delivery' is not")
    assert len(body["errorCauses"]) == 2  # one cause per problem


def test_at_most_300_event_types(api: httpx.Client) -> None:
    names = sorted(event_types())
    assert_okta_error(api.post("/api/v1/eventHooks", json=event_hook_body(HOOK, items=names[:301])), 400,
                      "E0000001", "301 event types given", "at most 300")
    assert len(_create(api, event_hook_body(HOOK, items=names[:300]))["events"]["items"]) == 300


def test_at_most_25_active_event_hooks(api: httpx.Client) -> None:
    hooks = [_create(api, event_hook_body(HOOK, name=f"h{i}")) for i in range(25)]
    assert_okta_error(api.post("/api/v1/eventHooks", json=event_hook_body(HOOK, name="h25")), 400, "E0000001",
                      "at most 25 active event hooks")
    api.post(f"/api/v1/eventHooks/{hooks[0]['id']}/lifecycle/deactivate")
    _create(api, event_hook_body(HOOK, name="h25"))
    assert_okta_error(api.post(f"/api/v1/eventHooks/{hooks[0]['id']}/lifecycle/activate"), 400, "E0000001",
                      "at most 25 active event hooks")


@pytest.mark.slow  # end to end through servers or processes
def test_at_most_100_inline_hooks(api: httpx.Client) -> None:
    for i in range(100):
        _create_inline(api, inline_hook_body(HOOK, name=f"i{i}"))
    assert_okta_error(api.post("/api/v1/inlineHooks", json=inline_hook_body(HOOK, name="i100")), 400, "E0000001",
                      "at most 100 inline hooks")


def test_one_password_import_hook_per_org(api: httpx.Client) -> None:
    t = "com.okta.user.credential.password.import"
    first = _create_inline(api, inline_hook_body(HOOK, hook_type=t, name="pw1"))
    api.post(f"/api/v1/inlineHooks/{first['id']}/lifecycle/deactivate")
    assert_okta_error(api.post("/api/v1/inlineHooks", json=inline_hook_body(HOOK, hook_type=t, name="pw2")), 400,
                      "E0000001", "Only one password import inline hook")


def test_one_active_telephony_hook(api: httpx.Client) -> None:
    t = "com.okta.telephony.provider"
    first = _create_inline(api, inline_hook_body(HOOK, hook_type=t, name="tel1"))
    assert_okta_error(api.post("/api/v1/inlineHooks", json=inline_hook_body(HOOK, hook_type=t, name="tel2")), 400,
                      "E0000001", "Only one ACTIVE telephony inline hook")
    api.post(f"/api/v1/inlineHooks/{first['id']}/lifecycle/deactivate")
    second = _create_inline(api, inline_hook_body(HOOK, hook_type=t, name="tel2"))
    assert second["status"] == "ACTIVE"
    assert_okta_error(api.post(f"/api/v1/inlineHooks/{first['id']}/lifecycle/activate"), 400, "E0000001",
                      "Only one ACTIVE telephony inline hook")


def test_telephony_hook_needs_auth_scheme(api: httpx.Client) -> None:
    body = inline_hook_body(HOOK, hook_type="com.okta.telephony.provider")
    body["channel"]["config"]["authScheme"] = None
    assert_okta_error(api.post("/api/v1/inlineHooks", json=body), 400, "E0000001", "must include an authScheme")


@pytest.mark.parametrize("uri, cause", [
    ("https://example.com/" + "a" * 1010, "the maximum is 1024"),
    ("https://example.com/has space", "must not contain white space"),
    ("ftp://example.com/hook", "must be an absolute https:// URL"),
    ("example.com/hook", "must be an absolute https:// URL"),
])
def test_uri_rules(api: httpx.Client, uri: str, cause: str) -> None:
    assert_okta_error(api.post("/api/v1/eventHooks", json=event_hook_body(uri)), 400, "E0000001",
                      "channel.config.uri", cause)
    assert_okta_error(api.post("/api/v1/inlineHooks", json=inline_hook_body(uri)), 400, "E0000001",
                      "channel.config.uri", cause)


def test_uri_of_exactly_1024_chars_is_accepted(api: httpx.Client) -> None:
    uri = "https://example.com/" + "a" * (1024 - len("https://example.com/"))
    assert _create(api, event_hook_body(uri))["channel"]["config"]["uri"] == uri


def test_http_uri_is_a_warning_outside_strict_mode(api: httpx.Client) -> None:
    resp = api.post("/api/v1/eventHooks", json=event_hook_body("http://127.0.0.1:9/hook"))
    assert resp.status_code == 200
    assert "requires https://" in resp.headers["X-Okta-Emulator-Warning"]
    resp = api.post("/api/v1/eventHooks", json=event_hook_body(HOOK, name="secure"))
    assert "X-Okta-Emulator-Warning" not in resp.headers


def test_strict_mode_requires_https() -> None:
    handle = serve({"api_token": TOKEN, "strict": True, "start_worker": False})
    try:
        resp = httpx.post(handle.url + "/api/v1/eventHooks", headers=AUTH,
                          json=event_hook_body("http://127.0.0.1:9/hook"))
        assert_okta_error(resp, 400, "E0000001", "must begin with https://", "strict mode")
        resp = httpx.post(handle.url + "/api/v1/inlineHooks", headers=AUTH,
                          json=inline_hook_body("http://127.0.0.1:9/hook"))
        assert_okta_error(resp, 400, "E0000001", "must begin with https://")
        assert httpx.post(handle.url + "/api/v1/eventHooks", headers=AUTH, json=event_hook_body(HOOK)).status_code \
            == 200
    finally:
        handle.stop()


def test_reserved_custom_headers_and_one_cause_per_problem(api: httpx.Client) -> None:
    body = event_hook_body("https://example.com/a b", name="")
    body["channel"]["config"]["headers"] = [{"key": "Accept", "value": "text/plain"}]
    resp = api.post("/api/v1/eventHooks", json=body)
    body = assert_okta_error(resp, 400, "E0000001", "name:", "white space", "'Accept' is reserved")
    assert len(body["errorCauses"]) == 3


def test_missing_events_and_channel(api: httpx.Client) -> None:
    resp = api.post("/api/v1/eventHooks", json={"name": "bare"})
    assert_okta_error(resp, 400, "E0000001", "events: The field is required", "channel: The field is required")


# -- inline hooks ----------------------------------------------------------------------------------------

def test_inline_hook_create_ignores_status_and_links_follow_status(api: httpx.Client) -> None:
    hook = _create_inline(api, inline_hook_body(HOOK, status="INACTIVE"))
    assert hook["status"] == "ACTIVE"
    assert list(hook) == ["id", "status", "name", "type", "version", "channel", "created", "lastUpdated", "_links"]
    assert list(hook["_links"]) == ["self", "execute", "deactivate"]
    assert hook["channel"]["config"]["authScheme"] == {"type": "HEADER", "key": "Authorization"}
    replaced = api.put(f"/api/v1/inlineHooks/{hook['id']}", json=inline_hook_body(HOOK, status="INACTIVE")).json()
    assert replaced["status"] == "ACTIVE"  # replace ignores status; use the lifecycle endpoints
    inactive = api.post(f"/api/v1/inlineHooks/{hook['id']}/lifecycle/deactivate").json()
    assert list(inactive["_links"]) == ["activate", "self", "delete"]


def test_inline_hook_oauth_channel_echoed_without_secret(api: httpx.Client, okta_example: Any) -> None:
    recorded = okta_example("api-inlinehook-create-oauth.response.json")
    hook = _create_inline(api, okta_example("api-inlinehook-create-oauth.request.json"))
    assert hook["status"] == "ACTIVE" and hook["version"] == "1.0.2"
    assert hook["channel"] == recorded["channel"]  # clientSecret is write-only
    # Calls through it first ask tokenUrl for a token (tests/test_server_oauth_channel.py); here it is unreachable.
    resp = api.post(f"/api/v1/inlineHooks/{hook['id']}/execute?timeout=0.5", json={"data": {}})
    assert_okta_error(resp, 400, "E0000134", "token request")


def test_inline_hook_invalid_type_and_immutable_type(api: httpx.Client) -> None:
    assert_okta_error(api.post("/api/v1/inlineHooks", json=inline_hook_body(HOOK, hook_type="com.okta.oauth2.token")),
                      400, "E0000001", "is not an inline hook type", "Did you mean 'com.okta.oauth2.tokens.transform'")
    hook = _create_inline(api, inline_hook_body(HOOK))
    body = inline_hook_body(HOOK, hook_type="com.okta.saml.tokens.transform")
    assert_okta_error(api.put(f"/api/v1/inlineHooks/{hook['id']}", json=body), 400, "E0000001",
                      "type of an inline hook is immutable")
    assert_okta_error(api.get("/api/v1/inlineHooks", params={"type": "token"}), 400, "E0000001",
                      "is not an inline hook type")


def test_post_update_is_partial_put_replace_is_whole(api: httpx.Client) -> None:
    hook = _create_inline(api, inline_hook_body(HOOK))
    updated = api.post(f"/api/v1/inlineHooks/{hook['id']}", json={"name": "Renamed only"}).json()
    assert updated["name"] == "Renamed only"
    assert updated["channel"] == hook["channel"]
    resp = api.put(f"/api/v1/inlineHooks/{hook['id']}", json={"name": "No channel"})
    assert_okta_error(resp, 400, "E0000001", "channel: The field is required")


def test_inline_delete_only_when_inactive(api: httpx.Client) -> None:
    hook = _create_inline(api, inline_hook_body(HOOK))
    assert_okta_error(api.delete(f"/api/v1/inlineHooks/{hook['id']}"), 400, "E0000001",
                      "only INACTIVE inline hooks can be deleted")
    api.post(f"/api/v1/inlineHooks/{hook['id']}/lifecycle/deactivate")
    assert api.delete(f"/api/v1/inlineHooks/{hook['id']}").status_code == 204
    assert_okta_error(api.get(f"/api/v1/inlineHooks/{hook['id']}"), 404, "E0000007")


def test_execute_returns_the_hook_answer(api: httpx.Client, httpserver: Any, okta_example: Any) -> None:
    answer = okta_example("token.response.add-claims.json")
    httpserver.expect_request("/token", method="POST").respond_with_json(answer)
    hook = _create_inline(api, inline_hook_body(httpserver.url_for("/token")))
    resp = api.post(f"/api/v1/inlineHooks/{hook['id']}/execute", json=okta_example("token.request.json"))
    assert resp.status_code == 200, resp.text
    assert resp.json() == answer
    sent = httpserver.log[-1][0]
    assert sent.headers["Authorization"] == "inline-secret" and sent.headers["X-Env"] == "test"
    assert sent.json == okta_example("token.request.json")


def test_execute_failures_are_400_with_what_failed(api: httpx.Client, httpserver: Any, okta_example: Any) -> None:
    httpserver.expect_request("/broken", method="POST").respond_with_data("boom", status=500)
    hook = _create_inline(api, inline_hook_body(httpserver.url_for("/broken")))
    resp = api.post(f"/api/v1/inlineHooks/{hook['id']}/execute", json=okta_example("token.request.json"))
    assert_okta_error(resp, 400, "E0000134", "500")
    # a hook that never answers: port 9 on loopback refuses or times out
    slow = _create_inline(api, inline_hook_body("http://127.0.0.1:9/never", name="dead"))
    resp = api.post(f"/api/v1/inlineHooks/{slow['id']}/execute", json=okta_example("token.request.json"))
    assert resp.status_code == 400 and resp.json()["errorCode"] in ("E0000134", "E0000137")
    api.post(f"/api/v1/inlineHooks/{hook['id']}/lifecycle/deactivate")
    resp = api.post(f"/api/v1/inlineHooks/{hook['id']}/execute", json=okta_example("token.request.json"))
    assert_okta_error(resp, 400, "E0000001", "INACTIVE and cannot be executed")


def test_hook_lifecycle_is_written_to_the_system_log(api: httpx.Client) -> None:
    hook = _create(api, event_hook_body(HOOK, name="Audited"))
    api.post(f"/api/v1/eventHooks/{hook['id']}/lifecycle/deactivate")
    api.delete(f"/api/v1/eventHooks/{hook['id']}")
    inline = _create_inline(api, inline_hook_body(HOOK))
    types = [e["eventType"] for e in api.get("/api/v1/logs").json()]
    assert types == ["event_hook.created", "event_hook.deactivated", "event_hook.deleted", "inline_hook.created"]
    events = api.get("/api/v1/logs", params={"filter": f'target.id eq "{inline["id"]}"'}).json()
    assert [e["target"][0]["type"] for e in events] == ["InlineHook"]
