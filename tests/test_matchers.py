"""``okta_hook_emulator.matchers``: every predicate holds for a matching value and, for a value that does not
match, says why."""

from __future__ import annotations

import doctest

import pytest

from okta_hook_emulator import matchers
from okta_hook_emulator.emulator.results import Check
from okta_hook_emulator.matchers import ANY, MISSING
from okta_hook_emulator.payloads.validate import Problem

PATCH = {"type": "com.okta.identity.patch", "value": [
    {"op": "add", "path": "/claims/tier", "value": "silver"},
    {"op": "add", "path": "/claims/extPatientId", "value": {"id": "P-1", "site": "north"}},
]}
ACCESS = {"type": "com.okta.access.patch", "value": [{"op": "add", "path": "/claims/tier", "value": "gold"}]}
ACTION = {"type": "com.okta.action.update", "value": {"registration": "ALLOW"}}


def test_the_module_example_holds() -> None:
    assert doctest.testmod(matchers).failed == 0


def test_show_is_compact_sorted_json_cut_at_the_limit() -> None:
    assert matchers.show({"b": 1, "a": "x"}) == '{"a": "x", "b": 1}'
    assert matchers.show(MISSING) == "<missing>"
    assert matchers.show("x" * 50, limit=10) == '"xxxxxxxxx... (52 chars)'


@pytest.mark.parametrize(("expected", "actual", "result"), [
    ("ok", "ok", (True, "")),
    (1, 1.0, (True, "")),
    ("ok", "failed", (False, "not equal")),
    (True, 1, (False, "a boolean never equals a number")),
    (0, False, (False, "a boolean never equals a number")),
    (True, "yes", (False, "not equal")),
    ("ok", MISSING, (False, "not present")),
])
def test_equals(expected: object, actual: object, result: matchers.Result) -> None:
    assert matchers.equals(expected, actual) == result


@pytest.mark.parametrize(("expected", "actual", "result"), [
    ({"a": {"b": 1}}, {"a": {"b": 1, "c": 2}, "d": 3}, (True, "")),
    ("gold", "gold", (True, "")),
    ({"a": {"b": 1}}, {"a": {"b": 2}}, (False, ".a.b is 2")),
    ({"a": {"b": 1}}, {"a": {}}, (False, "no .a.b")),
    ({"a": 1}, [1], (False, "value is [1]")),
    ("gold", "silver", (False, 'value is "silver"')),
    ({"on": True}, {"on": 1}, (False, ".on is 1")),
])
def test_subset(expected: object, actual: object, result: matchers.Result) -> None:
    assert matchers.subset(expected, actual) == result


def test_is_operator() -> None:
    assert matchers.is_operator({"gte": 2, "lt": 5})
    assert not matchers.is_operator({"gte": 2, "tier": "gold"})  # a literal object, compared for equality
    assert not matchers.is_operator({})


@pytest.mark.parametrize(("expected", "actual", "result"), [
    ({"a": 1}, {"a": 1}, (True, "")),
    ({"a": 1}, {"a": 2}, (False, "not equal")),
    ({"eq": 204}, 204, (True, "")),
    ({"eq": 204}, 200, (False, "not equal")),
    ({"ne": "failed"}, "ok", (True, "")),
    ({"ne": "failed"}, "failed", (False, 'equals "failed"')),
    ({"contains": "P-"}, "P-1", (True, "")),
    ({"contains": "P-"}, "Q-1", (False, '"P-" not in value')),
    ({"not_contains": "b"}, ["a"], (True, "")),
    ({"not_contains": "b"}, ["a", "b"], (False, '"b" is in value')),
    ({"matches": "^P-\\d$"}, "P-1", (True, "")),
    ({"matches": "^P-\\d$"}, "P-12", (False, "no match for /^P-\\d$/")),
    ({"startswith": "P-"}, "P-1", (True, "")),
    ({"startswith": "P-"}, "Q-1", (False, 'does not start with "P-"')),
    ({"endswith": ".com"}, "a@b.com", (True, "")),
    ({"endswith": ".com"}, "a@b.org", (False, 'does not end with ".com"')),
    ({"in": [200, 204]}, 204, (True, "")),
    ({"in": [200, 204]}, 500, (False, "not one of [200, 204]")),
    ({"len": 2}, [1, 2], (True, "")),
    ({"len": {"gte": 3}}, [1, 2], (False, "length 2; not >= 3")),
    ({"gt": 1}, 2, (True, "")),
    ({"gt": 1}, 1, (False, "not > 1")),
    ({"gte": 2, "lt": 5}, 4, (True, "")),
    ({"gte": 2, "lt": 5}, 5, (False, "not < 5")),
    ({"lte": 3}, 4, (False, "not <= 3")),
    ({"exists": True}, None, (True, "")),
    ({"exists": True}, MISSING, (False, "not present")),
    ({"exists": False}, MISSING, (True, "")),
    ({"exists": False}, "x", (False, "present")),
    ({"gt": 1}, MISSING, (False, "not present")),
])
def test_satisfies(expected: object, actual: object, result: matchers.Result) -> None:
    assert matchers.satisfies(expected, actual) == result


def test_satisfies_says_when_an_operator_cannot_apply() -> None:
    ok, why = matchers.satisfies({"gt": 1}, "two")
    assert not ok and why.startswith("cannot apply 'gt': ")


def test_verdict() -> None:
    assert matchers.verdict("ok", "ok") == (True, "")
    assert matchers.verdict(("ok", "error"), "error") == (True, "")
    assert matchers.verdict("ok", "failed") == (False, 'verdict is "failed"')
    assert matchers.verdict(("ok", "error"), None) == (False, "verdict is null")


