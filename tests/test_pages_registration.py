"""The hosted self-service registration page (``/signin/register``) and progressive profiling at sign-in
(``/signin/profile``) over real HTTP: the registration inline hook (a pytest-httpserver) allows with profile
changes, denies with its message by the field it names, is down, or is not registered; the System Log and the
org's accounts show what happened."""

from __future__ import annotations

import json
import re
import socket
from typing import Any

import httpx
import pytest
from werkzeug import Request, Response

from okta_hook_emulator.server.users import REGISTERED, find_account
from tests.helpers.server import inline_hook_body

REGISTRATION = "com.okta.user.pre-registration"
PASSWORD = "A-new-Passw0rd"


def form_token(page: httpx.Response) -> str:
    return re.search(r'name="form_token" value="([^"]+)"', page.text).group(1)


def register(browser: httpx.Client, email: str, first: str = "Ann", last: str = "Lee", password: str = PASSWORD,
             **extra: str) -> httpx.Response:
    page = browser.get("/signin/register")
    assert page.status_code == 200 and "Create an account" in page.text
    return browser.post("/signin/register", data={"form_token": form_token(page), "fromURI": "/login/signed-in",
                                                  "email": email, "firstName": first, "lastName": last,
                                                  "password": password, **extra})


def sign_in(browser: httpx.Client, login: str, password: str = PASSWORD, from_uri: str = "/login/signed-in"):
    page = browser.get("/login/login.htm", params={"fromURI": from_uri})
    return browser.post("/login/login.htm", data={"form_token": form_token(page), "fromURI": from_uri,
                                                  "username": login, "password": password})


def hook_answering(httpserver: Any, api: httpx.Client, answer: Any, path: str = "/registration") -> list[dict]:
    """Register an ACTIVE registration inline hook whose service answers ``answer(body)`` (a dict, or None for
    204); returns the list the requests it receives are appended to."""
    received: list[dict] = []

    def handler(request: Request) -> Response:
        body = json.loads(request.get_data())
        received.append(body)
        reply = answer(body)
        if reply is None:
            return Response(status=204)
        return Response(json.dumps(reply), content_type="application/json")

    httpserver.expect_request(path, method="POST").respond_with_handler(handler)
    created = api.post("/api/v1/inlineHooks", json=inline_hook_body(httpserver.url_for(path), REGISTRATION,
                                                                       name="Registration hook"))
    assert created.status_code == 200, created.text
    return received


def closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/registration"


def events(api: httpx.Client, event_type: str) -> list[dict]:
    return [e for e in api.get("/api/v1/logs", params={"limit": 1000}).json() if e["eventType"] == event_type]


def deny_email(body: dict) -> dict:
    return {"commands": [{"type": "com.okta.action.update", "value": {"registration": "DENY"}}],
            "error": {"errorSummary": "Incorrect email address. Please contact your admin.", "errorCauses": [{
                "errorSummary": "Only company emails may register.", "reason": "INVALID_EMAIL_DOMAIN",
                "locationType": "body", "location": "data.userProfile.email", "domain": "end-user"}]}}


def allow_with_employee_number(body: dict) -> dict:
    return {"commands": [{"type": "com.okta.action.update", "value": {"registration": "ALLOW"}},
                         {"type": "com.okta.user.profile.update", "value": {"employeeNumber": "E-777"}}]}


def test_no_hook_okta_just_registers_and_signs_in(server: Any, api: httpx.Client) -> None:
    st = server.app.extensions["okta_hooks"]
    with httpx.Client(base_url=server.url) as browser:
        answer = register(browser, "ann.lee@acme.test", mobilePhone="+14155550100")
        assert answer.status_code == 302 and answer.headers["location"] == "/login/signed-in"
        landing = browser.get("/login/signed-in")
        assert "ann.lee@acme.test" in landing.text and "Ann Lee" in landing.text
    account = find_account(st, "ann.lee@acme.test")
    assert account.source == REGISTERED and account.user.first_name == "Ann"
    assert account.user.mobile_phone == "+14155550100" and PASSWORD not in str(account.to_dict())
    created = events(api, "user.lifecycle.create")
    assert [e["target"][0]["alternateId"] for e in created] == ["ann.lee@acme.test"]
    assert events(api, "user.lifecycle.activate")
    with httpx.Client(base_url=server.url) as browser:  # the typed password signs in
        assert sign_in(browser, "ann.lee@acme.test").status_code == 302


