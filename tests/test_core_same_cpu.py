"""In-process hooks run on a worker thread (so Okta's budget can cut them off); on Linux the caller and that worker
share the caller's CPU for the hand-off, and everyone's CPU affinity is back to normal afterwards."""

from __future__ import annotations

import collections
import json
import os
import threading

import pytest

from okta_hook_emulator.clock import FixedClock
from okta_hook_emulator.emulator import sender
from okta_hook_emulator.emulator.core import Emulator

getcpu = sender._load_getcpu()
pytestmark = pytest.mark.skipif(getcpu is None, reason="CPU affinity is a Linux facility")

ANSWER = json.dumps({"commands": [{"type": "com.okta.identity.patch",
                                   "value": [{"op": "add", "path": "/claims/x", "value": 1}]}]}).encode()


def make_hook(on_call):
    def hook(environ, start_response):
        environ["wsgi.input"].read()
        on_call()
        start_response("200 OK", [("Content-Type", "application/json")])
        return [ANSWER]
    return hook


@pytest.fixture
def emu():
    with Emulator(seed=1, clock=FixedClock()) as e:
        yield e


def test_caller_is_pinned_only_while_it_waits_for_the_hook(emu):
    caller = threading.get_native_id()
    before = os.sched_getaffinity(0)
    seen: list[set[int]] = []
    hook = make_hook(lambda: seen.append(os.sched_getaffinity(caller)))
    for _ in range(5):
        assert emu.call_inline("token", hook, timeout=2).verdict == "ok"
    # the first call starts the worker (nothing to pin yet); later calls pin the caller to one CPU
    assert all(len(mask) == 1 for mask in seen[1:]), seen
    assert os.sched_getaffinity(0) == before


def test_worker_runs_the_hook_on_the_callers_cpu(emu):
    caller = threading.get_native_id()
    where = collections.Counter()
    hook = make_hook(lambda: where.update([os.sched_getaffinity(caller) == {getcpu()}]))
    for _ in range(30):
        emu.call_inline("token", hook, timeout=2)
    assert where[True] >= 25, where  # the worker woke on the caller's CPU (a later migration is the scheduler's)


def test_threads_a_hook_starts_get_the_normal_affinity(emu):
    normal = os.sched_getaffinity(0)
    masks: list[set[int]] = []

    def start_thread():
        t = threading.Thread(target=lambda: masks.append(os.sched_getaffinity(0)))
        t.start()
        t.join()

    hook = make_hook(start_thread)
    for _ in range(3):
        emu.call_inline("token", hook, timeout=2)
    assert masks == [normal] * 3


def test_hand_off_falls_back_to_crossing_cpus_when_affinity_cannot_be_set(emu, monkeypatch):
    def refuse(*_):
        raise PermissionError("not allowed here")

    emu.call_inline("token", make_hook(lambda: None), timeout=2)  # the worker exists before the refusal
    monkeypatch.setattr(os, "sched_setaffinity", refuse)
    results = [emu.call_inline("token", make_hook(lambda: None), timeout=2) for _ in range(3)]
    assert [r.verdict for r in results] == ["ok"] * 3
    assert emu.sender._workers()._same_cpu.enabled is False


def test_calls_made_while_another_is_in_flight_are_not_pinned(emu):
    main = threading.get_native_id()
    normal = os.sched_getaffinity(0)
    release, entered = threading.Event(), threading.Event()
    seen: list[set[int]] = []

    def slow_then_fast():
        if not entered.is_set():  # the other thread's call: stay in flight until the main thread's call is done
            entered.set()
            release.wait(2)
        else:
            seen.append(os.sched_getaffinity(main))

    hook = make_hook(slow_then_fast)
    emu.call_inline("token", make_hook(lambda: None), timeout=2)  # a worker exists and main called last
    other = threading.Thread(target=lambda: emu.call_inline("token", hook, timeout=3))
    other.start()
    assert entered.wait(2)
    emu.call_inline("token", hook, timeout=2)
    release.set()
    other.join()
    assert seen == [normal]
