"""apply_overrides / parse_set: dotted paths, JSON Pointers, creation of missing keys, clear errors."""

from __future__ import annotations

import pytest

from okta_hook_emulator.errors import EmulatorUsageError
from okta_hook_emulator.payloads.overrides import apply_overrides, parse_set


def body() -> dict:
    return {"data": {"events": [{"eventType": "a", "target": [{"id": "1"}]}], "context": {"user": None}}}


def test_dotted_path_with_list_index_and_no_mutation_of_input():
    original = body()
    out = apply_overrides(original, {"data.events.0.eventType": "user.session.start",
                                     "data.events.0.target.0.id": "00u"})
    assert out["data"]["events"][0]["eventType"] == "user.session.start"
    assert out["data"]["events"][0]["target"][0]["id"] == "00u"
    assert original == body()


def test_json_pointer_with_escapes_and_append():
    out = apply_overrides(body(), {"/data/events/0/eventType": "x", "/data/a~1b": 1, "/data/t~0k": 2,
                                   "/data/events/-": {"eventType": "new"}})
    assert out["data"]["events"][0]["eventType"] == "x"
    assert out["data"]["a/b"] == 1 and out["data"]["t~k"] == 2
    assert out["data"]["events"][1] == {"eventType": "new"}


def test_missing_keys_are_created_and_values_copied():
    value = {"deep": [1, 2]}
    out = apply_overrides(body(), {"data.context.user.profile.login": "x@example.com", "data.extra": value})
    assert out["data"]["context"]["user"] == {"profile": {"login": "x@example.com"}}
    value["deep"].append(3)
    assert out["data"]["extra"] == {"deep": [1, 2]}


@pytest.mark.parametrize("path,fragment", [
    ("data.events.3.eventType", "out of range"),
    ("data.events.first", "must be a list index"),
    ("data.events.0.eventType.sub", "data.events.0.eventType"),
    ("data..x", "empty segment"),
    ("", "Empty override path"),
])
def test_bad_paths_name_the_path(path, fragment):
    with pytest.raises(EmulatorUsageError) as info:
        apply_overrides(body(), {path: 1})
    assert fragment in str(info.value)
    if path:
        assert repr(path) in str(info.value)


def test_parse_set_json_or_string():
    assert parse_set(["a.b=1", "c=true", "d=null", 'e={"k": [1]}', "f=hello world", "g=", "h=a=b", 'i="7"']) == {
        "a.b": 1, "c": True, "d": None, "e": {"k": [1]}, "f": "hello world", "g": "", "h": "a=b", "i": "7"}
    with pytest.raises(EmulatorUsageError, match="PATH=VALUE"):
        parse_set(["novalue"])
    with pytest.raises(EmulatorUsageError, match="PATH=VALUE"):
        parse_set(["=1"])
