"""Golden tests: every documented Okta hook payload in tests/data/okta_examples passes our schemas and rules."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from okta_hook_emulator.payloads.catalog import KINDS
from okta_hook_emulator.payloads.validate import (
    RULES,
    load_schema,
    schema_names,
    validate_against,
    validate_request,
    validate_response,
)

EXAMPLES = Path(__file__).parent / "data" / "okta_examples"

# example file -> kind (requests)
REQUESTS = {
    "token.request.json": "token",
    "saml.request.filled.json": "saml",
    "registration-ssr.request.json": "registration",
    "registration-pp.request.json": "registration",
    "import.request.json": "import",
    "password-import.request.json": "password-import",
    "telephony.request.json": "telephony",
    "eventhook-delivery.request.filled.json": "event",
}
# example file -> (kind, the documented request it answers, also valid against that request?)
RESPONSES = {
    "token.response.add-claims.json": ("token", "token.request.json", True),
    "token.response.error.json": ("token", "token.request.json", True),
    "token.response.lifetime.json": ("token", "token.request.json", True),
    # Okta's remove sample removes birthdate / external_guid, which the documented request doesn't carry.
    "token.response.remove-claims.json": ("token", "token.request.json", False),
    "saml.response.json": ("saml", "saml.request.filled.json", True),
    "registration-ssr.response.deny.json": ("registration", "registration-ssr.request.json", True),
    "registration-ssr.response.profile-update.json": ("registration", "registration-ssr.request.json", True),
    "registration-pp.response.profile-update.json": ("registration", "registration-pp.request.json", True),
    "telephony.response.success.json": ("telephony", "telephony.request.json", True),
    "telephony.response.error.json": ("telephony", "telephony.request.json", True),
}
TRIMMED = {
    "saml.request.TRIMMED.json": "saml",
    "eventhook-delivery.request.TRIMMED.json": "event",
}
OTHER = {
    "logevent-user.session.start.json",  # checked against log_event.json below
    "eventhook-verify-api-failure.error.json",  # a Management API error body, not a hook payload
}


def load(name: str):
    return json.loads((EXAMPLES / name).read_text())


def test_every_hook_example_is_covered():
    files = {p.name for p in EXAMPLES.glob("*.json") if not p.name.startswith("api-")}
    assert files == set(REQUESTS) | set(RESPONSES) | set(TRIMMED) | OTHER


@pytest.mark.parametrize("name", sorted(REQUESTS))
def test_documented_request_validates(name):
    assert validate_request(REQUESTS[name], load(name)) == []


@pytest.mark.parametrize("name", sorted(RESPONSES))
def test_documented_response_validates(name):
    kind, request_name, valid_with_request = RESPONSES[name]
    assert validate_response(kind, load(name)) == []
    with_request = validate_response(kind, load(name), request=load(request_name))
    if valid_with_request:
        assert with_request == []
    else:
        assert {p.rule for p in with_request} == {"claim_not_in_request"}


def test_documented_log_event_validates():
    assert validate_against("log_event.json", load("logevent-user.session.start.json")) == []


def test_verification_answer_validates():
    challenge = "Me_rShK8JHsTnbyYrWXCEoMGbM_zsZ6k0hLPZ_Pg"
    assert validate_response("event", {"verification": challenge}, request=challenge) == []


def _placeholder_paths(obj, path="$"):
    """JSON paths of the objects a TRIMMED example abbreviated with a '...' key."""
    if isinstance(obj, dict):
        if "..." in obj:
            yield path
        for key, value in obj.items():
            yield from _placeholder_paths(value, f"{path}.{key}")
    elif isinstance(obj, list):
        for i, value in enumerate(obj):
            yield from _placeholder_paths(value, f"{path}[{i}]")


def _strip_placeholders(obj):
    if isinstance(obj, dict):
        return {k: _strip_placeholders(v) for k, v in obj.items() if k != "..."}
    if isinstance(obj, list):
        return [_strip_placeholders(v) for v in obj]
    return obj


@pytest.mark.parametrize("name", sorted(TRIMMED))
def test_trimmed_examples_keep_the_right_shape(name):
    """Shape check: the only problems are missing fields inside the abbreviated objects."""
    original = load(name)
    trimmed = sorted(_placeholder_paths(original))
    assert trimmed, "a TRIMMED example has '...' placeholders"
    problems = validate_request(TRIMMED[name], _strip_placeholders(original))
    assert problems, "the stripped placeholders leave required fields missing"
    for problem in problems:
        assert any(problem.path.startswith(prefix + ".") for prefix in trimmed), problem
        assert problem.message.endswith("is a required property"), problem


def test_trimmed_example_with_a_broken_kept_part_is_caught():
    body = _strip_placeholders(load("eventhook-delivery.request.TRIMMED.json"))
    body["cloudEventVersion"] = body.pop("cloudEventsVersion")
    rules = {(p.path, p.rule) for p in validate_request("event", body)}
    assert ("$.cloudEventVersion", "cloud_event_version") in rules
    assert ("$.cloudEventsVersion", "envelope_field") in rules


def test_every_schema_is_valid_2020_12_with_an_id():
    for name in schema_names():
        schema = load_schema(name)
        Draft202012Validator.check_schema(schema)
        assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
        assert schema["$id"].endswith("/" + name)


def test_every_kind_names_existing_schemas():
    names = set(schema_names())
    for kind in KINDS.values():
        assert kind.request_schema in names and kind.response_schema in names, kind.name


def _annotations(node, key):
    if isinstance(node, dict):
        if key in node:
            value = node[key]
            yield from (value.values() if isinstance(value, dict) else [value])
        for child in node.values():
            yield from _annotations(child, key)
    elif isinstance(node, list):
        for child in node:
            yield from _annotations(child, key)


def test_every_schema_rule_is_documented():
    used = {rule for name in schema_names() for rule in _annotations(load_schema(name), "x-rule")}
    assert used, "schemas name their rules"
    assert used <= set(RULES), used - set(RULES)
    assert all(isinstance(text, str) and text for text in RULES.values())
