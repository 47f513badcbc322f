"""Fuzzing. (1) Arbitrary JSON values and arbitrary bytes as inline answers, for every kind, through an in-process
WSGI hook: always an ``InlineResult`` with a verdict, never an exception. (2) The Management and control APIs driven
from their OpenAPI document with near-valid and junk inputs: never a 5xx; every 4xx is an Okta error object, with at
least one cause when validation failed (OAuth endpoints answer OAuth's ``error`` objects instead)."""

from __future__ import annotations

import json
import re
from importlib import resources

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from okta_hook_emulator.emulator.core import Emulator
from okta_hook_emulator.emulator.results import VERDICT_ERROR, VERDICT_FAILED, VERDICT_INVALID, VERDICT_OK
from okta_hook_emulator.payloads.catalog import INLINE_KINDS, KINDS
from okta_hook_emulator.server import create_app
from tests.helpers.inline import EXAMPLES, REQUESTS

VERDICTS = {VERDICT_OK, VERDICT_ERROR, VERDICT_INVALID, VERDICT_FAILED}
TOKEN = "00hardening-fuzz-token"

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda children: st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=12), children, max_size=5),
    max_leaves=25,
)
command_types = st.sampled_from(sorted({c for k in KINDS.values() for c in getattr(k, "commands", ())} |
                                       {"com.okta.identity.patch", "com.okta.action.update", "x"}))
answers = st.one_of(
    json_values,
    st.fixed_dictionaries({}, optional={"commands": json_values | st.lists(st.fixed_dictionaries(
        {"type": command_types}, optional={"value": json_values}), max_size=3),
        "error": json_values, "debugContext": json_values}),
)
bodies = st.one_of(answers.map(lambda v: json.dumps(v).encode()), st.binary(max_size=200),
                   answers.map(lambda v: json.dumps(v).encode()[:-1]))  # truncated JSON


def test_inline_kinds_are_all_fuzzed():
    assert set(REQUESTS) == set(INLINE_KINDS)


@pytest.fixture(scope="module")
def inline_hook():
    answer: dict = {"status": 200, "body": b"", "type": "application/json"}

    def app(environ, start_response):
        environ["wsgi.input"].read()
        start_response(f"{answer['status']} X", [("Content-Type", answer["type"])])
        return [answer["body"]]

    with Emulator(seed=3) as emu:
        yield emu, app, answer


@pytest.mark.slow
@pytest.mark.parametrize("kind", INLINE_KINDS)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                 HealthCheck.function_scoped_fixture])
@given(body=bodies, status=st.sampled_from([200, 200, 200, 204, 202, 302, 404, 503]),
       content_type=st.sampled_from(["application/json", "text/html", "application/octet-stream"]))
def test_any_inline_answer_yields_a_verdict(inline_hook, kind, body, status, content_type):
    emu, app, answer = inline_hook
    answer.update(status=status, body=body, type=content_type)
    request = json.loads((EXAMPLES / REQUESTS[kind]).read_text())
    result = emu.call_inline(kind, app, request=request, timeout=2.0)
    assert result.verdict in VERDICTS
    assert "internal emulator error" not in result.reason, result.reason
    assert result.outcome is not None and result.outcome.summary
    json.dumps(result.to_dict())
    if status not in range(200, 300):
        assert result.verdict == VERDICT_FAILED


# -- Management API ------------------------------------------------------------------------------------------

SAFE_URIS = ["http://127.0.0.1:9/hook", "https://127.0.0.1:9/hook", "http://localhost:9/x", "ftp://127.0.0.1/x",
             "", "not a url", "http://127.0.0.1:9/" + "a" * 1100]
junk_text = st.text(max_size=30).filter(lambda s: "://" not in s)
uris = st.sampled_from(SAFE_URIS) | junk_text
auth_schemes = st.one_of(st.none(), json_values, st.fixed_dictionaries(
    {"type": st.sampled_from(["HEADER", "BASIC", "x"]), "key": st.sampled_from(["Authorization", "", "X y"]) | junk_text,
     "value": st.sampled_from(["s3cret", ""]) | junk_text}))
