"""The Captures pages in a real browser (Playwright + Debian's Chromium, the shared launch of
tests/helpers/browser.py): open a record from the list, replay it to a changed hook with the form and read what
changed; the page loads nothing but the emulator and breaks no Content-Security-Policy rule. Screenshots go under
tmp_path."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from werkzeug.serving import make_server

from okta_hook_emulator.server import serve
from tests.helpers.browser import TIMEOUT_MS

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def changed_hook() -> Iterator[str]:
    from examples.capture_replay.changed_hook import app

    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/hooks/registration"
    server.shutdown()


@pytest.fixture
def emu(tmp_path: Path) -> Iterator[Any]:
    shutil.copytree(ROOT / "examples" / "capture_replay" / "captures", tmp_path / "captures")
    handle = serve({"policy": {"timeout": 2.0}, "captures_dir": str(tmp_path / "captures")})
    try:
        yield handle
    finally:
        handle.stop()


def test_open_a_record_and_replay_it_to_a_changed_hook(browser: Any, emu: Any, changed_hook: str,
                                                       tmp_path: Path) -> None:
    from playwright.sync_api import expect

    page = browser.new_page(base_url=emu.url)
    try:
        page.set_default_timeout(TIMEOUT_MS)
        requested: list[str] = []
        problems: list[str] = []
        page.on("request", lambda r: requested.append(r.url))
        page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        page.goto("/")
        page.get_by_role("link", name="Captures").click()
        expect(page.get_by_role("heading", name="Captures", level=1)).to_be_visible()
        page.get_by_role("link", name="Open capture 20261201T040246-0004-registration").click()
        expect(page.locator("#shape-diff")).to_contain_text("ours-wrong")
        page.get_by_label("Hook URL").fill(changed_hook)
        page.get_by_role("button", name="Replay").click()
        result = page.locator("#replay-result")
        expect(result).to_contain_text("Changed:")
        expect(result).to_contain_text('.value.registration is "DENY" (was "ALLOW")')
        page.screenshot(path=str(tmp_path / "capture-replayed.png"), full_page=True)
    finally:
        page.close()
    assert requested and all(url.startswith(emu.url) for url in requested)
    assert problems == []
