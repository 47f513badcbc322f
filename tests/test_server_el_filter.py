"""The Okta Expression Language subset used by event hook filters."""

from __future__ import annotations

import pytest

from okta_hook_emulator.server.el_filter import compile_filter, passes

EVENT = {
    "eventType": "group.user_membership.add",
    "actor": {"id": "00uadmin", "type": "User", "alternateId": "admin@example.com", "displayName": "Ada Admin"},
    "outcome": {"result": "SUCCESS", "reason": None},
    "target": [{"id": "00ubob", "type": "User", "displayName": "Bob"},
               {"id": "00gsales", "type": "UserGroup", "displayName": "Sales"}],
    "debugContext": {"debugData": {"changedAttributes": "email"}},
}


@pytest.mark.parametrize("expression, expected", [
    ("event.target.?[type eq 'UserGroup'].size()>0 && event.target.?[displayName eq 'Sales'].size()>0", True),
    ("event.target.?[type eq 'UserGroup' && displayName eq 'Engineering'].size()>0", False),
    ("event.outcome.result eq 'SUCCESS'", True),
    ("event.outcome.result ne 'SUCCESS' || event.actor.alternateId eq 'admin@example.com'", True),
    ('event.actor.id == "00uother"', False),
    ("!(event.debugData.changedAttributes eq 'email')", False),
    ("event.outcome.reason eq null", True),
    ("event.target.size() >= 2", True),
    ("(event.eventType eq 'x' || event.eventType eq 'group.user_membership.add') && event.actor.type eq 'User'", True),
])
def test_expressions(expression: str, expected: bool) -> None:
    assert compile_filter(expression)(EVENT) is expected


@pytest.mark.parametrize("expression, message", [
    ("", "empty"), ("event.actor.id eq", "ends too early"), ("event.actor.id eq 'a' 'b'", "unexpected"),
    ("event.actor.id eq #", "unexpected character"), ("event.target.?[type eq 'x')", "expected ']'"),
])
def test_syntax_errors(expression: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        compile_filter(expression)


def test_passes_only_applies_to_the_mapped_event_type() -> None:
    hook = {"events": {"filter": {"eventFilterMap": [
        {"event": "group.user_membership.add", "condition": {"expression": "event.actor.id eq 'nobody'"}}]}}}
    assert passes(hook, EVENT) is False
    assert passes(hook, {**EVENT, "eventType": "user.lifecycle.create"}) is True
    assert passes({"events": {"filter": None}}, EVENT) is True
