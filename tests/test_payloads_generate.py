"""PayloadFactory: determinism, ids, every kind/request type/variant, shapes against Okta's documented examples."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta, timezone

import pytest

from okta_hook_emulator import fidelity
from okta_hook_emulator.clock import FixedClock, iso
from okta_hook_emulator.errors import EmulatorUsageError
from okta_hook_emulator.payloads.catalog import INLINE_KINDS, KINDS
from okta_hook_emulator.payloads.event_types import event_types
from okta_hook_emulator.payloads.generate import PayloadFactory, generate_token, to_json
from okta_hook_emulator.payloads.validate import validate_request

OKTA_ID = re.compile(r"^[0-9A-Za-z]{20}$")
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
OKTA_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


def all_cases() -> list[tuple[str, str | None, str | None]]:
    """Every (kind, request_type, variant) the generators support."""
    cases: list[tuple[str, str | None, str | None]] = []
    for kind in INLINE_KINDS:
        rtypes = KINDS[kind].request_types or (None,)
        variants = KINDS[kind].variants or (None,)
        for rt in rtypes:
            for v in variants:
                if kind == "token" and rt == "client_credentials" and v != "access_token":
                    continue
                cases.append((kind, rt, v))
    return cases


CASES = all_cases()


def _dump(f: PayloadFactory) -> str:
    parts = [f.event_hook_envelope(f.log_events(["user.session.start", "group.user_membership.add"], 4))]
    parts += [f.inline_request(k, request_type=rt, variant=v) for k, rt, v in CASES]
    return json.dumps(parts, sort_keys=False)


def test_same_seed_same_bytes_and_different_seed_differs():
    a, b, c = _dump(PayloadFactory(seed=11)), _dump(PayloadFactory(seed=11)), _dump(PayloadFactory(seed=12))
    assert a == b
    assert a != c


def test_reseed_restarts_the_sequence():
    f = PayloadFactory(seed=4, clock=FixedClock())
    first = f.inline_request("token")
    f.inline_request("saml")
    f.reseed(4)
    assert f.inline_request("token") == first
    f.reseed(5)
    assert f.inline_request("token") != first


def test_clock_is_injected():
    clock = FixedClock("2030-05-01T12:00:00.000Z", tick=timedelta(seconds=2))
    f = PayloadFactory(seed=1, clock=clock)
    events = f.log_events(["user.lifecycle.create"], 2)
    assert [e["published"] for e in events] == ["2030-05-01T12:00:00.000Z", "2030-05-01T12:00:02.000Z"]
    env = f.event_hook_envelope(events)
    assert env["eventTime"] == "2030-05-01T12:00:04.000Z"
    assert f.inline_request("telephony")["eventTime"] == "2030-05-01T12:00:06.000Z"


def test_iso_is_oktas_timestamp_format():
    assert iso(datetime(2026, 1, 15, 9, 30, 1, 999999, tzinfo=UTC)) == "2026-01-15T09:30:01.999Z"  # truncated
    assert iso(datetime(2026, 1, 1, 0, 30, tzinfo=timezone(timedelta(hours=1)))) == "2025-12-31T23:30:00.000Z"
    assert iso(datetime(1000, 1, 1, tzinfo=UTC)) == "1000-01-01T00:00:00.000Z"
    early = datetime(999, 3, 1, 0, 0, 0, 5000, tzinfo=UTC)  # strftime's unpadded year, as before
    assert iso(early) == early.strftime("%Y-%m-%dT%H:%M:%S.") + "005Z"


def test_small_values_have_okta_shapes():
    f = PayloadFactory(seed=2)
    for prefix in ("00u", "00g", "0oa", "aus", "00p", "0pr", "who", "cal"):
        value = f.new_id(prefix)
        assert value.startswith(prefix) and OKTA_ID.match(value), value
    assert UUID.match(f.uuid())
    assert re.fullmatch(r"[A-Za-z0-9_-]{22}", f.event_id())
    challenge = f.challenge()
    assert len(challenge) == fidelity.VERIFICATION_CHALLENGE_LENGTH
    assert re.fullmatch(r"[A-Za-z0-9_-]+", challenge)
    assert len({f.new_id("00u") for _ in range(500)}) == 500


def test_org_ids_have_right_prefixes_and_length():
    org = PayloadFactory(seed=9).org
    assert re.fullmatch(r"dev-\d{8}\.okta\.com", org.domain)
    checks = [("00u", u.id) for u in org.users] + [("00g", g.id) for g in org.groups]
    checks += [("0oa", a.id) for a in org.apps] + [("aus", a.id) for a in org.auth_servers]
    checks += [("00p", p.id) for p in org.policies] + [("0pr", r[0]) for p in org.policies for r in p.rules]
    checks += [("who", h) for h in org.event_hook_ids] + [("cal", h) for _, h in org.inline_hook_ids]
    for prefix, value in checks:
        assert value.startswith(prefix) and OKTA_ID.match(value), (prefix, value)
        assert value.endswith(org.cell)
    assert len({u.login for u in org.users}) == len(org.users)


def test_envelope_keys_match_documented_example(okta_example):
    doc = okta_example("eventhook-delivery.request.filled.json")
    f = PayloadFactory(seed=3)
    env = f.event_hook_envelope(f.log_events(["user.session.start"], 1))
    assert list(env) == list(doc)  # same keys, same order as Okta's sample
    assert env["eventType"] == "com.okta.event_hook"
    assert env["eventTypeVersion"] == "1.0" and env["cloudEventsVersion"] == "0.1"
    assert env["contentType"] == "application/json"
    assert UUID.match(env["eventId"]) and OKTA_TIME.match(env["eventTime"])
    assert re.fullmatch(rf"https://{re.escape(f.org.domain)}/api/v1/eventHooks/who[0-9A-Za-z]{{17}}", env["source"])
    assert f.event_hook_envelope([], hook_id="whoABCDEFGHIJKLMNOPQ")["source"].endswith("/whoABCDEFGHIJKLMNOPQ")


def _keys(obj, prefix=""):
    """Every dotted key path of nested dicts (lists: first element)."""
    out = set()
    if isinstance(obj, dict):
        for k, v in obj.items():
            out.add(prefix + k)
            out |= _keys(v, prefix + k + ".")
    elif isinstance(obj, list) and obj:
        out |= _keys(obj[0], prefix)
    return out


def test_log_event_has_every_field_of_the_documented_logevent(okta_example):
    doc = okta_example("logevent-user.session.start.json")
    event = PayloadFactory(seed=3).log_event("user.session.start")
    missing = _keys(doc) - _keys(event)
    assert not missing
    extra = {k for k in _keys(event) - _keys(doc)
             if not k.startswith(("request", "debugContext.debugData."))}
    # only the top-level `request.ipChain` (docs/okta-behaviour.md#logevent-shape) and the flow's debugData keys
    # real sign-ins carry (captures: panther-login-signal-2, elastic-user-session-start-2022) are added
    assert not extra
    assert event["request"]["ipChain"][0]["ip"] == event["client"]["ipAddress"]
    assert [t["type"] for t in event["target"]] == ["AuthenticatorEnrollment", "AppInstance"]
    assert event["legacyEventType"] == "core.user_auth.login_success"
    assert event["displayMessage"] == "User login to Okta"
    assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-1[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", event["uuid"])  # v1


@pytest.mark.parametrize("example,kind,rtype,variant", [
    ("token.request.json", "token", None, None),
    ("saml.request.filled.json", "saml", None, None),
    ("registration-ssr.request.json", "registration", "self.service.registration", None),
    ("registration-pp.request.json", "registration", "progressive.profile", None),
    ("import.request.json", "import", None, "conflict"),
    ("password-import.request.json", "password-import", None, None),
    ("telephony.request.json", "telephony", None, None),
])
def test_inline_request_matches_documented_field_set(okta_example, example, kind, rtype, variant):
    doc = okta_example(example)
    body = PayloadFactory(seed=8).inline_request(kind, request_type=rtype, variant=variant)
    assert list(body) == list(doc)  # top-level keys in Okta's order
    claims = "data.assertion.claims."  # SAML attribute statements are per-app: compare their shape only
    # Okta's token example was minted with offline_access (a refresh token); ours asks for openid profile email
    skip = (claims, "data.refresh_token")
    assert {k for k in _keys(body) if not k.startswith(skip)} == {k for k in _keys(doc) if not k.startswith(skip)}
    for claim in body["data"].get("assertion", {}).get("claims", {}).values():
        assert set(claim) == {"attributes", "attributeValues"}
        assert all(set(v) == {"attributes", "value"} for v in claim["attributeValues"])
    assert body["cloudEventVersion"] == "0.1" and "cloudEventsVersion" not in body
    assert body["eventType"] == KINDS[kind].okta_type
    assert body.get("requestType") == doc.get("requestType")
    assert re.fullmatch(r"[A-Za-z0-9_-]{22}", body["eventId"])


@pytest.mark.parametrize("kind,rtype,variant", CASES)
def test_every_kind_request_type_and_variant_generates_and_validates(kind, rtype, variant):
    f = PayloadFactory(seed=21)
    body = f.inline_request(kind, request_type=rtype, variant=variant)
    assert body["eventType"] == KINDS[kind].okta_type
    assert json.loads(to_json(body)) == body
    assert validate_request(kind, body) == []
    if rtype and kind in ("registration", "telephony"):
        assert body["requestType"] == rtype


def test_token_variants():
    f = PayloadFactory(seed=5)
    both = f.inline_request("token")
    assert {"identity", "access"} <= set(both["data"])
    # the authorization code flow, not the implicit one; a refresh token only with offline_access
    assert both["data"]["context"]["protocol"]["request"]["response_type"] == "code"
    assert both["data"]["context"]["protocol"]["request"]["response_mode"] == "query"
    assert "refresh_token" not in both["data"]
    offline = generate_token(f, scopes=["openid", "profile", "offline_access"])
    assert "refresh_token" in offline["data"]
    assert both["data"]["identity"]["claims"]["sub"] == both["data"]["context"]["user"]["id"]
    assert both["data"]["access"]["claims"]["uid"] == both["data"]["context"]["session"]["userId"]
    only_id = f.inline_request("token", variant="id_token")
    assert "identity" in only_id["data"] and "access" not in only_id["data"]
    only_at = f.inline_request("token", variant="access_token")
    assert "access" in only_at["data"] and "identity" not in only_at["data"]
    cc = f.inline_request("token", request_type="client_credentials")
    assert set(cc["data"]) == {"context", "access"}
    assert "user" not in cc["data"]["context"] and "session" not in cc["data"]["context"]
    assert cc["data"]["context"]["protocol"]["request"]["grant_type"] == "client_credentials"
    rt = f.inline_request("token", request_type="refresh_token")
    original = rt["data"]["context"]["protocol"][fidelity.TOKEN_ORIGINAL_GRANT_KEY]
    assert original["refresh_token"]["jti"] == rt["data"]["refresh_token"]["jti"]
    assert rt["data"]["context"]["protocol"]["request"]["grant_type"] == "refresh_token"
    with pytest.raises(EmulatorUsageError, match="access token only"):
        f.inline_request("token", request_type="client_credentials", variant="id_token")


def test_user_links_follow_the_person_the_request_is_about():
    f = PayloadFactory(seed=6)
    for spec in (f.org.users[3], {"login": "new.person@example.test"}, f.org.users[3], {"login": "other@example.test"}):
        token = f.inline_request("token", user=spec)
        user = token["data"]["context"]["user"]
        base = f"{f.org.url}/api/v1/users/{user['id']}"
        assert user["_links"] == {"groups": {"href": f"{base}/groups"}, "factors": {"href": f"{base}/factors"}}
        profile = f.inline_request("registration", request_type="progressive.profile", user=spec)
        assert profile["data"]["context"]["user"]["id"] == user["id"]
        assert profile["data"]["context"]["user"]["_links"] == {
            "groups": {"href": f"/api/v1/users/{user['id']}/groups"},
            "factors": {"href": f"/api/v1/users/{user['id']}/factors"}}
    assert len({f.inline_request("token", user=spec)["data"]["context"]["user"]["id"]
                for spec in ({"login": "a@example.test"}, {"login": "b@example.test"})}) == 2


def test_saml_import_telephony_variants():
    f = PayloadFactory(seed=6)
    saml = f.inline_request("saml")
    assert {"firstName", "email", "groups"} <= set(saml["data"]["assertion"]["claims"])
    bare = f.inline_request("saml", variant="no-claims")
    assert "claims" not in bare["data"]["assertion"]
    assert bare["data"]["context"]["session"]["id"].startswith("idx")
    assert "_links" not in bare["data"]["context"]["user"]

    plain = f.inline_request("import")
    assert plain["data"]["context"]["conflicts"] == [] and plain["data"]["context"]["matches"] == []
    logins = {u.login for u in f.org.users}
    assert plain["data"]["user"]["profile"]["login"] not in logins
    conflict = f.inline_request("import", variant="conflict")
    assert conflict["data"]["context"]["conflicts"] == ["login"]
    assert conflict["data"]["user"]["profile"]["login"] in logins
    match = f.inline_request("import", variant="match")
    user_id = match["data"]["user"]["id"]
    assert match["data"]["context"]["matches"] == [user_id]
    assert match["data"]["action"]["result"] == "LINK_USER"
    assert user_id in {u.id for u in f.org.users}

    sms = f.inline_request("telephony", request_type="com.okta.user.telephony.password-reset")
    assert sms["data"]["messageProfile"]["deliveryChannel"] == "SMS"
    assert sms["data"]["messageProfile"]["otpCode"] in sms["data"]["messageProfile"]["msgTemplate"]
    voice = f.inline_request("telephony", variant="voice")
    assert voice["data"]["messageProfile"]["deliveryChannel"] == fidelity.TELEPHONY_VOICE_CHANNEL
    # a real voice request carries msgTemplate too (capture: 8x8-telephony-voice)
    assert voice["data"]["messageProfile"]["otpCode"] in voice["data"]["messageProfile"]["msgTemplate"]


def test_sources_and_hook_ids():
    f = PayloadFactory(seed=7)
    org = f.org
    assert f.inline_request("import")["source"] == org.inline_hook_id("import")
    tel = f.inline_request("telephony", hook_id="calAAAAAAAAAAAAAAAAA")
    assert tel["source"] == f"https://{org.domain}/api/v1/inlineHooks/calAAAAAAAAAAAAAAAAA"
    pwd = f.inline_request("password-import")
    assert pwd["source"] == f"https://{org.domain}/api/v1/inlineHooks/{org.inline_hook_id('password-import')}"
    assert f.inline_request("token")["source"] == f"https://{org.domain}/oauth2/default/v1/authorize"
    assert f.inline_request("saml")["source"].startswith(f"https://{org.domain}/app/")


def test_people_recur_across_payloads():
    f = PayloadFactory(seed=13)
    ids = {u.id for u in f.org.users}
    events = f.log_events(["group.user_membership.add", "user.lifecycle.create", "user.session.start"], 30)
    seen = [e["actor"]["id"] for e in events] + [t["id"] for e in events for t in e["target"] if t["type"] == "User"]
    assert set(seen) <= ids
    assert len(set(seen)) < len(seen)  # the same people come back
    assert f.inline_request("token")["data"]["context"]["user"]["id"] in ids


def test_log_event_arguments_and_overrides():
    f = PayloadFactory(seed=1)
    actor = {"id": "00uACTORACTORACTOR01", "type": "User", "alternateId": "a@b.c", "displayName": "A",
             "detailEntry": None}
    e = f.log_event("user.lifecycle.deactivate", actor=actor, targets=[], outcome="FAILURE",
                    debug_data={"custom": "x"}, overrides={"outcome.reason": "because", "/severity": "WARN"})
    assert e["actor"] == actor and e["target"] == []
    assert e["outcome"] == {"result": "FAILURE", "reason": "because"}
    assert e["severity"] == "WARN"
    assert e["debugContext"]["debugData"]["custom"] == "x"
    assert e["legacyEventType"] == "core.user.config.user_deactivated"


def test_log_events_cycle_and_reject_unknown_types():
    f = PayloadFactory(seed=1)
    events = f.log_events(["user.session.start", "group.user_membership.add"], 5)
    assert [e["eventType"] for e in events] == ["user.session.start", "group.user_membership.add"] * 2 + [
        "user.session.start"]
    assert len({e["uuid"] for e in events}) == 5
    with pytest.raises(EmulatorUsageError, match="Did you mean 'user.session.start'"):
        f.log_events(["user.session.strat"], 1)
    with pytest.raises(EmulatorUsageError, match="not an event-hook-eligible"):
        f.log_event("event_hook.delivery")


def test_every_event_type_generates_a_valid_event():
    f = PayloadFactory(seed=17)
    names = sorted(event_types())
    env = f.event_hook_envelope(f.log_events(names, len(names)))
    assert validate_request("event", env) == []
    for event in env["data"]["events"]:
        et = event_types()[event["eventType"]]
        assert [t["type"] for t in event["target"] or []] == [t.type for t in et.targets]
        assert (event["target"] is None) == (not et.targets)  # no target: null, as Okta sends it
        assert event["severity"] == et.severity and event["outcome"]["result"] == et.outcome
        assert event["actor"]["type"] == et.actor_type
        if et.change_details:
            assert set(event["target"][0]["changeDetails"]) == {"from", "to"}
        assert OKTA_TIME.match(event["published"])


def test_bad_kind_request_type_and_variant():
    f = PayloadFactory()
    with pytest.raises(EmulatorUsageError, match="Did you mean 'telephony'"):
        f.inline_request("telefony")
    with pytest.raises(EmulatorUsageError, match="Did you mean 'progressive.profile'"):
        f.inline_request("registration", request_type="progressive.profil")
    with pytest.raises(EmulatorUsageError, match="Choose one of: plain, conflict, match"):
        f.inline_request("import", variant="merge")


def test_inline_overrides_are_applied_to_a_copy():
    f = PayloadFactory(seed=2)
    body = f.inline_request("registration", overrides={"data.userProfile.email": "x@example.com",
                                                       "/data/userProfile/extra~1field": 1})
    assert body["data"]["userProfile"]["email"] == "x@example.com"
    assert body["data"]["userProfile"]["extra/field"] == 1


def test_default_clock_is_deterministic_not_wall_clock():
    f = PayloadFactory()
    published = datetime.fromisoformat(f.log_event("user.lifecycle.create")["published"].replace("Z", "+00:00"))
    assert published == datetime(2026, 1, 15, 9, 30, tzinfo=UTC)


def test_a_factory_given_its_seeds_org_generates_the_same_bytes():
    shared = PayloadFactory(5).org
    built, reused = PayloadFactory(5), PayloadFactory(5, org=shared)
    assert reused.org is shared and built.org == shared
    for kind, request_type, variant in all_cases():
        assert to_json(reused.inline_request(kind, request_type=request_type, variant=variant)) == \
            to_json(built.inline_request(kind, request_type=request_type, variant=variant))
    types = ["user.lifecycle.create", "user.session.start", "group.user_membership.add"]
    assert to_json(reused.log_events(types, 6)) == to_json(built.log_events(types, 6))
    assert reused.faker.first_name() == PayloadFactory(5, org=shared).faker.first_name()  # seeded, made on use
    reused.reseed(6)
    assert reused.org == PayloadFactory(6).org


@pytest.mark.parametrize("kind", ["saml", "registration", "password-import", "telephony", "event"])
def test_user_override_keeps_one_person_and_the_rest_of_the_request(kind):
    plain = PayloadFactory(seed=4).inline_request(kind)
    ann = PayloadFactory(seed=4).inline_request(kind, user={"login": "ann@acme.test", "firstName": "Ann"})
    text = json.dumps(ann)
    assert "ann@acme.test" in text
    if kind != "event":  # an event's actor may be the admin acting on Ann: another person
        logins = {u.login for u in PayloadFactory(seed=4).org.users}
        assert not any(login in text for login in logins)  # nobody else from the org
    else:
        assert ann["data"]["events"][0]["target"][0]["alternateId"] == "ann@acme.test"
    assert ann["eventId"] == plain["eventId"]  # the seeded stream is unchanged by the override


def test_user_override_picks_an_org_user_by_login():
    f = PayloadFactory(seed=4)
    someone = f.org.users[5]
    body = f.inline_request("telephony", user=someone.login)
    assert body["data"]["userProfile"]["userId"] == someone.id
    event = f.log_event("user.session.start", user={"login": someone.login})
    assert event["actor"]["id"] == someone.id
    with pytest.raises(EmulatorUsageError, match="client_credentials has no user"):
        f.inline_request("token", request_type="client_credentials", user="ann@acme.test")


def test_token_request_timestamps_are_the_clocks_whole_seconds_over_many_requests() -> None:
    """Every timestamp of a token request is the clock's reading (or the session's start) in whole seconds, in
    Okta's format, request after request: more requests and moments than the factory remembers formatted."""
    start = datetime(2026, 3, 1, 8, 0, 0, 250_000, tzinfo=UTC)
    factory = PayloadFactory(5, clock=FixedClock(start, tick=timedelta(milliseconds=700)))
    for n in range(1200):
        now = (start + n * timedelta(milliseconds=700)).replace(microsecond=0)
        request = factory.inline_request("token")
        session = request["data"]["context"]["session"]
        created = datetime.fromisoformat(session["createdAt"])
        assert request["eventTime"] == iso(now)
        assert created.microsecond == 0 and timedelta(minutes=1) <= now - created <= timedelta(minutes=90)
        assert session["createdAt"] == iso(created) == session["lastPasswordVerification"]
        assert session["expiresAt"] == iso(created + timedelta(hours=2))
        assert request["data"]["identity"]["claims"]["auth_time"] == int(created.timestamp())
        changed = datetime.fromisoformat(request["data"]["context"]["user"]["passwordChanged"])
        assert changed.microsecond == 0 and (now - changed) % timedelta(days=1) == timedelta(0)
