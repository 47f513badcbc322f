"""The OIDC authorization code flow with PKCE on /oauth2/default, over real HTTP, driven by a standard OIDC client
library (Authlib): the person signs in by posting the hosted sign-in form, the ID token verifies against the
JWKS and carries the registered token hook's claim and the nonce, refresh works; a wrong verifier, a reused code,
another client and an unregistered redirect URI each get Okta's OAuth error and no token."""

from __future__ import annotations

import html
import json
import re
import secrets
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
from authlib.integrations.requests_client import OAuth2Session as OAuth2Client
from joserfc import jwt
from joserfc.jwk import KeySet
from werkzeug import Request, Response

from okta_hook_emulator.server.users import DEMO_PASSWORD
from tests.helpers.server import inline_hook_body

SCOPE = "openid profile email offline_access"


def _org(api: httpx.Client) -> dict:
    return api.get("/_emulator/org").json()


def _discovery(server: Any) -> dict:
    return httpx.get(server.url + "/oauth2/default/.well-known/openid-configuration").json()


def _token_hook(api: httpx.Client, httpserver: Any, seen: list[dict]) -> None:
    """A stand-in token hook service adding ``hook_claim`` (the grant it saw) to the ID token."""

    def handler(request: Request) -> Response:
        body = request.get_json()
        seen.append(body)
        grant = body["data"]["context"]["protocol"]["request"].get("grant_type", "authorization_code")
        ops = [{"op": "add", "path": "/claims/hook_claim", "value": f"added for {grant}"}]
        return Response(json.dumps({"commands": [{"type": "com.okta.identity.patch", "value": ops}]}),
                        content_type="application/json")

    httpserver.expect_request("/token-hook", method="POST").respond_with_handler(handler)
    resp = api.post("/api/v1/inlineHooks", json=inline_hook_body(httpserver.url_for("/token-hook")))
    assert resp.status_code == 200, resp.text


def _sign_in_through_authorize(server: Any, browser: httpx.Client, authorize_url: str, login: str) -> httpx.Response:
    """Follow /v1/authorize to the hosted sign-in page, post the form, and return the org's final answer (a
    redirect to the app's redirect URI with the code, or the form_post page)."""
    answer = browser.get(authorize_url)
    assert answer.status_code == 302 and answer.headers["location"].startswith("/login/login.htm?fromURI=")
    page = browser.get(answer.headers["location"])
    token = re.search(r'name="form_token" value="([^"]+)"', page.text).group(1)
    from_uri = html.unescape(re.search(r'name="fromURI" value="([^"]+)"', page.text).group(1))
    answer = browser.post("/login/login.htm", data={"form_token": token, "fromURI": from_uri, "username": login,
                                                    "password": DEMO_PASSWORD})
    assert answer.status_code == 302 and answer.headers["location"].startswith("/oauth2/default/v1/authorize?")
    return browser.get(answer.headers["location"])


def _start(server: Any, api: httpx.Client, *, client_id: str | None = None, secret: str | None = None,
           redirect_uri: str | None = None) -> tuple[OAuth2Client, str, str, str, str]:
    """An Authlib client and its authorization URL (PKCE S256, state, nonce); returns (client, url, verifier,
    nonce, state)."""
    org = _org(api)
    client = OAuth2Client(client_id or org["clientId"], secret if client_id else org["clientSecret"], scope=SCOPE,
                          redirect_uri=redirect_uri or server.url + "/demo-app/callback",
                          code_challenge_method="S256",
                          token_endpoint_auth_method="client_secret_basic" if (secret or not client_id) else "none")
    verifier, nonce = secrets.token_urlsafe(48), secrets.token_urlsafe(12)
    url, state = client.create_authorization_url(_discovery(server)["authorization_endpoint"],
                                                 code_verifier=verifier, nonce=nonce)
    return client, url, verifier, nonce, state


def _code_from(location: str) -> str:
    return parse_qs(urlsplit(location).query)["code"][0]


def _validated_id_token(server: Any, id_token: str, client_id: str, nonce: str) -> dict:
    """The ID token's claims once Authlib's JOSE library (joserfc) has verified it against the JWKS and checked
    issuer, audience, expiry and nonce."""
    keys = KeySet.import_key_set(httpx.get(_discovery(server)["jwks_uri"]).json())
    token = jwt.decode(id_token, keys, algorithms=["RS256"])
    jwt.JWTClaimsRegistry(iss={"essential": True, "value": server.url + "/oauth2/default"},
                          aud={"essential": True, "value": client_id}, nonce={"essential": True, "value": nonce},
                          sub={"essential": True}).validate(token.claims)
    return dict(token.claims)


