"""Shared test configuration and the fixtures several test modules use. Plain helpers (no fixtures) live in
tests/helpers/; a module's own fixtures stay in that module (and override these by name)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from pytest_httpserver import HTTPServer

from okta_hook_emulator.emulator.core import Emulator
from okta_hook_emulator.server import serve
from tests.helpers.browser import chromium
from tests.helpers.server import AUTH, SHORT, TOKEN, QuickStopHTTPServer

DATA = Path(__file__).parent / "data"
OKTA_EXAMPLES = DATA / "okta_examples"


@pytest.fixture
def okta_example():
    """Load one of Okta's documented payloads (tests/data/okta_examples; docs/okta-behaviour.md#sources)."""

    def load(name: str):
        return json.loads((OKTA_EXAMPLES / name).read_text())

    return load


@pytest.fixture
def server() -> Iterator[Any]:
    """A running emulator on 127.0.0.1 (free port), in-memory database, short hook timeouts."""
    handle = serve({"api_token": TOKEN, "policy": dict(SHORT), "worker_interval": 0.02})
    try:
        yield handle
    finally:
        handle.stop()


@pytest.fixture
def api(server: Any) -> Iterator[httpx.Client]:
    """An httpx client for the emulator carrying the SSWS token."""
    with httpx.Client(base_url=server.url, headers=AUTH, timeout=10) as client:
        yield client


@pytest.fixture(scope="module")
def hook_server() -> Iterator[HTTPServer]:
    """A threaded pytest-httpserver hook service on 127.0.0.1 (free port), one per test module."""
    server = QuickStopHTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.start()
    yield server
    server.clear()
    server.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """A headless Chromium shared by the tests of one module (tests/helpers/browser.py)."""
    with chromium() as launched:
        yield launched


@pytest.fixture(scope="module")
def emu() -> Iterator[Emulator]:
    """An ``Emulator(seed=0)`` shared by the tests of one module."""
    with Emulator(seed=0) as emulator:
        yield emulator
