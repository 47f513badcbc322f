"""Server: inline hooks with an OAUTH channel called through ``execute`` and the flows, the emulator's own token
issuer for hook clients (``/oauth2/default/v1/token``), and a hook service that accepts only valid bearer tokens."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import jwt
import pytest
from pytest_httpserver import HTTPServer

from tests.helpers.oauth import TokenEndpoint, jwks_from, protect_hook
from tests.helpers.server import assert_okta_error


@pytest.fixture
def hook(hook_server: HTTPServer) -> Iterator[HTTPServer]:
    hook_server.clear()
    yield hook_server
    hook_server.clear()


def _oauth_hook(api: httpx.Client, uri: str, token_url: str, hook_type: str = "com.okta.import.transform",
                **config: Any) -> dict:
    body = {"name": f"OAuth {hook_type}", "type": hook_type, "version": "1.0.0",
            "channel": {"type": "OAUTH", "version": "1.0.0", "config": {
                "uri": uri, "method": "POST", "tokenUrl": token_url, "scope": "okta.hooks", **config}}}
    resp = api.post("/api/v1/inlineHooks", json=body)
    assert resp.status_code == 200, resp.text
    return resp.json()


def _key(api: httpx.Client, name: str = "hook key") -> dict:
    resp = api.post("/api/v1/hook-keys", json={"name": name})
    assert resp.status_code == 200, resp.text
    return resp.json()


def test_client_secret_post_through_execute_with_the_emulator_as_issuer(server, api, hook):
    seen: list[str] = []
    uri = protect_hook(hook, jwks_from(f"{server.url}/oauth2/default/v1/keys"), seen=seen)
    created = _oauth_hook(api, uri, f"{server.url}/oauth2/default/v1/token", authType="client_secret_post",
                          clientId="0oaHookClient", clientSecret="hook-client-secret")
    resp = api.post(f"/api/v1/inlineHooks/{created['id']}/execute", json={"data": {}})
    assert resp.status_code == 200, resp.text
    claims = jwt.decode(seen[0][7:], options={"verify_signature": False})
    assert claims["cid"] == "0oaHookClient" and claims["aud"] == "api://default"
    assert claims["iss"] == f"{server.url}/oauth2/default" and claims["scp"] == ["okta.hooks"]
    listed = api.get("/_emulator/deliveries").json()[0]
    record = api.get(f"/_emulator/deliveries/{listed['id']}").json()
    exchange = record["result"]["tokenExchange"]
    assert exchange["ok"] and exchange["authType"] == "client_secret_post"
    assert "hook-client-secret" not in str(record) and seen[0][7:] not in str(record)


@pytest.mark.parametrize("kind,hook_type", [("token", "com.okta.oauth2.tokens.transform"),
                                            ("registration", "com.okta.user.pre-registration")])
def test_private_key_jwt_through_a_flow_with_a_hook_key(server, api, hook, kind, hook_type):
    uri = protect_hook(hook, jwks_from(f"{server.url}/oauth2/default/v1/keys"))
    key = _key(api)
    _oauth_hook(api, uri, f"{server.url}/oauth2/default/v1/token", hook_type, authType="private_key_jwt",
                clientId="0oaJwtClient", hookKeyId=key["id"])
    result = api.post(f"/_emulator/flows/{kind}", json={}).json()
    assert result["verdict"] == "ok", result["reason"]
    assert result["tokenExchange"]["authType"] == "private_key_jwt"
    assert api.get(f"/api/v1/hook-keys/{key['id']}").json()["isUsed"] is True


def test_client_assertion_checks_against_the_published_hook_key(server, api, hook):
    """The hook's own token service checks the assertion against GET /api/v1/hook-keys/public/{keyId}."""
    key = _key(api)
    public = api.get(f"/api/v1/hook-keys/public/{key['keyId']}").json()
    issuer = TokenEndpoint(hook, jwt_clients={"0oaOwnIssuer": dict(public, alg="RS256")})
    uri = protect_hook(hook, issuer.keys.jwks)
    created = _oauth_hook(api, uri, issuer.url, authType="private_key_jwt", clientId="0oaOwnIssuer",
                          hookKeyId=key["keyId"])
    resp = api.post(f"/api/v1/inlineHooks/{created['id']}/execute", json={"data": {}})
    assert resp.status_code == 200, resp.text
    assert jwt.get_unverified_header(issuer.forms[0]["client_assertion"])["kid"] == key["keyId"]


def test_a_token_request_refused_fails_execute_naming_the_token_request(server, api, hook):
    uri = protect_hook(hook, jwks_from(f"{server.url}/oauth2/default/v1/keys"))
    other = _oauth_hook(api, uri, f"{server.url}/oauth2/default/v1/token", authType="client_secret_post",
                        clientId="0oaHookClient", clientSecret="right")
    issuer = TokenEndpoint(hook, clients={"0oaHookClient": "right"})
    wrong = _oauth_hook(api, uri, issuer.url, "com.okta.saml.tokens.transform", authType="client_secret_post",
                        clientId="0oaHookClient", clientSecret="wrong")
    resp = api.post(f"/api/v1/inlineHooks/{wrong['id']}/execute", json={"data": {}})
    assert_okta_error(resp, 400, "E0000134", "token request", "HTTP 401")
    # execute writes no event an event hook could receive (no inline_hook.executed); the processed event says why
    logs = api.get("/api/v1/logs", params={"filter": 'eventType eq "inline_hook.response.processed"'}).json()
    assert logs and "token request" in logs[-1]["outcome"]["reason"]
    assert other["id"] != wrong["id"]


def test_the_issuer_refuses_a_wrong_hook_client_secret(server, api):
    _oauth_hook(api, "http://127.0.0.1:9/h", f"{server.url}/oauth2/default/v1/token", authType="client_secret_post",
                clientId="0oaHookClient", clientSecret="right")
    resp = httpx.post(f"{server.url}/oauth2/default/v1/token", data={
        "grant_type": "client_credentials", "client_id": "0oaHookClient", "client_secret": "wrong"})
    assert resp.status_code == 401 and resp.json()["error"] == "invalid_client"


def test_private_key_jwt_needs_an_existing_hook_key(api):
    body = {"name": "no key", "type": "com.okta.import.transform", "version": "1.0.0",
            "channel": {"type": "OAUTH", "version": "1.0.0", "config": {
                "uri": "https://example.com/h", "method": "POST", "tokenUrl": "https://example.com/t",
                "authType": "private_key_jwt", "clientId": "c", "hookKeyId": "HKYmissing"}}}
    assert_okta_error(api.post("/api/v1/inlineHooks", json=body), 400, "E0000001", "hookKeyId")


def test_dashboard_delivery_shows_the_channel_and_the_token_exchange_masked(server, api, hook):
    uri = protect_hook(hook, jwks_from(f"{server.url}/oauth2/default/v1/keys"))
    created = _oauth_hook(api, uri, f"{server.url}/oauth2/default/v1/token", authType="client_secret_post",
                          clientId="0oaHookClient", clientSecret="dashboard-secret-value")
    api.post(f"/api/v1/inlineHooks/{created['id']}/execute", json={"data": {}})
    delivery = api.get("/_emulator/deliveries").json()[0]
    page = httpx.get(f"{server.url}/deliveries/{delivery['id']}").text
    assert "OAuth 2.0 token exchange" in page and "client_secret_post" in page
    assert "<dt>Channel</dt><dd>OAUTH</dd>" in page
    assert "client_secret=********" in page and "dashboard-secret-value" not in page
    assert "access_token&#34;:&#34;********" in page or "access_token&quot;:&quot;********" in page