def test_code_flow_with_pkce_runs_the_token_hook_and_refresh_works(server: Any, api: httpx.Client,
                                                                   httpserver: Any) -> None:
    seen: list[dict] = []
    _token_hook(api, httpserver, seen)
    login = _org(api)["users"][0]["login"]
    client, url, verifier, nonce, state = _start(server, api)
    with httpx.Client(base_url=server.url) as browser:
        location = _sign_in_through_authorize(server, browser, url, login).headers["location"]
    assert location.startswith(server.url + "/demo-app/callback?")
    token = client.fetch_token(_discovery(server)["token_endpoint"], authorization_response=location,
                               code_verifier=verifier, state=state)
    assert token["token_type"] == "Bearer" and token["refresh_token"] and token["scope"] == SCOPE
    claims = _validated_id_token(server, token["id_token"], client.client_id, nonce)
    assert claims["hook_claim"] == "added for authorization_code" and claims["preferred_username"] == login
    # the hook saw the flow's own /authorize request (state, nonce, redirect URI), not invented values
    request = seen[0]["data"]["context"]
    assert request["protocol"]["request"]["state"] == state
    assert request["protocol"]["request"]["redirect_uri"] == server.url + "/demo-app/callback"
    assert f"nonce={nonce}" in request["request"]["url"]["value"]
    info = httpx.get(_discovery(server)["userinfo_endpoint"],
                     headers={"Authorization": f"Bearer {token['access_token']}"})
    assert info.status_code == 200 and info.json()["email"] == login

    refreshed = client.refresh_token(_discovery(server)["token_endpoint"], refresh_token=token["refresh_token"])
    assert refreshed["access_token"] != token["access_token"]
    again = _validated_id_token(server, refreshed["id_token"], client.client_id, nonce)
    assert again["hook_claim"] == "added for refresh_token"
    assert seen[-1]["data"]["context"]["protocol"]["request"]["grant_type"] == "refresh_token"


def _code(server: Any, api: httpx.Client, **kwargs: Any) -> tuple[OAuth2Client, str, str]:
    """A fresh code (signed in as the first synthetic user): (client, code, verifier)."""
    client, url, verifier, _, _ = _start(server, api, **kwargs)
    with httpx.Client(base_url=server.url) as browser:
        answer = _sign_in_through_authorize(server, browser, url, _org(api)["users"][0]["login"])
    return client, _code_from(answer.headers["location"]), verifier


def _exchange(server: Any, auth: Any, code: str, verifier: str, redirect_uri: str | None = None,
              **extra: str) -> httpx.Response:
    form = {"grant_type": "authorization_code", "code": code, "code_verifier": verifier,
            "redirect_uri": redirect_uri or server.url + "/demo-app/callback", **extra}
    return httpx.post(server.url + "/oauth2/default/v1/token", auth=auth, data=form)


def _assert_oauth_error(resp: httpx.Response, error: str, status: int = 400) -> None:
    assert resp.status_code == status, resp.text
    body = resp.json()
    assert body["error"] == error and body["error_description"]
    assert "access_token" not in body and "id_token" not in body


def test_wrong_verifier_gets_invalid_grant_and_no_token(server: Any, api: httpx.Client) -> None:
    org = _org(api)
    _, code, verifier = _code(server, api)
    resp = _exchange(server, (org["clientId"], org["clientSecret"]), code, "x" * 43)
    _assert_oauth_error(resp, "invalid_grant")
    assert resp.json()["error_description"] == "PKCE verification failed."


def test_a_code_is_single_use(server: Any, api: httpx.Client) -> None:
    org = _org(api)
    auth = (org["clientId"], org["clientSecret"])
    _, code, verifier = _code(server, api)
    assert _exchange(server, auth, code, verifier).status_code == 200
    _assert_oauth_error(_exchange(server, auth, code, verifier), "invalid_grant")


def test_a_code_is_bound_to_its_client_and_redirect_uri(server: Any, api: httpx.Client) -> None:
    org = _org(api)
    app = api.post("/api/v1/apps", json={
        "label": "SPA", "signOnMode": "OPENID_CONNECT",
        "credentials": {"oauthClient": {"token_endpoint_auth_method": "none"}},
        "settings": {"oauthClient": {"redirect_uris": [server.url + "/demo-app/callback"]}}}).json()
    spa_id = app["credentials"]["oauthClient"]["client_id"]
    _, code, verifier = _code(server, api)
    # another (public) client presenting the demo app's code
    _assert_oauth_error(_exchange(server, None, code, verifier, client_id=spa_id), "invalid_grant")
    # the right client id with a wrong secret
    _, code, verifier = _code(server, api)
    _assert_oauth_error(_exchange(server, (org["clientId"], "wrong"), code, verifier), "invalid_client", 401)
    # another redirect URI than the authorize request's
    _, code, verifier = _code(server, api)
    _assert_oauth_error(_exchange(server, (org["clientId"], org["clientSecret"]), code, verifier,
                                  redirect_uri="http://localhost:9999/cb"), "invalid_grant")


