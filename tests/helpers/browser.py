"""The one Chromium launch of the browser tests: Playwright driving Debian's Chromium (/usr/bin/chromium, installed
by .ci/run). Browser tests never skip: without Chromium they fail with the line that says how to install it. The
``browser`` fixture (tests/conftest.py) uses :func:`chromium`; :func:`shot` saves a screenshot."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
TIMEOUT_MS = 10_000


@contextmanager
def chromium() -> Iterator[Any]:
    """A headless Chromium (Playwright ``Browser``), closed on exit; fails the test when Chromium is missing."""
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium is missing at {CHROMIUM}: install it with 'apt-get install -y chromium' "
                    "(.ci/run does this); the browser tests never skip.")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def shot(page: Any, folder: Path, name: str) -> Path:
    """Save a full-page screenshot of ``page`` as ``folder/name.png`` (and check it is not blank)."""
    path = folder / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 5_000
    return path