def test_allowed_registration_runs_the_hook_and_keeps_its_profile_changes(server: Any, api: httpx.Client,
                                                                          httpserver: Any) -> None:
    received = hook_answering(httpserver, api, allow_with_employee_number)
    with httpx.Client(base_url=server.url) as browser:
        answer = register(browser, "ann.lee@acme.test", "Ann", "Lee")
        assert answer.status_code == 302
        landing = browser.get(answer.headers["location"])
        assert "Registration inline hook" in landing.text and "ok in" in landing.text  # the panel, carried
    assert len(received) == 1
    sent = received[0]
    assert sent["requestType"] == "self.service.registration" and sent["eventType"] == REGISTRATION
    assert sent["data"]["userProfile"] == {"firstName": "Ann", "lastName": "Lee", "login": "ann.lee@acme.test",
                                           "email": "ann.lee@acme.test"}
    assert PASSWORD not in json.dumps(sent)  # the password never goes to the hook
    account = find_account(server.app.extensions["okta_hooks"], "ann.lee@acme.test")
    assert account.user.employee_number == "E-777"
    assert len(events(api, "user.lifecycle.create")) == 1  # written once, by the core's judge


def test_denied_registration_shows_the_hook_message_by_the_field(server: Any, api: httpx.Client,
                                                                  httpserver: Any) -> None:
    hook_answering(httpserver, api, deny_email)
    with httpx.Client(base_url=server.url) as browser:
        answer = register(browser, "ann@gmail.test")
        assert answer.status_code == 400
        field_error = re.search(r'<p class="field-error" id="email-error">([^<]*)</p>', answer.text)
        assert field_error and field_error.group(1) == "Only company emails may register."
        assert "We found some errors" in answer.text  # the widget's line above the form
        assert 'value="ann@gmail.test"' in answer.text  # the form keeps what was typed
        assert browser.get("/login/signed-in").status_code == 302  # not signed in
    assert find_account(server.app.extensions["okta_hooks"], "ann@gmail.test") is None
    assert not events(api, "user.lifecycle.create")


def test_denial_without_a_field_is_shown_above_the_form(server: Any, api: httpx.Client, httpserver: Any) -> None:
    hook_answering(httpserver, api, lambda body: {"commands": [
        {"type": "com.okta.action.update", "value": {"registration": "DENY"}}]})
    with httpx.Client(base_url=server.url) as browser:
        answer = register(browser, "ann@acme.test")
    assert answer.status_code == 400 and '<p class="form-error" role="alert">Registration denied.</p>' in answer.text
    assert "field-error" not in answer.text


def test_hook_down_fails_closed_with_okta_message(server: Any, api: httpx.Client) -> None:
    created = api.post("/api/v1/inlineHooks", json=inline_hook_body(closed_port_url(), REGISTRATION))
    assert created.status_code == 200, created.text
    with httpx.Client(base_url=server.url) as browser:
        answer = register(browser, "ann@acme.test")
    assert answer.status_code == 400
    assert "There was an error creating your account. Please try registering again" in answer.text
    assert "Registration inline hook" in answer.text and "failed" in answer.text  # the panel
    assert find_account(server.app.extensions["okta_hooks"], "ann@acme.test") is None
    assert events(api, "inline_hook.executed")


