"""Shared test configuration. Area-specific fixtures live in the test modules that need them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"
OKTA_EXAMPLES = DATA / "okta_examples"


@pytest.fixture
def okta_example():
    """Load one of Okta's documented payloads (tests/data/okta_examples; docs/okta-behaviour.md#sources)."""

    def load(name: str):
        return json.loads((OKTA_EXAMPLES / name).read_text())

    return load
