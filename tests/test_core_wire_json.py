"""wire_json: the bytes the emulator sends and the way it parses answers match the standard library's JSON, with
orjson doing the work and the standard library taking whatever orjson refuses."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from okta_hook_emulator import wire_json
from okta_hook_emulator.emulator.core import Emulator
from okta_hook_emulator.emulator.inline import serialize_request

# JSON data without floats (float spelling may differ, e.g. 1e16 vs 1e+16; values are equal).
scalars = st.none() | st.booleans() | st.integers(-(2**63), 2**64 - 1) | st.text()
json_data = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4)
                         | st.dictionaries(st.text(max_size=8), inner, max_size=4), max_leaves=20)


def stdlib_bytes(value) -> bytes:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


@settings(max_examples=300, deadline=None)
@given(json_data)
def test_dumps_is_byte_identical_to_compact_stdlib_json(value):
    assert wire_json.dumps(value) == stdlib_bytes(value)


@settings(max_examples=300, deadline=None)
@given(json_data | st.floats(allow_nan=False, allow_infinity=False))
def test_loads_reads_what_stdlib_reads(value):
    raw = stdlib_bytes(value)
    assert wire_json.loads(raw) == json.loads(raw)
    assert wire_json.loads(raw.decode("utf-8")) == json.loads(raw)


def test_non_ascii_travels_as_utf8_not_escapes():
    assert wire_json.dumps({"name": "José Ñúñez"}) == '{"name":"José Ñúñez"}'.encode()


@pytest.mark.parametrize("value", [{"big": 2**70}, {1: "non-string key"}, {"n": -(2**65)}])
def test_values_orjson_refuses_are_serialised_by_the_stdlib(value):
    assert wire_json.dumps(value) == stdlib_bytes(value)


@pytest.mark.parametrize("raw", [
    b'{"big": 123456789012345678901234567890}', b'[-9223372036854775809, 18446744073709551616]', b'{"x": NaN}',
    b'[1e400]', b'["\\ud800"]'])
def test_documents_orjson_refuses_still_parse_as_the_stdlib_does(raw):
    parsed = wire_json.loads(raw)
    expected = json.loads(raw)
    assert repr(parsed) == repr(expected)  # repr: NaN != NaN


@pytest.mark.parametrize("raw", [b'{"commands": [', b"not json", b'{"a": 1}}', b""])
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


def test_inline_requests_are_posted_as_wire_json():
    request = Emulator(seed=3).payloads.inline_request("registration")
    assert serialize_request(request) == stdlib_bytes(request)
