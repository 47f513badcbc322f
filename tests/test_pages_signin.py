"""The org's hosted sign-in page (``/login/login.htm``) and the accounts behind it (``server/users.py``), over
real HTTP: a synthetic user signs in with the demo password and lands on ``fromURI``; wrong credentials get
the Sign-In Widget's message; ``fromURI`` never leaves the org; forms need the session's form token."""

from __future__ import annotations

import re
from typing import Any

import httpx

from okta_hook_emulator.server.users import DEMO_PASSWORD, REGISTERED, Account, find_account, set_password


def _form_token(page: httpx.Response) -> str:
    return re.search(r'name="form_token" value="([^"]+)"', page.text).group(1)


def _sign_in(browser: httpx.Client, username: str, password: str, from_uri: str = "/login/signed-in"):
    page = browser.get("/login/login.htm", params={"fromURI": from_uri})
    assert page.status_code == 200 and "Sign In" in page.text
    return browser.post("/login/login.htm", data={"form_token": _form_token(page), "fromURI": from_uri,
                                                  "username": username, "password": password})


def _first_user(server: Any) -> str:
    return server.app.extensions["okta_hooks"].emulator.payloads.org.users[0].login


def test_synthetic_user_signs_in_and_lands_on_from_uri(server: Any) -> None:
    login = _first_user(server)
    with httpx.Client(base_url=server.url) as browser:
        answer = _sign_in(browser, login, DEMO_PASSWORD)
        assert answer.status_code == 302 and answer.headers["location"] == "/login/signed-in"
        assert "sid" in browser.cookies
        landing = browser.get("/login/signed-in")
        assert landing.status_code == 200 and login in landing.text and "What Okta did" in landing.text
        browser.get("/login/signout")
        assert browser.get("/login/signed-in").status_code == 302


def test_wrong_password_and_unknown_user_get_the_same_message(server: Any) -> None:
    with httpx.Client(base_url=server.url) as browser:
        wrong = _sign_in(browser, _first_user(server), "not-the-password")
        unknown = _sign_in(browser, "nobody@example.com", DEMO_PASSWORD)
    for answer in (wrong, unknown):
        assert answer.status_code == 401 and "Unable to sign in" in answer.text


def test_from_uri_never_leaves_the_org(server: Any) -> None:
    with httpx.Client(base_url=server.url) as browser:
        answer = _sign_in(browser, _first_user(server), DEMO_PASSWORD, from_uri="https://evil.example/steal")
    assert answer.status_code == 302 and answer.headers["location"] == "/login/signed-in"


def test_sign_in_post_without_form_token_is_refused(server: Any) -> None:
    with httpx.Client(base_url=server.url) as browser:
        answer = browser.post("/login/login.htm", data={"username": _first_user(server), "password": DEMO_PASSWORD})
    assert answer.status_code == 403 and "form expired" in answer.text


def test_stored_password_replaces_the_demo_password_and_is_hashed(server: Any) -> None:
    st = server.app.extensions["okta_hooks"]
    account = find_account(st, _first_user(server))
    set_password(st, account, "A-new-Passw0rd")
    stored = st.store.get_user(account.login)
    assert stored["source"] == REGISTERED and "A-new-Passw0rd" not in str(stored)
    assert Account.from_dict(stored).user == account.user
    with httpx.Client(base_url=server.url) as browser:
        assert _sign_in(browser, account.login, DEMO_PASSWORD).status_code == 401
        assert _sign_in(browser, account.login, "A-new-Passw0rd").status_code == 302


def test_password_grant_uses_the_same_accounts(server: Any, api: httpx.Client) -> None:
    org = api.get("/_emulator/org").json()
    form = {"grant_type": "password", "username": org["users"][0]["login"], "password": DEMO_PASSWORD,
            "scope": "openid", "client_id": org["clientId"], "client_secret": org["clientSecret"]}
    assert httpx.post(server.url + "/oauth2/default/v1/token", data=form).status_code == 200
    form["password"] = "wrong"
    assert httpx.post(server.url + "/oauth2/default/v1/token", data=form).json()["error"] == "invalid_grant"
