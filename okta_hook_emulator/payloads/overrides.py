"""Change generated payloads by path: ``apply_overrides(body, {"data.context.user.profile.login": "x"})``.

Paths are dotted (``data.events.0.eventType``; numeric segments index lists) or JSON Pointers
(``/data/events/0/eventType``, with ``~1`` for ``/`` and ``~0`` for ``~``; ``-`` appends to a list). Missing
dict keys along the way are created."""

from __future__ import annotations

import copy
import json
from typing import Any

from ..errors import EmulatorUsageError


def split_path(path: str) -> list[str]:
    """Split a dotted path or a JSON Pointer into its segments."""
    if not isinstance(path, str) or path in ("", "/"):
        raise EmulatorUsageError(f"Empty override path {path!r}: use a dotted path like 'data.events.0.eventType' "
                                 "or a JSON Pointer like '/data/events/0/eventType'.")
    if path.startswith("/"):
        return [seg.replace("~1", "/").replace("~0", "~") for seg in path[1:].split("/")]
    parts = path.split(".")
    if any(p == "" for p in parts):
        raise EmulatorUsageError(f"Bad override path {path!r}: empty segment. Use 'a.b.0.c' (dotted) or "
                                 "'/a/b/0/c' (JSON Pointer; needed when a key itself contains a dot).")
    return parts


def _index(seg: str, seq: list, path: str, *, for_write: bool) -> int:
    if seg == "-" and for_write:
        return len(seq)
    try:
        i = int(seg)
    except ValueError:
        raise EmulatorUsageError(f"Bad override path {path!r}: segment {seg!r} must be a list index "
                                 f"(0..{len(seq) - 1}) because it addresses a list.") from None
    if i < 0 or i > len(seq) or (i == len(seq) and not for_write):
        raise EmulatorUsageError(f"Bad override path {path!r}: list index {i} out of range (the list has "
                                 f"{len(seq)} item(s); use '-' in a JSON Pointer to append).")
    return i


def set_path(obj: Any, path: str, value: Any) -> None:
    """Set ``value`` at ``path`` inside ``obj`` in place (creating missing dict keys)."""
    segs = split_path(path)
    cur = obj
    for n, seg in enumerate(segs):
        last = n == len(segs) - 1
        if isinstance(cur, dict):
            if last:
                cur[seg] = value
                return
            nxt = cur.get(seg)
            if nxt is None:
                nxt = cur[seg] = {}
            cur = nxt
        elif isinstance(cur, list):
            i = _index(seg, cur, path, for_write=last)
            if last:
                if i == len(cur):
                    cur.append(value)
                else:
                    cur[i] = value
                return
            cur = cur[i]
        else:
            done = ".".join(segs[:n]) or "(root)"
            raise EmulatorUsageError(f"Bad override path {path!r}: '{done}' is {type(cur).__name__} "
                                     f"({cur!r}), not an object or list, so it has no '{seg}'.")


def apply_overrides(obj: Any, overrides: dict[str, Any] | None) -> Any:
    """Return a deep copy of ``obj`` with every ``{path: value}`` of ``overrides`` set (in order)."""
    result = copy.deepcopy(obj)
    if not overrides:
        return result
    if not isinstance(overrides, dict):
        raise EmulatorUsageError(f"Overrides must be a mapping of path -> value, got {type(overrides).__name__}.")
    for path, value in overrides.items():
        set_path(result, path, copy.deepcopy(value))
    return result


def parse_value(text: str) -> Any:
    """A CLI value: JSON when it parses (``3``, ``true``, ``null``, ``{"a":1}``, ``"x"``), else the raw string."""
    try:
        return json.loads(text)
    except ValueError:
        return text


def parse_set(items: list[str] | tuple[str, ...]) -> dict[str, Any]:
    """Turn CLI ``--set PATH=VALUE`` items into an overrides dict (values parsed by ``parse_value``)."""
    result: dict[str, Any] = {}
    for item in items:
        path, sep, value = item.partition("=")
        if not sep or not path.strip():
            raise EmulatorUsageError(f"Bad --set {item!r}: expected PATH=VALUE, e.g. "
                                     "'data.events.0.outcome.result=FAILURE' or '/data/context/user/id=\"00u...\"'.")
        result[path.strip()] = parse_value(value)
    return result
