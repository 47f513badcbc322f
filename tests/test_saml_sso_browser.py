"""SAML SSO in a real browser (Playwright + Debian's Chromium at /usr/bin/chromium): from the service provider's
login, through the hosted sign-in page, the SSO page's script submits the SAMLResponse to the ACS (the page's
Content-Security-Policy allows exactly that form action), and the pysaml2 service provider accepts the assertion
with the SAML hook's attribute. Never skips: without Chromium or xmlsec1 it fails."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from pytest_httpserver import HTTPServer

from okta_hook_emulator.server.users import DEMO_PASSWORD
from tests.helpers.browser import TIMEOUT_MS
from tests.helpers.saml_sp import ServiceProvider
from tests.helpers.server import inline_hook_body

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ADD_ATTRIBUTE = {"commands": [{"type": "com.okta.assertion.patch", "value": [
    {"op": "add", "path": "/claims/extPatientId",
     "value": {"attributes": {"NameFormat": "urn:oasis:names:tc:SAML:2.0:attrname-format:basic"},
               "attributeValues": [{"attributes": {"xsi:type": "xs:string"}, "value": "P-1234"}]}}]}]}


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh page of the shared headless Chromium (tests/helpers/browser.py)."""
    if shutil.which("xmlsec1") is None:
        pytest.fail("Install xmlsec1 with 'apt-get install -y xmlsec1' (.ci/run does this); the SAML browser test "
                    "never skips.")
    context = browser.new_context()
    try:
        tab = context.new_page()
        tab.set_default_timeout(TIMEOUT_MS)
        yield tab
    finally:
        context.close()


def test_the_browser_auto_posts_the_signed_assertion_to_the_acs(server: Any, api: httpx.Client, page: Any,
                                                                hook_server: HTTPServer) -> None:
    sp = ServiceProvider()
    try:
        app = api.post("/_emulator/saml-apps", json={"audience": sp.entity_id, "acsUrl": sp.acs_url}).json()
        sp.trust(httpx.get(app["metadataUrl"]).text, app["issuer"])
        hook_server.clear()
        hook_server.expect_request("/saml", method="POST").respond_with_json(ADD_ATTRIBUTE)
        assert api.post("/api/v1/inlineHooks", json=inline_hook_body(
            hook_server.url_for("/saml"), "com.okta.saml.tokens.transform", "SAML hook")).status_code == 200
        csp_violations: list[str] = []
        page.on("console", lambda msg: csp_violations.append(msg.text) if "Content Security Policy" in msg.text
                else None)
        page.goto(sp.url + "/login")
        assert page.url.startswith(server.url + "/login/login.htm")
        page.fill("#username", server.app.extensions["okta_hooks"].emulator.payloads.org.users[0].login)
        page.fill("#password", DEMO_PASSWORD)
        with page.expect_navigation(url=sp.acs_url):  # sign-in -> SSO page -> its script POSTs to the ACS
            page.click("button[type=submit]")
        page.wait_for_url(sp.acs_url)
        body = json.loads(page.inner_text("body"))
        assert body["ava"]["extPatientId"] == ["P-1234"] and body["relayState"] == "/reports"
        assert csp_violations == []
    finally:
        sp.stop()
