"""Acceptance tests for the okta_hooks pytest plugin, run the way users run it: a fresh pytest process that
loads the plugin from its pytest11 entry point (``pytester.runpytest_subprocess``)."""

from __future__ import annotations

import json
import textwrap

import pytest

pytest_plugins = ["pytester"]
pytestmark = pytest.mark.slow  # every test runs a fresh pytest process

# A tiny WSGI hook service shared by the inner test files. ``MODE`` picks right or wrong answers.
HOOK_APP = '''
import json, time

def make_app(mode):
    def app(environ, start_response):
        path = environ["PATH_INFO"]
        method = environ["REQUEST_METHOD"]
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = json.loads(environ["wsgi.input"].read(length) or b"null")
        def answer(status, payload=None):
            data = b"" if payload is None else json.dumps(payload).encode()
            start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(data)))])
            return [data]
        good = mode == "good"
        if path == "/events" and method == "GET":
            challenge = environ.get("HTTP_X_OKTA_VERIFICATION_CHALLENGE", "")
            return answer("200 OK", {"verification": challenge if good else challenge[::-1]})
        if path == "/events":
            return answer("204 No Content") if good else answer("500 Internal Server Error", {"oops": 1})
        if path == "/token":
            value = "gold" if good else "silver"
            return answer("200 OK", {"commands": [{"type": "com.okta.identity.patch",
                          "value": [{"op": "add", "path": "/claims/tier", "value": value}]}]})
        if path == "/registration":
            action = "ALLOW" if good else "DENY"
            return answer("200 OK", {"commands": [{"type": "com.okta.action.update",
                                                   "value": {"registration": action}}]})
        if path == "/registration-deny":
            payload = {"commands": [{"type": "com.okta.action.update", "value": {"registration": "DENY"}}],
                       "error": {"errorSummary": "Only example.com emails can register.",
                                 "errorCauses": [{"errorSummary": "Only example.com emails can register.",
                                                  "reason": "INVALID_EMAIL_DOMAIN", "locationType": "body",
                                                  "location": "data.userProfile.email", "domain": "end-user"}]}}
            if not good:
                payload = {"commands": [{"type": "com.okta.action.update", "value": {"registration": "ALLOW"}}]}
            return answer("200 OK", payload)
        if path == "/telephony":
            status = "FAILED" if good else "SUCCESSFUL"
            return answer("200 OK", {"commands": [{"type": "com.okta.telephony.action",
                          "value": [{"status": status, "provider": "ACME", "transactionId": "tx1"}]}]})
        if path == "/bad-commands":
            return answer("200 OK", {"commands": [{"type": "com.okta.identity.patch",
                          "value": [{"op": "add", "path": "/claims/tier", "value": "gold"}]}]} if good
                          else {"commands": [{"type": "com.okta.nonsense", "value": 3}]})
        if path == "/slow":
            time.sleep(0.0 if good else 1.0)
            return answer("204 No Content")
        return answer("404 Not Found", {"error": "no route " + path})
    return app
'''

HELPER_TESTS = '''
import pytest
from hookapp import make_app

MODE = "{mode}"


@pytest.fixture
def okta_hook_target():
    return make_app(MODE)


def test_verified(okta):
    okta.verify(path="/events").assert_verified()


def test_delivered(okta):
    okta.send_events("user.lifecycle.create", count=2, path="/events").assert_delivered(attempts=1)


def test_ok(okta):
    okta.verify(path="/events").assert_ok()


def test_no_problems(okta):
    okta.token_hook(path="/bad-commands").assert_no_problems()


def test_command(okta):
    okta.token_hook(path="/token").assert_command("com.okta.identity.patch", path="/claims/tier", value="gold")


def test_claim(okta):
    okta.token_hook(path="/token").assert_claim("tier", "gold", token="id")


def test_denied(okta):
    okta.registration_hook(path="/registration-deny").assert_denied(message="Only example.com")


def test_allowed(okta):
    okta.registration_hook(path="/registration").assert_allowed()


def test_failover(okta):
    okta.telephony_hook(path="/telephony").assert_failover()


@pytest.mark.okta_policy(timeout=0.3)
def test_responds_within(okta):
    okta.token_hook(path="/slow").assert_responds_within(0.3)


@pytest.mark.okta_policy(timeout=0.3)
def test_timed_out(okta):
    # inverted: the good hook is fast, so "timed out" is the wrong expectation there
    result = okta.token_hook(path="/slow")
    if MODE == "good":
        with pytest.raises(AssertionError, match="Okta expected: the hook to miss the 0.3s budget"):
            result.assert_timed_out()
    else:
        result.assert_timed_out()
'''


