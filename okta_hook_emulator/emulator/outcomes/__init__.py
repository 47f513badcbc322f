"""Per-kind judges: how Okta applies an inline hook's answer and what the flow ends with.

Every module here exposes the same function (named in ``payloads/catalog.py`` ``judge``)::

    judge(request: dict, response_body: dict | None, transport_ok: bool, problems: list, ctx: JudgeContext)
        -> Judgement

- ``transport_ok=False``: the call failed (timeout, connection error, non-2xx, redirect, too large, not JSON,
  or a status the kind does not accept: ``HookKind.success_statuses``, telephony 200 only). The kind's failure
  mode applies; ``response_body`` is ``None``.
- ``transport_ok=True`` and ``response_body is None``: an empty answer (204 or an empty 2xx body).
- ``problems`` non-empty: the answer broke Okta's rules; the whole answer is skipped
  (``fidelity.INVALID_COMMAND_SKIPS_WHOLE_RESPONSE``) and the flow goes on as on failure for that kind
  (token: minted unmodified).
- ``response_body`` with an ``error`` object: the kind's error consequence.
- otherwise the commands are applied in order. A judge may still find a rule break while applying (e.g. a
  ``remove`` of a claim the token does not carry); then it answers ``VERDICT_INVALID`` itself.

Judges never raise for any answer and never do I/O; ``inline.call_inline`` sends, builds the System Log events the
judgement asks for, and assembles the ``InlineResult``.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, fields
from typing import Any

from ...clock import Clock, SystemClock
from ..results import VERDICT_ERROR, VERDICT_INVALID, VERDICT_OK, CommandResult

DEFAULT_ERROR_MESSAGE = "The callback service returned an error"


@dataclass
class JudgeContext:
    """What a judge may need besides the request and answer: signing keys, the clock, the HTTP status."""

    keys: Any = None  # emulator.keys.SigningKeys (for judges that mint tokens)
    clock: Clock = field(default_factory=SystemClock)
    status: int | None = None
    failure_reason: str = ""  # why transport_ok is False (one sentence)
    hook_id: str | None = None


@dataclass
class LogSpec:
    """A System Log event the flow writes (besides the inline_hook.* ones ``call_inline`` always writes)."""

    event_type: str
    result: str = "SUCCESS"  # outcome.result
    reason: str | None = None
    targets: list[dict] | None = None
    debug_data: dict | None = None


@dataclass
class Judgement:
    """A judge's answer: verdict, command-by-command results, the kind's outcome and the log events to write."""

    verdict: str
    outcome: Any
    reason: str
    commands: list[CommandResult] = field(default_factory=list)
    log_specs: list[LogSpec] = field(default_factory=list)


class Outcome:
    """Base of the kinds' outcome dataclasses: ``to_dict()`` = every field in declaration order (values as they
    are) plus ``summary``, which each kind computes as a property (only when asked for).

    Every kind also says whether Okta let the flow go on: ``denied`` is ``True`` when the flow was denied (the
    end user is refused: registration DENY, SAML error page, no tokens, password not verified), ``False`` when it
    went on, and ``None`` when the kind's flow has no allow/deny decision (user import, telephony). It is a
    field or a property of each kind's outcome (declared here, not defined: a dataclass field may take it).
    ``denial_message`` is what the end user is shown when denied (when known) and ``decision`` a few words for
    messages ("action DENY")."""

    summary: str
    denied: bool | None

    @property
    def denial_message(self) -> str | None:
        """What the end user is shown when the flow is denied (``None`` when not known)."""
        return None

    @property
    def decision(self) -> str:
        """Okta's allow/deny decision in a few words, for messages (default: the summary)."""
        return self.summary

    def to_dict(self) -> dict[str, Any]:
        """Every field plus ``summary``."""
        out = {f.name: getattr(self, f.name) for f in fields(self)}  # type: ignore[arg-type]
        out["summary"] = self.summary
        return out


class CommandRefused(Exception):  # noqa: N818 - internal control flow, never escapes a judge
    """One command (or op) cannot be applied; carries Okta's reason."""


def error_summary(body: dict | None) -> str:
    """The ``error.errorSummary`` of an answer, or Okta's default text when it is missing or blank."""
    err = body.get("error") if isinstance(body, dict) else None
    summary = err.get("errorSummary") if isinstance(err, dict) else None
    return summary if isinstance(summary, str) and summary.strip() else DEFAULT_ERROR_MESSAGE


def has_error(body: dict | None) -> bool:
    """True when the answer carries an ``error`` object (any non-null value counts, as Okta's docs say)."""
    return isinstance(body, dict) and body.get("error") is not None


