"""JSON as it travels between Okta and a hook: compact UTF-8 bytes out (no insignificant whitespace, non-ASCII
characters as UTF-8, not ``\\u`` escapes), strict parsing in.

orjson does both, an order of magnitude faster than the standard library on hook-sized bodies (serialising a
token request dominated the in-process round trip). Whatever orjson refuses (integers beyond 64 bits, non-string
keys, nesting deeper than it allows, ``NaN`` literals, lone surrogates) goes to the standard library instead, and
so do documents with a run of 19 or more digits (orjson reads integers beyond 64 bits as floats): what is
accepted, every parsed value and every parse error message (line and column) stay the standard library's."""

from __future__ import annotations

import json
import re
from typing import Any

import orjson

_STDLIB = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False)
# A digit run that may be an integer orjson would turn into a float (also matches long digit strings: harmless).
_LONG_DIGITS = re.compile(rb"[0-9]{19}")
_LONG_DIGITS_STR = re.compile(r"[0-9]{19}")


def dumps(value: Any) -> bytes:
    """``value`` as compact UTF-8 JSON bytes (== ``json.dumps(value, separators=(",", ":"),
    ensure_ascii=False).encode()`` for JSON data; floats may be spelt differently, e.g. ``1e16``)."""
    try:
        return orjson.dumps(value)
    except orjson.JSONEncodeError:
        return _STDLIB.encode(value).encode("utf-8")


def loads(data: bytes | str) -> Any:
    """Parse one JSON document. Raises ``ValueError`` (``json.JSONDecodeError``, with ``lineno``/``colno``) or
    ``UnicodeDecodeError`` exactly as ``json.loads(data.decode("utf-8"))`` would."""
    binary = isinstance(data, bytes | bytearray)
    if (_LONG_DIGITS if binary else _LONG_DIGITS_STR).search(data) is None:
        try:
            return orjson.loads(data)
        except orjson.JSONDecodeError:
            pass
    return json.loads(data.decode("utf-8") if binary else data)
