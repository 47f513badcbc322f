"""The hosted verify-your-phone page (``/signin/verify/phone``) over real HTTP: the telephony inline hook (a
pytest-httpserver) gets the core's request with the person's phone and a generated code and delivers it, fails
(Okta's own providers send it: failover, said on the page), or is not registered; the page accepts that code."""

from __future__ import annotations

import json
import re
import socket
from typing import Any

import httpx
from werkzeug import Request, Response

from okta_hook_emulator.server.users import DEMO_PASSWORD, find_account
from tests.helpers.server import inline_hook_body

TELEPHONY = "com.okta.telephony.provider"


def form_token(page: httpx.Response) -> str:
    return re.search(r'name="form_token" value="([^"]+)"', page.text).group(1)


def signed_in(server: Any, browser: httpx.Client) -> Any:
    """Sign the first synthetic user in; returns their account."""
    st = server.app.extensions["okta_hooks"]
    user = st.emulator.payloads.org.users[0]
    page = browser.get("/login/login.htm")
    answer = browser.post("/login/login.htm", data={"form_token": form_token(page), "fromURI": "/login/signed-in",
                                                    "username": user.login, "password": DEMO_PASSWORD})
    assert answer.status_code == 302
    return find_account(st, user.login)


def send_code(browser: httpx.Client, phone: str, channel: str = "sms") -> httpx.Response:
    page = browser.get("/signin/verify/phone")
    assert page.status_code == 200 and "Verify your phone" in page.text
    return browser.post("/signin/verify/phone", data={"form_token": form_token(page), "action": "send",
                                                      "phone": phone, "channel": channel})


def enter_code(browser: httpx.Client, page: httpx.Response, code: str) -> httpx.Response:
    return browser.post("/signin/verify/phone", data={"form_token": form_token(page), "action": "verify",
                                                      "code": code})


def demo_code(page: httpx.Response) -> str:
    return re.search(r"the code sent was <code>(\d{6})</code>", page.text).group(1)


def telephony_hook(httpserver: Any, api: httpx.Client, status: str | None = "SUCCESSFUL",
                   uri: str | None = None) -> list[dict]:
    """An ACTIVE telephony inline hook answering ``status`` (None: HTTP 500); returns the requests it got."""
    received: list[dict] = []

    def handler(request: Request) -> Response:
        received.append(json.loads(request.get_data()))
        if status is None:
            return Response("down", status=500)
        return Response(json.dumps({"commands": [{"type": "com.okta.telephony.action", "value": [{
            "status": status, "provider": "ACME-SMS", "transactionId": "SM123",
            "transactionMetadata": "Duration=1ms"}]}]}), content_type="application/json")

    httpserver.expect_request("/telephony", method="POST").respond_with_handler(handler)
    body = inline_hook_body(uri or httpserver.url_for("/telephony"), TELEPHONY, name="Telephony hook")
    assert api.post("/api/v1/inlineHooks", json=body).status_code == 200
    return received


def test_hook_delivers_the_code_it_was_sent_and_the_page_accepts_it(server: Any, api: httpx.Client,
                                                                     httpserver: Any) -> None:
    received = telephony_hook(httpserver, api)
    with httpx.Client(base_url=server.url) as browser:
        account = signed_in(server, browser)
        page = send_code(browser, account.user.mobile_phone)
        assert page.status_code == 200
        assert "your telephony inline hook delivered it" in page.text and "ACME-SMS" in page.text
        assert "Telephony inline hook" in page.text  # the panel
        message = received[0]["data"]["messageProfile"]
        assert received[0]["requestType"] == "com.okta.user.telephony.mfa-verification"
        assert message["phoneNumber"] == account.user.mobile_phone and message["deliveryChannel"] == "SMS"
        assert received[0]["data"]["userProfile"]["login"] == account.login
        wrong = enter_code(browser, page, "000000" if message["otpCode"] != "000000" else "111111")
        assert wrong.status_code == 400 and "Invalid code. Try again." in wrong.text
        right = enter_code(browser, page, message["otpCode"])
        assert right.status_code == 302
        assert f"Phone {account.user.mobile_phone} verified." in browser.get(right.headers["location"]).text