headers_lists = st.one_of(json_values, st.lists(st.fixed_dictionaries(
    {"key": st.sampled_from(["X-Env", "", "Bad Header"]) | junk_text, "value": junk_text}), max_size=3))
channel = st.fixed_dictionaries({}, optional={
    "type": st.sampled_from(["HTTP", "OAUTH", "x"]) | json_values, "version": st.sampled_from(["1.0.0"]) | json_values,
    "config": json_values | st.fixed_dictionaries({}, optional={
        "uri": uris, "authScheme": auth_schemes, "headers": headers_lists, "method": st.sampled_from(["POST", "GET"]),
        "clientId": junk_text, "clientSecret": junk_text, "authType": st.sampled_from(["client_secret_post", "x"]),
        "tokenUrl": uris, "scope": junk_text})})
event_types = st.sampled_from(["user.lifecycle.create", "group.lifecycle.create", "user.lifecycle.crate", ""])
event_hook = st.fixed_dictionaries({}, optional={
    "name": st.sampled_from(["hook", "x" * 300, ""]) | junk_text | json_values,
    "description": junk_text | json_values,
    "events": json_values | st.fixed_dictionaries({}, optional={
        "type": st.sampled_from(["EVENT_TYPE", "x"]), "items": st.lists(event_types, max_size=3) | json_values,
        "filter": json_values}),
    "channel": channel | json_values})
inline_hook_body = st.fixed_dictionaries({}, optional={
    "name": st.sampled_from(["hook", "x" * 300]) | junk_text | json_values,
    "type": st.sampled_from([k.okta_type for k in KINDS.values() if k.inline] + ["com.okta.x"]) | json_values,
    "version": st.sampled_from(["1.0.0", "2"]) | json_values, "channel": channel | json_values})
control_bodies = {
    "/_emulator/events": st.fixed_dictionaries({}, optional={
        "eventType": event_types | st.lists(event_types, max_size=3) | json_values,
        "count": st.integers(-3, 20) | json_values, "overrides": json_values}),
    "/_emulator/flows/{kind}": st.fixed_dictionaries({}, optional={
        "requestType": junk_text | json_values, "variant": junk_text | json_values, "overrides": json_values,
        "request": json_values, "policy": json_values | st.fixed_dictionaries({}, optional={
            "timeout": st.floats(0, 0.2) | json_values, "max_retries": st.integers(-2, 2) | json_values,
            "bogus": json_values})}),
    "/_emulator/reseed": st.fixed_dictionaries({}, optional={"seed": st.integers() | json_values}),
    "/_emulator/wait": st.fixed_dictionaries({}, optional={"timeout": st.floats(-1, 0.2) | json_values}),
}
query_values = st.sampled_from(["", "0", "-1", "1e9", "abc", "10", "2026-01-01T00:00:00.000Z", "nan",
                                'eventType eq "user.lifecycle.create"', 'x eq', "ASCENDING", "DESCENDING"]) | junk_text


def _spec() -> dict:
    return json.loads(resources.files("okta_hook_emulator.server").joinpath("openapi.json").read_text())


OPERATIONS = [(path, method.upper(), op) for path, ops in _spec()["paths"].items()
              for method, op in ops.items() if method in ("get", "post", "put", "delete")]


def _seeded_client():
    app = create_app({"api_token": TOKEN, "start_worker": False,
                      "policy": {"timeout": 0.2, "max_retries": 0}})
    with app.test_client() as c:
        _seed(c)
        yield c
    app.extensions["okta_hooks"].close()


@pytest.fixture(scope="module")
def client():
    """The app the fuzzers drive (they may delete or deactivate the seeded hooks)."""
    yield from _seeded_client()


