"""Change generated payloads by path: ``apply_overrides(body, {"data.context.user.profile.login": "x"})``.

Paths are dotted (``data.events.0.eventType``; numeric segments index lists) or JSON Pointers
(``/data/events/0/eventType``, with ``~1`` for ``/`` and ``~0`` for ``~``; ``-`` appends to a list). Missing
dict keys along the way are created.

On the command line (``--set PATH=VALUE`` of every command, parsed by ``parse_set``), ``check_set_paths``
refuses a path the generated body does not have (a misspelling would add a field Okta never sends, silently)
and suggests the closest existing path; ``--set +PATH=VALUE`` adds a new field on purpose."""

from __future__ import annotations

import copy
import difflib
import json
from collections.abc import Iterable, Iterator
from typing import Any

from ..errors import EmulatorUsageError

# ``--set +PATH=VALUE``: PATH is a field the generated body does not have, added on purpose.
NEW_FIELD_MARK = "+"


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


def _split_set(item: str) -> tuple[str, bool, Any]:
    """``[+]PATH=VALUE`` -> ``(PATH, marked new, parsed VALUE)``."""
    path, sep, value = item.partition("=")
    path = path.strip()
    new = path.startswith(NEW_FIELD_MARK)
    if new:
        path = path[len(NEW_FIELD_MARK):].strip()
    if not sep or not path:
        raise EmulatorUsageError(f"Bad --set {item!r}: expected PATH=VALUE, e.g. "
                                 "'data.events.0.outcome.result=FAILURE' or '/data/context/user/id=\"00u...\"'.")
    return path, new, parse_value(value)


def parse_set(items: Iterable[str]) -> dict[str, Any]:
    """Turn CLI ``--set [+]PATH=VALUE`` items into an overrides dict (values parsed by ``parse_value``; the
    ``+`` that marks a new field is dropped)."""
    result: dict[str, Any] = {}
    for item in items:
        path, _new, value = _split_set(item)
        result[path] = value
    return result


def _paths(obj: Any, prefix: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    """Every path (as segments) of the objects and lists inside ``obj``."""
    children = obj.items() if isinstance(obj, dict) else enumerate(obj) if isinstance(obj, list) else ()
    for key, value in children:
        path = (*prefix, str(key))
        yield path
        yield from _paths(value, path)


def _missing_prefix(body: Any, segs: list[str]) -> int | None:
    """How many segments of ``segs`` exist in ``body`` when a later one names a field it does not have (None
    when the whole path exists, or it appends to a list, or it is malformed: ``set_path`` words those)."""
    cur = body
    for n, seg in enumerate(segs):
        if isinstance(cur, dict):
            if seg not in cur:
                return n
            cur = cur[seg]
        elif isinstance(cur, list):
            if seg == "-" or not seg.isdigit() or int(seg) >= len(cur):
                return None
            cur = cur[int(seg)]
        elif cur is None:  # a field Okta sends as null: anything below it is new
            return n
        else:
            return None
    return None


def check_set_paths(body: Any, items: Iterable[str], *, what: str = "the generated request") -> None:
    """Refuse ``--set PATH=VALUE`` items whose PATH ``body`` does not have (EmulatorUsageError naming the
    closest existing path); items written ``+PATH=VALUE`` add a new field on purpose and are not checked."""
    for item in items:
        path, new, _value = _split_set(item)
        if new:
            continue
        segs = split_path(path)
        found = _missing_prefix(body, segs)
        if found is None:
            continue
        pointer = path.startswith("/")

        def spell(parts: tuple[str, ...] | list[str], pointer: bool = pointer) -> str:
            if pointer:
                return "/" + "/".join(p.replace("~", "~0").replace("/", "~1") for p in parts)
            return ".".join(parts)

        # closest among the paths that keep the part that exists, else among all of the same depth, else all
        paths = list(_paths(body))
        same_depth = [p for p in paths if len(p) == len(segs)]
        candidates = [spell(p) for p in (
            [p for p in same_depth if list(p[:found]) == segs[:found]] or same_depth or paths)]
        close = difflib.get_close_matches(path, candidates, n=1, cutoff=0.6)
        hint = f" Did you mean '{close[0]}'?" if close else ""
        raise EmulatorUsageError(f"--set {path}: {what} has no field '{spell(segs[:found + 1])}'.{hint} "
                                 f"To add a field Okta does not send, write --set {NEW_FIELD_MARK}{path}=VALUE.")