def test_unregistered_redirect_uri_gets_an_error_page_never_a_redirect(server: Any, api: httpx.Client) -> None:
    _, url, _, _, _ = _start(server, api, redirect_uri="https://evil.example/callback")
    with httpx.Client(base_url=server.url) as browser:
        answer = browser.get(url)
    assert answer.status_code == 400 and "location" not in answer.headers
    assert "invalid_request" in answer.text and "must be a Login redirect URI" in answer.text
    assert "code=" not in answer.text


def test_public_client_must_send_a_code_challenge(server: Any, api: httpx.Client) -> None:
    app = api.post("/api/v1/apps", json={
        "label": "SPA", "signOnMode": "OPENID_CONNECT",
        "credentials": {"oauthClient": {"token_endpoint_auth_method": "none"}},
        "settings": {"oauthClient": {"redirect_uris": ["https://spa.example/callback"]}}}).json()
    assert "client_secret" not in app["credentials"]["oauthClient"]
    params = {"client_id": app["id"], "redirect_uri": "https://spa.example/callback", "response_type": "code",
              "scope": "openid", "state": "s1"}
    answer = httpx.get(server.url + "/oauth2/default/v1/authorize", params=params)
    assert answer.status_code == 302
    query = parse_qs(urlsplit(answer.headers["location"]).query)
    assert query["error"] == ["invalid_request"] and query["state"] == ["s1"] and "code" not in query


def test_public_client_code_flow_with_form_post(server: Any, api: httpx.Client) -> None:
    app = api.post("/api/v1/apps", json={
        "label": "SPA", "signOnMode": "OPENID_CONNECT",
        "credentials": {"oauthClient": {"token_endpoint_auth_method": "none"}},
        "settings": {"oauthClient": {"redirect_uris": ["https://spa.example/callback"]}}}).json()
    client, url, verifier, nonce, state = _start(server, api, client_id=app["id"],
                                                 redirect_uri="https://spa.example/callback")
    with httpx.Client(base_url=server.url) as browser:
        answer = _sign_in_through_authorize(server, browser, url + "&response_mode=form_post",
                                            _org(api)["users"][1]["login"])
    assert answer.status_code == 200 and 'action="https://spa.example/callback"' in answer.text
    fields = dict(re.findall(r'name="(\w+)" value="([^"]*)"', answer.text))
    assert fields["state"] == state
    resp = httpx.post(server.url + "/oauth2/default/v1/token", data={
        "grant_type": "authorization_code", "code": fields["code"], "code_verifier": verifier,
        "redirect_uri": "https://spa.example/callback", "client_id": app["id"]})
    assert resp.status_code == 200, resp.text
    assert _validated_id_token(server, resp.json()["id_token"], app["id"], nonce)["nonce"] == nonce
    assert "refresh_token" in resp.json()


def test_revoked_access_token_is_inactive(server: Any, api: httpx.Client) -> None:
    org = _org(api)
    auth = (org["clientId"], org["clientSecret"])
    _, code, verifier = _code(server, api)
    token = _exchange(server, auth, code, verifier).json()
    endpoint = server.url + "/oauth2/default/v1/"
    assert httpx.post(endpoint + "introspect", auth=auth, data={"token": token["access_token"]}).json()["active"]
    assert httpx.post(endpoint + "revoke", auth=auth, data={"token": token["access_token"]}).status_code == 200
    assert httpx.post(endpoint + "introspect", auth=auth, data={"token": token["access_token"]}).json() == {
        "active": False}
    assert httpx.get(endpoint + "userinfo", headers={"Authorization": "Bearer " + token["access_token"]}
                     ).status_code == 401


def test_discovery_lists_the_code_flow(server: Any) -> None:
    conf = _discovery(server)
    iss = server.url + "/oauth2/default"
    assert conf["authorization_endpoint"] == iss + "/v1/authorize" and conf["end_session_endpoint"] == iss + "/v1/logout"
    assert {"authorization_code", "refresh_token"} <= set(conf["grant_types_supported"])
    assert conf["response_types_supported"] == ["code"] and conf["code_challenge_methods_supported"] == ["S256"]


