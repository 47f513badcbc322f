"""JSON as it travels between Okta and a hook: compact UTF-8 bytes out (no insignificant whitespace, non-ASCII
characters as UTF-8, not ``\\u`` escapes), strict parsing in.

Out: orjson (serialising a token request is most of the work of an in-process call, and orjson is an order of
magnitude faster there); the few values it refuses (integers beyond 64 bits, non-string keys) go to the standard
library, which writes the same compact form. In: the standard library, so the documents accepted, the values read
and the error messages (line and column) are its own."""

from __future__ import annotations

import json
from typing import Any

import orjson

_STDLIB = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False)


def dumps(value: Any) -> bytes:
    """``value`` as compact UTF-8 JSON bytes (== ``json.dumps(value, separators=(",", ":"),
    ensure_ascii=False).encode()`` for JSON data; floats may be spelt differently, e.g. ``1e-7`` for ``1e-07``)."""
    try:
        return orjson.dumps(value)
    except orjson.JSONEncodeError:
        return _STDLIB.encode(value).encode("utf-8")


def loads(data: bytes | str) -> Any:
    """Parse one JSON document with ``json.loads``; bytes must be UTF-8 (else ``UnicodeDecodeError``). Raises
    ``json.JSONDecodeError`` (a ``ValueError`` with ``lineno``/``colno``) for anything that is not JSON."""
    return json.loads(data.decode("utf-8") if isinstance(data, bytes | bytearray) else data)
