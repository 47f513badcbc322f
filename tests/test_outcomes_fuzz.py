"""Whatever a hook answers — arbitrary JSON, near-miss commands, arbitrary bytes — every kind returns an
``InlineResult`` with a verdict and an outcome, never an exception (and never the judge's internal safety net)."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from okta_hook_emulator.emulator.core import Emulator
from okta_hook_emulator.emulator.results import VERDICT_ERROR, VERDICT_FAILED, VERDICT_INVALID, VERDICT_OK
from tests.helpers.inline import EXAMPLES, REQUESTS

VERDICTS = {VERDICT_OK, VERDICT_ERROR, VERDICT_INVALID, VERDICT_FAILED}

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=6), children, max_size=4),
    max_leaves=12,
)
COMMAND_TYPES = ["com.okta.identity.patch", "com.okta.access.patch", "com.okta.assertion.patch",
                 "com.okta.action.update", "com.okta.user.profile.update", "com.okta.user.progressive.profile.update",
                 "com.okta.appUser.profile.update", "com.okta.user.update", "com.okta.telephony.action", "bogus"]
paths = st.sampled_from(["/claims/x", "/claims/name", "/claims/sub", "/claims/amr/0", "/claims/amr/-",
                         "/token/lifetime/expiration", "/claims/array/attributeValues/1/value", "/subject/nameId",
                         "/authentication/sessionLifetime", "/claims/a~1b", "/claims/~2", "claims", "/", ""])
ops = st.fixed_dictionaries({"op": st.sampled_from(["add", "replace", "remove", "move", None]), "path": paths},
                            optional={"value": json_values})
values = st.one_of(st.lists(ops, max_size=3), json_values,
                   st.fixed_dictionaries({}, optional={"registration": st.sampled_from(["ALLOW", "DENY", "x"]),
                                                       "result": st.sampled_from(["CREATE_USER", "LINK_USER"]),
                                                       "credential": st.sampled_from(["VERIFIED", "UNVERIFIED"]),
                                                       "id": st.text(max_size=5)}),
                   st.lists(st.fixed_dictionaries({"status": st.sampled_from(["SUCCESSFUL", "PENDING", "FAILED",
                                                                              "x"])}), max_size=2))
answers = st.fixed_dictionaries({}, optional={
    "commands": st.lists(st.fixed_dictionaries({"type": st.sampled_from(COMMAND_TYPES), "value": values}),
                         max_size=3) | json_values,
    "error": json_values,
    "debugContext": json_values,
})
bodies = st.one_of(answers.map(lambda a: json.dumps(a).encode()), json_values.map(lambda a: json.dumps(a).encode()),
                   st.binary(max_size=40))


@pytest.fixture(scope="module")
def hook():
    """One emulator and one in-process WSGI hook whose next answer is set through ``hook.answer``."""
    answer: dict = {"status": 200, "body": b""}

    def app(environ, start_response):
        environ["wsgi.input"].read()
        start_response(f"{answer['status']} X", [("Content-Type", "application/json")])
        return [answer["body"]]

    with Emulator(seed=0) as emu:
        yield emu, app, answer


@pytest.mark.slow
@pytest.mark.parametrize("kind", sorted(REQUESTS))
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=bodies, status=st.sampled_from([200, 200, 200, 204, 201, 400, 500]))
def test_any_answer_yields_a_verdict(hook, kind, body, status):
    emu, app, answer = hook
    answer.update(status=status, body=body)
    request = json.loads((EXAMPLES / REQUESTS[kind]).read_text())
    result = emu.call_inline(kind, app, request=request, timeout=2.0, max_retries=0)
    assert result.verdict in VERDICTS
    assert "internal emulator error" not in result.reason, result.reason
    assert result.outcome is not None and result.outcome.summary
    json.dumps(result.to_dict())
    assert [e["eventType"] for e in result.log_events].count("inline_hook.response.processed") == 1
    if status in (400, 500):
        assert result.verdict == VERDICT_FAILED
