"""Okta-shaped errors (``errorCode``, ``errorSummary``, ``errorLink``, ``errorId``, ``errorCauses``)."""

from __future__ import annotations

import difflib
import uuid
from collections.abc import Iterable
from typing import Any

# Okta error codes used by the emulator: code -> (HTTP status, errorSummary).
ERROR_CODES: dict[str, tuple[int, str]] = {
    "E0000001": (400, "Api validation failed: {0}"),
    "E0000003": (400, "The request body was not well-formed."),
    "E0000005": (403, "Invalid session"),
    "E0000007": (404, "Not found: {0}"),
    "E0000011": (401, "Invalid token provided"),
    "E0000031": (400, "Invalid search criteria."),
    "E0000022": (405, "The endpoint does not support the provided HTTP method"),
    "E0000006": (403, "You do not have permission to perform the requested action"),
    "E0000009": (500, "Internal Server Error"),
    "E0000047": (429, "API call exceeded rate limit due to too many requests."),
    "E0000134": (502, "Okta could not communicate correctly with an inline hook."),
    "E0000135": (400, "An inline hook responded with an error."),
    "E0000137": (504, "Okta did not receive a response from an inline hook."),
}


def error_id() -> str:
    """A fresh Okta-looking ``errorId`` (not seeded: it identifies one response, like Okta's)."""
    return "oae" + uuid.uuid4().hex[:22]


def okta_error(code: str, *args: str, causes: Iterable[str | dict[str, Any]] = (), summary: str | None = None) -> dict:
    """Build an Okta error object. ``causes`` are strings or ready ``{"errorSummary": ...}`` dicts."""
    _, template = ERROR_CODES[code]
    return {
        "errorCode": code,
        "errorSummary": summary if summary is not None else template.format(*args),
        "errorLink": code,
        "errorId": error_id(),
        "errorCauses": [c if isinstance(c, dict) else {"errorSummary": c} for c in causes],
    }


class OktaAPIError(Exception):
    """Raised inside the emulator to answer with an Okta error object."""

    def __init__(self, code: str, *args: str, causes: Iterable[str | dict[str, Any]] = (), status: int | None = None,
                 summary: str | None = None):
        self.code = code
        self.status = status if status is not None else ERROR_CODES[code][0]
        self.body = okta_error(code, *args, causes=causes, summary=summary)
        super().__init__(self.body["errorSummary"] + "".join(f"; {c['errorSummary']}" for c in self.body["errorCauses"]))


class EmulatorUsageError(ValueError):
    """Bad input from a user of the library or CLI (unknown kind, bad override...). Message says how to fix it."""


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """`` Did you mean 'x'?`` or an empty string."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.5)
    return f" Did you mean '{close[0]}'?" if close else ""
