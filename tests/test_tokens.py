"""Token minting in the core: ``generate_token`` builds the request for any grant/user/scopes (the server's OAuth
endpoint uses it), the token outcome mints (with or without a hook), ``emulator.keys.verify`` checks the JWTs
(used by the scenario runners)."""

from __future__ import annotations

from typing import Any

import httpx
import jwt
import pytest
from flask import Flask

from okta_hook_emulator import wire_json
from okta_hook_emulator.clock import FixedClock
from okta_hook_emulator.emulator.keys import SigningKeys, verify
from okta_hook_emulator.emulator.outcomes import token as token_outcome
from okta_hook_emulator.errors import EmulatorUsageError
from okta_hook_emulator.payloads.generate import PayloadFactory, generate_token
from okta_hook_emulator.payloads.validate import validate_request
from okta_hook_emulator.scenarios import load_text, run_scenario


def test_grant_keyword_is_the_request_type() -> None:
    for grant in ("authorization_code", "client_credentials", "refresh_token"):
        a, b = PayloadFactory(seed=4), PayloadFactory(seed=4)
        assert generate_token(a, grant=grant) == b.inline_request("token", request_type=grant)


def test_client_credentials_request_has_no_user_and_one_access_token() -> None:
    factory = PayloadFactory(seed=1)
    req = generate_token(factory, grant="client_credentials", scopes=["orders:read"], issuer="http://x/oauth2/default",
                         audience="api://default", client_id="0oaCLIENT")
    data = req["data"]
    assert set(data) == {"context", "access"} and "user" not in data["context"] and "session" not in data["context"]
    assert data["access"]["claims"]["sub"] == data["access"]["claims"]["cid"] == "0oaCLIENT"
    assert data["access"]["claims"]["scp"] == ["orders:read"] and list(data["access"]["scopes"]) == ["orders:read"]
    assert data["context"]["protocol"]["request"] == {"scope": "orders:read", "client_id": "0oaCLIENT",
                                                      "grant_type": "client_credentials"}
    assert req["source"] == "http://x/oauth2/default/v1/token" and validate_request("token", req) == []
    with pytest.raises(EmulatorUsageError, match="no user"):
        generate_token(factory, grant="client_credentials", user=factory.org.users[0])
    with pytest.raises(EmulatorUsageError, match="access token only"):
        generate_token(factory, grant="client_credentials", variant="both")


def test_password_grant_request_is_for_the_given_user_and_scopes() -> None:
    factory = PayloadFactory(seed=2)
    user = factory.org.users[3]
    req = generate_token(factory, grant="password", user=user, scopes=["openid", "profile"])
    data = req["data"]
    assert validate_request("token", req) == []
    assert data["context"]["protocol"]["request"]["grant_type"] == "password"
    assert data["context"]["user"]["id"] == user.id and data["access"]["claims"]["uid"] == user.id
    assert data["identity"]["claims"]["sub"] == user.id and "nonce" not in data["identity"]["claims"]
    assert data["access"]["claims"]["scp"] == ["openid", "profile"]
    no_openid = generate_token(factory, grant="password", user=user, scopes=["profile"])
    assert "identity" not in no_openid["data"] and "access" in no_openid["data"]
    with pytest.raises(EmulatorUsageError, match="Choose one of: authorization_code"):
        generate_token(factory, grant="implicit")
    with pytest.raises(EmulatorUsageError, match="disagree"):
        generate_token(factory, "refresh_token", grant="password")


def test_authorize_query_quotes_the_callers_state_and_nonce() -> None:
    drawn = generate_token(PayloadFactory(seed=5))
    protocol = drawn["data"]["context"]["protocol"]["request"]
    url = drawn["data"]["context"]["request"]["url"]["value"]
    assert f"&state={protocol['state']}&nonce={drawn['data']['identity']['claims']['nonce']}&" in url
    given = generate_token(PayloadFactory(seed=5), authorize={"state": "a b&c=d/é", "nonce": "n+1",
                                                               "redirect_uri": "http://cb/?x=1"})
    url = given["data"]["context"]["request"]["url"]["value"]
    assert "&redirect_uri=http%3A%2F%2Fcb%2F%3Fx%3D1&state=a%20b%26c%3Dd%2F%C3%A9&nonce=n%2B1&" in url
    assert given["data"]["identity"]["claims"]["nonce"] == "n+1"
    assert given["data"]["context"]["protocol"]["request"]["state"] == "a b&c=d/é"