@pytest.fixture
def hook_suite(pytester: pytest.Pytester):
    pytester.makepyfile(hookapp=HOOK_APP)

    def write(mode: str) -> None:
        pytester.makepyfile(test_helpers=HELPER_TESTS.format(mode=mode))

    return write


def test_plugin_loads_from_entry_point_and_prints_seed(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_x="""
        import pytest

        @pytest.mark.okta_policy(timeout=1)
        def test_marker_is_registered():
            pass
    """)
    result = pytester.runpytest_subprocess("--strict-markers", "--okta-hooks-seed=7")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["okta-hooks: seed=7 (replay with --okta-hooks-seed=7), timeout=3s, strict=False"])
    result = pytester.runpytest_subprocess("--fixtures")
    result.stdout.fnmatch_lines(["okta_hook_target -- *", "okta -- *", "okta_payloads -- *",
                                 "okta_server [[]session scope[]] -- *"])
    result = pytester.runpytest_subprocess("--markers")
    result.stdout.fnmatch_lines(["@pytest.mark.okta_policy(*", "@pytest.mark.okta_scenario(*"])
    result = pytester.runpytest_subprocess("--help")
    result.stdout.fnmatch_lines(["*--okta-hooks-seed*", "*--okta-hooks-target=URL*", "*okta_hooks_timeout*",
                                 "*okta_hooks_strict*"])


def test_plugin_can_be_disabled(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_x="def test_a(okta):\n    pass\n")
    result = pytester.runpytest_subprocess("-p", "no:okta_hooks")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*fixture 'okta' not found*"])
    assert "okta-hooks: seed" not in result.stdout.str()


def test_fakers_own_plugin_can_be_turned_off_and_ours_still_works(pytester: pytest.Pytester) -> None:
    # README "Performance": Faker (our dependency) registers a `faker` fixture plugin; `-p no:faker` drops it.
    pytester.makeconftest("import pytest\n\n@pytest.fixture\ndef okta_hook_target():\n"
                          "    def hook(environ, start_response):\n"
                          "        start_response('204 No Content', [])\n        return [b'']\n    return hook\n")
    pytester.makepyfile(test_x="def test_a(okta):\n    okta.token_hook().assert_ok()\n\n"
                               "def test_b(faker):\n    pass\n")
    result = pytester.runpytest_subprocess("-p", "no:faker")
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(["*fixture 'faker' not found*"])


def test_ini_seed_is_used_and_option_wins(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\nokta_hooks_seed = 42\nokta_hooks_timeout = 0.5\n")
    pytester.makepyfile(test_x="def test_a():\n    pass\n")
    pytester.runpytest_subprocess().stdout.fnmatch_lines(["okta-hooks: seed=42 *timeout=0.5s*"])
    pytester.runpytest_subprocess("--okta-hooks-seed=3").stdout.fnmatch_lines(["okta-hooks: seed=3 *"])


def test_missing_target_says_how_to_fix_it(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_x="def test_a(okta):\n    okta.verify()\n")
    result = pytester.runpytest_subprocess()
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*Override the okta_hook_target fixture in your conftest.py*",
                                 "*--okta-hooks-target URL*"])


def test_target_option_points_okta_at_a_url(pytester: pytest.Pytester, httpserver) -> None:
    from werkzeug import Response

    httpserver.expect_request("/hook", method="GET").respond_with_handler(
        lambda req: Response(json.dumps({"verification": req.headers["X-Okta-Verification-Challenge"]}),
                             content_type="application/json"))
    pytester.makepyfile(test_x="def test_a(okta):\n    okta.verify().assert_verified()\n")
    result = pytester.runpytest_subprocess(f"--okta-hooks-target={httpserver.url_for('/hook')}")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines([f"*target={httpserver.url_for('/hook')}*"])


