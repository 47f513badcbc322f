"""Every documented inline-hook response example (tests/data/okta_examples/*.response*.json), served over real HTTP
by a pytest-httpserver hook on 127.0.0.1, produces the outcome Okta documents
(docs/okta-behaviour.md#inline-hook-kinds)."""

from __future__ import annotations

import copy
import xml.etree.ElementTree as ET

import jwt
import pytest

from okta_hook_emulator.emulator.results import VERDICT_ERROR, VERDICT_INVALID, VERDICT_OK
from tests.helpers.inline import EXAMPLES, load

SAML_NS = {"saml": "urn:oasis:names:tc:SAML:2.0:assertion"}
XSI_TYPE = "{http://www.w3.org/2001/XMLSchema-instance}type"

# Inline-hook response examples and the request each answers (the Management API examples are not hook answers).
RESPONSE_EXAMPLES = {
    "token.response.add-claims.json": "token.request.json",
    "token.response.error.json": "token.request.json",
    "token.response.lifetime.json": "token.request.json",
    "token.response.remove-claims.json": "token.request.json",
    "saml.response.json": "saml.request.filled.json",
    "registration-ssr.response.deny.json": "registration-ssr.request.json",
    "registration-ssr.response.profile-update.json": "registration-ssr.request.json",
    "registration-pp.response.profile-update.json": "registration-pp.request.json",
    "telephony.response.success.json": "telephony.request.json",
    "telephony.response.error.json": "telephony.request.json",
}


@pytest.fixture
def hook(hook_server):
    """Serve one JSON answer at /hook; returns the hook URL."""
    hook_server.clear()

    def serve(body, status: int = 200) -> str:
        hook_server.expect_request("/hook", method="POST").respond_with_json(body, status=status)
        return hook_server.url_for("/hook")

    serve.server = hook_server
    return serve


def call(emu, hook, kind: str, response_name: str, request: dict | None = None):
    request = request if request is not None else load(RESPONSE_EXAMPLES[response_name])
    return emu.call_inline(kind, hook(load(response_name)), request=request, timeout=1.0)


def test_every_response_example_is_covered():
    """A new documented response file must get a test here (and a request mapping)."""
    files = {p.name for p in EXAMPLES.glob("*.response*.json") if not p.name.startswith("api-")}
    assert files == set(RESPONSE_EXAMPLES)


# -- token (docs/okta-behaviour.md#token-hook) -----------------------------------------------------------------------

def test_token_add_claims(emu, hook):
    result = call(emu, hook, "token", "token.response.add-claims.json")
    assert result.verdict == VERDICT_OK, result.reason
    out = result.outcome
    assert out.tokens_issued and out.modified and out.error is None
    assert out.id_token.claims["extPatientId"] == "1234"
    assert out.access_token.claims["external_guid"] == "F0384685-F87D-474B-848D-2058AC5655A7"
    assert "external_guid" not in out.id_token.claims and "extPatientId" not in out.access_token.claims
    # the minted JWTs carry the patched claims and verify against the emulator's JWKS
    key = jwt.PyJWKSet.from_dict(emu.keys.jwks())[jwt.get_unverified_header(out.access_token.jwt)["kid"]]
    access = jwt.decode(out.access_token.jwt, key.key, algorithms=["RS256"], audience="api://default")
    assert access["external_guid"] == "F0384685-F87D-474B-848D-2058AC5655A7"
    ident = jwt.decode(out.id_token.jwt, key.key, algorithms=["RS256"], audience="customClientIdNative")
    assert ident["extPatientId"] == "1234"
    assert [c.applied for c in result.commands] == [True, True]


def test_token_lifetime(emu, hook):
    result = call(emu, hook, "token", "token.response.lifetime.json")
    assert result.verdict == VERDICT_OK, result.reason
    out = result.outcome
    assert out.id_token.lifetime == out.access_token.lifetime == 36000
    for token in (out.id_token, out.access_token):
        assert token.claims["exp"] - token.claims["iat"] == 36000
        decoded = jwt.decode(token.jwt, emu.keys.public_key, algorithms=["RS256"], options={"verify_aud": False})
        assert decoded["exp"] - decoded["iat"] == 36000


def test_token_remove_claims(emu, hook):
    """The example removes claims the documented request lacks; with them present they are removed."""
    request = load("token.request.json")
    request["data"]["identity"]["claims"]["birthdate"] = "1990-01-01"
    request["data"]["access"]["claims"]["external_guid"] = "F0384685"
    result = call(emu, hook, "token", "token.response.remove-claims.json", request)
    assert result.verdict == VERDICT_OK, result.reason
    assert "birthdate" not in result.outcome.id_token.claims
    assert "external_guid" not in result.outcome.access_token.claims
    assert result.outcome.original_id_claims["birthdate"] == "1990-01-01"


def test_token_remove_claims_against_documented_request_skips_hook(emu, hook):
    """docs/okta-behaviour.md#token-hook: removing a claim that isn't in the token fails the entire PATCH;
    tokens are minted unmodified."""
    request = load("token.request.json")
    result = call(emu, hook, "token", "token.response.remove-claims.json", request)
    assert result.verdict == VERDICT_INVALID
    assert result.outcome.tokens_issued and not result.outcome.modified
    assert result.outcome.id_token.claims["sub"] == request["data"]["identity"]["claims"]["sub"]
    assert not any(c.applied for c in result.commands)
    assert "birthdate" in result.reason


def test_token_error(emu, hook):
    result = call(emu, hook, "token", "token.response.error.json")
    assert result.verdict == VERDICT_ERROR
    out = result.outcome
    assert not out.tokens_issued and out.id_token is None and out.access_token is None
    assert out.error == {"error": "server_error", "error_description": "Human-readable summary of the error"}


