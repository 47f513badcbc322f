"""Issue 16's acceptance, played with real processes and HTTP on 127.0.0.1: real Okta requests from the
project's capture corpus go through `okta-hooks capture` to a stand-in hook; the hook receives them byte for
byte, the records hold no secret, `okta-hooks replay` holds against the same hook and names the change against
a changed one, and a scenario made from the records runs green with `okta-hooks run`."""

from __future__ import annotations

import json

import httpx
import pytest

from tests.helpers.capture import StandInHook, corpus_requests, okta_hooks, start_capture

pytestmark = pytest.mark.slow  # child processes and several CLI runs: a few seconds in all

BEARER = "Bearer okta-org-hook-secret-5f2b9c"  # the hook's auth header value (Okta's authScheme)
CUSTOM = "custom-credential-77aa31"  # a custom header value redacted with --redact
REQUESTS = corpus_requests()


@pytest.fixture(scope="module")
def hook():
    server = StandInHook()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def captured(hook, tmp_path_factory):
    """Play Okta: post the corpus requests (and a verification GET) through the capture proxy."""
    out = tmp_path_factory.mktemp("captures")
    child, proxy = start_capture(hook.url, out, "--redact", "X-Custom-Auth")
    sent = []
    try:
        with httpx.Client(base_url=proxy) as okta:
            answer = okta.get("/hooks/events", headers={"X-Okta-Verification-Challenge": "chal-lenge-123",
                                                        "X-Okta-Request-Id": "XOZfPkReFFZ10KWyGkzAMwAAADA",
                                                        "Authorization": BEARER})
            assert answer.json() == {"verification": "chal-lenge-123"}
            for request in REQUESTS:
                headers = {k: v for k, v in request["headers"].items() if k not in ("content-length", "authorization")}
                headers.update({"authorization": BEARER, "X-Custom-Auth": CUSTOM})
                path = f"/hooks/{request['kind']}?capture={request['id']}"
                answer = okta.request(request["method"], path, headers=headers, content=request["body"])
                assert answer.status_code == 200, answer.text
                sent.append((request, path))
    finally:
        child.terminate()
        child.wait(timeout=10)
    return out, sent


def test_corpus_has_whole_requests():
    kinds = {r["kind"] for r in REQUESTS}
    assert {"event", "registration"} <= kinds and len(REQUESTS) >= 4


def test_hook_receives_every_request_byte_for_byte(hook, captured):
    _out, sent = captured
    received = {path: (method, body, headers) for method, path, headers, body in hook.received}
    for request, path in sent:
        method, body, headers = received[path]
        assert method == request["method"]
        assert body == request["body"]
        assert headers["authorization"] == BEARER and headers["X-Custom-Auth"] == CUSTOM
        assert headers["user-agent"] == request["headers"]["user-agent"]


def test_one_record_per_exchange_with_kind_and_no_secret(captured):
    out, sent = captured
    files = sorted(out.glob("*.json"))
    assert len(files) == len(sent) + 1
    assert not [p for p in out.iterdir() if p.suffix != ".json"]  # no temporary file left behind
    records = [json.loads(p.read_text()) for p in files]
    assert [r["kind"] for r in records] == ["verification"] + [request["kind"] for request, _ in sent]
    for record, (request, path) in zip(records[1:], sent, strict=True):
        assert record["request"]["path"] == path
        assert record["request"]["body"].encode() == request["body"]
        assert record["response"]["status"] == 200
        assert {"authorization", "X-Custom-Auth"} <= set(record["redacted"])
    for file in files:
        text = file.read_text()
        for secret in (BEARER, "okta-org-hook-secret-5f2b9c", CUSTOM):
            assert secret not in text, f"{file.name} holds a secret"


def test_replay_holds_against_the_same_hook(hook, captured):
    out, sent = captured
    hook.changed = False
    done = okta_hooks("replay", str(out), "--target", hook.url)
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"{len(sent) + 1} replayed, {len(sent) + 1} held, 0 changed" in done.stdout


