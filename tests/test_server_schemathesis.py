"""Schemathesis against the running server (issue #18): every operation of the server's own OpenAPI document
(``server/openapi.json``, the Management, System Log, OAuth and control routes) and of a cut of Okta's Management
API spec for the hook and System Log operations (``tests/data/okta_management_hooks_logs.json``, source noted in
``tests/data/okta_management_hooks_logs.md``), over real HTTP. No answer may be a 5xx; every 4xx of the Okta and
control APIs is an Okta error object. Each operation runs a handful of generated cases within a time budget
(``OKTA_HOOKS_FUZZ_SECONDS`` per operation, cases past it are not sent), so the run stays bounded; raise
``OKTA_HOOKS_FUZZ_EXAMPLES`` and the budget for a longer campaign. Marked slow: part of ``make test``, not of the
fast loop."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from okta_hook_emulator.server import serve
from okta_hook_emulator.server.control import load_openapi
from tests.helpers.server import AUTH, TOKEN

EXAMPLES = int(os.environ.get("OKTA_HOOKS_FUZZ_EXAMPLES", "6"))
BUDGET = float(os.environ.get("OKTA_HOOKS_FUZZ_SECONDS", "3"))
OKTA_SPEC = Path(__file__).parent / "data" / "okta_management_hooks_logs.json"
MAX_FIRED = 20  # POST /_emulator/events may ask for 10,000 events; a few are enough to exercise it
_started: dict[str, float] = {}  # operation -> when its first case was sent

own_schema = schemathesis.openapi.from_dict(load_openapi())
okta_schema = schemathesis.openapi.from_dict(json.loads(OKTA_SPEC.read_text()))
FUZZ_SETTINGS = settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                         suppress_health_check=list(HealthCheck))


@pytest.fixture(scope="module")
def emulator():
    # hook calls give up at once: generated hook URIs point nowhere
    handle = serve({"api_token": TOKEN, "policy": {"timeout": 0.2, "max_retries": 0}, "worker_interval": 0.02})
    yield handle
    handle.stop(timeout=5)


def check_answer(case, response) -> None:
    where = f"{case.method} {case.formatted_path}"
    assert response.status_code < 500, f"{where} answered {response.status_code}: {response.text[:300]}"
    path = case.formatted_path
    if 400 <= response.status_code < 500 and path.startswith(("/api/", "/_emulator/")):
        body = response.json()
        assert body.get("errorCode") and body.get("errorSummary"), f"{where}: {response.text[:300]}"


def call(case, emulator) -> None:
    operation = f"{case.method} {case.path}"
    if time.monotonic() - _started.setdefault(operation, time.monotonic()) > BUDGET:
        return  # this operation's time budget is spent
    if case.path == "/_emulator/events" and isinstance(case.body, dict) and isinstance(case.body.get("count"), int):
        case.body["count"] = min(case.body["count"], MAX_FIRED)
    response = case.call(base_url=emulator.url, headers=dict(AUTH), timeout=30)
    check_answer(case, response)


@pytest.mark.slow
@own_schema.parametrize()
@FUZZ_SETTINGS
def test_own_openapi_document_never_answers_5xx(case, emulator):
    call(case, emulator)


@pytest.mark.slow
@okta_schema.parametrize()
@FUZZ_SETTINGS
def test_okta_management_spec_never_answers_5xx(case, emulator):
    call(case, emulator)


def test_the_okta_spec_cut_covers_the_hook_and_log_operations():
    doc = json.loads(OKTA_SPEC.read_text())
    operations = [(m, p) for p, item in doc["paths"].items() for m in item if m in ("get", "post", "put", "delete")]
    assert len(operations) == 18
    assert {p.split("/")[3] for _, p in operations} == {"eventHooks", "inlineHooks", "logs"}
