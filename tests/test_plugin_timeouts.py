"""Okta's 3 s budget applies to in-process hooks too: the test gets the verdict at the budget, not when the
hook finally returns. These use the real 3 s (and a 5 s hook), so they are marked slow."""

from __future__ import annotations

import json
import time

import pytest


def sleepy_hook(environ, start_response):
    """A WSGI token hook that sleeps 5 s, then answers a valid patch."""
    time.sleep(5)
    body = json.dumps({"commands": [{"type": "com.okta.identity.patch",
                                     "value": [{"op": "add", "path": "/claims/late", "value": True}]}]}).encode()
    start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]


@pytest.fixture
def okta_hook_target():
    return sleepy_hook


@pytest.mark.slow
def test_sleeping_hook_times_out_at_okta_budget(okta):
    started = time.monotonic()
    result = okta.token_hook()
    took = time.monotonic() - started
    result.assert_timed_out()
    result.assert_allowed()  # token hooks fail open: the original tokens are issued
    assert "late" not in result.outcome.id_token.claims
    assert okta.policy.timeout == 3.0
    assert took < 5.0, f"the verdict came after {took:.2f}s, not at Okta's 3 s budget"
    assert len(result.attempts) == 1  # token hooks are never retried


@pytest.mark.slow
@pytest.mark.okta_policy(timeout=10)
def test_longer_budget_from_marker_judges_the_same_hook_ok(okta):
    result = okta.token_hook()
    result.assert_ok()
    result.assert_responds_within(10)
    result.assert_claim("late", True)
