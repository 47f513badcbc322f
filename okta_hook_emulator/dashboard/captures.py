"""The dashboard's Captures pages (``okta-hooks serve --captures DIR``): the capture records in DIR, newest first;
one record's request, answer and timing; the shape diff of its request against the emulator's generated one (as
``okta-hooks diff`` shows it); and a Replay form that replays the record through the core
(``capture.replay``) to a hook URL and shows whether the recorded verdict and commands held.

Records are read from the configured folder only: a record name must be a plain file stem (no separators, no
``..``) of a ``*.json`` file directly in DIR."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, NoReturn
from urllib.parse import urlsplit

from flask import abort, make_response, render_template, request

from ..capture.records import is_record
from ..capture.replay import Capture, load_captures, replay, verdict_of
from ..errors import EmulatorUsageError
from . import bp
from .support import mask_header_value, pretty, scrub, secret_values, server_state

RECORD_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,199}")


def _captures_dir() -> Path | None:
    folder = server_state().config.captures_dir
    return Path(folder) if folder else None


def _not_found(name: str) -> NoReturn:
    what = f"capture record {name!r} in the captures folder"
    abort(make_response(render_template("not_found.html", page="captures", what=what), 404))


def _record(name: str) -> Capture:
    """The record ``DIR/<name>.json``, or 404 when the name is not a plain stem or no such record is in DIR."""
    folder = _captures_dir()
    if folder is None or not RECORD_NAME.fullmatch(name) or ".." in name:
        _not_found(name)
    path = folder / f"{name}.json"
    try:
        if path.resolve().parent != folder.resolve() or not path.is_file():
            _not_found(name)
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        _not_found(name)
    if not is_record(document):
        _not_found(name)
    return Capture(path, document)


def _headers(headers: dict[str, Any] | None, secrets_: list[str]) -> list[tuple[str, str]]:
    return [(name, mask_header_value(name, str(value), secrets_)) for name, value in (headers or {}).items()]


def _body(part: dict[str, Any] | None, secrets_: list[str]) -> str:
    if not part:
        return ""
    if "bodyBase64" in part:
        return f"(binary body, {len(part['bodyBase64'])} base64 characters)"
    return pretty(part.get("body") or None, secrets_)


def _row(capture: Capture, secrets_: list[str]) -> dict[str, Any]:
    record = capture.record
    response = record.get("response") or None
    return {"name": capture.name, "captured_at": record.get("capturedAt") or "", "kind": capture.kind,
            "event_types": record.get("eventTypes") or [], "request_type": record.get("requestType"),
            "status": response.get("status") if response else None,
            "error": scrub(str(record.get("error") or ""), secrets_),
            "redacted": record.get("redacted") or [], "describe": capture.describe()}


# -- the list -------------------------------------------------------------------------------------------------

@bp.get("/captures")
def captures_page() -> str:
    """The capture records in the configured folder, newest first."""
    folder = _captures_dir()
    rows: list[dict[str, Any]] = []
    if folder is not None and folder.is_dir():
        try:
            captures = load_captures(folder)
        except EmulatorUsageError:  # a folder without records yet
            captures = []
        secrets_ = secret_values()
        rows = sorted((_row(c, secrets_) for c in captures), key=lambda r: (r["captured_at"], r["name"]),
                      reverse=True)
    return render_template("captures.html", page="captures", rows=rows, folder=str(folder) if folder else None,
                           folder_exists=bool(folder and folder.is_dir()))


# -- one record -----------------------------------------------------------------------------------------------

def _shape_diff(capture: Capture) -> dict[str, Any]:
    """The record's request against ours of the same kind / event types / request type, as ``okta-hooks diff``
    compares them (seed 0)."""
    from ..payloads.generate import PayloadFactory
    from ..payloads.shapes import compare, identify

    if not capture.replayable or capture.kind == "verification":
        return {"skipped": "A verification GET has no body to compare." if capture.kind == "verification"
                else "Not an Okta hook request; nothing to compare."}
    try:
        document = capture.body()
        what = identify(document)
        diffs = compare(document, PayloadFactory(seed=0), counterpart=what)
    except (EmulatorUsageError, ValueError) as exc:
        return {"skipped": str(exc)}
    wrong = [d for d in diffs if d.verdict == "ours-wrong"]
    subject = ", ".join(what.event_types) or what.request_type or what.kind
    return {"summary": f"{what.kind} ({what.origin}) {subject}: {len(wrong)} ours-wrong, "
                       f"{len(diffs) - len(wrong)} other difference(s)",
            "shown": [d for d in diffs if d.verdict != "benign"],
            "benign": [d for d in diffs if d.verdict == "benign"], "ours_wrong": len(wrong)}


def _registered_hook(capture: Capture) -> dict | None:
    """The hook registered on the server for the record's kind (event hooks for verification and event)."""
    from ..payloads.catalog import kinds

    store = server_state().store
    if capture.kind in ("verification", "event"):
        hooks = store.list_hooks("event")
    else:
        kind = kinds().get(capture.kind)
        hooks = [h for h in store.list_hooks("inline") if kind and h.get("type") == kind.okta_type]
    active = [h for h in hooks if h.get("status") == "ACTIVE"]
    found = (active or hooks)[:1]
    return found[0] if found else None


