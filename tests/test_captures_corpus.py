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
    # Empty: phase 2 fixed the 55 differences phase 1 found (README "Fidelity notes",
    # docs/okta-behaviour.md#real-captures). A new entry needs the captures that show it.
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


def test_cli_diff_exit_codes_and_json(tmp_path):
    capture = CAPTURES / "cruglobal-okta-hooks" / "cru-alb-registration.json"
    clean = _run("diff", str(capture), "--json")
    assert clean.exit_code == 0 and json.loads(clean.output)["oursWrong"] == 0
    # a request whose id has a format Okta never sends is reported as ours-wrong (exit 1)
    document = json.loads(capture.read_text())
    document["data"]["context"]["request"]["id"] = "someone@example.com"
    doctored = tmp_path / "doctored.json"
    doctored.write_text(json.dumps(document))
    result = _run("diff", str(doctored), "--json")
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
    assert result.exit_code == 0, result.output
    assert "0 ours-wrong" in result.output
