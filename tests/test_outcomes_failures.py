"""The failure table (docs/okta-behaviour.md#failure-modes): for every inline kind, a hook that times out,
answers 4xx, 5xx, a redirect, malformed JSON, an ``error`` object or an empty 204 leads to the outcome Okta
reaches — over real HTTP."""

from __future__ import annotations

import json
import time

import pytest
from werkzeug.wrappers import Response

from okta_hook_emulator.emulator.results import VERDICT_ERROR, VERDICT_FAILED, VERDICT_OK
from tests.helpers.inline import EXAMPLES, REQUESTS

TIMEOUT = 0.8  # generous enough that an instant answer never times out on a loaded machine
SLEEP = 1.5


def answer(condition: str):
    """A werkzeug handler playing one misbehaviour."""

    def handler(request):
        if condition == "timeout":
            time.sleep(SLEEP)
            return Response("{}", status=200, content_type="application/json")
        if condition == "4xx":
            return Response('{"message": "bad request"}', status=400, content_type="application/json")
        if condition == "5xx":
            return Response("oops", status=500)
        if condition == "redirect":
            return Response("", status=302, headers={"Location": "/elsewhere"})
        if condition == "malformed":
            return Response('{"commands": [', status=200, content_type="application/json")
        if condition == "error":
            return Response(json.dumps({"error": {}}), status=200, content_type="application/json")
        if condition == "204":
            return Response(status=204)
        raise AssertionError(condition)

    return handler


def state(kind: str, outcome) -> str:
    """The end of the flow, in one word per kind."""
    if kind == "token":
        return "no-token" if not outcome.tokens_issued else ("modified" if outcome.modified else "unmodified")
    if kind == "saml":
        return "denied" if outcome.denied else ("modified" if outcome.modified else "original")
    if kind == "registration":
        return outcome.action
    if kind == "import":
        return outcome.action
    if kind == "password-import":
        return "signed-in" if outcome.sign_in_allowed else "sign-in-fails"
    if kind == "telephony":
        return "failover" if outcome.failover else "hook"
    raise AssertionError(kind)


F, E, OK = VERDICT_FAILED, VERDICT_ERROR, VERDICT_OK
# kind -> condition -> (verdict, flow state, attempts) — docs/okta-behaviour.md#failure-modes
# (with fidelity.py choices)
MATRIX = {
    "token": {"timeout": (F, "unmodified", 1), "4xx": (F, "unmodified", 1), "5xx": (F, "unmodified", 1),
              "redirect": (F, "unmodified", 1), "malformed": (F, "unmodified", 1), "error": (E, "no-token", 1),
              "204": (OK, "unmodified", 1)},
    "saml": {"timeout": (F, "original", 2), "4xx": (F, "original", 1), "5xx": (F, "original", 2),
             "redirect": (F, "original", 1), "malformed": (F, "original", 1), "error": (E, "denied", 1),
             "204": (OK, "original", 1)},
    "registration": {"timeout": (F, "DENY", 2), "4xx": (F, "DENY", 1), "5xx": (F, "DENY", 2),
                     "redirect": (F, "DENY", 1), "malformed": (F, "DENY", 1), "error": (E, "DENY", 1),
                     "204": (OK, "ALLOW", 1)},
    "import": {"timeout": (F, "CREATE_USER", 2), "4xx": (F, "CREATE_USER", 1), "5xx": (F, "CREATE_USER", 2),
               "redirect": (F, "CREATE_USER", 1), "malformed": (F, "CREATE_USER", 1),
               "error": (E, "CREATE_USER", 1), "204": (OK, "CREATE_USER", 1)},
    "password-import": {"timeout": (F, "sign-in-fails", 2), "4xx": (F, "sign-in-fails", 1),
                        "5xx": (F, "sign-in-fails", 2), "redirect": (F, "sign-in-fails", 1),
                        "malformed": (F, "sign-in-fails", 1), "error": (E, "sign-in-fails", 1),
                        "204": (OK, "sign-in-fails", 1)},
    "telephony": {"timeout": (F, "failover", 1), "4xx": (F, "failover", 1), "5xx": (F, "failover", 1),
                  "redirect": (F, "failover", 1), "malformed": (F, "failover", 1), "error": (E, "failover", 1),
                  "204": (F, "failover", 1)},
}
CASES = [(k, c) for k, row in MATRIX.items() for c in row]


