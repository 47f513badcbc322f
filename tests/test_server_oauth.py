"""OAuth endpoints: discovery, JWKS, and /v1/token (client_credentials, password) running the registered token
inline hook; tokens are verified with PyJWT against the JWKS."""

from __future__ import annotations

import json
from typing import Any

import httpx
import jwt
import pytest
from werkzeug import Request, Response

from tests.helpers.server import assert_okta_error, inline_hook_body


def _client(api: httpx.Client) -> tuple[str, str, dict]:
    org = api.get("/_emulator/org").json()
    return org["clientId"], org["clientSecret"], org


def _verify(server: Any, token: str, audience: str) -> dict:
    jwks = httpx.get(server.url + "/oauth2/default/v1/keys").json()
    header = jwt.get_unverified_header(token)
    key = next(k for k in jwt.PyJWKSet.from_dict(jwks).keys if k.key_id == header["kid"])
    return jwt.decode(token, key.key, algorithms=["RS256"], audience=audience,
                      issuer=server.url + "/oauth2/default")


def _token_hook(api: httpx.Client, httpserver: Any, answer: dict | None = None, status: int = 200) -> None:
    def handler(request: Request) -> Response:
        body = request.get_json()
        add = [{"op": "add", "path": "/claims/grant_seen", "value": body["data"]["context"]["protocol"]["request"][
            "grant_type"]}]
        payload = answer if answer is not None else {"commands": [{"type": "com.okta.access.patch", "value": add}]}
        return Response(json.dumps(payload), status=status, content_type="application/json")

    httpserver.expect_request("/token-hook", method="POST").respond_with_handler(handler)
    resp = api.post("/api/v1/inlineHooks", json=inline_hook_body(httpserver.url_for("/token-hook")))
    assert resp.status_code == 200, resp.text


def test_discovery_and_jwks(server: Any) -> None:
    conf = httpx.get(server.url + "/oauth2/default/.well-known/openid-configuration").json()
    assert conf["issuer"] == server.url + "/oauth2/default"
    assert conf["jwks_uri"] == server.url + "/oauth2/default/v1/keys"
    assert conf["token_endpoint"] == server.url + "/oauth2/default/v1/token"
    keys = httpx.get(conf["jwks_uri"]).json()["keys"]
    assert keys and keys[0]["kty"] == "RSA" and keys[0]["alg"] == "RS256"


def test_client_credentials_token_carries_the_hook_claim(server: Any, api: httpx.Client, httpserver: Any) -> None:
    _token_hook(api, httpserver)
    cid, secret, _ = _client(api)
    resp = httpx.post(server.url + "/oauth2/default/v1/token", auth=(cid, secret),
                      data={"grant_type": "client_credentials", "scope": "orders:read"})
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert body["token_type"] == "Bearer" and body["scope"] == "orders:read" and "id_token" not in body
    claims = _verify(server, body["access_token"], "api://default")
    assert claims["grant_seen"] == "client_credentials"  # added by the registered token hook
    assert claims["cid"] == cid and claims["sub"] == cid and claims["scp"] == ["orders:read"]
    assert claims["exp"] - claims["iat"] == body["expires_in"]
    sent = httpserver.log[-1][0].get_json()
    assert sent["eventType"] == "com.okta.oauth2.tokens.transform"
    assert sent["data"]["context"]["protocol"]["request"]["client_id"] == cid
    flows = api.get("/_emulator/deliveries", params={"kind": "token"}).json()
    assert flows and flows[0]["verdict"] == "ok"


def test_password_grant_issues_id_token_for_a_synthetic_user(server: Any, api: httpx.Client,
                                                            httpserver: Any) -> None:
    _token_hook(api, httpserver)
    cid, secret, org = _client(api)
    user = org["users"][0]
    resp = httpx.post(server.url + "/oauth2/default/v1/token",
                      data={"grant_type": "password", "username": user["login"], "password": org["demoPassword"],
                            "scope": "openid profile", "client_id": cid, "client_secret": secret})
    assert resp.status_code == 200, resp.text
    body = resp.json()
    access = _verify(server, body["access_token"], "api://default")
    assert access["uid"] == user["id"] and access["grant_seen"] == "password"
    ident = _verify(server, body["id_token"], cid)
    assert ident["sub"] == user["id"] and ident["preferred_username"] == user["login"]
    bad = httpx.post(server.url + "/oauth2/default/v1/token", auth=(cid, secret),
                     data={"grant_type": "password", "username": user["login"], "password": "nope"})
    assert bad.status_code == 400 and bad.json()["error"] == "invalid_grant"


def test_without_a_hook_tokens_are_plain(server: Any, api: httpx.Client) -> None:
    cid, secret, _ = _client(api)
    resp = httpx.post(server.url + "/oauth2/default/v1/token", auth=(cid, secret),
                      data={"grant_type": "client_credentials"})
    claims = _verify(server, resp.json()["access_token"], "api://default")
    assert "grant_seen" not in claims and claims["cid"] == cid


def test_hook_error_gives_server_error(server: Any, api: httpx.Client, httpserver: Any) -> None:
    _token_hook(api, httpserver, answer={"error": {"errorSummary": "Customer is blocked"}})
    cid, secret, _ = _client(api)
    resp = httpx.post(server.url + "/oauth2/default/v1/token", auth=(cid, secret),
                      data={"grant_type": "client_credentials"})
    assert resp.status_code == 400
    assert resp.json() == {"error": "server_error", "error_description": "Customer is blocked"}


def test_failing_hook_fails_open(server: Any, api: httpx.Client, httpserver: Any) -> None:
    _token_hook(api, httpserver, answer={"oops": True}, status=500)
    cid, secret, _ = _client(api)
    resp = httpx.post(server.url + "/oauth2/default/v1/token", auth=(cid, secret),
                      data={"grant_type": "client_credentials"})
    assert resp.status_code == 200, resp.text
    assert "grant_seen" not in _verify(server, resp.json()["access_token"], "api://default")


@pytest.mark.parametrize("auth, data, status, error", [
    (("wrong", "creds"), {"grant_type": "client_credentials"}, 401, "invalid_client"),
    (None, {"grant_type": "urn:ietf:params:oauth:grant-type:device_code"}, 400, "unsupported_grant_type"),
    (None, {"grant_type": "authorization_code"}, 400, "invalid_grant"),  # no code (the flow: test_oidc_code_flow.py)
    (None, {"grant_type": "client_credentials", "scope": "openid"}, 400, "invalid_scope"),
])
def test_token_errors(server: Any, api: httpx.Client, auth: Any, data: dict, status: int, error: str) -> None:
    cid, secret, _ = _client(api)
    resp = httpx.post(server.url + "/oauth2/default/v1/token", auth=auth or (cid, secret), data=data)
    assert resp.status_code == status and resp.json()["error"] == error


def test_org_endpoint_needs_the_api_token(server: Any) -> None:
    assert_okta_error(httpx.get(server.url + "/_emulator/org"), 401, "E0000011")
