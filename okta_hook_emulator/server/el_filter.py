"""Event hook filters (docs/okta-behaviour.md#event-hook-filters): the subset of Okta Expression Language that
Okta documents for them:
``event.eventType``, ``event.outcome.result`` / ``.reason``, ``event.actor.*``, ``event.debugData.*`` and
``event.target.?[<condition on each target>].size()``, with ``eq`` / ``ne`` (also ``==`` / ``!=``), ``>``, ``<``,
``>=``, ``<=`` (also ``gt``, ``lt``, ``ge``, ``le``), ``&&``, ``||``, ``!`` (also ``not``) and parentheses. ``compile_filter`` raises ``ValueError`` with a
readable message; the compiled predicate takes a LogEvent and returns a bool."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

_TOKEN = re.compile(r"""\s*(?:
    (?P<str>'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")
  | (?P<num>-?\d+(?:\.\d+)?)
  | (?P<op>&&|\|\||==|!=|>=|<=|>|<|!|\(|\)|\.\?\[|\]|\.)
  | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
)""", re.X)
MAX_DEPTH = 32  # parentheses, `!` and `.?[...]` nested deeper than this are refused
# Okta EL builds on Spring EL, which also reads the word forms gt, ge, lt, le and not; accepting them is
# unconfirmed (docs/okta-behaviour.md#event-hook-filters).
_COMPARE = {"eq": "==", "ne": "!=", "==": "==", "!=": "!=", ">": ">", "<": "<", ">=": ">=", "<=": "<=",
            "gt": ">", "ge": ">=", "lt": "<", "le": "<="}
_MISSING = object()

Value = Callable[[dict, Any], Any]  # (event, current selection element) -> value


def _tokens(text: str) -> list[tuple[str, str]]:
    out, pos = [], 0
    while pos < len(text):
        if not text[pos:].strip():
            break
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            raise ValueError(f"unexpected character at position {pos}: {text[pos:pos + 15]!r}")
        pos = m.end()
        kind = m.lastgroup or ""
        out.append((kind, m.group(kind)))
    return out


def _get(obj: Any, key: str) -> Any:
    return obj.get(key) if isinstance(obj, dict) else None


class _Parser:
    def __init__(self, text: str):
        self.toks = _tokens(text)
        self.pos = 0
        self.depth = 0

    def nest(self) -> None:
        """Enter one nesting level; ``ValueError`` past ``MAX_DEPTH``."""
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ValueError(f"the expression nests more than {MAX_DEPTH} levels (parentheses, '!' or '.?[')")

    def peek(self, offset: int = 0) -> tuple[str, str] | None:
        i = self.pos + offset
        return self.toks[i] if i < len(self.toks) else None

    def take(self, value: str | None = None) -> tuple[str, str]:
        tok = self.peek()
        if tok is None:
            raise ValueError("the expression ends too early")
        if value is not None and tok[1] != value:
            raise ValueError(f"expected {value!r}, found {tok[1]!r}")
        self.pos += 1
        return tok

    def parse(self) -> Callable[[dict], bool]:
        if not self.toks:
            raise ValueError("the expression is empty")
        node = self.or_()
        if self.peek() is not None:
            raise ValueError(f"unexpected {self.peek()[1]!r}")  # type: ignore[index]
        return lambda event: bool(node(event, None))

    def or_(self) -> Value:
        parts = [self.and_()]
        while self.peek() and self.peek()[1] in ("||", "or"):  # type: ignore[index]
            self.take()
            parts.append(self.and_())
        return parts[0] if len(parts) == 1 else (lambda e, c, ps=parts: any(p(e, c) for p in ps))

    def and_(self) -> Value:
        parts = [self.unary()]
        while self.peek() and self.peek()[1] in ("&&", "and"):  # type: ignore[index]
            self.take()
            parts.append(self.unary())
        return parts[0] if len(parts) == 1 else (lambda e, c, ps=parts: all(p(e, c) for p in ps))

    def unary(self) -> Value:
        if self.peek() and self.peek()[1] in ("!", "not"):  # type: ignore[index]
            self.take()
            self.nest()
            inner = self.unary()
            self.depth -= 1
            return lambda e, c: not inner(e, c)
        left = self.operand()
        tok = self.peek()
        if tok and tok[1] in _COMPARE:
            self.take()
            op = _COMPARE[tok[1]]
            right = self.operand()
            return lambda e, c: _compare(op, left(e, c), right(e, c))
        return left

    def operand(self) -> Value:
        kind, value = self.take()
        if value == "(":
            self.nest()
            inner = self.or_()
            self.take(")")
            self.depth -= 1
            return inner
        if kind == "str":
            text = re.sub(r"\\(.)", r"\1", value[1:-1])
            return lambda e, c: text
        if kind == "num":
            number = float(value) if "." in value else int(value)
            return lambda e, c: number
        if kind == "word" and value in ("true", "false", "null"):
            const = {"true": True, "false": False, "null": None}[value]
            return lambda e, c: const
        if kind != "word":
            raise ValueError(f"unexpected {value!r}")
        return self.path(value)

    def path(self, first: str) -> Value:
        # `event.a.b` starts at the event; a bare name inside `.?[...]` starts at the selected element.
        steps: list[Any] = [] if first == "event" else [("key", first)]
        rooted = first == "event"
        while self.peek() and self.peek()[1] in (".", ".?["):  # type: ignore[index]
            _, op = self.take()
            if op == ".?[":
                self.nest()
                cond = self.or_()
                self.take("]")
                self.depth -= 1
                steps.append(("select", cond))
                continue
            _, name = self.take()
            if name == "size" and self.peek() and self.peek()[1] == "(":  # type: ignore[index]
                self.take("(")
                self.take(")")
                steps.append(("size", None))
            else:
                steps.append(("key", name))

        def value(event: dict, current: Any) -> Any:
            obj: Any = event if rooted else current
            for i, (kind, arg) in enumerate(steps):
                if kind == "key":
                    if rooted and i == 0 and arg == "debugData":
                        obj = _get(_get(obj, "debugContext"), "debugData")
                    else:
                        obj = _get(obj, arg)
                elif kind == "select":
                    obj = [item for item in (obj or []) if arg(event, item)] if isinstance(obj, list) else []
                else:
                    obj = len(obj) if isinstance(obj, list | str | dict) else 0
            return obj

        return value


def _compare(op: str, left: Any, right: Any) -> bool:
    if op == "==":
        return left == right
    if op == "!=":
        return left != right
    try:
        return {">": left > right, "<": left < right, ">=": left >= right, "<=": left <= right}[op]
    except TypeError:
        return False


def compile_filter(expression: str) -> Callable[[dict], bool]:
    """Compile an event hook filter expression; ``ValueError`` says what is wrong."""
    return _Parser(expression).parse()


def passes(hook: dict, event: dict) -> bool:
    """True when ``event`` passes ``hook``'s ``events.filter`` (no filter, or no entry for its type: passes)."""
    flt = hook.get("events", {}).get("filter")
    if not flt:
        return True
    for entry in flt.get("eventFilterMap", []):
        if entry.get("event") == event.get("eventType"):
            try:
                return compile_filter(entry["condition"]["expression"])(event)
            except ValueError:
                return False
    return True
