"""The dashboard's Captures pages over real HTTP on 127.0.0.1: the example capture records are listed newest first
and open with request, answer and timing; a record shows its shape diff against the emulator's request; Replay
(a form POST with the form token) replays it through the core to a hook and says held or what changed; record
names cannot leave the configured folder."""

from __future__ import annotations

import html
import json
import re
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from werkzeug.serving import make_server

from okta_hook_emulator.server import serve
from tests.helpers.server import AUTH, TOKEN, inline_hook_body

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples" / "capture_replay" / "captures"
REGISTRATION = "20261201T040246-0004-registration"
TOKEN_RECORD = "20261201T040245-0003-token"
EVENT = "20261201T040245-0002-event"
VERIFICATION = "20261201T040245-0001-verification"
HOOK_SECRET = "registration-hook-secret-31415"


def _run(app: Any) -> Iterator[str]:
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/hooks/okta"
    finally:
        server.shutdown()


@pytest.fixture(scope="module")
def sample_hook() -> Iterator[str]:
    """The sample hook the example records were captured from."""
    from okta_hook_emulator.sample_hook.app import create_app

    yield from _run(create_app())


@pytest.fixture(scope="module")
def changed_hook() -> Iterator[str]:
    """The registration hook after a change: it denies every registration."""
    from examples.capture_replay.changed_hook import app

    yield from _run(app)


@pytest.fixture
def captures(tmp_path: Path) -> Path:
    """A copy of the example records, and a record outside the folder that must stay unreachable."""
    folder = tmp_path / "captures"
    shutil.copytree(EXAMPLES, folder)
    outside = json.loads((EXAMPLES / f"{REGISTRATION}.json").read_text())
    outside["id"] = "outside"
    (tmp_path / "outside.json").write_text(json.dumps(outside))
    return folder


@pytest.fixture
def emu(captures: Path) -> Iterator[Any]:
    handle = serve({"api_token": TOKEN, "policy": {"timeout": 2.0}, "worker_interval": 0.02,
                    "captures_dir": str(captures)})
    try:
        yield handle
    finally:
        handle.stop()


@pytest.fixture
def web(emu: Any) -> Iterator[httpx.Client]:
    """A browser-like client: no API token, follows redirects."""
    with httpx.Client(base_url=emu.url, follow_redirects=True, timeout=30) as client:
        yield client


def form_token(page: str) -> str:
    return html.unescape(re.search(r'name="csrf_token" value="([^"]+)"', page).group(1))


def replay(web: httpx.Client, name: str, target: str) -> httpx.Response:
    page = web.get(f"/captures/{name}").text
    return web.post(f"/captures/{name}/replay", data={"csrf_token": form_token(page), "target": target})


def result_box(page: str) -> str:
    match = re.search(r'<div class="alert[^"]*" id="replay-result".*?</div>', page, re.S)
    assert match, "no replay result on the page"
    return html.unescape(match.group(0))


def test_list_shows_the_records_newest_first(web: httpx.Client) -> None:
    page = web.get("/captures")
    assert page.status_code == 200
    names = re.findall(r'data-capture="([^"]+)"', page.text)
    assert names == [REGISTRATION, TOKEN_RECORD, EVENT, VERIFICATION]
    text = html.unescape(page.text)
    assert "user.lifecycle.create" in text and "self.service.registration" in text
    assert "HTTP 200" in text and "Authorization" in text  # answer status and the redacted header's name
    assert 'href="/captures"' in page.text  # the nav link


def test_record_page_shows_request_answer_timing_and_masks_secrets(web: httpx.Client) -> None:
    page = web.get(f"/captures/{TOKEN_RECORD}")
    assert page.status_code == 200
    text = html.unescape(page.text)
    assert re.search(r"<code>POST <span class=\"wrap\">/hooks/token</span></code>", page.text)
    assert "com.okta.oauth2.tokens.transform" in text  # request body
    assert "extPatientId" in text and "HTTP 200" in text  # the recorded answer
    timing = json.loads((EXAMPLES / f"{TOKEN_RECORD}.json").read_text())["timing"]
    assert f"hook {timing['upstreamMs']:.0f} ms" in text  # timing
    assert f"whole exchange {timing['elapsedMs']:.0f} ms" in text
    assert "<redacted>" not in text  # the redacted Authorization goes through the dashboard's masking too
    assert re.search(r"<th scope=\"row\">Authorization</th><td><span class=\"mask\"", page.text)


def test_record_page_shows_the_shape_diff(web: httpx.Client, captures: Path) -> None:
    # The example records match the emulator; a doctored copy (a displayMessage Okta would not send for the type)
    # gives the diff something to show.
    record = json.loads((captures / f"{EVENT}.json").read_text())
    body = json.loads(record["request"]["body"])
    body["data"]["events"][0]["displayMessage"] = "Not what Okta says"
    record.update(id="doctored-event", request={**record["request"], "body": json.dumps(body)})
    (captures / "doctored-event.json").write_text(json.dumps(record))
    page = web.get("/captures/doctored-event")
    text = html.unescape(page.text)
    section = text[text.index('id="shape-diff"'):]
    assert re.search(r"event \(delivery\) user\.lifecycle\.create, group\.user_membership\.add: \d+ ours-wrong, "
                     r"\d+ other difference\(s\)", section)
    verdicts = set(re.findall(r'data-verdict="([a-z-]+)"', page.text))
    assert "ours-wrong" in verdicts and verdicts <= {"ours-wrong", "unclear"}
    assert "data.events[].displayMessage" in text
    verification = html.unescape(web.get(f"/captures/{VERIFICATION}").text)
    assert "A verification GET has no body to compare." in verification