def test_inactive_hook_is_not_called(server: Any, api: httpx.Client, httpserver: Any) -> None:
    received = hook_answering(httpserver, api, deny_email)
    hook_id = api.get("/api/v1/inlineHooks").json()[0]["id"]
    assert api.post(f"/api/v1/inlineHooks/{hook_id}/lifecycle/deactivate").status_code == 200
    with httpx.Client(base_url=server.url) as browser:
        assert register(browser, "ann@gmail.test").status_code == 302
    assert received == []


@pytest.mark.parametrize(("fields", "field", "message"), [
    ({"email": ""}, "email", "This field cannot be left blank"),
    ({"firstName": ""}, "firstName", "This field cannot be left blank"),
    ({"password": "short"}, "password", "Password requirements were not met"),
])
def test_form_rules_are_checked_before_the_hook(server: Any, fields: dict, field: str, message: str) -> None:
    values = {"email": "ann@acme.test", "first": "Ann", "password": PASSWORD}
    values.update({"first" if k == "firstName" else k: v for k, v in fields.items()})
    with httpx.Client(base_url=server.url) as browser:
        answer = register(browser, values["email"], values["first"], password=values["password"])
    assert answer.status_code == 400
    assert re.search(rf'id="{field}-error">{message}', answer.text), answer.text


def test_a_mobile_phone_must_be_in_international_format(server: Any) -> None:
    with httpx.Client(base_url=server.url) as browser:
        answer = register(browser, "ann@acme.test", mobilePhone="555-0100")
        assert answer.status_code == 400 and re.search(r'id="mobilePhone-error">Enter a phone number', answer.text)
        assert register(browser, "ann@acme.test", mobilePhone="+1 415 555 0100").status_code == 302
    assert find_account(server.app.extensions["okta_hooks"], "ann@acme.test").user.mobile_phone == "+14155550100"


def test_an_existing_login_cannot_register_again(server: Any) -> None:
    login = server.app.extensions["okta_hooks"].emulator.payloads.org.users[0].login
    with httpx.Client(base_url=server.url) as browser:
        answer = register(browser, login)
    assert answer.status_code == 400 and "A user with this Email already exists" in answer.text


def test_registration_post_needs_the_form_token(server: Any) -> None:
    answer = httpx.post(server.url + "/signin/register", data={"email": "ann@acme.test", "firstName": "A",
                                                               "lastName": "L", "password": PASSWORD})
    assert answer.status_code == 403


def test_panel_can_be_hidden(server: Any) -> None:
    with httpx.Client(base_url=server.url) as browser:
        assert "What Okta did" in browser.get("/signin/register").text
        assert "What Okta did" not in browser.get("/signin/register", params={"panel": "hide"}).text
        assert "What Okta did" not in browser.get("/signin/register").text  # remembered
        page = browser.get("/signin/register")
        assert 'href="/pages-static/pages.css"' in page.text and "<script" not in page.text


# -- progressive profiling ------------------------------------------------------------------------------------


def registered_without_employee_number(server: Any, login: str = "pat.doe@acme.test") -> str:
    """A registered account (no hook ran) that lacks employeeNumber, which the schema requires at sign-in."""
    with httpx.Client(base_url=server.url) as browser:
        assert register(browser, login, "Pat", "Doe").status_code == 302
    assert find_account(server.app.extensions["okta_hooks"], login).user.employee_number == ""
    return login


def profile_form(browser: httpx.Client, login: str, from_uri: str = "/login/signed-in") -> httpx.Response:
    answer = sign_in(browser, login, from_uri=from_uri)
    assert answer.status_code == 302 and answer.headers["location"].startswith("/signin/profile?")
    assert browser.get("/login/signed-in").status_code == 302  # the sign-in is not finished yet
    page = browser.get(answer.headers["location"])
    assert page.status_code == 200 and 'name="employeeNumber"' in page.text
    return page


def submit_profile(browser: httpx.Client, page: httpx.Response, value: str,
                   from_uri: str = "/login/signed-in") -> httpx.Response:
    return browser.post("/signin/profile", data={"form_token": form_token(page), "fromURI": from_uri,
                                                 "employeeNumber": value})


