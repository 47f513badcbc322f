"""The hosted end-user pages in a real browser (Playwright + Debian's Chromium, the shared ``browser`` fixture of
tests/helpers/browser.py), with the packaged sample hook as the org's registration AND token inline hook:
registering with a blocked domain shows the hook's message by the email field; registering an allowed user, then
signing in, lands on the page showing who is signed in; registering, then signing in through the demo app, lands
on the demo app whose ID token carries the token hook's claim. Every request stays on the emulator (offline pages)
and no page needs JavaScript. Screenshots go under tmp_path."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from okta_hook_emulator.server import serve
from tests.helpers.browser import TIMEOUT_MS, shot
from tests.helpers.examples import sample_hook
from tests.helpers.server import inline_hook_body

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PASSWORD = "A-new-Passw0rd"


@pytest.fixture
def org() -> Iterator[Any]:
    """The emulator with the sample hook registered as its ACTIVE registration and token inline hooks."""
    sample = sample_hook()
    hook_server, hook_thread, hook_base = sample.serve(sample.create_app())
    handle = serve({"policy": {"timeout": 2.0}, "worker_interval": 0.02})
    try:
        for path, hook_type, name in (("/hooks/registration", "com.okta.user.pre-registration", "Sample registration"),
                                      ("/hooks/token", "com.okta.oauth2.tokens.transform", "Sample token hook")):
            created = httpx.post(handle.url + "/api/v1/inlineHooks", json=inline_hook_body(hook_base + path, hook_type,
                                                                                         name=name),
                                 headers={"Authorization": f"SSWS {handle.token}"})
            assert created.status_code == 200, created.text
        yield handle
    finally:
        handle.stop()
        hook_server.shutdown()
        hook_thread.join(5)


@pytest.fixture
def page(browser: Any, org: Any) -> Iterator[Any]:
    # JavaScript off: the pages are plain forms.
    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=org.url, java_script_enabled=False)
    context.set_default_timeout(TIMEOUT_MS)
    tab = context.new_page()
    tab.requested = []
    tab.on("request", lambda r: tab.requested.append(r.url))
    try:
        yield tab
    finally:
        context.close()


def fill_registration(page: Any, email: str) -> None:
    page.goto("/signin/register")
    page.get_by_label("Email").fill(email)
    page.get_by_label("First name").fill("Ann")
    page.get_by_label("Last name").fill("Lee")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Register").click()


def test_blocked_domain_shows_the_hook_message(page: Any, org: Any, tmp_path: Path) -> None:
    fill_registration(page, "ann@blocked.example")
    message = page.locator("#email-error")
    message.wait_for()
    assert message.inner_text() == "Emails from blocked.example cannot register."
    assert page.get_by_label("Email").get_attribute("aria-invalid") == "true"
    assert page.get_by_role("alert").inner_text().startswith("We found some errors")
    assert "Registration inline hook" in page.locator(".okta-panel").inner_text()
    shot(page, tmp_path, "1-denied")
    assert all(url.startswith(org.url) for url in page.requested), page.requested


def test_allowed_user_registers_then_signs_in_and_lands_signed_in(page: Any, org: Any, tmp_path: Path) -> None:
    fill_registration(page, "ann.lee@acme.test")
    page.wait_for_url("**/login/signed-in")
    assert "You are signed in" in page.locator("h1").inner_text()
    assert "Registration inline hook" in page.locator(".okta-panel").inner_text()
    shot(page, tmp_path, "2-registered")

    page.get_by_role("link", name="Sign out").click()
    page.wait_for_url("**/login/login.htm")
    page.get_by_label("Username").fill("ann.lee@acme.test")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url("**/login/signed-in")
    assert "ann.lee@acme.test" in page.locator("main").inner_text()
    assert "Signed in as ann.lee@acme.test" in page.locator(".topbar").inner_text()
    shot(page, tmp_path, "3-signed-in")

    page.goto("/login/signed-in?panel=hide")
    assert page.locator(".okta-panel").count() == 0
    assert all(url.startswith(org.url) for url in page.requested), page.requested


def sign_in(page: Any, login: str) -> None:
    page.get_by_label("Username").fill(login)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()


def test_allowed_user_registers_then_signs_in_to_the_demo_app_with_the_token_hook_claim(
        page: Any, org: Any, tmp_path: Path) -> None:
    fill_registration(page, "ann.lee@acme.test")
    page.wait_for_url("**/login/signed-in")
    page.get_by_role("link", name="Sign out").click()
    page.wait_for_url("**/login/login.htm")

    page.goto("/demo-app/")
    page.get_by_role("link", name="Sign in with Okta").click()
    page.wait_for_url("**/login/login.htm?fromURI=*")  # the authorize request sent a stranger to the sign-in page
    sign_in(page, "ann.lee@acme.test")
    page.wait_for_url("**/demo-app/callback?*")
    claims = json.loads(page.locator("#id-token-claims").inner_text())
    assert claims["extPatientId"] == "P-ann.lee"  # the sample token hook's claim
    assert claims["preferred_username"] == "ann.lee@acme.test"
    assert "Token inline hook" in page.locator(".okta-panel").inner_text()
    shot(page, tmp_path, "4-demo-app")
    assert all(url.startswith(org.url) for url in page.requested), page.requested
