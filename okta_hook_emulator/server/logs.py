"""System Log API: ``GET /api/v1/logs`` with ``since``, ``until``, ``filter``, ``q``, ``limit``, ``sortOrder`` and
``after`` (cursor) plus ``Link: <...>; rel="self"`` / ``rel="next"`` headers, as Okta pages it: a polling query (no
``until``, ascending) always has a ``next`` link, also on an empty or last page."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Response, request

from ..clock import iso
from ..errors import OktaAPIError
from .app import okta_json, org_url, state

bp = Blueprint("logs", __name__, url_prefix="/api/v1/logs")

DEFAULT_LIMIT = 100
MAX_LIMIT = 1000
DEFAULT_WINDOW = timedelta(days=7)  # Okta: `since` defaults to seven days before `until` (or now)

_TOKEN = re.compile(r'\s*(?:(\()|(\))|"((?:[^"\\]|\\.)*)"|([A-Za-z0-9_.$\-:]+))')
# docs/okta-behaviour.md#system-log-api: the SCIM operators Okta lists for the System Log, plus `ne` and `ew`.
OPERATORS = ("eq", "ne", "sw", "co", "ew", "pr", "gt", "ge", "lt", "le")
MAX_FILTER_DEPTH = 32  # parentheses nested deeper than this answer 400 E0000001
_ORDER = {"gt": lambda c: c > 0, "ge": lambda c: c >= 0, "lt": lambda c: c < 0, "le": lambda c: c <= 0}

Predicate = Callable[[dict], bool]


def _bad(message: str) -> OktaAPIError:
    return OktaAPIError("E0000031", causes=[message])


def _tokens(text: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    pos = 0
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        m = _TOKEN.match(text, pos)
        if not m:
            raise _bad(f"filter: Unexpected text at position {pos}: {text[pos:pos + 20]!r}.")
        pos = m.end()
        if m.group(1):
            out.append(("(", "("))
        elif m.group(2):
            out.append((")", ")"))
        elif m.group(3) is not None:
            out.append(("str", re.sub(r"\\(.)", r"\1", m.group(3))))
        else:
            out.append(("word", m.group(4)))
    return out


def _values(obj: Any, path: list[str]) -> list[Any]:
    """Every value at a dotted path; lists (``target``) match if any element matches."""
    if not path:
        return obj if isinstance(obj, list) else [obj]
    if isinstance(obj, list):
        return [v for item in obj for v in _values(item, path)]
    if isinstance(obj, dict) and path[0] in obj:
        return _values(obj[path[0]], path[1:])
    return []


def _as_time(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value[:4].isdigit():
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def _order(left: Any, right: Any) -> int | None:
    """-1 / 0 / 1 comparing an attribute value with a literal: chronologically for two timestamps (whatever their
    precision), numerically for numbers, lexicographically for strings; ``None`` when they don't compare."""
    left_time, right_time = _as_time(left), _as_time(right)
    if left_time is not None and right_time is not None:
        a, b = left_time, right_time
    elif isinstance(left, int | float) and isinstance(right, int | float) and not isinstance(left, bool) \
            and not isinstance(right, bool):
        a, b = left, right
    elif isinstance(left, str) and isinstance(right, str):
        a, b = left, right
    else:
        return None
    return (a > b) - (a < b)


def _compare(op: str, attr: str, value: Any) -> Predicate:
    path = attr.split(".")

    def test(event: dict) -> bool:
        found = _values(event, path)
        if op == "pr":
            return any(v is not None for v in found)
        if op == "ne":
            return all(v != value for v in found)
        if op in _ORDER:
            return any((c := _order(v, value)) is not None and _ORDER[op](c) for v in found)
        for v in found:
            if op == "eq" and (v == value or (isinstance(v, str) and isinstance(value, str)
                                              and v.lower() == value.lower() and attr != "eventType")):
                return True
            if isinstance(v, str) and isinstance(value, str):
                if (op == "sw" and v.lower().startswith(value.lower())) or \
                        (op == "co" and value.lower() in v.lower()) or (op == "ew" and v.lower().endswith(value.lower())):
                    return True
        return False

    return test