def test_demo_app_shows_the_hook_claim_and_signs_out(server: Any, api: httpx.Client, httpserver: Any) -> None:
    _token_hook(api, httpserver, [])
    login = _org(api)["users"][2]["login"]
    with httpx.Client(base_url=server.url) as browser:
        start = browser.get("/demo-app/")
        assert start.status_code == 200 and "Sign in with Okta" in start.text
        answer = browser.get("/demo-app/login")
        assert answer.status_code == 302
        landing = _sign_in_through_authorize(server, browser, answer.headers["location"], login)
        page = browser.get(landing.headers["location"])
        assert page.status_code == 200, page.text
        claims = json.loads(html.unescape(re.search(r'<pre id="id-token-claims">(.*?)</pre>', page.text,
                                                    re.S).group(1)))
        assert claims["hook_claim"] == "added for authorization_code" and claims["preferred_username"] == login
        assert "Token inline hook" in page.text  # the "what Okta did" panel
        logout = html.unescape(re.search(r'href="([^"]*/v1/logout[^"]*)"', page.text).group(1))
        out = browser.get(logout)
        assert out.status_code == 302 and out.headers["location"] == server.url + "/demo-app/"
        assert browser.get("/login/signed-in").status_code == 302  # the org session ended


def test_logout_refuses_an_unregistered_post_logout_redirect_uri(server: Any, api: httpx.Client) -> None:
    org = _org(api)
    _, code, verifier = _code(server, api)
    id_token = _exchange(server, (org["clientId"], org["clientSecret"]), code, verifier).json()["id_token"]
    answer = httpx.get(server.url + "/oauth2/default/v1/logout",
                       params={"id_token_hint": id_token, "post_logout_redirect_uri": "https://evil.example/"})
    assert answer.status_code == 400 and "location" not in answer.headers


def test_userinfo_needs_a_valid_access_token(server: Any) -> None:
    answer = httpx.get(server.url + "/oauth2/default/v1/userinfo", headers={"Authorization": "Bearer nope"})
    assert answer.status_code == 401 and 'error="invalid_token"' in answer.headers["www-authenticate"]


def test_a_code_expires() -> None:
    from datetime import timedelta

    from okta_hook_emulator import fidelity
    from okta_hook_emulator.clock import FixedClock
    from okta_hook_emulator.server import serve
    from tests.helpers.server import AUTH, TOKEN

    clock = FixedClock("2026-01-05T09:00:00.000Z")
    handle = serve({"api_token": TOKEN, "clock": clock})
    try:
        with httpx.Client(base_url=handle.url, headers=AUTH) as own_api:
            org = _org(own_api)
            _, code, verifier = _code(handle, own_api)
            clock.advance(timedelta(seconds=fidelity.AUTHORIZATION_CODE_LIFETIME_SECONDS + 1))
            _assert_oauth_error(_exchange(handle, (org["clientId"], org["clientSecret"]), code, verifier),
                                "invalid_grant")
    finally:
        handle.stop()


def test_apps_api_creates_a_confidential_client_whose_secret_is_shown_once(server: Any, api: httpx.Client) -> None:
    created = api.post("/api/v1/apps", json={
        "label": "Web app", "signOnMode": "OPENID_CONNECT",
        "credentials": {"oauthClient": {"token_endpoint_auth_method": "client_secret_post", "pkce_required": True}},
        "settings": {"oauthClient": {"redirect_uris": ["https://web.example/callback"]}}})
    assert created.status_code == 200, created.text
    oauth = created.json()["credentials"]["oauthClient"]
    assert oauth["client_id"] == created.json()["id"] and oauth["client_secret"]
    fetched = api.get(f"/api/v1/apps/{oauth['client_id']}").json()
    assert "client_secret" not in fetched["credentials"]["oauthClient"]
    params = {"client_id": oauth["client_id"], "redirect_uri": "https://web.example/callback",
              "response_type": "code", "scope": "openid", "state": "s2"}
    answer = httpx.get(server.url + "/oauth2/default/v1/authorize", params=params)
    query = parse_qs(urlsplit(answer.headers["location"]).query)
    assert query["error_description"] == ["PKCE code challenge is required by the application."]
    bad = api.post("/api/v1/apps", json={"label": "x", "signOnMode": "SAML_2_0",
                                         "settings": {"oauthClient": {"redirect_uris": ["not a uri"]}}})
    assert bad.status_code == 400 and bad.json()["errorCode"] == "E0000001"
