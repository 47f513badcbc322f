"""Inline results build their System Log events on first access: same seed => same bytes, whenever they are read."""

from __future__ import annotations

import copy
import json
import pickle

from flask import Flask, request

from okta_hook_emulator.clock import FixedClock
from okta_hook_emulator.emulator.core import Emulator

TOKEN_ANSWER = {"commands": [{"type": "com.okta.identity.patch",
                              "value": [{"op": "add", "path": "/claims/extPatientId", "value": "1234"}]}]}


def _app(answer: dict) -> Flask:
    app = Flask("hook")

    @app.post("/")
    def hook():
        request.get_json()
        return answer

    return app


def _broken(environ, start_response):
    start_response("500 Internal Server Error", [("Content-Type", "text/plain")])
    return [b"down"]


def _text(result) -> str:
    # what the seed decides (the JWT's key and the measured elapsed_ms are not seeded)
    d = result.to_dict()
    return json.dumps([d["request"], d["log_events"], d["commands"], d["verdict"]], sort_keys=True)


def _flows(read_late: bool) -> list[str]:
    """Three calls (token, import with a judge event, a failed call); events read at once or only at the end."""
    app = _app(TOKEN_ANSWER)
    out: list = []
    with Emulator(seed=3, clock=FixedClock()) as emu:
        results = [emu.call_inline("token", app), emu.call_inline("import", _app({})),
                   emu.call_inline("telephony", _broken)]
        if not read_late:
            out = [_text(r) for r in results]
        else:
            emu.payloads.inline_request("saml")  # more draws and a reseed before anything is read
            emu.reseed(99)
            out = [_text(r) for r in results]
    return out


def test_same_seed_same_bytes_whenever_the_events_are_read():
    first, again, late = _flows(False), _flows(False), _flows(True)
    assert first == again == late
    types = [[e["eventType"] for e in json.loads(text)[1]] for text in first]
    assert types == [["inline_hook.response.processed"],
                     ["inline_hook.response.processed", "user.lifecycle.create"],
                     ["inline_hook.executed", "inline_hook.response.processed"]]


def test_log_events_are_built_on_first_read_and_kept():
    with Emulator(seed=0, clock=FixedClock()) as emu:
        result = emu.call_inline("import", _app({}))
        assert "log_events" not in vars(result)  # nothing built until read
        events = result.log_events
        assert type(events) is list and result.log_events is events  # built once, a plain list
        assert [e["eventType"] for e in events] == ["inline_hook.response.processed", "user.lifecycle.create"]
        plain = json.loads(json.dumps(result.to_dict()["log_events"]))
        assert events == plain and copy.deepcopy(events) == plain and pickle.loads(pickle.dumps(events)) == plain
        events.append({"eventType": "x"})
        assert len(result.log_events) == 3 and result.log_events[2] == {"eventType": "x"}
        uuids = {e["uuid"] for e in plain}
        assert len(uuids) == 2


def test_reading_the_events_draws_nothing_from_the_emulator():
    with Emulator(seed=4, clock=FixedClock()) as a, Emulator(seed=4, clock=FixedClock()) as b:
        app = _app({})
        read, unread = a.call_inline("import", app), b.call_inline("import", app)
        assert read.log_events and "log_events" not in vars(unread)
        assert a.payloads.request_id() == b.payloads.request_id()
        assert read.log_events == unread.log_events


def test_deferred_log_event_leaves_the_factory_stream_alone():
    with Emulator(seed=5, clock=FixedClock()) as a, Emulator(seed=5, clock=FixedClock()) as b:
        build = a.payloads.deferred_log_event("user.lifecycle.create", outcome="SUCCESS")
        b.payloads.deferred_log_event("user.lifecycle.create", outcome="SUCCESS")
        first = build()
        assert build() == first and build() is not first  # a new, equal dict on every call
        assert a.payloads.request_id() == b.payloads.request_id()  # building drew nothing from a's stream
        assert first["eventType"] == "user.lifecycle.create" and first["outcome"]["result"] == "SUCCESS"
