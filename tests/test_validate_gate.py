"""The schema gate (jsonschema-rs) agrees with jsonschema: a body the gate accepts has no jsonschema error, and a
body jsonschema accepts passes the gate. Corpus: documented examples, generated requests of every kind, request
type and variant, typical answers of every kind, and seeded random mutations of all of them."""

from __future__ import annotations

import copy
import json
import random
from pathlib import Path
from typing import Any

import pytest

from okta_hook_emulator.clock import FixedClock
from okta_hook_emulator.payloads import validate as V
from okta_hook_emulator.payloads.catalog import KINDS
from okta_hook_emulator.payloads.generate import PayloadFactory

EXAMPLES = Path(__file__).parent / "data" / "okta_examples"
MUTATIONS = 4
ODD_VALUES: list[Any] = [None, True, False, 0, 1, 1.5, 300.0, -1, "", "x", "add", "remove", "/claims/a",
                         "/token/lifetime/expiration", "2019-01-15T23:20:47.000Z", "not a date", "2019-01-15",
                         "6b0a8f2c-5d1e-4c3b-9a7f-2e4d6c8b0a1f", "6b0a8f2c", [], [1], {}, {"a": 1}, "ALLOW",
                         "com.okta.identity.patch", "VERIFIED", "SUCCESSFUL", 2**70]
ANSWERS: list[Any] = [
    {"commands": [{"type": "com.okta.identity.patch", "value": [{"op": "add", "path": "/claims/x", "value": 1}]}]},
    {"commands": [{"type": "com.okta.access.patch",
                   "value": [{"op": "replace", "path": "/token/lifetime/expiration", "value": 600}]}]},
    {"commands": [{"type": "com.okta.assertion.patch",
                   "value": [{"op": "replace", "path": "/authentication/sessionLifetime", "value": 300}]}]},
    {"commands": [{"type": "com.okta.action.update", "value": {"registration": "ALLOW"}}]},
    {"commands": [{"type": "com.okta.user.profile.update", "value": {"login": "a@example.com"}}]},
    {"commands": [{"type": "com.okta.action.update", "value": {"result": "LINK_USER"}},
                  {"type": "com.okta.user.update", "value": {"id": "00u1"}}]},
    {"commands": [{"type": "com.okta.action.update", "value": {"credential": "VERIFIED"}}]},
    {"commands": [{"type": "com.okta.telephony.action",
                   "value": [{"status": "SUCCESSFUL", "provider": "p", "transactionId": "t"}]}]},
    {"verification": "abc"}, {"error": {"errorSummary": "no", "errorCauses": []}}, {"debugContext": {"a": 1}},
    {"debugContext": []}, {}, [], None,
]


def _requests() -> dict[str, list[Any]]:
    """Generated requests by schema name: every kind, request type and variant, and one System Log event."""
    factory = PayloadFactory(3, clock=FixedClock())
    bodies: dict[str, list[Any]] = {"log_event.json": [factory.log_event("user.session.start")]}
    for kind in KINDS.values():
        for request_type in kind.request_types or (None,):
            for variant in kind.variants or (None,):
                if request_type == "client_credentials" and variant not in (None, "access_token"):
                    continue
                body = factory.inline_request(kind.name, request_type=request_type, variant=variant)
                bodies.setdefault(kind.request_schema, []).append(body)
    return bodies


def _paths(obj: Any, prefix: tuple = ()) -> list[tuple]:
    out = [prefix]
    if isinstance(obj, dict):
        for key, value in obj.items():
            out += _paths(value, (*prefix, key))
    elif isinstance(obj, list):
        for i, value in enumerate(obj):
            out += _paths(value, (*prefix, i))
    return out


def _mutate(body: Any, rng: random.Random) -> Any:
    body = copy.deepcopy(body)
    path = rng.choice(_paths(body))
    if not path:
        return copy.deepcopy(rng.choice(ODD_VALUES))
    parent = body
    for part in path[:-1]:
        parent = parent[part]
    action = rng.random()
    if action < 0.3 and isinstance(parent, dict):
        del parent[path[-1]]
    elif action < 0.4 and isinstance(parent, dict):
        parent[rng.choice(["cloudEventsVersion", "extra", "value", "op"])] = rng.choice(ODD_VALUES)
    else:
        parent[path[-1]] = copy.deepcopy(rng.choice(ODD_VALUES))
    return body


def _corpus(name: str) -> list[Any]:
    """Bodies of this shape, each with a few mutations, plus one request of every other shape."""
    rng = random.Random(name)
    examples = {p.name: json.loads(p.read_text()) for p in sorted(EXAMPLES.glob("*.json"))}
    requests = _requests()
    if "response" in name:
        own = ANSWERS + [body for file, body in examples.items() if ".response." in file]
    else:
        stem = name.removesuffix("_request.json").replace("_", "-").replace("event-hook", "eventhook-delivery")
        own = requests.get(name, []) + [body for file, body in examples.items() if file.startswith(stem + ".")]
    others = [bodies[0] for bodies in requests.values()]
    return [c for body in own for c in [body] + [_mutate(body, rng) for _ in range(MUTATIONS)]] + others


SCHEMAS = sorted({k.request_schema for k in KINDS.values()} | {k.response_schema for k in KINDS.values()}
                 | {"log_event.json"})


@pytest.mark.parametrize("name", SCHEMAS)
def test_the_gate_agrees_with_jsonschema(name: str) -> None:
    validator = V._validator(name)
    accepted = rejected = 0
    for body in _corpus(name):
        gate = V._schema_valid(name, body)
        errors = [e.message for e in validator.iter_errors(body)]
        assert gate == (not errors), (name, body, errors[:1])
        accepted += gate
        rejected += not gate
    assert accepted and rejected, f"the corpus for {name} needs valid and invalid bodies ({accepted}/{rejected})"


def test_a_rejected_body_gets_jsonschemas_own_problems() -> None:
    body = {"commands": [{"type": "com.okta.identity.patch", "value": [{"op": "move", "path": "/claims/x"}]}]}
    assert not V._schema_valid("token_response.json", body)
    problems = V.validate_response("token", body)
    assert [(p.path, p.rule) for p in problems] == [("$.commands[0].value[0].op", "invalid_op")]


def test_formats_are_checked_by_the_gate() -> None:
    request = PayloadFactory(1, clock=FixedClock()).inline_request("token")
    assert V._schema_valid("token_request.json", request)
    request["eventTime"] = "yesterday"
    assert not V._schema_valid("token_request.json", request)
    assert any(p.rule == "timestamp_format" for p in V.validate_request("token", request))