def commands_of(body: dict | None) -> list:
    """The ``commands`` list of an answer (empty when absent or not a list)."""
    cmds = body.get("commands") if isinstance(body, dict) else None
    return cmds if isinstance(cmds, list) else []


def typed_commands(body: dict | None) -> Iterator[tuple[int, Any, Any]]:
    """``(index, type, value)`` of every command of an answer; ``None`` parts for a command that isn't an object."""
    for i, cmd in enumerate(commands_of(body)):
        if isinstance(cmd, dict):
            yield i, cmd.get("type"), cmd.get("value")
        else:
            yield i, None, None


def problem_text(problems: list) -> str:
    """A short description of the first problem (validator ``Problem`` or plain dict/str)."""
    if not problems:
        return ""
    p = problems[0]
    if hasattr(p, "message"):
        path = getattr(p, "path", "")
        return f"{path}: {p.message}" if path else str(p.message)
    if isinstance(p, dict):
        return f"{p.get('path', '')}: {p.get('message', p)}".lstrip(": ")
    return str(p)


def skipped_commands(body: dict | None, reason: str) -> list[CommandResult]:
    """Every command of an answer marked as not applied, with the same reason."""
    return [CommandResult(index=i, type=_type_of(c), applied=False, reason=reason, value=_value_of(c))
            for i, c in enumerate(commands_of(body))]


def apply_patch_commands(body: dict | None, refuse: Callable[[Any, Any], str | None],
                         apply_op: Callable[[str, Any], str]) -> tuple[list[CommandResult], list[str], str | None]:
    """Apply the patch commands (token, SAML) of an answer op by op, in order.

    ``refuse(type, ops)`` says why a whole command cannot be applied (or ``None``); ``apply_op(type, op)`` applies
    one op and returns a short description of the change, or raises :class:`CommandRefused`. Returns the
    per-op results, the applied changes and the first refusal (``None`` when everything applied)."""
    results: list[CommandResult] = []
    changes: list[str] = []
    first_refusal: str | None = None
    for i, ctype, ops in typed_commands(body):
        refusal = refuse(ctype, ops)
        if refusal:
            results.append(CommandResult(index=i, type=type_text(ctype), applied=False, reason=refusal, value=ops))
            first_refusal = first_refusal or f"command {i}: {refusal}"
            continue
        for j, op in enumerate(ops):
            try:
                change = apply_op(ctype, op)
            except CommandRefused as exc:
                results.append(CommandResult(index=i, type=ctype, applied=False, reason=f"op {j}: {exc}", value=op))
                first_refusal = first_refusal or f"command {i} op {j}: {exc}"
            else:
                results.append(CommandResult(index=i, type=ctype, applied=True, reason=f"op {j}: {change}", value=op))
                changes.append(change)
    return results, changes, first_refusal


def _type_of(cmd: Any) -> str:
    return type_text(cmd.get("type") if isinstance(cmd, dict) else None)


def shown(value: Any, limit: int = 60) -> str:
    """``value`` as JSON text for a message (``null``, ``"x"``), shortened; never a Python repr."""
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        text = "a value JSON can't hold"
    return text if len(text) <= limit else text[: limit - 3] + "..."


def type_text(ctype: Any) -> str:
    """A command's ``type`` for ``CommandResult.type``: the string, or its JSON text (``null``) when not one."""
    return ctype if isinstance(ctype, str) else shown(ctype)


def unknown_command(ctype: Any, accepted: str) -> str:
    """Why a command's type is refused, worded without Python values; ``accepted`` says what the hook takes."""
    if ctype is None:
        return f"a command has no `type`: {accepted}"
    if not isinstance(ctype, str):
        return f"a command's `type` must be a string, not {shown(ctype)}: {accepted}"
    return f"unknown command type `{ctype}`: {accepted}"


def _value_of(cmd: Any) -> Any:
    return cmd.get("value") if isinstance(cmd, dict) else cmd


def with_invalid(commands: list[CommandResult], reason: str) -> list[CommandResult]:
    """Mark every command not applied (the whole answer is skipped); keep reasons of the ones that were refused."""
    out = []
    for c in commands:
        out.append(CommandResult(index=c.index, type=c.type, applied=False,
                                 reason=c.reason if not c.applied and c.reason else reason, value=c.value))
    return out


_JSON_SCALARS = frozenset({str, int, float, bool, type(None)})