def test_status() -> None:
    assert matchers.status(200, 200) == (True, "")
    assert matchers.status({"in": [200, 204]}, [200, 204]) == (True, "")
    assert matchers.status(200, 500) == (False, "HTTP 500")
    assert matchers.status(200, None) == (False, "no HTTP response")
    assert matchers.status({"in": [200, 204]}, [200, 500, 400]) == (False, "2 of 3 differ")


@pytest.mark.parametrize(("args", "result"), [
    (("com.okta.identity.patch",), (True, "")),
    (("com.okta.identity.patch", "/claims/tier"), (True, "")),
    (("com.okta.identity.patch", "/claims/tier", "silver"), (True, "")),
    (("com.okta.identity.patch", "/claims/extPatientId", {"id": "P-1"}), (True, "")),
    (("com.okta.identity.patch", None, {"path": "/claims/tier"}), (True, "")),  # one item of the value
    (("com.okta.access.patch",), (False, 'type is "com.okta.identity.patch"')),
    (("com.okta.identity.patch", "/claims/nope"),
     (False, "no op on /claims/nope; paths: ['/claims/tier', '/claims/extPatientId']")),
    (("com.okta.identity.patch", "/claims/tier", "gold"), (False, 'op on /claims/tier has value ["silver"]')),
    (("com.okta.identity.patch", "/claims/extPatientId", {"id": "P-2"}),
     (False, 'op on /claims/extPatientId has value [{"id": "P-1", "site": "north"}]')),
])
def test_command_matches(args: tuple, result: matchers.Result) -> None:
    assert matchers.command_matches(PATCH, *args) == result


def test_command_matches_without_path_compares_the_whole_value() -> None:
    assert matchers.command_matches(ACTION, "com.okta.action.update", value={"registration": "ALLOW"}) == (True, "")
    assert matchers.command_matches(ACTION, "com.okta.action.update", value={"registration": "DENY"}) == (
        False, 'value is {"registration": "ALLOW"}')
    assert matchers.command_matches("not a command", "com.okta.action.update") == (False, "not a JSON object")


def test_find_command_returns_the_first_match_and_near_misses_first() -> None:
    commands = [ACTION, PATCH, ACCESS]
    assert matchers.find_command(commands, "com.okta.access.patch", "/claims/tier", ANY)[0] == 2
    index, misses = matchers.find_command(commands, "com.okta.identity.patch", "/claims/tier", "gold")
    assert index is None
    # the identity patch (right type, wrong value) comes before the commands of other types
    assert misses == [(1, 'op on /claims/tier has value ["silver"]'),
                      (0, 'type is "com.okta.action.update"'), (2, 'type is "com.okta.access.patch"')]
    assert matchers.find_command([], "com.okta.identity.patch") == (None, [])


def test_command_types() -> None:
    assert matchers.command_types(["com.okta.identity.patch"], [PATCH, ACCESS]) == (True, "")
    assert matchers.command_types(["com.okta.identity.patch", "com.okta.action.update"], [ACCESS]) == (
        False, "missing com.okta.identity.patch, com.okta.action.update")
    assert matchers.command_types(["com.okta.identity.patch"], None) == (False, "missing com.okta.identity.patch")


def test_claim_present_equal_and_absent() -> None:
    claims = {"tier": "silver", "admin": True}
    assert matchers.claim(claims, "tier") == (True, "")
    assert matchers.claim(claims, "tier", "silver") == (True, "")
    assert matchers.claim(claims, "tier", "gold") == (False, "'tier' = \"silver\"")
    assert matchers.claim(claims, "admin", 1) == (False, "'admin' = true")
    assert matchers.claim(claims, "extPatientId") == (False, "no claim 'extPatientId'")
    assert matchers.claim(None, "sub") == (False, "no claim 'sub'")
    assert matchers.claim_absent(claims, "extPatientId") == (True, "")
    assert matchers.claim_absent(claims, "tier") == (False, "'tier' = \"silver\"")


def test_problem_text_for_each_kind_of_problem() -> None:
    assert matchers.problem_text("batch e1: not accepted") == "batch e1: not accepted"
    assert matchers.problem_text(Check("json_body", False, "not JSON")) == "json_body: not JSON"
    assert matchers.problem_text(Problem("commands[0].type", "unknown_command", "Unknown command")) == (
        "commands[0].type unknown_command: Unknown command")
    assert matchers.problem_text({"rule": "reserved_claim", "message": "sub is reserved"}) == (
        "reserved_claim: sub is reserved")
    assert matchers.problem_text({"odd": 1}) == '{"odd": 1}'


def test_no_problems_and_problem_rules() -> None:
    problems = [{"path": "commands[0]", "rule": "reserved_claim", "message": "sub is reserved"}]
    assert matchers.no_problems([]) == (True, "")
    assert matchers.no_problems(problems) == (False, "1 problem(s): commands[0] reserved_claim: sub is reserved")
    many = [f"p{i}" for i in range(7)]
    assert matchers.no_problems(many) == (False, "7 problem(s): p0; p1; p2; p3; p4; and 2 more")
    assert matchers.problem_rules("empty", []) == (True, "")
    assert matchers.problem_rules([], problems)[0] is False
    assert matchers.problem_rules("reserved_claim", problems) == (True, "")
    assert matchers.problem_rules(["reserved_claim", "too_large"], problems) == (False, "missing rule too_large")
