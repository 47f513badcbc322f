"""The System Log events of the end-user flows (docs/okta-behaviour.md#end-user-flow-events), over real HTTP: a
hosted sign-in writes user.session.start (SUCCESS, or FAILURE with Okta's reason), and an event hook registered on
the server receives it; an app sign-in through /v1/authorize writes user.authentication.sso naming the app;
signing out writes user.session.end."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import unquote

import httpx

from okta_hook_emulator.server.users import DEMO_PASSWORD
from tests.helpers.server import answer_verification, event_hook_body

SESSION_TYPES = ["user.session.start", "user.session.end", "user.authentication.sso"]


def _form_token(page: httpx.Response) -> str:
    return re.search(r'name="form_token" value="([^"]+)"', page.text).group(1)


def _sign_in(browser: httpx.Client, username: str, password: str, from_uri: str = "/login/signed-in"):
    page = browser.get("/login/login.htm", params={"fromURI": from_uri})
    return browser.post("/login/login.htm", data={"form_token": _form_token(page), "fromURI": from_uri,
                                                  "username": username, "password": password})


def _first_user(api: httpx.Client) -> dict:
    return api.get("/_emulator/org").json()["users"][0]


def _logged(api: httpx.Client, event_type: str) -> list[dict]:
    return api.get("/api/v1/logs", params={"filter": f'eventType eq "{event_type}"'}).json()


def test_an_event_hook_receives_user_session_start_after_a_hosted_sign_in(server: Any, api: httpx.Client,
                                                                          httpserver: Any) -> None:
    answer_verification(httpserver, "/events")
    httpserver.expect_request("/events", method="POST").respond_with_data("", status=200)
    hook = api.post("/api/v1/eventHooks", json=event_hook_body(httpserver.url_for("/events"), SESSION_TYPES)).json()
    assert api.post(f"/api/v1/eventHooks/{hook['id']}/lifecycle/verify").json()["verificationStatus"] == "VERIFIED"
    user = _first_user(api)

    with httpx.Client(base_url=server.url) as browser:
        assert _sign_in(browser, user["login"], DEMO_PASSWORD).status_code == 302
    assert api.post("/_emulator/wait", json={"timeout": 10}).json()["idle"] is True

    delivered = [e for req, _ in httpserver.log if req.method == "POST" for e in req.json["data"]["events"]]
    assert [e["eventType"] for e in delivered] == ["user.session.start"]
    event = delivered[0]
    assert event["outcome"] == {"result": "SUCCESS", "reason": None}
    assert event["actor"]["id"] == user["id"] and event["actor"]["alternateId"] == user["login"]
    assert event["debugContext"]["debugData"]["requestUri"] == "/login/login.htm"
    assert event["legacyEventType"] == "core.user_auth.login_success"


def test_a_failed_sign_in_writes_a_failed_user_session_start(server: Any, api: httpx.Client) -> None:
    user = _first_user(api)
    with httpx.Client(base_url=server.url) as browser:
        assert _sign_in(browser, user["login"], "not-the-password").status_code == 401
        assert _sign_in(browser, "nobody@example.com", DEMO_PASSWORD).status_code == 401
    events = _logged(api, "user.session.start")
    assert [(e["outcome"]["result"], e["outcome"]["reason"], e["actor"]["alternateId"]) for e in events] == [
        ("FAILURE", "INVALID_CREDENTIALS", user["login"]), ("FAILURE", "UNKNOWN_USER", "nobody@example.com")]
    assert events[0]["actor"]["id"] == user["id"] and events[1]["actor"]["id"] == "unknown"
    assert all(e["legacyEventType"] == "core.user_auth.login_failed" for e in events)


def test_an_app_sign_in_writes_user_authentication_sso_and_sign_out_user_session_end(server: Any,
                                                                                   api: httpx.Client) -> None:
    user = _first_user(api)
    with httpx.Client(base_url=server.url, follow_redirects=False) as browser:
        to_authorize = browser.get("/demo-app/login")
        to_sign_in = browser.get(to_authorize.headers["location"])
        assert "/login/login.htm" in to_sign_in.headers["location"]
        from_uri = to_sign_in.headers["location"].split("fromURI=", 1)[1]
        back = _sign_in(browser, user["login"], DEMO_PASSWORD, unquote(from_uri))
        callback = browser.get(back.headers["location"])
        assert "/demo-app/callback?code=" in callback.headers["location"]
        assert browser.get("/login/signout").status_code == 302
    org = api.get("/_emulator/org").json()
    sso = _logged(api, "user.authentication.sso")
    assert len(sso) == 1
    assert sso[0]["actor"]["id"] == user["id"]
    assert [(t["type"], t["id"]) for t in sso[0]["target"]] == [("AppInstance", org["clientId"]),
                                                                 ("AppUser", user["id"])]
    assert sso[0]["debugContext"]["debugData"]["requestUri"] == "/oauth2/default/v1/authorize"
    ended = _logged(api, "user.session.end")
    assert [e["actor"]["id"] for e in ended] == [user["id"]]
    assert [e["outcome"]["result"] for e in _logged(api, "user.session.start")] == ["SUCCESS"]