@pytest.fixture(scope="module")
def untouched_client():
    """An app with the seeded hooks left as they are (no fuzzer drives it)."""
    yield from _seeded_client()


def _seed(c) -> None:
    """A few valid hooks, so fuzzed ids, flows and execute reach existing resources."""
    auth = {"Authorization": f"SSWS {TOKEN}"}
    for kind in INLINE_KINDS:
        config = {"uri": SAFE_URIS[0], "method": "POST",
                  "authScheme": {"type": "HEADER", "key": "Authorization", "value": "s3cret"}}
        c.post("/api/v1/inlineHooks", headers=auth, json={
            "name": f"seed {kind}", "type": KINDS[kind].okta_type, "version": "1.0.0",
            "channel": {"type": "HTTP", "version": "1.0.0", "config": config}})
    c.post("/api/v1/eventHooks", headers=auth, json={
        "name": "seed event", "events": {"type": "EVENT_TYPE", "items": ["user.lifecycle.create"]},
        "channel": {"type": "HTTP", "version": "1.0.0", "config": {"uri": SAFE_URIS[0]}}})


def _body_for(path: str, method: str, op: dict, data) -> object:
    if "requestBody" not in op and method in ("GET", "DELETE"):
        return None
    if path.startswith("/api/v1/eventHooks") and method in ("POST", "PUT") and "lifecycle" not in path:
        return data.draw(event_hook | json_values)
    if path.startswith("/api/v1/inlineHooks") and method in ("POST", "PUT") and path.count("/") <= 4:
        return data.draw(inline_hook_body | json_values)
    if path in control_bodies:
        return data.draw(control_bodies[path] | json_values)
    return data.draw(st.none() | json_values)


def _ids(client, data) -> str:
    """An existing hook id (most of the time) or junk; the draws never depend on the store's state."""
    known = [h["id"] for kind in ("eventHooks", "inlineHooks")
             for h in client.get(f"/api/v1/{kind}", headers={"Authorization": f"SSWS {TOKEN}"}).get_json()]
    index = data.draw(st.integers(0, 99), label="hook index")
    junk = data.draw(st.sampled_from(["who123", "cal123", "%00", "x" * 300, "..", " "]), label="junk id")
    return known[index % len(known)] if known and index < 80 else junk


def _documented_html(op: dict | None, status: int) -> bool:
    """Whether the OpenAPI document says this operation answers ``status`` with an HTML page (Okta's
    /v1/authorize shows an error page, never JSON, for an unknown client or redirect URI)."""
    answer = ((op or {}).get("responses") or {}).get(str(status)) or {}
    return "text/html" in (answer.get("content") or {})


def assert_okta_shaped(resp, what: str, op: dict | None = None) -> None:
    if what.startswith("POST /_emulator/wait") and resp.status_code == 504:
        assert resp.get_json()["idle"] is False  # documented: the queue did not drain within the timeout
        return
    assert resp.status_code < 500, f"{what} -> {resp.status_code}: {resp.get_data(as_text=True)[:500]}"
    if 400 <= resp.status_code < 500 and _documented_html(op, resp.status_code):
        assert resp.mimetype == "text/html" and resp.get_data(), f"{what} -> {resp.status_code}: not an HTML page"
        return
    if 400 <= resp.status_code < 500:
        body = resp.get_json(silent=True)
        assert isinstance(body, dict), f"{what} -> {resp.status_code} not JSON: {resp.get_data()[:200]!r}"
        if "/oauth2/" in what:
            assert "error" in body or "errorCode" in body, body
            return
        assert {"errorCode", "errorSummary", "errorCauses"} <= set(body), body
        assert re.fullmatch(r"E\d{7}", body["errorCode"]), body
        if body["errorCode"] in ("E0000001", "E0000003"):  # validation failed: say why
            assert body["errorCauses"] and all(c.get("errorSummary") for c in body["errorCauses"]), body