def _render_record(capture: Capture, *, target: str | None = None, outcome: Any = None,
                   error: str | None = None, status: int = 200) -> Any:
    secrets_ = secret_values()
    record = capture.record
    hook = _registered_hook(capture)
    hook_uri = ((hook or {}).get("channel") or {}).get("config", {}).get("uri")
    response = record.get("response")
    view = {
        **_row(capture, secrets_),
        "method": capture.request.get("method"), "path": scrub(str(capture.request.get("path") or ""), secrets_),
        "req_headers": _headers(capture.request.get("headers"), secrets_),
        "req_body": _body(capture.request, secrets_),
        "response": response is not None,
        "resp_headers": _headers((response or {}).get("headers"), secrets_),
        "resp_body": _body(response, secrets_), "truncated": bool((response or {}).get("truncated")),
        "timing": record.get("timing") or {},
    }
    result = None
    if outcome is not None:
        result = {"held": outcome.held, "changes": [scrub(c, secrets_) for c in outcome.changes],
                  "notes": [scrub(n, secrets_) for n in outcome.notes],
                  "recorded_verdict": verdict_of(outcome.recorded), "verdict": verdict_of(outcome.replayed),
                  "summary": scrub(outcome.summary(), secrets_)}
    body = render_template("capture.html", page="captures", r=view, diff=_shape_diff(capture),
                           replayable=capture.replayable, target=target if target is not None else hook_uri or "",
                           hook={"name": hook["name"], "uri": hook_uri} if hook else None,
                           result=result, error=scrub(error, secrets_) if error else None)
    return body if status == 200 else (body, status)


@bp.get("/captures/<name>")
def capture_detail(name: str) -> Any:
    """One capture record: request, answer, timing, the shape diff and the Replay form."""
    return _render_record(_record(name))


@bp.post("/captures/<name>/replay")
def capture_replay(name: str) -> Any:
    """Replay the record through the core to the URL in the form and show whether the recorded verdict held.
    The registered hook's auth header is sent only when the URL is that hook's own URI."""
    from ..emulator.core import Emulator

    capture = _record(name)
    target = (request.form.get("target") or "").strip()
    parts = urlsplit(target)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return _render_record(capture, target=target, error="Type the hook URL to replay to "
                              "(http:// or https://).", status=400)
    if not capture.replayable:
        return _render_record(capture, target=target, error="Not an Okta hook request; nothing to replay.",
                              status=400)
    st = server_state()
    hook = _registered_hook(capture)
    auth = None
    if hook is not None and hook["channel"]["config"].get("uri") == target:
        scheme = hook["channel"]["config"].get("authScheme") or {}
        if scheme.get("key") and scheme.get("value"):
            auth = (scheme["key"], scheme["value"])
    try:
        with Emulator(seed=st.seed, clock=st.clock, policy=st.policy) as emulator:
            outcome = replay(emulator, capture, target, auth_header=auth)
    except EmulatorUsageError as exc:
        return _render_record(capture, target=target, error=str(exc), status=400)
    return _render_record(capture, target=target, outcome=outcome)
