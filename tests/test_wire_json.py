"""wire_json: the bytes the emulator sends are compact UTF-8 JSON, the same as the standard library's compact form;
answers are parsed by the standard library itself."""

from __future__ import annotations

import json

import pytest

from okta_hook_emulator import wire_json
from okta_hook_emulator.emulator.core import Emulator
from okta_hook_emulator.emulator.inline import serialize_request


def stdlib_bytes(value) -> bytes:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


@pytest.mark.parametrize("value", [
    {"name": "José Ñúñez", "city": "東京", "emoji": "🔐", "sep": "\u2028"},
    {"max": 2**64 - 1, "min": -(2**63), "zero": 0, "neg": -1},
    {"floats": [0.1, 1.5, -0.0, 123456789.123, 1e16, 2.5e-3]},
    {"a": [{"b": [None, True, False, {"c": []}]}, {}], "d": {"e": {"f": "g"}}},
    {"quote": 'say "hi"\n\t\\', "control": "\x00\x1f", "empty": ""},
    [1, "two", [3.0], (4, 5)],
], ids=["non-ascii", "64-bit-ints", "floats", "nested", "escapes", "list-and-tuple"])
def test_dumps_is_byte_identical_to_compact_stdlib_json(value):
    assert wire_json.dumps(value) == stdlib_bytes(value)


def test_non_ascii_travels_as_utf8_not_escapes():
    assert wire_json.dumps({"name": "José Ñúñez"}) == '{"name":"José Ñúñez"}'.encode()


@pytest.mark.parametrize("value", [{"big": 2**70}, {1: "non-string key"}, {"n": -(2**65)}])
def test_values_orjson_refuses_are_serialised_by_the_stdlib(value):
    assert wire_json.dumps(value) == stdlib_bytes(value)


@pytest.mark.parametrize("raw", [
    b'{"big": 123456789012345678901234567890}', b'[-9223372036854775809, 18446744073709551616]', b'{"x": NaN}',
    b'[1e400]', b'["\\ud800"]', '{"name": "José", "n": 1.25}'.encode(), b'{"a": {"b": [1, 2, {"c": null}]}}'])
def test_loads_reads_what_the_stdlib_reads(raw):
    expected = json.loads(raw)
    assert repr(wire_json.loads(raw)) == repr(expected)  # repr: NaN != NaN, 1 vs 1.0
    assert repr(wire_json.loads(raw.decode("utf-8"))) == repr(expected)


@pytest.mark.parametrize("raw", [b'{"commands": [', b"not json", b'{"a": 1}}', b"", b'\xef\xbb\xbf{}'])
def test_parse_errors_carry_the_stdlib_line_and_column(raw):
    with pytest.raises(json.JSONDecodeError) as ours:
        wire_json.loads(raw)
    with pytest.raises(json.JSONDecodeError) as stdlib:
        json.loads(raw.decode("utf-8"))
    assert (ours.value.msg, ours.value.lineno, ours.value.colno) == (
        stdlib.value.msg, stdlib.value.lineno, stdlib.value.colno)


def test_invalid_utf8_raises_unicode_decode_error():
    with pytest.raises(UnicodeDecodeError):
        wire_json.loads(b'{"a": "\xff"}')


def test_utf16_bytes_are_not_json_on_the_wire():
    with pytest.raises(UnicodeDecodeError):  # json.loads(bytes) would guess UTF-16; the wire is UTF-8
        wire_json.loads('{"a": 1}'.encode("utf-16"))


def test_inline_requests_are_posted_as_wire_json():
    request = Emulator(seed=3).payloads.inline_request("registration")
    assert serialize_request(request) == stdlib_bytes(request)