def test_bad_marker_arguments_are_reported(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_x="""
        import pytest

        @pytest.fixture
        def okta_hook_target():
            return "http://127.0.0.1:9/"

        @pytest.mark.okta_policy(timeout=-1)
        def test_a(okta):
            pass
    """)
    result = pytester.runpytest_subprocess()
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*okta_policy(timeout=...) must be a positive number of seconds, got -1*"])


def test_passing_hook_passes_every_helper(pytester: pytest.Pytester, hook_suite) -> None:
    hook_suite("good")
    result = pytester.runpytest_subprocess("-p", "no:randomly")
    result.assert_outcomes(passed=11)


def test_wrong_hook_fails_every_helper_with_expected_and_actual(pytester: pytest.Pytester, hook_suite) -> None:
    hook_suite("bad")
    result = pytester.runpytest_subprocess("-p", "no:randomly")
    result.assert_outcomes(failed=10, passed=1)  # test_timed_out passes: the bad hook is the slow one
    out = result.stdout.str()
    expectations = {
        "assert_verified": ['Okta expected: HTTP 200 with JSON {"verification": "', "The hook: "],
        "assert_delivered": ["Okta expected: HTTP 200 or 204 (empty body) for every event batch",
                             "The hook: 1 of 1 batch(es) not accepted"],
        "assert_no_problems": ["Okta expected: an answer that follows Okta's rules", "problem(s)"],
        "assert_command": ["Okta expected: command com.okta.identity.patch with an op on /claims/tier "
                           'with value "gold"', "op on /claims/tier has value", "silver"],
        "assert_claim": ["Okta expected: claim 'tier' = \"gold\" in the id token", "The hook: 'tier' = \"silver\"",
                         "Claims present in the id token:"],
        "assert_denied": ["Okta expected: the flow denied with a message containing 'Only example.com'",
                          "The hook: the flow was allowed (action ALLOW)"],
        "assert_allowed": ["Okta expected: the flow allowed to continue",
                           "The hook: the flow was denied (action DENY)"],
        "assert_failover": ["Okta expected: a failover to Okta's telephony providers",
                            "The hook: the hook delivered the OTP itself (status 'SUCCESSFUL'"],
        "assert_responds_within": ["Okta expected: an answer within 0.3s", "attempt 1: timeout after"],
    }
    for helper, needles in expectations.items():
        assert f"{helper} failed for" in out, helper
        for needle in needles:
            assert needle in out, (helper, needle)
    # the request/response pair is shown, and helper frames are hidden from the traceback
    assert "Request/response:" in out and "> GET http://hook.local/events" in out
    assert "< HTTP 500" in out
    assert "def assert_claim" not in out and "__tracebackhide__" not in out


def test_strict_mode_fails_unchecked_bad_answers(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(hookapp=HOOK_APP)
    pytester.makeini("[pytest]\nokta_hooks_strict = true\n")
    pytester.makepyfile(test_x="""
        import pytest
        from hookapp import make_app

        @pytest.fixture
        def okta_hook_target():
            return make_app("bad")

        def test_unchecked(okta):
            okta.send_events("user.lifecycle.create", path="/events")

        def test_checked(okta):
            result = okta.send_events("user.lifecycle.create", path="/events")
            with pytest.raises(AssertionError):
                result.assert_delivered()
    """)
    result = pytester.runpytest_subprocess()
    result.assert_outcomes(passed=2, errors=1)
    result.stdout.fnmatch_lines(["*okta_hooks_strict: these hook calls went wrong*",
                                 "*event delivery of user.lifecycle.create: verdict failed*"])


def test_ini_timeout_applies_in_process(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(hookapp=HOOK_APP)
    pytester.makeini("[pytest]\nokta_hooks_timeout = 0.2\n")
    pytester.makepyfile(test_x=textwrap.dedent("""
        import pytest
        from hookapp import make_app

        @pytest.fixture
        def okta_hook_target():
            return make_app("bad")

        def test_slow(okta):
            okta.token_hook(path="/slow").assert_timed_out().assert_allowed()

        @pytest.mark.okta_policy(timeout=2)
        def test_marker_wins(okta):
            okta.token_hook(path="/slow").assert_ok()
    """))
    result = pytester.runpytest_subprocess()
    result.assert_outcomes(passed=2)