@pytest.mark.parametrize(("kind", "condition"),
                         [pytest.param(k, c, marks=pytest.mark.slow) if c == "timeout" else (k, c) for k, c in CASES],
                         ids=[f"{k}-{c}" for k, c in CASES])  # a timeout waits out the budget: slow
def test_failure_matrix(emu, hook_server, kind, condition):
    hook_server.clear()
    hook_server.expect_request("/hook", method="POST").respond_with_handler(answer(condition))
    request = json.loads((EXAMPLES / REQUESTS[kind]).read_text())
    result = emu.call_inline(kind, hook_server.url_for("/hook"), request=request, timeout=TIMEOUT,
                             hook_id="calAbCdEfGhIjKlMnOp0")
    verdict, flow, attempts = MATRIX[kind][condition]
    assert result.verdict == verdict, result.reason
    assert state(kind, result.outcome) == flow, result.outcome.summary
    assert len(result.delivery.attempts) == attempts
    assert result.outcome.summary and result.reason
    json.dumps(result.to_dict())  # JSON-serialisable, JWTs included
    types = [e["eventType"] for e in result.log_events]
    assert types.count("inline_hook.response.processed") == 1
    # inline_hook.executed is written exactly when the call failed
    assert types.count("inline_hook.executed") == (1 if verdict == VERDICT_FAILED else 0)
    if condition == "malformed":
        assert result.reason.startswith("Could not deserialize inline hook response due to error at Line 1 Column ")
    if condition == "redirect":
        assert all(req.path == "/hook" for req, _ in hook_server.log)  # never followed
    if condition == "timeout":
        assert f"{TIMEOUT:g} s" in result.reason
    if kind == "password-import":
        imported = [e for e in result.log_events if e["eventType"] == "user.import.password"]
        assert len(imported) == 1 and imported[0]["outcome"]["result"] == "FAILURE"


def test_failure_messages_shown_to_end_users(emu, hook_server):
    """docs/okta-behaviour.md#failure-modes: registration fails closed with Okta's messages; SAML / token
    errors with the default text."""
    hook_server.clear()
    hook_server.expect_request("/hook", method="POST").respond_with_handler(answer("5xx"))
    url = hook_server.url_for("/hook")
    ssr = emu.call_inline("registration", url, request=json.loads((EXAMPLES / REQUESTS["registration"]).read_text()),
                          timeout=TIMEOUT)
    assert ssr.outcome.end_user_message == "There was an error creating your account. Please try registering again"
    pp = emu.call_inline("registration", url, request=json.loads((EXAMPLES / "registration-pp.request.json")
                                                                 .read_text()), timeout=TIMEOUT)
    assert pp.outcome.end_user_message == "There was an error updating your profile. Please try again later."

    hook_server.clear()
    hook_server.expect_request("/hook", method="POST").respond_with_handler(answer("error"))
    token = emu.call_inline("token", url, request=json.loads((EXAMPLES / REQUESTS["token"]).read_text()),
                            timeout=TIMEOUT)
    assert token.outcome.error == {"error": "server_error",
                                   "error_description": "The callback service returned an error"}
    saml = emu.call_inline("saml", url, request=json.loads((EXAMPLES / REQUESTS["saml"]).read_text()),
                           timeout=TIMEOUT)
    assert saml.outcome.error_message == "The callback service returned an error"
    assert saml.outcome.assertion_xml is None
    reg = emu.call_inline("registration", url, request=json.loads((EXAMPLES / REQUESTS["registration"]).read_text()),
                          timeout=TIMEOUT)
    assert reg.outcome.end_user_message == "Registration cannot be completed at this time."


def test_request_is_posted_compact_with_inline_headers(emu, hook_server):
    hook_server.clear()
    hook_server.expect_request("/hook", method="POST").respond_with_handler(answer("204"))
    request = json.loads((EXAMPLES / REQUESTS["token"]).read_text())
    result = emu.call_inline("token", hook_server.url_for("/hook"), request=request, timeout=TIMEOUT,
                             auth_header=("Authorization", "s3cret"))
    sent, _ = hook_server.log[-1]
    assert json.loads(sent.get_data()) == request
    assert sent.get_data() == json.dumps(request, separators=(",", ":"), ensure_ascii=False).encode()
    assert sent.headers["User-Agent"] == "Okta-Integrations"
    assert sent.headers["Content-Type"] == "application/json"
    assert sent.headers["Authorization"] == "s3cret"
    assert sent.headers["X-Okta-Request-Id"]
    assert result.delivery.final.request.headers["Authorization"] != "s3cret"  # masked in records
