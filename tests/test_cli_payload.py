"""`okta-hooks payload` and `okta-hooks catalog`, run as the installed console script."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from okta_hook_emulator.payloads.catalog import KINDS

OKTA_HOOKS = Path(sys.executable).parent / "okta-hooks"


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(OKTA_HOOKS), *args], capture_output=True, text=False, timeout=60)


def test_payload_token_seed_is_byte_identical():
    a, b, c = run("payload", "token", "--seed", "7"), run("payload", "token", "--seed", "7"), run(
        "payload", "token", "--seed", "8")
    assert a.returncode == b.returncode == 0, a.stderr
    assert a.stdout == b.stdout
    assert a.stdout != c.stdout
    body = json.loads(a.stdout)
    assert body["eventType"] == "com.okta.oauth2.tokens.transform"


def test_payload_event_group_membership():
    res = run("payload", "event", "--event-type", "group.user_membership.add", "--count", "3")
    assert res.returncode == 0, res.stderr
    env = json.loads(res.stdout)
    assert env["eventType"] == "com.okta.event_hook"
    events = env["data"]["events"]
    assert len(events) == 3
    for event in events:
        assert event["eventType"] == "group.user_membership.add"
        assert [t["type"] for t in event["target"]] == ["User", "UserGroup"]


def test_payload_event_types_cycle_and_set_overrides():
    res = run("payload", "event", "--event-type", "user.session.start", "--event-type", "user.lifecycle.create",
              "--count", "3", "--set", "data.events.0.outcome.result=FAILURE",
              "--set", "+/data/events/1/debugContext/debugData/n=5", "--set", "data.events.2.outcome.reason=plain text")
    assert res.returncode == 0, res.stderr
    events = json.loads(res.stdout)["data"]["events"]
    assert [e["eventType"] for e in events] == ["user.session.start", "user.lifecycle.create", "user.session.start"]
    assert events[0]["outcome"]["result"] == "FAILURE"
    assert events[1]["debugContext"]["debugData"]["n"] == 5
    assert events[2]["outcome"]["reason"] == "plain text"


@pytest.mark.parametrize("args,expected", [
    (("telephony", "--request-type", "com.okta.user.telephony.account-unlock", "--variant", "voice"),
     ("com.okta.user.telephony.account-unlock", "Voice")),
    (("registration", "--request-type", "progressive.profile"), ("progressive.profile", None)),
])
def test_payload_request_type_and_variant(args, expected):
    res = run("payload", *args)
    assert res.returncode == 0, res.stderr
    body = json.loads(res.stdout)
    assert body["requestType"] == expected[0]
    if expected[1]:
        assert body["data"]["messageProfile"]["deliveryChannel"] == expected[1]


@pytest.mark.parametrize("args,fragment", [
    (("payload", "tokn"), b"Did you mean 'token'?"),
    (("payload", "event", "--event-type", "group.user_membership.ad"), b"Did you mean 'group.user_membership.add'?"),
    (("payload", "import", "--variant", "conflicts"), b"Did you mean 'conflict'?"),
    (("payload", "saml", "--set", "no-equals-sign"), b"expected PATH=VALUE"),
    (("payload", "token", "--set", "data.context.user.id.x=1"), b"data.context.user.id"),
])
def test_bad_input_exits_2_with_message_on_stderr(args, fragment):
    res = run(*args)
    assert res.returncode == 2
    assert res.stdout == b""
    assert fragment in res.stderr


def test_catalog_lists_kinds_by_default():
    res = run("catalog")
    assert res.returncode == 0
    lines = res.stdout.decode().splitlines()
    assert [line.split()[0] for line in lines] == list(KINDS)
    assert any("com.okta.telephony.provider" in line and "failure=failover" in line for line in lines)


def test_catalog_event_types_lists_314_and_greps():
    res = run("catalog", "--event-types")
    assert res.returncode == 0
    lines = res.stdout.decode().splitlines()
    assert len(lines) == 314
    names = [line.split()[0] for line in lines]
    assert "user.lifecycle.create" in names and "event_hook.delivery" not in names
    grep = run("catalog", "--event-types", "--grep", "USER_MEMBERSHIP")
    got = [line.split()[0] for line in grep.stdout.decode().splitlines()]
    assert got == ["application.user_membership.add", "application.user_membership.change_password",
                   "application.user_membership.remove", "application.user_membership.update",
                   "group.user_membership.add", "group.user_membership.remove"]
    assert run("catalog", "--grep", "failover").stdout.decode().split()[0] == "telephony"


def _strings(obj):
    if isinstance(obj, dict):
        for v in obj.values():
            yield from _strings(v)
    elif isinstance(obj, list):
        for v in obj:
            yield from _strings(v)
    elif isinstance(obj, str):
        yield obj


def test_payload_user_names_one_person_everywhere():
    res = run("payload", "token", "--user", "login=ann@acme.test")
    assert res.returncode == 0, res.stderr
    body = json.loads(res.stdout)
    data = body["data"]
    user = data["context"]["user"]
    assert user["profile"]["login"] == data["context"]["session"]["login"] == "ann@acme.test"
    assert user["profile"]["firstName"] == data["access"]["claims"]["firstName"] == "Ann"
    claims_id, claims_at = data["identity"]["claims"], data["access"]["claims"]
    assert claims_id["email"] == claims_id["preferred_username"] == "ann@acme.test"
    assert claims_at["sub"] == claims_at["preferred_username"] == "ann@acme.test"
    assert claims_id["sub"] == claims_at["uid"] == user["id"] == data["context"]["session"]["userId"]
    assert claims_id["name"].startswith("Ann ")
    assert {s for s in _strings(body) if "@" in s} == {"ann@acme.test"}  # nobody else
    same = run("payload", "token", "--user", "login=ann@acme.test")
    assert same.stdout == res.stdout  # same seed, same user: same bytes
    bad = run("payload", "token", "--user", "nickname=Annie")
    assert bad.returncode == 2 and b"nickname" in bad.stderr