def test_voice_and_a_new_number_are_a_voice_enrollment(server: Any, api: httpx.Client, httpserver: Any) -> None:
    received = telephony_hook(httpserver, api)
    with httpx.Client(base_url=server.url) as browser:
        account = signed_in(server, browser)
        page = send_code(browser, "+14155550123", "voice")
        assert enter_code(browser, page, received[0]["data"]["messageProfile"]["otpCode"]).status_code == 302
    assert received[0]["requestType"] == "com.okta.user.telephony.pre-enrollment"
    assert received[0]["data"]["messageProfile"]["deliveryChannel"] == "Voice"
    assert received[0]["data"]["messageProfile"]["phoneNumber"] == "+14155550123"
    st = server.app.extensions["okta_hooks"]
    assert find_account(st, account.login).user.mobile_phone == "+14155550123"  # enrolled


def test_failed_status_fails_over_to_okta_and_the_code_still_works(server: Any, api: httpx.Client,
                                                                   httpserver: Any) -> None:
    received = telephony_hook(httpserver, api, "FAILED")
    with httpx.Client(base_url=server.url) as browser:
        account = signed_in(server, browser)
        page = send_code(browser, account.user.mobile_phone)
        assert "Failover" in page.text and "it reported FAILED" in page.text
        assert "through its own telephony provider" in page.text
        assert demo_code(page) == received[0]["data"]["messageProfile"]["otpCode"]
        assert enter_code(browser, page, demo_code(page)).status_code == 302


def test_hook_down_fails_over_to_okta(server: Any, api: httpx.Client, httpserver: Any) -> None:
    telephony_hook(httpserver, api, None)
    with httpx.Client(base_url=server.url) as browser:
        account = signed_in(server, browser)
        page = send_code(browser, account.user.mobile_phone)
        assert "Failover" in page.text and "failed" in page.text  # the page and the panel's verdict
        assert enter_code(browser, page, demo_code(page)).status_code == 302


def test_unreachable_hook_fails_over_to_okta(server: Any, api: httpx.Client, httpserver: Any) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{sock.getsockname()[1]}/telephony"
    telephony_hook(httpserver, api, uri=closed)
    with httpx.Client(base_url=server.url) as browser:
        account = signed_in(server, browser)
        page = send_code(browser, account.user.mobile_phone)
    assert "Failover" in page.text


def test_no_hook_okta_sends_the_code(server: Any) -> None:
    with httpx.Client(base_url=server.url) as browser:
        account = signed_in(server, browser)
        page = send_code(browser, account.user.mobile_phone)
        assert "through Okta's own telephony provider" in page.text and "no telephony inline hook" in page.text
        assert "No inline hook ran for this page." in page.text
        assert enter_code(browser, page, demo_code(page)).status_code == 302


def test_code_is_not_in_the_session_cookie(server: Any) -> None:
    with httpx.Client(base_url=server.url) as browser:
        account = signed_in(server, browser)
        page = send_code(browser, account.user.mobile_phone)
        cookie = browser.cookies["sid"]
    import base64
    import zlib

    payload = cookie.lstrip(".").split(".")[0]  # Flask's session cookie: [.]payload.timestamp.signature
    raw = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    text = (zlib.decompress(raw) if cookie.startswith(".") else raw).decode()
    assert "phone_otp" in text and demo_code(page) not in text


def test_invalid_phone_number_is_refused(server: Any) -> None:
    with httpx.Client(base_url=server.url) as browser:
        signed_in(server, browser)
        page = send_code(browser, "555-0100")
    assert page.status_code == 400 and "international format" in page.text


def test_signed_out_person_is_sent_to_sign_in_first(server: Any) -> None:
    answer = httpx.get(server.url + "/signin/verify/phone")
    assert answer.status_code == 302 and answer.headers["location"].startswith("/login/login.htm?fromURI=")