def json_copy(value: Any) -> Any:
    """A deep copy of JSON data (dicts, lists, scalars), several times faster than ``copy.deepcopy``; anything
    else inside (a dict subclass, a custom object) is deep-copied with ``copy.deepcopy``."""
    t = type(value)
    scalars = _JSON_SCALARS
    if t is dict:
        return {k: v if type(v) in scalars else json_copy(v) for k, v in value.items()}
    if t is list:
        return [v if type(v) in scalars else json_copy(v) for v in value]
    if t in scalars:
        return value
    return copy.deepcopy(value)


# -- JSON Pointer (RFC 6901) and the add/replace/remove rules of RFC 6902 -----------------------------------------

def split_pointer(path: str) -> list[str]:
    """``/claims/a~1b/0`` -> ``["claims", "a/b", "0"]``; raises CommandRefused for a malformed pointer."""
    if not isinstance(path, str) or not path.startswith("/"):
        raise CommandRefused(f"path {shown(path)} is not a JSON Pointer starting with '/'")
    parts = path.split("/")[1:]
    out = []
    for part in parts:
        if "~" in part.replace("~0", "").replace("~1", ""):
            raise CommandRefused(f"path {shown(path)} has an invalid '~' escape (use ~0 for '~' and ~1 for '/')")
        out.append(part.replace("~1", "/").replace("~0", "~"))
    return out


def _index(token: str, length: int, *, allow_end: bool, path: str) -> int:
    if token == "-" and allow_end:
        return length
    if not token.isdigit() or (len(token) > 1 and token.startswith("0")):
        raise CommandRefused(f"path {shown(path)}: {shown(token)} is not an array index")
    i = int(token)
    if i > length or (i == length and not allow_end):
        raise CommandRefused(f"path {shown(path)}: array index {i} does not exist (the array has {length} elements)")
    return i


def _parent(doc: Any, parts: list[str], path: str) -> Any:
    node = doc
    for part in parts[:-1]:
        if isinstance(node, dict):
            if part not in node:
                raise CommandRefused(f"path {shown(path)}: {shown(part)} does not exist")
            node = node[part]
        elif isinstance(node, list):
            node = node[_index(part, len(node), allow_end=False, path=path)]
        else:
            raise CommandRefused(f"path {shown(path)}: cannot descend into a {type(node).__name__} at {shown(part)}")
    return node


def exists(doc: Any, parts: list[str]) -> bool:
    """True when the pointer names an existing member or element."""
    node = doc
    for part in parts:
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return False
    return True


def pointer_add(doc: Any, parts: list[str], value: Any, path: str) -> Any:
    """RFC 6902 ``add``: set a member (replacing it if present) or insert into an array (``-`` appends)."""
    if not parts:
        raise CommandRefused(f"path {shown(path)} names the whole document")
    parent = _parent(doc, parts, path)
    last = parts[-1]
    if isinstance(parent, dict):
        parent[last] = json_copy(value)
    elif isinstance(parent, list):
        parent.insert(_index(last, len(parent), allow_end=True, path=path), json_copy(value))
    else:
        raise CommandRefused(f"path {shown(path)}: the parent is a {type(parent).__name__}, not an object or array")
    return doc


def pointer_replace(doc: Any, parts: list[str], value: Any, path: str) -> Any:
    """RFC 6902 ``replace``: the target must exist."""
    if not parts or not exists(doc, parts):
        raise CommandRefused(f"path {shown(path)} does not exist, so it cannot be replaced")
    parent = _parent(doc, parts, path)
    if isinstance(parent, dict):
        parent[parts[-1]] = json_copy(value)
    else:
        parent[int(parts[-1])] = json_copy(value)
    return doc


def pointer_remove(doc: Any, parts: list[str], path: str) -> Any:
    """RFC 6902 ``remove``: the target must exist."""
    if not parts or not exists(doc, parts):
        raise CommandRefused(f"path {shown(path)} does not exist, so it cannot be removed")
    parent = _parent(doc, parts, path)
    if isinstance(parent, dict):
        del parent[parts[-1]]
    else:
        del parent[int(parts[-1])]
    return doc


__all__ = [
    "DEFAULT_ERROR_MESSAGE", "JudgeContext", "Judgement", "LogSpec", "Outcome", "CommandRefused",
    "apply_patch_commands", "VERDICT_OK",
    "VERDICT_ERROR", "VERDICT_INVALID", "error_summary", "has_error", "commands_of", "problem_text",
    "skipped_commands", "with_invalid", "json_copy", "split_pointer", "exists", "pointer_add", "pointer_replace",
    "pointer_remove", "shown", "type_text", "unknown_command",
]