def test_synthetic_users_have_every_required_attribute(server: Any) -> None:
    login = server.app.extensions["okta_hooks"].emulator.payloads.org.users[0].login
    from okta_hook_emulator.server.users import DEMO_PASSWORD

    with httpx.Client(base_url=server.url) as browser:
        assert sign_in(browser, login, DEMO_PASSWORD).headers["location"] == "/login/signed-in"


def test_progressive_profile_without_hook_saves_and_finishes_the_sign_in(server: Any, api: httpx.Client) -> None:
    login = registered_without_employee_number(server)
    with httpx.Client(base_url=server.url) as browser:
        page = profile_form(browser, login, "/login/signed-in?from=app")
        answer = submit_profile(browser, page, "12345", "/login/signed-in?from=app")
        assert answer.status_code == 302 and answer.headers["location"] == "/login/signed-in?from=app"
        assert login in browser.get("/login/signed-in").text
    assert find_account(server.app.extensions["okta_hooks"], login).user.employee_number == "12345"
    assert [e["target"][0]["alternateId"] for e in events(api, "user.account.update_profile")] == [login]


def test_progressive_profile_hook_allows_with_its_changes(server: Any, api: httpx.Client, httpserver: Any) -> None:
    login = registered_without_employee_number(server)
    received = hook_answering(httpserver, api, lambda body: {"commands": [{
        "type": "com.okta.user.progressive.profile.update",
        "value": {"employeeNumber": body["data"]["userProfileUpdate"]["employeeNumber"].upper()}}]})
    with httpx.Client(base_url=server.url) as browser:
        answer = submit_profile(browser, profile_form(browser, login), "e42")
        assert answer.status_code == 302
        assert "progressive profile" in browser.get(answer.headers["location"]).text  # the panel, carried
    sent = received[0]
    assert sent["requestType"] == "progressive.profile"
    assert sent["data"]["userProfileUpdate"] == {"employeeNumber": "e42"}
    assert sent["data"]["context"]["user"]["profile"]["login"] == login
    assert find_account(server.app.extensions["okta_hooks"], login).user.employee_number == "E42"
    assert len(events(api, "user.account.update_profile")) == 1


def test_progressive_profile_denial_shows_the_message_and_keeps_the_user_out(server: Any, api: httpx.Client,
                                                                            httpserver: Any) -> None:
    login = registered_without_employee_number(server)
    hook_answering(httpserver, api, lambda body: {"error": {"errorSummary": "Invalid", "errorCauses": [{
        "errorSummary": "Employee numbers have 5 digits.", "location": "data.userProfileUpdate.employeeNumber"}]}})
    with httpx.Client(base_url=server.url) as browser:
        answer = submit_profile(browser, profile_form(browser, login), "1")
        assert answer.status_code == 400
        assert re.search(r'id="employeeNumber-error">Employee numbers have 5 digits\.', answer.text)
        assert browser.get("/login/signed-in").status_code == 302
    assert find_account(server.app.extensions["okta_hooks"], login).user.employee_number == ""


def test_progressive_profile_hook_down_fails_closed(server: Any, api: httpx.Client) -> None:
    login = registered_without_employee_number(server)
    assert api.post("/api/v1/inlineHooks", json=inline_hook_body(closed_port_url(), REGISTRATION)).status_code == 200
    with httpx.Client(base_url=server.url) as browser:
        answer = submit_profile(browser, profile_form(browser, login), "12345")
        assert answer.status_code == 400
        assert "There was an error updating your profile. Please try again later." in answer.text
        assert browser.get("/login/signed-in").status_code == 302


def test_profile_page_without_a_pending_sign_in_goes_to_sign_in(server: Any) -> None:
    answer = httpx.get(server.url + "/signin/profile")
    assert answer.status_code == 302 and answer.headers["location"].startswith("/login/login.htm")