def test_replay_names_the_change_against_a_changed_hook(hook, captured):
    out, _sent = captured
    hook.changed = True
    try:
        done = okta_hooks("replay", str(out), "--target", hook.url)
    finally:
        hook.changed = False
    assert done.returncode == 1, done.stdout + done.stderr
    changed = [line for line in done.stdout.splitlines() if line.startswith("CHANGED")]
    assert len(changed) == 1 and "registration" in changed[0]
    assert 'commands[0] com.okta.action.update: .value.registration is "DENY"' in changed[0]
    assert "1 changed" in done.stdout


def test_replay_as_recorded_sends_the_captured_bytes(hook, captured):
    out, sent = captured
    before = len(hook.received)
    done = okta_hooks("replay", str(out), "--target", hook.url, "--as-recorded")
    assert done.returncode == 0, done.stdout + done.stderr
    bodies = [body for _m, _p, _h, body in hook.received[before:]]
    for request, _path in sent:
        if request["kind"] == "event":
            assert request["body"] in bodies


def test_scenario_from_captures_runs_green(hook, captured, tmp_path):
    out, sent = captured
    scenario = tmp_path / "replay.yaml"
    made = okta_hooks("scenario", "from", str(out), "-o", str(scenario))
    assert made.returncode == 0, made.stderr
    run = okta_hooks("run", str(scenario), "--target", hook.url)
    assert run.returncode == 0, run.stdout + run.stderr
    assert f"{len(sent) + 1} step(s): all expectations met" in run.stdout
    hook.changed = True
    try:
        run = okta_hooks("run", str(scenario), "--target", hook.url)
    finally:
        hook.changed = False
    assert run.returncode == 1


def test_proxy_keeps_serving_when_the_hook_is_down(tmp_path):
    down = StandInHook()
    url = down.url
    down.stop()  # nothing listens there any more
    child, proxy = start_capture(url, tmp_path)
    try:
        with httpx.Client(base_url=proxy) as okta:
            first = okta.post("/hooks/events", content=REQUESTS[0]["body"])
            second = okta.get("/hooks/events", headers={"X-Okta-Verification-Challenge": "abc"})
    finally:
        child.terminate()
        child.wait(timeout=10)
    assert first.status_code == 502 and second.status_code == 502
    records = [json.loads(p.read_text()) for p in sorted(tmp_path.glob("*.json"))]
    assert len(records) == 2
    assert records[0]["response"] is None and "could not reach the hook" in records[0]["error"]
    # Replaying a record of a failed call: the recorded verdict is Okta's failure, so a hook that is still down
    # holds and a hook that is up now is a change.
    alive = StandInHook()
    try:
        done = okta_hooks("replay", str(tmp_path), "--target", alive.url)
    finally:
        alive.stop()
    assert done.returncode == 1 and "verdict was failed, now ok" in done.stdout


def test_any_method_and_path_is_forwarded_unchanged(hook, tmp_path):
    child, proxy = start_capture(hook.url, tmp_path)
    try:
        answer = httpx.request("PATCH", f"{proxy}/some/where?a=1&b=%20x", content=b"\x00\x01raw", timeout=10)
    finally:
        child.terminate()
        child.wait(timeout=10)
    assert answer.status_code == 400  # the stand-in hook's own answer, passed on
    method, path, _headers, body = hook.received[-1]
    assert (method, path, body) == ("PATCH", "/some/where?a=1&b=%20x", b"\x00\x01raw")
    record = json.loads(next(tmp_path.glob("*.json")).read_text())
    assert record["kind"] == "unknown" and record["request"]["path"] == "/some/where?a=1&b=%20x"


def test_capture_rejects_a_bad_forward_url(tmp_path):
    done = okta_hooks("capture", "--forward-to", "not-a-url", "--out", str(tmp_path))
    assert done.returncode == 2 and "must be an http(s) URL" in done.stderr
