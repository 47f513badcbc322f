"""Captures as pytest tests: ``@pytest.mark.okta_replay(path)`` (one test per record) and ``okta.replay(path)``,
run the way users run them (a fresh pytest process loading the plugin from its entry point)."""

from __future__ import annotations

import json

import pytest

from okta_hook_emulator.capture.proxy import CaptureServer
from okta_hook_emulator.capture.records import Recorder
from okta_hook_emulator.emulator.core import Emulator
from tests.helpers.capture import StandInHook

pytest_plugins = ["pytester"]
pytestmark = pytest.mark.slow  # each test runs pytest in a child process


@pytest.fixture(scope="module")
def hook():
    server = StandInHook()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def records(hook, tmp_path_factory):
    """Two records made by the capture proxy (in-process): a registration call and an event delivery."""
    out = tmp_path_factory.mktemp("records")
    proxy = CaptureServer(hook.url, Recorder(out)).start()
    try:
        with Emulator(seed=3) as okta:
            assert okta.call_inline("registration", f"{proxy.url}/hooks/registration").verdict == "ok"
            assert okta.send_events(f"{proxy.url}/hooks/events", ["user.lifecycle.create"]).verdict == "ok"
    finally:
        proxy.stop()
    assert [json.loads(p.read_text())["kind"] for p in sorted(out.glob("*.json"))] == ["registration", "event"]
    return out


TESTS = '''
import pytest

@pytest.fixture
def okta_hook_target():
    return "{url}"

@pytest.mark.okta_replay("{records}")
def test_capture(okta_capture):
    assert okta_capture.kind in ("registration", "event")

def test_helper(okta):
    results = okta.replay("{records}")
    assert [r.replay.capture.kind for r in results] == ["registration", "event"]
    for result in results:
        result.assert_as_recorded()
'''


def test_marker_makes_one_passing_test_per_record(pytester, hook, records):
    pytester.makepyfile(test_replay=TESTS.format(url=hook.url, records=records))
    result = pytester.runpytest_subprocess("--strict-markers", "-v")
    result.assert_outcomes(passed=3)
    result.stdout.fnmatch_lines(["*test_capture?*-0001-registration?*PASSED*", "*test_capture?*-0002-event?*PASSED*"])


def test_a_changed_answer_fails_with_the_helpers_report(pytester, hook, records):
    pytester.makepyfile(test_replay=TESTS.format(url=hook.url, records=records))
    hook.changed = True
    try:
        result = pytester.runpytest_subprocess("--strict-markers")
    finally:
        hook.changed = False
    result.assert_outcomes(passed=1, failed=2)
    result.stdout.fnmatch_lines([
        "*assert_as_recorded failed for replay of *-0001-registration (registration (self.service.registration))",
        "*Okta expected: verdict ok as recorded in *, with commands com.okta.action.update",
        '*The hook: commands?0? com.okta.action.update: .value.registration is "DENY"*',
        "*Request/response:*",
    ])


def test_marker_without_the_argument_is_a_clear_error(pytester, records):
    pytester.makepyfile(test_bad=f'''
import pytest

@pytest.mark.okta_replay("{records}")
def test_capture():
    pass
''')
    result = pytester.runpytest_subprocess()
    result.stdout.fnmatch_lines(["*a test marked okta_replay takes the `okta_capture` argument*"])
    assert result.ret != 0