@pytest.mark.parametrize("grant", ["authorization_code", "refresh_token", "password"])
def test_the_orgs_own_values_given_make_the_same_requests_as_drawn_ones(grant: str) -> None:
    # The org's values are remembered per app and grant; a caller's are used for one request. Same values, same
    # requests, call after call (the remembered part must not drift from the per-request one).
    drawn_factory, given_factory = PayloadFactory(seed=9), PayloadFactory(seed=9)
    server = drawn_factory.org.auth_servers[0]
    issuer = f"{drawn_factory.org.url}/oauth2/{server.path}"
    scopes = ["openid", "profile", "email"] + (["offline_access"] if grant == "refresh_token" else [])
    for _ in range(4):
        drawn = generate_token(drawn_factory, grant=grant)
        client = drawn["data"]["context"]["protocol"]["client"]
        given = generate_token(given_factory, grant=grant, scopes=scopes, issuer=issuer, audience=server.audience,
                               client_id=client["id"], client_type=client["type"])
        assert given == drawn
        assert wire_json.dumps(given) == wire_json.dumps(drawn)  # key order too


def test_tokens_without_a_hook_are_the_requests_claims_signed() -> None:
    keys, clock = SigningKeys(), FixedClock("2026-01-15T09:30:00.000Z")
    req = generate_token(PayloadFactory(seed=3), grant="password", scopes=["openid"])
    outcome = token_outcome.without_hook(req, keys, clock)
    assert outcome.tokens_issued and not outcome.modified
    access = verify(outcome.access_token.jwt, keys, audience=req["data"]["access"]["claims"]["aud"],
                    check_times=False)
    assert {k: v for k, v in access.items() if k not in ("iat", "exp")} == req["data"]["access"]["claims"]
    assert access["exp"] - access["iat"] == outcome.access_token.lifetime == 3600
    ident = verify(outcome.id_token.jwt, keys.jwks(), audience=req["data"]["identity"]["claims"]["aud"],
                   check_times=False)
    assert ident["sub"] == req["data"]["identity"]["claims"]["sub"]


def test_verify_checks_signature_kid_audience_issuer_and_times() -> None:
    keys, other = SigningKeys(), SigningKeys()
    token = keys.mint({"sub": "a", "aud": "api://default", "iss": "http://x", "iat": 1, "exp": 2})
    assert verify(token, keys, audience="api://default", issuer="http://x", check_times=False)["sub"] == "a"
    with pytest.raises(jwt.ExpiredSignatureError):
        verify(token, keys.jwks())
    with pytest.raises(jwt.InvalidAudienceError):
        verify(token, keys, audience="api://other", check_times=False)
    with pytest.raises(jwt.InvalidIssuerError):
        verify(token, keys, issuer="http://y", check_times=False)
    with pytest.raises(jwt.InvalidKeyError, match="no key with kid"):
        verify(token, other, check_times=False)
    forged = token.rsplit(".", 1)[0] + "." + other.mint({"sub": "a"}).rsplit(".", 1)[1]
    with pytest.raises(jwt.InvalidSignatureError):
        verify(forged, keys, check_times=False)


def test_server_password_grant_without_a_hook_mints_both_tokens(server: Any, api: httpx.Client) -> None:
    org = api.get("/_emulator/org").json()
    user = org["users"][1]
    resp = httpx.post(server.url + "/oauth2/default/v1/token",
                      data={"grant_type": "password", "username": user["login"], "password": org["demoPassword"],
                            "scope": "openid email", "client_id": org["clientId"],
                            "client_secret": org["clientSecret"]})
    assert resp.status_code == 200, resp.text
    body = resp.json()
    jwks = httpx.get(server.url + "/oauth2/default/v1/keys").json()
    access = verify(body["access_token"], jwks, audience="api://default", issuer=server.url + "/oauth2/default")
    ident = verify(body["id_token"], jwks, audience=org["clientId"], issuer=server.url + "/oauth2/default")
    assert access["uid"] == ident["sub"] == user["id"] and access["scp"] == ["openid", "email"]
    assert body["scope"] == "openid email" and body["expires_in"] == access["exp"] - access["iat"]


def test_scenario_flow_with_the_password_grant_sends_a_password_grant_request() -> None:
    seen: list[dict] = []
    app = Flask("hook")

    @app.post("/")
    def hook() -> tuple[str, int]:
        from flask import request

        seen.append(request.get_json())
        return "", 204

    scenario = load_text("""
version: 1
name: password-grant
steps:
  - name: sign_in
    action: flow
    hook: token
    grant: password
    expect:
      verdict: ok
      fields:
        tokens.access_token.signature: valid
        tokens.id_token.signature: valid
""")
    result = run_scenario(scenario, target=app)
    assert result.passed, [str(c) for s in result.steps for c in s.checks if not c.passed]
    assert seen[0]["data"]["context"]["protocol"]["request"]["grant_type"] == "password"
