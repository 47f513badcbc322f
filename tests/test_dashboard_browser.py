"""The dashboard in a real browser: Playwright driving Debian's Chromium (the shared launch of
tests/helpers/browser.py).

Register a hook through the form (the hook is a pytest-httpserver on 127.0.0.1 answering verification), verify it,
fire an event and watch the delivery appear with its verdict without a reload, open its detail, run a token flow
and see the added claim highlighted; every request the page makes goes to the emulator; keyboard and screen
sizes. Each test saves screenshots under its tmp_path. These tests never skip: without Chromium they fail."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from okta_hook_emulator.server import serve
from tests.helpers.browser import TIMEOUT_MS, shot
from tests.helpers.server import answer_token_with_claim, answer_verification

pytestmark = [pytest.mark.browser, pytest.mark.slow]

AUTH_SECRET = "browser-test-shared-secret"


@pytest.fixture
def emu() -> Iterator[Any]:
    handle = serve({"policy": {"timeout": 2.0}, "worker_interval": 0.02})
    try:
        yield handle
    finally:
        handle.stop()


@pytest.fixture
def context(browser: Any, emu: Any) -> Iterator[Any]:
    ctx = browser.new_context(viewport={"width": 1440, "height": 900}, base_url=emu.url)
    ctx.set_default_timeout(TIMEOUT_MS)
    try:
        yield ctx
    finally:
        ctx.close()


@pytest.fixture
def page(context: Any) -> Any:
    return context.new_page()


@pytest.fixture
def hook(httpserver: Any) -> Any:
    """The hook service: answers verification, accepts event batches, adds extPatientId to ID tokens."""
    answer_verification(httpserver, "/events")
    httpserver.expect_request("/events", method="POST").respond_with_data("", status=204)
    answer_token_with_claim(httpserver, "/token")
    return httpserver


def register_via_form(page: Any, *, name: str, uri: str, kind: str = "event", event_types: tuple[str, ...] = ()) -> str:
    page.goto("/")
    page.get_by_label("Hook type").select_option(kind)
    page.get_by_label("Name", exact=True).fill(name)
    page.get_by_label("URL of your hook service").fill(uri)
    page.get_by_label("Auth header value (secret)").fill(AUTH_SECRET)
    for i, event_type in enumerate(event_types, 1):
        if i > 1:
            page.get_by_role("button", name="+ Add another event type").click()
        page.get_by_label(f"Event type {i}", exact=True).fill(event_type)
    page.get_by_role("button", name="Register hook").click()
    page.get_by_role("status").filter(has_text=f"Hook “{name}” registered.").wait_for()
    card = page.locator("li.hook", has=page.get_by_role("heading", name=name))
    return card.get_attribute("data-hook-id")


def test_register_verify_fire_and_watch_the_delivery_live(page: Any, context: Any, emu: Any, hook: Any,
                                                          tmp_path: Path) -> None:
    hook_id = register_via_form(page, name="User sync", uri=hook.url_for("/events"),
                                event_types=("user.lifecycle.create", "group.user_membership.add"))
    card = page.locator(f"#hook-{hook_id}")
    assert card.locator("[data-verification]").inner_text() == "UNVERIFIED"
    assert AUTH_SECRET not in page.content()
    shot(page, tmp_path, "1-registered")

    card.get_by_role("button", name="Verify User sync").click()
    page.get_by_role("status").filter(has_text="verified").wait_for()
    assert page.locator(f"#hook-{hook_id} [data-verification]").inner_text() == "✓ VERIFIED"
    verification = [r for r, _ in hook.log if r.method == "GET"]
    assert verification and verification[0].headers["Authorization"] == AUTH_SECRET
    shot(page, tmp_path, "2-verified")

    # A second tab watches the Deliveries page; it must update without a reload.
    watcher = context.new_page()
    watcher.goto("/deliveries")
    watcher.evaluate("window.__notReloaded = true")
    rows = watcher.locator("#deliveries-body tr[data-delivery-id]")
    assert rows.count() == 1  # the verification GET
    event_rows = watcher.locator("#deliveries-body tr", has_text="Event hook")
    assert event_rows.count() == 0

    page.get_by_role("link", name="Fire", exact=True).click()
    page.get_by_label("Event type").fill("group.user_membership.add")
    page.get_by_label("How many").fill("2")
    page.get_by_role("button", name="Fire events").click()
    page.get_by_role("status").filter(has_text="Wrote 2").wait_for()
    assert "User sync" in page.locator("#events .alert-ok").inner_text()
    shot(page, tmp_path, "3-fired")

    event_rows.first.wait_for()
    row = event_rows.first
    assert row.get_attribute("data-verdict") == "ok"
    assert row.locator(".verdict").inner_text() == "✓ ok"
    assert "group.user_membership.add" in row.inner_text()
    assert watcher.evaluate("window.__notReloaded") is True  # appeared by polling, not by a reload
    assert "new deliver" in watcher.locator("#live-status").inner_text()
    shot(watcher, tmp_path, "4-deliveries-live")

    row.get_by_role("link", name="Details").click()
    watcher.wait_for_url("**/deliveries/dlv*")
    assert "Event hook" in watcher.get_by_role("heading", level=1).inner_text()
    assert watcher.locator(".verdict-big").inner_text() == "✓ ok"
    assert "2 event(s) delivered and accepted" in watcher.locator("#summary").inner_text()
    attempt = watcher.locator("article.attempt").first
    assert "Attempt 1" in attempt.inner_text() and "HTTP 204" in attempt.inner_text()
    request_pane = attempt.get_by_label("Request of attempt 1")
    assert "POST" in request_pane.inner_text() and "com.okta.event_hook" in request_pane.inner_text()
    assert request_pane.locator("tr", has_text="Authorization").locator(".mask").inner_text() == "********"
    assert attempt.get_by_label("Response of attempt 1").is_visible()
    assert AUTH_SECRET not in watcher.content()
    shot(watcher, tmp_path, "5-delivery-detail")


def test_token_flow_shows_the_added_claim_highlighted(page: Any, emu: Any, hook: Any, tmp_path: Path) -> None:
    register_via_form(page, name="Token enricher", uri=hook.url_for("/token"), kind="token")
    page.get_by_role("link", name="Run a token flow").click()
    assert page.get_by_label("Flow", exact=True).input_value() == "token"
    page.get_by_label("Overrides of the request Okta sends").fill(
        "data.context.user.profile.login=isaac.brock@example.com")
    page.get_by_role("button", name="Run flow").click()
    page.wait_for_url("**/deliveries/dlv*")
    assert page.locator(".verdict-big").inner_text() == "✓ ok"
    added = page.locator('table[data-token="ID token"] tr[data-claim="extPatientId"]')
    assert added.get_attribute("data-change") == "added"
    assert '"P-1234"' in added.locator("mark").inner_text()
    assert "added by the hook" in added.inner_text()
    unchanged = page.locator('table[data-token="ID token"] tr[data-change="unchanged"]').first
    colour = "el => getComputedStyle(el).backgroundColor"
    assert added.evaluate(colour) != unchanged.evaluate(colour)  # highlighted, not just labelled
    assert page.locator('table[data-token="ID token"] tr[data-change="added"]').count() == 1
    assert "1 changed by the hook" in page.get_by_role("heading", name="ID token").inner_text()
    body = json.loads([r for r, _ in hook.log if r.path == "/token"][0].get_data())
    assert body["data"]["context"]["user"]["profile"]["login"] == "isaac.brock@example.com"  # override applied
    shot(page, tmp_path, "token-claims")


def test_every_request_the_page_makes_goes_to_the_emulator(page: Any, emu: Any, hook: Any, tmp_path: Path) -> None:
    seen: list[str] = []
    page.on("request", lambda req: seen.append(req.url))
    hook_id = register_via_form(page, name="Audit", uri=hook.url_for("/events"), event_types=("user.session.start",))
    page.locator(f"#hook-{hook_id}").get_by_role("button", name="Verify Audit").click()
    page.get_by_role("status").filter(has_text="verified").wait_for()
    for path in ("/deliveries", "/fire", "/logs", "/latency"):
        page.goto(path)
        page.wait_for_load_state("networkidle") if path != "/deliveries" else page.wait_for_timeout(1500)
    page.goto("/logs?q=hook")
    page.goto("/")
    assert len(seen) > 10
    strangers = [u for u in seen if not u.startswith(emu.url + "/")]
    assert strangers == []
    polls = [u for u in seen if "/deliveries/live" in u]
    assert polls  # the live list polled the emulator itself
    shot(page, tmp_path, "origin-check")


def test_keyboard_labels_and_screen_sizes(browser: Any, emu: Any, hook: Any, tmp_path: Path) -> None:
    for name, viewport, scale in (("laptop", {"width": 1366, "height": 768}, 1),
                                  ("projector", {"width": 1920, "height": 1080}, 1.5)):
        ctx = browser.new_context(viewport=viewport, device_scale_factor=scale, base_url=emu.url)
        ctx.set_default_timeout(TIMEOUT_MS)
        try:
            page = ctx.new_page()
            for path in ("/", "/deliveries", "/fire", "/logs", "/latency"):
                page.goto(path)
                unlabeled = page.evaluate("""() => [...document.querySelectorAll(
                    'input:not([type=hidden]), select, textarea')].filter(el => !(el.labels && el.labels.length)
                    && !el.getAttribute('aria-label')).map(el => el.name || el.id)""")
                assert unlabeled == [], (path, unlabeled)
                overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
                assert overflow <= 0, (name, path, overflow)
            shot(page, tmp_path, f"latency-{name}")
            page.goto("/")
            page.keyboard.press("Tab")
            focused = page.evaluate("document.activeElement.textContent.trim()")
            assert focused == "Skip to main content"
            assert page.locator(".skip-link").evaluate("el => el.getBoundingClientRect().top >= 0")  # visible
            page.keyboard.press("Enter")
            assert page.evaluate("document.activeElement.id") == "main"
            page.keyboard.press("Tab")
            assert page.evaluate("document.activeElement.closest('main') !== null")
            outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
            assert outline != "none"  # visible focus
            assert page.locator(".empty-state").is_visible()
            shot(page, tmp_path, f"hooks-empty-{name}")
        finally:
            ctx.close()


def test_run_a_builtin_scenario_and_see_its_report(page: Any, emu: Any, hook: Any, tmp_path: Path) -> None:
    page.goto("/fire")
    page.get_by_label("Scenario", exact=True).select_option("event-hook-verification")
    page.get_by_label("Hook URL").fill(hook.url_for("/events"))
    page.get_by_role("button", name="Run scenario").click()
    report = page.locator(".report")
    report.wait_for()
    assert "event-hook-verification" in report.inner_text() and "passed" in report.inner_text()
    assert report.locator("tr.step-passed").count() >= 1
    shot(page, tmp_path, "scenario-report")
    page.get_by_role("link", name="See the deliveries it made").click()
    page.locator("#deliveries-body tr", has_text="Verification").first.wait_for()