def parse_filter(text: str) -> Predicate:
    """Compile an Okta System Log filter (``eventType eq "x" and (actor.id eq "y" or target.id eq "z")``,
    ``published gt "2026-01-01T00:00:00Z"``, ``not (outcome.result eq "SUCCESS")``)."""
    toks = _tokens(text)
    pos = 0
    depth = 0

    def peek() -> tuple[str, str] | None:
        return toks[pos] if pos < len(toks) else None

    def take() -> tuple[str, str]:
        nonlocal pos
        if pos >= len(toks):
            raise _bad("filter: The expression ends too early; expected e.g. 'eventType eq \"user.session.start\"'.")
        pos += 1
        return toks[pos - 1]

    def expr() -> Predicate:
        parts = [term()]
        while (t := peek()) and t[0] == "word" and t[1].lower() == "or":
            take()
            parts.append(term())
        return parts[0] if len(parts) == 1 else (lambda e, ps=parts: any(p(e) for p in ps))

    def term() -> Predicate:
        parts = [factor()]
        while (t := peek()) and t[0] == "word" and t[1].lower() == "and":
            take()
            parts.append(factor())
        return parts[0] if len(parts) == 1 else (lambda e, ps=parts: all(p(e) for p in ps))

    def factor() -> Predicate:
        nonlocal depth
        kind, value = take()
        if kind == "word" and value.lower() == "not" and (t := peek()) is not None and t[0] == "(":
            inner_not = factor()
            return lambda e, p=inner_not: not p(e)
        if kind == "(":
            depth += 1
            if depth > MAX_FILTER_DEPTH:
                raise OktaAPIError("E0000001", "filter", causes=[
                    f"filter: Parentheses are nested more than {MAX_FILTER_DEPTH} levels deep."])
            inner = expr()
            if take()[0] != ")":
                raise _bad("filter: Missing ')'.")
            depth -= 1
            return inner
        if kind != "word":
            raise _bad(f"filter: Expected an attribute such as eventType, actor.id, target.id or outcome.result; "
                       f"got {value!r}.")
        attr = value
        _, op = take()
        op = op.lower()
        if op not in OPERATORS:
            raise _bad(f"filter: Unknown operator {op!r} after {attr!r}; use one of {', '.join(OPERATORS)}.")
        if op == "pr":
            return _compare(op, attr, None)
        vkind, raw = take()
        if vkind == "str":
            literal: Any = raw
        elif raw in ("true", "false"):
            literal = raw == "true"
        elif raw == "null":
            literal = None
        else:
            try:
                literal = json.loads(raw)
            except ValueError:
                raise _bad(f"filter: The value after '{attr} {op}' must be a double-quoted string, e.g. "
                           f'{attr} {op} "{raw}".') from None
        return _compare(op, attr, literal)

    if not toks:
        raise _bad("filter: The filter is empty.")
    result = expr()
    if pos != len(toks):
        raise _bad(f"filter: Unexpected {toks[pos][1]!r}; join conditions with 'and' / 'or'.")
    return result


def _parse_time(name: str) -> str | None:
    raw = request.args.get(name)
    if not raw:
        return None
    try:
        dt = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        raise OktaAPIError("E0000001", name, causes=[
            f"{name}: {raw!r} is not an ISO 8601 timestamp such as 2026-01-15T09:30:00.000Z."]) from None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return iso(dt)


def _query_predicate(q: str) -> Predicate:
    terms = [t.lower() for t in q.split() if t]

    def test(event: dict) -> bool:
        text = json.dumps(event).lower()
        return all(t in text for t in terms)

    return test


@bp.get("")
def list_logs() -> Response:
    st = state()
    args = request.args
    try:
        limit = int(args.get("limit", DEFAULT_LIMIT))
    except ValueError:
        raise OktaAPIError("E0000001", "limit", causes=["limit: Expected a whole number from 1 to 1000."]) from None
    if not 1 <= limit <= MAX_LIMIT:
        raise OktaAPIError("E0000001", "limit", causes=[f"limit: {limit} is out of range; use 1 to {MAX_LIMIT}."])
    order = args.get("sortOrder", "ASCENDING").upper()
    if order not in ("ASCENDING", "DESCENDING"):
        raise OktaAPIError("E0000001", "sortOrder", causes=["sortOrder: Use ASCENDING or DESCENDING."])
    until = _parse_time("until")
    since = _parse_time("since")
    if since is None:
        end = datetime.fromisoformat((until or st.now()).replace("Z", "+00:00"))
        since = iso(end - DEFAULT_WINDOW)
    after = args.get("after")
    cursor = None
    if after:
        try:
            cursor = int(after)
        except ValueError:
            raise OktaAPIError("E0000001", "after", causes=["after: Use the cursor from the Link rel=\"next\" header."]
                               ) from None
    predicates: list[Predicate] = []
    if args.get("filter"):
        predicates.append(parse_filter(args["filter"]))
    if args.get("q"):
        predicates.append(_query_predicate(args["q"]))
    match = (lambda e: all(p(e) for p in predicates)) if predicates else None
    polling = until is None and order == "ASCENDING"  # docs/okta-behaviour.md#system-log-api
    newest = st.store.last_log_seq() if polling else 0  # read first: later events come after the cursor
    rows, more = st.store.query_logs(since=since, until=until, after=cursor, descending=order == "DESCENDING",
                                     limit=limit, match=match)
    base = org_url() + "/api/v1/logs"
    keep = {k: v for k, v in args.items() if k != "after"}
    links = [f'<{base}?{urlencode(args)}>; rel="self"' if args else f'<{base}>; rel="self"']
    if rows and (more or polling):
        links.append(f'<{base}?{urlencode({**keep, "after": str(rows[-1][0])})}>; rel="next"')
    elif polling:  # a polling query has endless pages: an empty page links to "after everything so far"
        links.append(f'<{base}?{urlencode({**keep, "after": str(max(cursor or 0, newest))})}>; rel="next"')
    resp = okta_json([event for _, event in rows])
    for link in links:  # one Link header per relation, as Okta sends them
        resp.headers.add("Link", link)
    return resp


def search(st: Any, *, event_type: str | None = None, limit: int = 1000) -> list[dict]:
    """Library helper (dashboard, tests): newest-last log events, optionally of one type."""
    match = (lambda e: e.get("eventType") == event_type) if event_type else None
    rows, _ = st.store.query_logs(limit=limit, match=match)
    return [e for _, e in rows]
