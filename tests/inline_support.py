"""Helpers shared by the inline-hook tests (tests/test_judges_*.py, tests/test_hardening_*.py): Okta's documented
examples, a stand-in hook service and a seeded emulator. Fixtures are imported by name, like tests/server_support.py."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from okta_hook_emulator.emulator.core import Emulator

EXAMPLES = Path(__file__).parent / "data" / "okta_examples"
# inline kind -> the documented request example of that kind
REQUESTS = {
    "token": "token.request.json",
    "saml": "saml.request.filled.json",
    "registration": "registration-ssr.request.json",
    "import": "import.request.json",
    "password-import": "password-import.request.json",
    "telephony": "telephony.request.json",
}


def load(name: str) -> dict:
    """A documented Okta example from tests/data/okta_examples."""
    return json.loads((EXAMPLES / name).read_text())


@pytest.fixture(scope="module")
def hook_server() -> Iterator[HTTPServer]:
    """A threaded pytest-httpserver hook service on 127.0.0.1 (free port), one per test module."""
    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.start()
    yield server
    server.clear()
    server.stop()


@pytest.fixture(scope="module")
def emu() -> Iterator[Emulator]:
    """An ``Emulator(seed=0)`` shared by the tests of one module."""
    with Emulator(seed=0) as emulator:
        yield emulator