@pytest.mark.slow
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_management_api_never_5xx_and_errors_are_okta_shaped(client, data):
    if not client.get("/api/v1/inlineHooks", headers={"Authorization": f"SSWS {TOKEN}"}).get_json():
        _seed(client)  # after a fuzzed /_emulator/reset
    path, method, op = data.draw(st.sampled_from(OPERATIONS), label="operation")
    url = path
    if "{hookId}" in url:
        url = url.replace("{hookId}", _ids(client, data))
    if "{kind}" in url:
        url = url.replace("{kind}", data.draw(st.sampled_from(list(INLINE_KINDS) + ["user", "event", "x"])))
    if "{deliveryId}" in url:
        url = url.replace("{deliveryId}", data.draw(st.sampled_from(["dlv1", "x"])))
    params = {}
    for p in op.get("parameters", []):
        if p.get("in") == "query" and data.draw(st.booleans()):
            params[p["name"]] = data.draw(query_values)
    body = _body_for(path, method, op, data)
    kwargs: dict = {"headers": {"Authorization": f"SSWS {TOKEN}"}, "query_string": params}
    if path.endswith("/v1/token"):
        kwargs["data"] = data.draw(st.dictionaries(st.sampled_from(
            ["grant_type", "client_id", "client_secret", "scope", "username", "password"]), junk_text, max_size=5))
    elif body is not None:
        raw = json.dumps(body).encode() if data.draw(st.booleans()) else data.draw(st.binary(max_size=40))
        kwargs.update(data=raw, content_type="application/json")
    resp = client.open(url, method=method, **kwargs)
    assert_okta_shaped(resp, f"{method} {url} {params} {str(body)[:300]}", op)


@pytest.mark.parametrize(("path", "method", "op"), OPERATIONS, ids=[f"{m} {p}" for p, m, _ in OPERATIONS])
def test_every_protected_route_refuses_missing_or_wrong_token(client, path, method, op):
    url = path.replace("{hookId}", "who123").replace("{kind}", "token").replace("{deliveryId}", "dlv1")
    if not url.startswith(("/api/", "/_emulator/")) or url == "/_emulator/openapi.json":
        return  # OAuth endpoints and the OpenAPI document need no SSWS token (as in Okta)
    for headers in ({}, {"Authorization": "SSWS wrong"}, {"Authorization": f"Bearer {TOKEN}"}):
        resp = client.open(url, method=method, headers=headers, json={})
        assert resp.status_code == 401, (url, headers, resp.status_code)
        assert resp.get_json()["errorCode"] == "E0000011"


BAD_POLICIES = [{"timeout": "abc"}, {"timeout": -1}, {"timeout": 0}, {"timeout": 1e9}, {"max_retries": "x"},
                {"max_retries": -5}, {"max_retries": 1.5}, {"max_response_bytes": "x"}, {"batch_size": 0},
                {"retry_on_5xx": "yes"}, {"timeout": True}]


@pytest.mark.parametrize("policy", BAD_POLICIES, ids=[json.dumps(p) for p in BAD_POLICIES])
def test_bad_policy_values_are_usage_errors(untouched_client, policy):
    """A flow's policy of the wrong type or range is a 400 E0000001 naming the setting (never a 500, a crash in
    the sender or an endless wait); the library raises EmulatorUsageError."""
    from okta_hook_emulator.errors import EmulatorUsageError

    resp = untouched_client.post("/_emulator/flows/token", headers={"Authorization": f"SSWS {TOKEN}"}, json={"policy": policy})
    assert resp.status_code == 400, resp.get_data(as_text=True)
    body = resp.get_json()
    assert body["errorCode"] == "E0000001" and next(iter(policy)) in body["errorCauses"][0]["errorSummary"]
    with Emulator(seed=0) as emu, pytest.raises(EmulatorUsageError, match=next(iter(policy))):
        emu.call_inline("token", "http://127.0.0.1:9/hook", **policy)
