"""The event-type catalog: 314 eligible types, flags as in Okta's catalog, did-you-mean on misses."""

from __future__ import annotations

import dataclasses

import pytest

from okta_hook_emulator.errors import EmulatorUsageError
from okta_hook_emulator.payloads.event_types import event_types, get_event_type, is_eligible


def test_counts_match_okta_catalog():
    types = event_types()
    assert len(types) == 314
    assert sum(t.oie_only for t in types.values()) == 15
    assert sum(t.beta for t in types.values()) == 50
    assert sum(t.hand_specified for t in types.values()) >= 40
    assert {t.severity for t in types.values()} <= {"INFO", "WARN", "ERROR"}


def test_known_entries():
    create = get_event_type("user.lifecycle.create")
    assert create.display_message == "Create okta user"  # Okta's own spelling (capture: cru-sns-user-lifecycle-create)
    assert create.legacy_event_type == "core.user.config.user_creation.success"
    assert [t.type for t in create.targets] == ["User"]
    assert create.actor_type == "User" and create.outcome == "SUCCESS"
    assert get_event_type("user.mfa.factor.suspend").oie_only
    assert get_event_type("policy.lifecycle.update").change_details
    assert get_event_type("application.policy.sign_on.deny_access").severity == "WARN"
    assert get_event_type("system.import.complete").transaction_type == "JOB"
    assert get_event_type("inline_hook.executed").actor_type == "SystemPrincipal"
    assert is_eligible("user.import.password") and not is_eligible("event_hook.delivery")


def test_entries_are_immutable_and_dict_is_a_copy():
    types = event_types()
    types.clear()
    assert len(event_types()) == 314
    with pytest.raises(dataclasses.FrozenInstanceError):
        get_event_type("user.session.start").severity = "ERROR"  # type: ignore[misc]


@pytest.mark.parametrize("name", ["user.lifecycle.delete.completed", "inline_hook.response.processed",
                                  "user.sesion.start"])
def test_non_eligible_types_raise_with_hint(name):
    with pytest.raises(EmulatorUsageError, match="not an event-hook-eligible event type"):
        get_event_type(name)
    with pytest.raises(EmulatorUsageError, match="Did you mean 'user.session.start'"):
        get_event_type("user.sesion.start")