def test_replay_against_the_same_hook_holds(web: httpx.Client, sample_hook: str) -> None:
    for name in (REGISTRATION, TOKEN_RECORD, EVENT, VERIFICATION):
        resp = replay(web, name, sample_hook)
        assert resp.status_code == 200, resp.text
        box = result_box(resp.text)
        assert 'data-held="true"' in box and "Held:" in box, (name, box)


def test_replay_against_a_changed_hook_shows_what_changed(web: httpx.Client, changed_hook: str) -> None:
    resp = replay(web, REGISTRATION, changed_hook)
    assert resp.status_code == 200
    box = result_box(resp.text)
    assert 'data-held="false"' in box and "Changed:" in box
    assert 'commands[0] com.okta.action.update: .value.registration is "DENY" (was "ALLOW")' in box
    assert "commands[1] com.okta.user.profile.update is gone" in box


def test_replay_defaults_to_the_registered_hook_and_sends_its_secret_only_there(
        web: httpx.Client, emu: Any, httpserver: Any) -> None:
    body = inline_hook_body(httpserver.url_for("/registration"), "com.okta.user.pre-registration",
                            name="Registration hook")
    body["channel"]["config"]["authScheme"] = {"type": "HEADER", "key": "Authorization", "value": HOOK_SECRET}
    assert httpx.post(f"{emu.url}/api/v1/inlineHooks", json=body, headers=AUTH).status_code == 200
    seen: list[str | None] = []

    def answer(request: Any) -> Any:
        from werkzeug import Response

        seen.append(request.headers.get("Authorization"))
        return Response(json.dumps({"commands": []}), content_type="application/json")

    httpserver.expect_request("/registration", method="POST").respond_with_handler(answer)
    httpserver.expect_request("/elsewhere", method="POST").respond_with_handler(answer)
    page = web.get(f"/captures/{REGISTRATION}").text
    assert f'value="{httpserver.url_for("/registration")}"' in page and "Registration hook" in html.unescape(page)
    assert HOOK_SECRET not in page
    resp = replay(web, REGISTRATION, httpserver.url_for("/registration"))
    assert 'data-held="false"' in resp.text  # no commands now: the recorded ALLOW and profile update are gone
    assert HOOK_SECRET not in resp.text
    replay(web, REGISTRATION, httpserver.url_for("/elsewhere"))
    assert seen == [HOOK_SECRET, None]


def test_replay_without_the_form_token_is_refused(web: httpx.Client, sample_hook: str) -> None:
    resp = web.post(f"/captures/{REGISTRATION}/replay", data={"target": sample_hook})
    assert resp.status_code == 403
    assert resp.json()["errorCode"] == "E0000006"
    resp = web.post(f"/captures/{REGISTRATION}/replay", data={"target": sample_hook, "csrf_token": "guess"})
    assert resp.status_code == 403


def test_replay_needs_an_http_url(web: httpx.Client) -> None:
    resp = replay(web, REGISTRATION, "file:///etc/passwd")
    assert resp.status_code == 400
    assert "Type the hook URL" in resp.text


@pytest.mark.parametrize("name", ["%2E%2E", "..%2Foutside", "%2E%2E%2Foutside", "..%5Coutside", ".hidden",
                                  "%2Fetc%2Fpasswd", "outside"])
def test_record_names_cannot_leave_the_folder(web: httpx.Client, emu: Any, name: str) -> None:
    with httpx.Client(base_url=emu.url, timeout=10) as raw:  # no path normalisation by a redirect
        page = raw.get(f"/captures/{name}")
        assert page.status_code == 404
        assert "com.okta.user.pre-registration" not in page.text
        token = form_token(raw.get(f"/captures/{REGISTRATION}").text)
        resp = raw.post(f"/captures/{name}/replay", data={"csrf_token": token, "target": "http://127.0.0.1:9/"})
        assert resp.status_code in (404, 405)


def test_traversal_with_dot_dot_slash_is_refused(emu: Any, captures: Path) -> None:
    """``../outside`` sent as is (not normalised by the client) names a real record beside the folder: refused."""
    import http.client

    port = int(emu.url.rsplit(":", 1)[1])
    for path in ("/captures/../outside", "/captures/..%2Foutside"):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        try:
            conn.request("GET", path)
            answer = conn.getresponse()
            body = answer.read().decode()
        finally:
            conn.close()
        assert answer.status == 404, (path, answer.status)
        assert "com.okta.user.pre-registration" not in body
    assert (captures.parent / "outside.json").is_file()


def test_without_a_captures_folder_the_page_says_how(server: Any) -> None:
    page = httpx.get(f"{server.url}/captures")
    assert page.status_code == 200
    assert "okta-hooks serve --captures captures/" in page.text
    assert httpx.get(f"{server.url}/captures/{REGISTRATION}").status_code == 404


def test_an_empty_or_missing_folder_says_how_to_record(tmp_path: Path) -> None:
    for folder in (tmp_path / "empty", tmp_path / "not-yet"):
        (tmp_path / "empty").mkdir(exist_ok=True)
        handle = serve({"api_token": TOKEN, "captures_dir": str(folder)})
        try:
            page = httpx.get(f"{handle.url}/captures")
        finally:
            handle.stop()
        assert page.status_code == 200
        assert f"okta-hooks capture --forward-to URL --out {folder}" in html.unescape(page.text)
        assert "data-capture=" not in page.text
