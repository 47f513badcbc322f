"""Helpers shared by the inline-hook tests (tests/test_outcomes_*.py, tests/test_hostile_hooks.py, ...): Okta's
documented examples by inline kind. The ``hook_server`` and ``emu`` fixtures are in tests/conftest.py."""

from __future__ import annotations

import json
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parents[1] / "data" / "okta_examples"
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
