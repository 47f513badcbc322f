"""Password import at sign-in, over real HTTP: a user created with ``credentials.password.hook``
(``POST /api/v1/users``) signs in through the org's ACTIVE password import inline hook (a stand-in hook service).
VERIFIED signs in and stores the password (the next sign-in does not call the hook); UNVERIFIED and a hook that
is down fail the sign-in with Okta's message, and the hook is called again next time."""

from __future__ import annotations

import json
import re
from typing import Any

import httpx
import pytest
from werkzeug import Request, Response

from tests.helpers.server import inline_hook_body

PASSWORD_HOOK = "com.okta.user.credential.password.import"
LOGIN = "ada.imported@example.com"
TYPED = "Legacy-Passw0rd!"


def _import_user(api: httpx.Client, login: str = LOGIN) -> dict:
    resp = api.post("/api/v1/users", json={
        "profile": {"firstName": "Ada", "lastName": "Imported", "email": login, "login": login,
                    "employeeNumber": "E-1001"},  # nothing left for progressive profiling to ask
        "credentials": {"password": {"hook": {"type": "default"}}}})
    assert resp.status_code == 200, resp.text
    return resp.json()


def _password_hook(api: httpx.Client, uri: str) -> None:
    resp = api.post("/api/v1/inlineHooks", json=inline_hook_body(uri, PASSWORD_HOOK, name="Password import"))
    assert resp.status_code == 200, resp.text


def _legacy_store(httpserver: Any, credential: str, seen: list[dict]) -> str:
    """A stand-in hook service answering ``credential``; remembers every request."""

    def handler(request: Request) -> Response:
        seen.append(request.get_json())
        body = {"commands": [{"type": "com.okta.action.update", "value": {"credential": credential}}]}
        return Response(json.dumps(body), content_type="application/json")

    httpserver.expect_request("/password-hook", method="POST").respond_with_handler(handler)
    return httpserver.url_for("/password-hook")


def _sign_in(server: Any, username: str, password: str) -> httpx.Response:
    with httpx.Client(base_url=server.url) as browser:
        page = browser.get("/login/login.htm")
        token = re.search(r'name="form_token" value="([^"]+)"', page.text).group(1)
        answer = browser.post("/login/login.htm", data={"form_token": token, "fromURI": "/login/signed-in",
                                                        "username": username, "password": password})
        if answer.status_code == 302:
            return browser.get(answer.headers["location"])  # the landing page, with the panel
        return answer


def test_verified_signs_in_stores_the_password_and_skips_the_hook_next_time(server: Any, api: httpx.Client,
                                                                            httpserver: Any) -> None:
    seen: list[dict] = []
    _password_hook(api, _legacy_store(httpserver, "VERIFIED", seen))
    user = _import_user(api)
    assert user["status"] == "ACTIVE" and user["credentials"]["provider"]["type"] == "IMPORT"
    landing = _sign_in(server, LOGIN, TYPED)
    assert landing.status_code == 200 and LOGIN in landing.text
    assert "Password import inline hook" in landing.text  # the "what Okta did" panel
    assert len(seen) == 1 and seen[0]["data"]["context"]["credential"] == {"username": LOGIN, "password": TYPED}
    assert _sign_in(server, LOGIN, TYPED).status_code == 200
    assert _sign_in(server, LOGIN, "another password").status_code == 401
    assert len(seen) == 1  # Okta keeps the verified password: the hook is not called again
    stored = server.app.extensions["okta_hooks"].store.get_user(LOGIN)
    assert stored["password"].startswith("scrypt$") and TYPED not in json.dumps(stored)


@pytest.mark.parametrize("answer", ["UNVERIFIED", "down"])
def test_unverified_or_a_hook_that_is_down_fails_the_sign_in(server: Any, api: httpx.Client, httpserver: Any,
                                                             answer: str) -> None:
    seen: list[dict] = []
    uri = _legacy_store(httpserver, "UNVERIFIED", seen) if answer == "UNVERIFIED" else "http://127.0.0.1:9/down"
    _password_hook(api, uri)
    _import_user(api)
    for _ in range(2):
        failed = _sign_in(server, LOGIN, TYPED)
        assert failed.status_code == 401 and "Unable to Sign On" in failed.text
        assert "Password import inline hook" in failed.text
    assert len(seen) == (2 if answer == "UNVERIFIED" else 0)  # called again at each attempt
    assert server.app.extensions["okta_hooks"].store.get_user(LOGIN)["password"] is None
    logs = api.get("/api/v1/logs", params={"filter": 'eventType eq "user.import.password"'}).json()
    assert logs and all(e["outcome"]["result"] == "FAILURE" for e in logs)


def test_password_grant_runs_the_hook_too(server: Any, api: httpx.Client, httpserver: Any) -> None:
    seen: list[dict] = []
    _password_hook(api, _legacy_store(httpserver, "VERIFIED", seen))
    _import_user(api)
    org = api.get("/_emulator/org").json()
    form = {"grant_type": "password", "username": LOGIN, "password": TYPED, "scope": "openid",
            "client_id": org["clientId"], "client_secret": org["clientSecret"]}
    assert httpx.post(server.url + "/oauth2/default/v1/token", data=form).status_code == 200
    assert len(seen) == 1


def test_an_imported_user_cannot_sign_in_without_a_password_import_hook(server: Any, api: httpx.Client) -> None:
    _import_user(api)
    assert _sign_in(server, LOGIN, TYPED).status_code == 401


def test_creating_a_user_twice_or_without_credentials_is_refused(api: httpx.Client) -> None:
    _import_user(api)
    again = api.post("/api/v1/users", json={"profile": {"firstName": "A", "lastName": "B", "login": LOGIN},
                                            "credentials": {"password": {"hook": {"type": "default"}}}})
    assert again.status_code == 400 and again.json()["errorCode"] == "E0000001"
    bare = api.post("/api/v1/users", json={"profile": {"firstName": "A", "lastName": "B", "login": "x@example.com"}})
    assert bare.status_code == 400 and "credentials.password" in bare.text