# -- SAML (docs/okta-behaviour.md#saml-assertion-hook) ---------------------------------------------------------------

def test_saml_patch(emu, hook):
    result = call(emu, hook, "saml", "saml.response.json")
    assert result.verdict == VERDICT_OK, result.reason
    out = result.outcome
    assert not out.denied and out.modified
    a = out.assertion
    assert a["claims"]["array"]["attributeValues"][1]["value"] == "replacementValue"
    assert a["authentication"]["authnContext"] == {"authnContextClassRef": "replacementValue"}
    assert a["claims"]["extPatientId"]["attributes"]["NameFormat"] == "urn:oasis:names:tc:SAML:2.0:attrname-format:basic"
    assert a["authentication"]["sessionIndex"] == "definitelyARealSession"
    assert out.session_lifetime == 300

    root = ET.fromstring(out.assertion_xml)
    assert root.tag == "{urn:oasis:names:tc:SAML:2.0:assertion}Assertion"
    attrs = {el.get("Name"): el for el in root.findall("saml:AttributeStatement/saml:Attribute", SAML_NS)}
    ext = attrs["extPatientId"]
    assert ext.get("NameFormat") == "urn:oasis:names:tc:SAML:2.0:attrname-format:basic"
    value = ext.find("saml:AttributeValue", SAML_NS)
    assert value.text == "4321" and value.get(XSI_TYPE) == "xs:string"
    assert [v.text for v in attrs["array"].findall("saml:AttributeValue", SAML_NS)] == [
        "Array 1", "replacementValue", "Array3"]
    stmt = root.find("saml:AuthnStatement", SAML_NS)
    assert stmt.get("SessionIndex") == "definitelyARealSession"
    assert stmt.find("saml:AuthnContext/saml:AuthnContextClassRef", SAML_NS).text == "replacementValue"
    assert stmt.get("SessionNotOnOrAfter") is not None
    assert root.find("saml:Conditions/saml:AudienceRestriction/saml:Audience", SAML_NS).text == "urn:example:sp"
    assert root.find("saml:Subject/saml:NameID", SAML_NS).text == "administrator1@example.com"


# -- registration (docs/okta-behaviour.md#registration-hook) ---------------------------------------------------------

def test_registration_ssr_deny_with_error(emu, hook):
    result = call(emu, hook, "registration", "registration-ssr.response.deny.json")
    assert result.verdict == VERDICT_ERROR
    out = result.outcome
    assert out.action == "DENY"
    # the errorCauses summary is shown inline next to the email field (location data.userProfile.email)
    assert out.end_user_message == "Only example.com emails can register."
    assert out.field_errors == {"email": ["Only example.com emails can register."]}
    assert not any(c.applied for c in result.commands)  # an error object means no commands are executed
    assert "user.lifecycle.create" not in [e["eventType"] for e in result.log_events]


def test_registration_ssr_profile_update(emu, hook):
    result = call(emu, hook, "registration", "registration-ssr.response.profile-update.json")
    assert result.verdict == VERDICT_OK, result.reason
    out = result.outcome
    assert out.action == "ALLOW" and out.end_user_message is None and out.modified
    assert out.profile["login"] == "first.last@example.com"
    assert out.profile["email"] == "rosario.jones@example.com"
    created = [e for e in result.log_events if e["eventType"] == "user.lifecycle.create"]
    assert len(created) == 1 and created[0]["outcome"]["result"] == "SUCCESS"


def test_registration_pp_profile_update(emu, hook):
    result = call(emu, hook, "registration", "registration-pp.response.profile-update.json")
    assert result.verdict == VERDICT_OK, result.reason
    out = result.outcome
    assert out.action == "ALLOW" and out.request_type == "progressive.profile"
    assert out.profile["employeeNumber"] == "1234"
    assert out.profile["login"] == "rosario.jones@example.com"  # the existing profile is kept


# -- telephony (docs/okta-behaviour.md#telephony-hook) ---------------------------------------------------------------

def test_telephony_success(emu, hook):
    result = call(emu, hook, "telephony", "telephony.response.success.json")
    assert result.verdict == VERDICT_OK, result.reason
    out = result.outcome
    assert not out.failover and out.delivered_by == "hook"
    assert (out.status, out.provider, out.transaction_id) == ("SUCCESSFUL", "VONAGE",
                                                              "SM49a8ece2822d44e4adaccd7ed268f954")


def test_telephony_error_fails_over(emu, hook):
    result = call(emu, hook, "telephony", "telephony.response.error.json")
    assert result.verdict == VERDICT_ERROR
    out = result.outcome
    assert out.failover and out.delivered_by == "okta"
    assert len(result.delivery.attempts) == 1


# -- every answer writes inline_hook.response.processed with the debugContext --------------------------------------

@pytest.mark.parametrize("response_name", sorted(RESPONSE_EXAMPLES))
def test_response_processed_event_carries_debug_context(emu, hook, response_name):
    body = load(response_name)
    body = copy.deepcopy(body)
    body["debugContext"] = {"traceId": "t-123"}
    kind = response_name.split(".")[0].split("-")[0]
    result = emu.call_inline(kind, hook(body), request=load(RESPONSE_EXAMPLES[response_name]), timeout=1.0,
                             hook_id="calhook0000000000000")
    processed = [e for e in result.log_events if e["eventType"] == "inline_hook.response.processed"]
    assert len(processed) == 1
    assert processed[0]["debugContext"]["debugData"]["debugContext"] == {"traceId": "t-123"}
    assert processed[0]["outcome"]["result"] == ("SUCCESS" if result.verdict == VERDICT_OK else "FAILURE")
    assert "inline_hook.executed" not in [e["eventType"] for e in result.log_events]
