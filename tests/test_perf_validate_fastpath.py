"""The validator's compiled fast path never hides a problem: for every packaged schema, a body it accepts is one
jsonschema accepts too (documented examples, generated payloads and many random mutations of them)."""

from __future__ import annotations

import copy
import json
import random
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from okta_hook_emulator.clock import FixedClock
from okta_hook_emulator.payloads import validate as V
from okta_hook_emulator.payloads.catalog import KINDS
from okta_hook_emulator.payloads.generate import PayloadFactory

EXAMPLES = Path(__file__).parent / "data" / "okta_examples"
ODD_VALUES: list[Any] = [None, True, False, 0, 1, 1.5, 300.0, -1, "", "x", "add", "remove", "/claims/a",
                         "/token/lifetime/expiration", "2019-01-15T23:20:47.000Z", "not a date", [], [1], {},
                         {"a": 1}, "ALLOW", "com.okta.identity.patch", "VERIFIED", "SUCCESSFUL"]


def _jsonschema_errors(name: str, body: Any) -> list:
    return list(V._validator(name).iter_errors(body))


def _corpus() -> list[Any]:
    bodies: list[Any] = [json.loads(p.read_text()) for p in sorted(EXAMPLES.glob("*.json"))]
    factory = PayloadFactory(3, clock=FixedClock())
    for name in KINDS:
        bodies.append(factory.inline_request(name))
    bodies.append(factory.log_event("user.session.start"))
    bodies += [{"commands": [{"type": "com.okta.identity.patch",
                              "value": [{"op": "add", "path": "/claims/x", "value": 1}]}]},
               {"commands": [{"type": "com.okta.action.update", "value": {"registration": "ALLOW"}}]},
               {"commands": [{"type": "com.okta.telephony.action",
                              "value": [{"status": "SUCCESSFUL", "provider": "p", "transactionId": "t"}]}]},
               {"verification": "abc"}, {"error": {"errorSummary": "no"}}, {"debugContext": []}, {}, [], None]
    return bodies


def _paths(obj: Any, prefix: tuple = ()) -> list[tuple]:
    out = [prefix]
    if isinstance(obj, dict):
        for k, v in obj.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            out += _paths(v, (*prefix, i))
    return out


def _mutate(body: Any, rng: random.Random) -> Any:
    body = copy.deepcopy(body)
    paths = _paths(body)
    path = rng.choice(paths)
    if not path:
        return rng.choice(ODD_VALUES)
    parent = body
    for part in path[:-1]:
        parent = parent[part]
    last = path[-1]
    action = rng.random()
    if action < 0.3 and isinstance(parent, dict):
        del parent[last]
    elif action < 0.4 and isinstance(parent, dict):
        parent[rng.choice(["cloudEventsVersion", "extra", "value", "op"])] = rng.choice(ODD_VALUES)
    else:
        parent[last] = copy.deepcopy(rng.choice(ODD_VALUES))
    return body


@pytest.mark.parametrize("name", V.schema_names())
def test_every_packaged_schema_compiles_to_a_fast_check(name: str) -> None:
    assert V._fast_check(name) is not None


@pytest.mark.parametrize("name", V.schema_names())
def test_fast_path_accepts_only_what_jsonschema_accepts(name: str) -> None:
    rng = random.Random(name)
    corpus = _corpus()
    accepted = 0
    for body in corpus:
        for candidate in [body] + [_mutate(body, rng) for _ in range(20)]:
            fast = V._schema_valid(name, candidate)
            errors = _jsonschema_errors(name, candidate)
            if fast:
                accepted += 1
                assert not errors, (name, candidate, errors[0].message)
            else:
                # conservative answers are allowed, but a body jsonschema accepts should be accepted too
                assert errors, (name, candidate)
    assert accepted > 0, f"the fast path never accepted a body for {name}"


def test_problems_are_jsonschemas_own_when_the_fast_path_declines() -> None:
    body = {"commands": [{"type": "com.okta.identity.patch", "value": [{"op": "move", "path": "/claims/x"}]}]}
    problems = V.validate_response("token", body)
    assert [p.rule for p in problems] == ["invalid_op"]
    assert problems[0].path == "$.commands[0].value[0].op"


def test_format_checks_match_jsonschema() -> None:
    checker = Draft202012Validator.FORMAT_CHECKER
    request = PayloadFactory(1, clock=FixedClock()).inline_request("token")
    request["eventTime"] = "yesterday"
    assert not V._schema_valid("token_request.json", request)
    assert checker.conforms("yesterday", "date-time") is False or "date-time" not in checker.checkers
    assert any(p.rule == "timestamp_format" for p in V.validate_request("token", request))
