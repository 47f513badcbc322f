"""The corpus of real captures (tests/data/captures/): its index is complete, and ``diff_shapes`` finds exactly
the known generator defects in it. ``KNOWN_OURS_WRONG`` is the work list of issue #13's phase 2: each entry is
(scope, key path, kind of difference) -> what Okta sends and what we send. The test fails when a new ours-wrong
difference appears *or* a listed one disappears, so fixing a generator means deleting its entry here."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from okta_hook_emulator.cli import _load, cli
from okta_hook_emulator.errors import EmulatorUsageError
from okta_hook_emulator.payloads.generate import PayloadFactory
from okta_hook_emulator.payloads.shapes import (
    SHAPE_FORMAT,
    Counterpart,
    compare,
    describe,
    diff_shapes,
    flatten,
    identify,
    shape_from_json,
    string_format,
)

CAPTURES = Path(__file__).parent / "data" / "captures"
INDEX = json.loads((CAPTURES / "index.json").read_text())["captures"]

KNOWN_OURS_WRONG: dict[tuple[str, str, str], str] = {
    # ---- event hook deliveries (CruGlobal/okta-hooks, 2019-2021) -----------------------------------------
    # Events Okta raises itself: actor is a SystemPrincipal with a 20-character spr... id (we: a user or
    # system@okta.com), transaction {"id": "unknown"} with no type, client with only an empty ipChain.
    # Sessions are 102.../trs... (Classic) where we always send idx...; legacyEventType is set per type;
    # targetEventHookIds is on every delivered event; deliveries carry no top-level `request`.
    # System Log events: legacyEventType / displayMessage per type, securityContext filled, 32-hex request ids
    # from 2024, flow keys in debugData, `target: null` when there is none. Inline: request.id is Okta's
    # request id (27 characters, later 32 hex), never our req... placeholder.
    # captures: cru-alb-user-lifecycle-create, cru-sns-user-lifecycle-create,
    #   cru-sns-user-lifecycle-deactivate, cru-sns-user-lifecycle-reactivate
    ("delivery:event", "data.events[].actor.id", "format"):
        "okta string:spr{17}; ours string:00u{17}",
    # captures: cru-alb-user-lifecycle-create, cru-alb-user-lifecycle-delete-initiated,
    #   cru-alb-user-account-update-profile, cru-sns-user-account-update-profile,
    #   cru-sns-user-lifecycle-create, cru-sns-user-lifecycle-deactivate,
    #   cru-sns-user-lifecycle-reactivate
    ("delivery:event", "data.events[].authenticationContext.externalSessionId", "format"):
        "okta string:102token{22} | string:trstoken{22}; ours string:idxtoken{22}",
    # captures: cru-alb-user-lifecycle-create, cru-alb-user-lifecycle-delete-initiated,
    #   cru-alb-user-account-update-profile, cru-sns-user-account-update-profile,
    #   cru-sns-user-lifecycle-create, cru-sns-user-lifecycle-deactivate,
    #   cru-sns-user-lifecycle-reactivate
    ("delivery:event", "data.events[].debugContext.debugData.targetEventHookIds", "missing"):
        "okta string:text | string:who{17}; ours -",
    # captures: cru-alb-user-lifecycle-create, cru-sns-user-lifecycle-create
    ("delivery:event", "data.events[].displayMessage", "value"):
        "okta enum:Create okta user; ours enum:Create Okta user",
    # captures: cru-alb-user-lifecycle-delete-initiated, cru-alb-user-account-update-profile,
    #   cru-sns-user-account-update-profile, cru-sns-user-lifecycle-reactivate
    ("delivery:event", "data.events[].legacyEventType", "type"):
        "okta enum:core.user.config.profile_update.success | "
        "enum:core.user.config.user_reactivation.success | "
        "enum:core.user.config.user_status.delete.initiated; ours null",
    # captures: cru-alb-user-lifecycle-create, cru-alb-user-lifecycle-delete-initiated,
    #   cru-alb-user-account-update-profile, cru-sns-user-account-update-profile,
    #   cru-sns-user-lifecycle-create, cru-sns-user-lifecycle-deactivate,
    #   cru-sns-user-lifecycle-reactivate
    ("delivery:event", "data.events[].request", "extra"):
        "okta -; ours object",
    # captures: cru-alb-user-account-update-profile
    ("delivery:event", "data.events[].securityContext.asNumber", "type"):
        "okta int; ours null",
    # captures: cru-alb-user-account-update-profile
    ("delivery:event", "data.events[].securityContext.asOrg", "type"):
        "okta string:text; ours null",
    # captures: cru-alb-user-account-update-profile
    ("delivery:event", "data.events[].securityContext.domain", "type"):
        "okta string:text; ours null",
    # captures: cru-alb-user-account-update-profile
    ("delivery:event", "data.events[].securityContext.isProxy", "type"):
        "okta bool; ours null",
    # captures: cru-alb-user-account-update-profile
    ("delivery:event", "data.events[].securityContext.isp", "type"):
        "okta string:text; ours null",
    # captures: cru-alb-user-lifecycle-create, cru-sns-user-lifecycle-create,
    #   cru-sns-user-lifecycle-deactivate, cru-sns-user-lifecycle-reactivate
    ("delivery:event", "data.events[].transaction.id", "format"):
        "okta string:text; ours string:token{27}",
    # captures: cru-alb-registration
    ("inline:registration", "data.context.request.id", "format"):
        "okta string:token{27}; ours string:reqtoken{22}",
    # captures: dzsudas-saml
    ("inline:saml", "data.context.request.id", "format"):
        "okta string:hex{32}; ours string:reqtoken{22}",
    # captures: 8x8-telephony-voice
    ("inline:telephony", "data.context.request.id", "format"):
        "okta string:token{31}; ours string:reqtoken{22}",
    # captures: 8x8-telephony-voice (fidelity.TELEPHONY_VOICE_CHANNEL)
    ("inline:telephony", "data.messageProfile.deliveryChannel", "value"):
        "okta enum:Voice; ours enum:voice call",
    # captures: 8x8-telephony-voice
    ("inline:telephony", "data.messageProfile.msgTemplate", "missing"):
        "okta string:text; ours -",
    # captures: panther-login-signal-1, panther-login-without-push-marker-1
    ("system-log:event", "actor.id", "format"):
        "okta string:00u{17}; ours string:email",
    # captures: elastic-user-authentication-auth-via-mfa-push,
    #   elastic-user-authentication-auth-via-mfa-webauthn
    ("system-log:event", "authenticationContext.authenticationProvider", "type"):
        "okta enum:FACTOR_PROVIDER; ours null",
    # captures: elastic-user-authentication-auth-via-mfa-push
    ("system-log:event", "authenticationContext.credentialProvider", "type"):
        "okta enum:OKTA_CREDENTIAL_PROVIDER; ours null",
    # captures: elastic-user-session-end, elastic-user-session-start
    ("system-log:event", "authenticationContext.externalSessionId", "format"):
        "okta string:102token{22}; ours string:idxtoken{22}",
    # captures: panther-login-signal-1, panther-login-without-push-marker-1
    ("system-log:event", "authenticationContext.externalSessionId", "type"):
        "okta string:trstoken{22}; ours null",
    # captures: panther-login-signal-2, panther-login-signal-3
    ("system-log:event", "debugContext.debugData.authnRequestId", "format"):
        "okta string:hex{32}; ours string:token{27}",
    # captures: elastic-user-session-end
    ("system-log:event", "debugContext.debugData.authnRequestId", "missing"):
        "okta string:token{27}; ours -",
    # captures: elastic-user-authentication-auth-via-mfa-push,
    #   elastic-user-authentication-auth-via-mfa-webauthn
    ("system-log:event", "debugContext.debugData.behaviors", "missing"):
        "okta string:text; ours -",
    # captures: panther-login-signal-1, panther-login-without-push-marker-1
    ("system-log:event", "debugContext.debugData.dtHash", "missing"):
        "okta string:hex{64}; ours -",
    # captures: elastic-user-authentication-auth-via-mfa-push,
    #   elastic-user-authentication-auth-via-mfa-webauthn
    ("system-log:event", "debugContext.debugData.factor", "missing"):
        "okta string:text; ours -",
    # captures: elastic-user-session-start-2022
    ("system-log:event", "debugContext.debugData.logOnlySecurityData", "missing"):
        "okta string:text; ours -",
    # captures: panther-login-signal-2, panther-login-signal-3
    ("system-log:event", "debugContext.debugData.oktaUserAgentExtended", "missing"):
        "okta string:text; ours -",
    # captures: elastic-user-session-start-2022
    ("system-log:event", "debugContext.debugData.originalPrincipal", "missing"):
        "okta object; ours -",
    # captures: panther-admin-role-assigned-1, panther-admin-role-assigned-2
    ("system-log:event", "debugContext.debugData.privilegeGranted", "missing"):
        "okta string:text; ours -",
    # captures: elastic-user-authentication-auth-via-mfa-webauthn
    ("system-log:event", "debugContext.debugData.promptingPolicyTypes", "missing"):
        "okta string:text; ours -",
    # captures: panther-login-signal-1, panther-login-without-push-marker-1
    ("system-log:event", "debugContext.debugData.rateLimitBucketUuid", "missing"):
        "okta string:uuid-v3; ours -",
    # captures: panther-login-signal-1, panther-login-without-push-marker-1
    ("system-log:event", "debugContext.debugData.rateLimitScopeType", "missing"):
        "okta string:text; ours -",
    # captures: panther-login-signal-1, panther-login-without-push-marker-1
    ("system-log:event", "debugContext.debugData.rateLimitSecondsToReset", "missing"):
        "okta string:digits; ours -",
    # captures: panther-login-signal-1, panther-login-signal-2, panther-login-signal-3,
    #   panther-login-without-push-marker-1
    ("system-log:event", "debugContext.debugData.requestId", "format"):
        "okta string:hex{32}; ours string:token{27}",
    # captures: elastic-user-authentication-auth-via-mfa-push,
    #   elastic-user-authentication-auth-via-mfa-webauthn
    ("system-log:event", "debugContext.debugData.risk", "missing"):
        "okta string:text; ours -",
    # captures: panther-admin-role-assigned-1, panther-admin-role-assigned-2, elastic-user-session-end,
    #   elastic-user-authentication-auth-via-mfa-push, elastic-user-authentication-auth-via-mfa-webauthn
    ("system-log:event", "debugContext.debugData.threatSuspected", "missing"):
        "okta enum:false; ours -",
    # captures: panther-login-signal-1, panther-login-without-push-marker-1
    ("system-log:event", "debugContext.debugData.threshold", "missing"):
        "okta string:digits; ours -",
    # captures: panther-login-signal-1, panther-login-without-push-marker-1
    ("system-log:event", "debugContext.debugData.timeSpan", "missing"):
        "okta string:digits; ours -",
    # captures: panther-login-signal-1, panther-login-without-push-marker-1
    ("system-log:event", "debugContext.debugData.timeUnit", "missing"):
        "okta string:text; ours -",
    # captures: panther-login-signal-1, panther-login-without-push-marker-1
    ("system-log:event", "debugContext.debugData.userId", "missing"):
        "okta string:00u{17}; ours -",
    # captures: panther-login-signal-1, panther-login-without-push-marker-1
    ("system-log:event", "debugContext.debugData.warningPercent", "missing"):
        "okta string:digits; ours -",
    # captures: panther-admin-role-assigned-1, panther-admin-role-assigned-2
    ("system-log:event", "displayMessage", "value"):
        "okta enum:Grant user privilege; ours enum:A User's admin privileges changed",
    # captures: panther-login-signal-1, panther-login-without-push-marker-1,
    #   panther-admin-role-assigned-1, panther-admin-role-assigned-2, panther-api-key-revoked-1,
    #   panther-api-key-created-1, elastic-user-authentication-auth-via-mfa-push,
    #   elastic-user-authentication-auth-via-mfa-webauthn
    ("system-log:event", "legacyEventType", "type"):
        "okta enum:api.token.create | enum:api.token.revoke | enum:core.framework.ratelimit.warning | "
        "enum:core.user.admin_privilege.granted | enum:core.user.factor.attempt_success; ours null",
    # captures: panther-login-signal-2, panther-login-signal-3, elastic-user-session-start-2022,
    #   elastic-user-authentication-auth-via-mfa-push, elastic-user-authentication-auth-via-mfa-webauthn
    ("system-log:event", "securityContext.asNumber", "type"):
        "okta int; ours null",
    # captures: panther-login-signal-2, panther-login-signal-3, elastic-user-session-start-2022,
    #   elastic-user-authentication-auth-via-mfa-push, elastic-user-authentication-auth-via-mfa-webauthn
    ("system-log:event", "securityContext.asOrg", "type"):
        "okta string:text; ours null",
    # captures: panther-login-signal-2, panther-login-signal-3, elastic-user-session-start-2022,
    #   elastic-user-authentication-auth-via-mfa-push, elastic-user-authentication-auth-via-mfa-webauthn
    ("system-log:event", "securityContext.domain", "type"):
        "okta string:text; ours null",
    # captures: panther-login-signal-2, panther-login-signal-3, elastic-user-session-start-2022,
    #   elastic-user-authentication-auth-via-mfa-push, elastic-user-authentication-auth-via-mfa-webauthn
    ("system-log:event", "securityContext.isProxy", "type"):
        "okta bool; ours null",
    # captures: panther-login-signal-2, panther-login-signal-3, elastic-user-session-start-2022,
    #   elastic-user-authentication-auth-via-mfa-push, elastic-user-authentication-auth-via-mfa-webauthn
    ("system-log:event", "securityContext.isp", "type"):
        "okta string:text; ours null",
    # captures: elastic-user-session-end, elastic-user-session-start, elastic-user-session-start-2022
    ("system-log:event", "target", "type"):
        "okta null; ours array | array(empty)",
    # captures: panther-login-signal-1, panther-login-without-push-marker-1
    ("system-log:event", "target[]", "missing"):
        "okta object; ours -",
    # captures: elastic-user-authentication-auth-via-mfa-push,
    #   elastic-user-authentication-auth-via-mfa-webauthn
    ("system-log:event", "target[].alternateId", "format"):
        "okta string:email; ours string:text",
    # captures: panther-login-signal-1, panther-login-without-push-marker-1
    ("system-log:event", "transaction.detail.requestApiTokenId", "missing"):
        "okta string:token{20}; ours -",
    # captures: panther-login-signal-1, panther-login-signal-2, panther-login-signal-3,
    #   panther-login-without-push-marker-1
    ("system-log:event", "transaction.id", "format"):
        "okta string:hex{32}; ours string:token{27}",
}

# Captures the emulator cannot generate a counterpart for (their types are not event-hook-eligible): they
# document the System Log only.
NOT_GENERATED = {"panther-password-accessed-1", "panther-password-accessed-2", "panther-password-accessed-3",
                 "elastic-policy-evaluate-sign-on", "elastic-user-authentication-verify-2022-05",
                 "elastic-user-authentication-verify-2022-12"}


def _differences(entry: dict) -> list:
    document = json.loads((CAPTURES / entry["file"]).read_text())
    factory = PayloadFactory(seed=0)
    if entry["content"] == "facts-only":
        assert document["format"] == SHAPE_FORMAT
        what = Counterpart(document["origin"], document["kind"], tuple(document.get("eventTypes", ())),
                           document.get("requestType"), document.get("variant"))
        return compare(None, factory, shape=shape_from_json(document["shape"]), counterpart=what)
    origin = entry["origin"] if entry["origin"] != "inline" else None
    return compare(document, factory, counterpart=identify(document, origin))


def test_index_is_complete_and_every_file_is_listed():
    listed = {e["file"] for e in INDEX}
    on_disk = {str(p.relative_to(CAPTURES)) for p in CAPTURES.rglob("*.json") if p.name != "index.json"}
    assert listed == on_disk
    for entry in INDEX:
        source = entry["source"]
        assert source["repository"] and source["path"] and len(source["commit"]) == 40, entry["id"]
        assert source["license"], entry["id"]
        assert entry["content"] in ("kept", "facts-only")
        assert entry["origin"] in ("delivery", "system-log", "inline")
        assert entry["captured"] and entry["engine"] in ("classic", "identity-engine", "unknown")
        if entry["content"] == "kept":  # only sources whose licence allows redistribution are copied
            assert source["license"] in ("BSD-3-Clause", "Apache-2.0", "MIT"), entry["id"]
    assert len({e["id"] for e in INDEX}) == len(INDEX)


def test_corpus_size():
    event_types = {t for e in INDEX for t in e.get("eventTypes", ())}
    assert len(INDEX) >= 30 and len(event_types) >= 15
    assert {e["kind"] for e in INDEX} >= {"event", "registration", "saml", "telephony"}


@pytest.mark.slow
def test_only_the_known_ours_wrong_differences():
    found: dict[tuple[str, str, str], set[str]] = {}
    for entry in INDEX:
        if entry["id"] in NOT_GENERATED:
            with pytest.raises(EmulatorUsageError, match="not an event-hook-eligible type"):
                _differences(entry)
            continue
        for d in _differences(entry):
            if d.verdict == "ours-wrong" and d.path not in entry.get("edited_paths", ()):
                found.setdefault((f"{entry['origin']}:{entry['kind']}", d.path, d.kind), set()).add(entry["id"])
    new = {k: sorted(v) for k, v in found.items() if k not in KNOWN_OURS_WRONG}
    gone = sorted(k for k in KNOWN_OURS_WRONG if k not in found)
    assert not new, f"new ours-wrong differences (fix the generator or classify them): {new}"
    assert not gone, f"fixed or no longer found: delete these from KNOWN_OURS_WRONG: {gone}"


# ---- flattening and format detection ------------------------------------------------------------------------

@pytest.mark.parametrize("value, expected", [
    ("2019-10-24T17:32:47.628Z", "iso8601-ms"),
    ("2024-05-02T18:46:21.121456Z", "iso8601-us"),
    ("2019-10-22T17:23:58Z", "iso8601-s"),
    ("2024-05-02T18:46:21.121+02:00", "iso8601-ms-offset"),
    ("2024-05-02 18:46:21.121000000", "datetime-space"),
    ("4b9e1d8f-f684-11e9-ad48-d37548da8f9c", "uuid-v1"),
    ("8bee3f0f-5866-4c48-b1cb-7fc2308e4b4d", "uuid-v4"),
    ("5787cad7f32aaff59218bea51ceb821b", "hex{32}"),
    ("00uo11p6k5JASvMVI0h7", "00u{17}"),
    ("sprnatyt09a3WRgoL0h7", "spr{17}"),
    ("XbHgP-OT7cn8YM13gzo6nAAABBw", "token{27}"),
    ("Xa87Lk0UCZ2i524oTJp@IgAABzM", "token{27}"),
    ("102cCKxMjTyRdW-Zg_j55CpYg", "102token{22}"),
    ("idxvk-x-uZ5SQ2rELxbKaSO7w", "idxtoken{22}"),
    ("ID.W4sPxEHvTKswe8ty0iJJ-br9AbZiLyWAQipyd-7OrH8", "ID.token"),
    ("tony.stark@avengers.org", "email"),
    ("https://cru.oktapreview.com/api/v1/eventHooks/whoo0erni6PIVagJY0h7", "url"),
    ("/api/v1/users/00uo11p6k5JASvMVI0h7", "path"),
    ("8.10.140.190", "ipv4"),
    ("2001:db8::1", "ipv6"),
    ("false", "bool-string"),
    ("9876543210", "digits"),
    ("Okta System", "text"),
])
def test_string_format(value, expected):
    assert string_format(value) == expected


def test_flatten_collapses_arrays_and_reports_enums():
    shape = flatten({"outcome": {"result": "SUCCESS"}, "target": [{"id": "00uo11p6k5JASvMVI0h7", "n": 1},
                                                                  {"id": None}],
                     "client": {"ipChain": []}, "securityContext": {}, "severity": "INFO"})
    assert shape == {
        "outcome": {"object"}, "outcome.result": {"enum:SUCCESS"}, "severity": {"enum:INFO"},
        "target": {"array"}, "target[]": {"object"}, "target[].id": {"string:00u{17}", "null"},
        "target[].n": {"int"}, "client": {"object"}, "client.ipChain": {"array(empty)"},
        "securityContext": {"object(empty)"},
    }
    assert describe("isProxy", False) == "bool" and describe("mfaActive", False) == "enum:false"


def test_diff_classifies_missing_extra_and_formats():
    real = flatten({"a": "2019-10-24T17:32:47.628Z", "debugContext": {"debugData": {"targetEventHookIds": "x"}},
                    "device": None, "profile": {"nickName": "Cap"}})
    ours = flatten({"a": "2019-10-24T17:32:47Z", "debugContext": {"debugData": {}}, "request": {"ipChain": []},
                    "profile": {}})
    by_path = {d.path: d for d in diff_shapes(real, ours, origin="delivery")}
    assert by_path["a"].kind == "format" and by_path["a"].verdict == "ours-wrong"
    assert by_path["debugContext.debugData.targetEventHookIds"].verdict == "ours-wrong"
    assert by_path["request"].kind == "extra" and by_path["request"].verdict == "ours-wrong"
    assert "request.ipChain" not in by_path  # only the top of an absent subtree is reported
    assert by_path["device"].verdict == "benign"  # null on one side, absent on the other
    assert by_path["profile.nickName"].verdict == "benign"  # custom profile attribute
    # from the System Log API the same top-level `request` is expected
    assert "request" not in {d.path for d in diff_shapes(real, ours, origin="system-log")
                             if d.verdict == "ours-wrong"}


def test_identify_kinds():
    assert identify({"eventType": "com.okta.event_hook", "data": {"events": [{"eventType": "user.lifecycle.create"}]}}
                    ).event_types == ("user.lifecycle.create",)
    saml = identify({"eventType": "com.okta.saml.tokens.transform", "data": {"assertion": {}}})
    assert (saml.kind, saml.variant) == ("saml", "no-claims")
    event = {"uuid": "u", "published": "p", "eventType": "user.session.start", "request": {"ipChain": []}}
    assert identify(event).origin == "system-log"
    assert identify(dict(event, debugContext={"debugData": {"targetEventHookIds": "who"}})).origin == "delivery"
    with pytest.raises(EmulatorUsageError):
        identify({"hello": 1})


# ---- the CLI --------------------------------------------------------------------------------------------------

def _run(*args: str, stdin: str | None = None):
    _load()
    return CliRunner().invoke(cli, list(args), input=stdin)


def test_cli_diff_exit_codes_and_json():
    capture = CAPTURES / "cruglobal-okta-hooks" / "cru-alb-registration.json"
    result = _run("diff", str(capture), "--json")
    assert result.exit_code == 1
    report = json.loads(result.output)
    assert report["kind"] == "registration" and report["oursWrong"] >= 1
    assert any(d["path"] == "data.context.request.id" and d["verdict"] == "ours-wrong"
               for d in report["differences"])
    ours = json.dumps(PayloadFactory(seed=3).inline_request("registration"))
    same = _run("diff", "-", "--seed", "3", stdin=ours)
    assert same.exit_code == 0 and "0 ours-wrong" in same.output
    assert _run("diff", "-", stdin='{"hello": 1}').exit_code == 2
    assert _run("diff", str(CAPTURES / "no-such-file.json")).exit_code == 2


def test_cli_diff_reads_a_stored_shape():
    result = _run("diff", str(CAPTURES / "facts" / "dzsudas-saml.shape.json"))
    assert result.exit_code == 1
    assert "data.context.request.id" in result.output and "hex{32}" in result.output
