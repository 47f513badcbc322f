"""Capture records: one JSON file per exchange (format ``okta-hooks-capture/1``), written atomically, secrets
redacted before anything touches the disk, and the Okta hook kind detected from the request.

A record::

    {"format": "okta-hooks-capture/1", "id": "20260115T093000-0001-registration", "kind": "registration",
     "capturedAt": "2026-01-15T09:30:00.000Z", "eventTypes": [...], "requestType": null,
     "request": {"method": "POST", "path": "/hooks/registration", "headers": {...}, "body": "{...}"},
     "response": {"status": 200, "headers": {...}, "body": "{...}"},      # null when the hook gave no answer
     "error": null, "timing": {"upstreamMs": 3.1, "elapsedMs": 3.4}, "redacted": ["Authorization"]}

``kind`` is ``verification`` (the event hook's verification GET), ``event`` (a ``com.okta.event_hook``
delivery), an inline kind (``token``, ``saml``, ``registration``, ``import``, ``password-import``,
``telephony``) or ``unknown``. Bodies are text (``bodyBase64`` instead when they are not UTF-8)."""

from __future__ import annotations

import base64
import json
import os
import re
import tempfile
import threading
import time
import zlib
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..clock import iso
from ..emulator.sender import is_secret_header
from ..errors import EmulatorUsageError
from .proxy import Exchange

CAPTURE_FORMAT = "okta-hooks-capture/1"
REDACTED = "<redacted>"
VERIFICATION = "verification"
UNKNOWN = "unknown"

_BEARER = re.compile(r"(?i)\b(bearer|basic|ssws)\s+[A-Za-z0-9\-._~+/]+=*")
_SCHEME_VALUE = re.compile(r"(?i)^\s*(bearer|basic|ssws|token)\s+\S")
_MIN_SECRET = 6  # shorter header values are not scrubbed from bodies (too likely to match innocent text)


def detect(method: str, headers: Iterable[tuple[str, str]], body: bytes) -> tuple[str, list[str], str | None]:
    """``(kind, event_types, request_type)`` of a captured request: the verification GET by its challenge
    header, otherwise by the body's ``eventType`` (``com.okta.event_hook`` or an inline hook's Okta type)."""
    from ..payloads.catalog import KINDS

    names = {name.lower() for name, _ in headers}
    if method.upper() == "GET" and "x-okta-verification-challenge" in names:
        return VERIFICATION, [], None
    try:
        document = json.loads(body) if body else None
    except ValueError:
        return UNKNOWN, [], None
    if not isinstance(document, dict):
        return UNKNOWN, [], None
    event_type = document.get("eventType")
    if event_type == "com.okta.event_hook":
        events = (document.get("data") or {}).get("events") or []
        return "event", [str(e.get("eventType")) for e in events if isinstance(e, dict)], None
    for kind in KINDS.values():
        if kind.inline and kind.okta_type == event_type:
            request_type = document.get("requestType")
            return kind.name, [], request_type if isinstance(request_type, str) else None
    return UNKNOWN, [], None


def secret_header(name: str, value: str, extra: Iterable[str] = ()) -> bool:
    """A header whose value never reaches a record: ``Authorization`` and other secret-looking names
    (``*token*``, ``*secret*``, ``x-api-key``...), any value carrying a bearer/basic/SSWS credential, and the
    names given in ``extra`` (``--redact``)."""
    lowered = name.lower()
    return (lowered in {e.lower() for e in extra} or is_secret_header(name)
            or bool(_SCHEME_VALUE.match(value)))


def _text(body: bytes, key: str = "body") -> dict[str, str]:
    try:
        return {key: body.decode("utf-8")}
    except UnicodeDecodeError:
        return {f"{key}Base64": base64.b64encode(body).decode("ascii")}


def _decoded(body: bytes, headers: list[tuple[str, str]]) -> bytes:
    encoding = next((v.strip().lower() for k, v in headers if k.lower() == "content-encoding"), "")
    if encoding in ("gzip", "deflate"):
        try:
            return zlib.decompress(body, 47)  # gzip or zlib wrapper
        except zlib.error:
            return body
    return body


class Redactor:
    """Replaces secret header values (and every other occurrence of those values, and bearer tokens) with
    ``<redacted>``."""

    def __init__(self, extra: Iterable[str] = ()):
        self.extra = tuple(extra)

    def headers(self, pairs: list[tuple[str, str]], found: list[str], values: set[str]) -> dict[str, str]:
        out: dict[str, str] = {}
        for name, value in pairs:
            if secret_header(name, value, self.extra):
                found.append(name)
                values.add(value.strip())
                scheme = _SCHEME_VALUE.match(value)
                if scheme:
                    values.add(value.strip()[len(scheme.group(1)):].strip())
                value = REDACTED
            out[name] = f"{out[name]}, {value}" if name in out else value
        return out

    @staticmethod
    def scrub(text: str, values: set[str]) -> str:
        for value in sorted((v for v in values if len(v) >= _MIN_SECRET), key=len, reverse=True):
            text = text.replace(value, REDACTED)
        return _BEARER.sub(lambda m: f"{m.group(1)} {REDACTED}", text)


def build_record(exchange: Exchange, record_id: str, redactor: Redactor,
                 detected: tuple[str, list[str], str | None] | None = None) -> dict[str, Any]:
    """The redacted record of one exchange (nothing secret left in it). ``detected``: ``detect()``'s answer
    when the caller already has it."""
    kind, event_types, request_type = detected or detect(exchange.method, exchange.request_headers,
                                                         exchange.request_body)
    found: list[str] = []
    values: set[str] = set()
    request_headers = redactor.headers(exchange.request_headers, found, values)
    response_headers = redactor.headers(exchange.response_headers, found, values)

    def clean(part: dict[str, Any]) -> dict[str, Any]:  # secrets echoed in a body or another header
        for key, value in list(part.items()):
            if isinstance(value, str) and key != "bodyBase64":
                part[key] = Redactor.scrub(value, values)
            elif isinstance(value, dict):
                clean(value)
        return part

    request = clean({"method": exchange.method, "path": exchange.path, "headers": request_headers,
                     **_text(exchange.request_body)})
    response = None
    if exchange.status is not None:
        response = clean({"status": exchange.status, "headers": response_headers,
                          **_text(_decoded(exchange.response_body, exchange.response_headers))})
        if exchange.response_truncated:
            response["truncated"] = True
    record: dict[str, Any] = {
        "format": CAPTURE_FORMAT, "id": record_id, "kind": kind,
        "capturedAt": iso(datetime.fromtimestamp(exchange.started, UTC)),
        "eventTypes": event_types, "requestType": request_type,
        "request": request, "response": response, "error": exchange.error,
        "timing": {"upstreamMs": exchange.upstream_ms, "elapsedMs": exchange.elapsed_ms},
        "redacted": sorted(set(found), key=str.lower),
    }
    if record["error"]:
        record["error"] = Redactor.scrub(record["error"], values)
    return record


def write_atomically(path: Path, record: dict[str, Any]) -> None:
    """Write ``record`` to ``path`` through a temporary file in the same folder and a rename: a reader never
    sees half a record, and a crash leaves either nothing or the whole file."""
    data = json.dumps(record, indent=2, ensure_ascii=False).encode("utf-8") + b"\n"
    fd, tmp = tempfile.mkstemp(prefix=".capture-", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class Recorder:
    """The proxy's callback: builds the redacted record of each exchange and writes it as one file in
    ``out_dir`` (created if missing). File names sort in capture order."""

    def __init__(self, out_dir: str | Path, redact: Iterable[str] = (), on_record: Any = None):
        self.out_dir = Path(out_dir)
        self.out_dir.mkdir(parents=True, exist_ok=True)
        self.redactor = Redactor(redact)
        self.on_record = on_record  # called with (path, record) after each write
        self._lock = threading.Lock()
        self._seq = 0

    def _next_path(self, kind: str) -> tuple[str, Path]:
        with self._lock:
            while True:
                self._seq += 1
                stem = f"{time.strftime('%Y%m%dT%H%M%S', time.gmtime())}-{self._seq:04d}-{kind}"
                path = self.out_dir / f"{stem}.json"
                if not path.exists():
                    return stem, path

    def __call__(self, exchange: Exchange) -> Path:
        detected = detect(exchange.method, exchange.request_headers, exchange.request_body)
        stem, path = self._next_path(detected[0])
        record = build_record(exchange, stem, self.redactor, detected)
        write_atomically(path, record)
        if self.on_record is not None:
            self.on_record(path, record)
        return path


def is_record(document: Any) -> bool:
    """True for a capture record (a dict in ``okta-hooks-capture/1`` format)."""
    return isinstance(document, dict) and document.get("format") == CAPTURE_FORMAT


def load_records(path: str | Path) -> list[tuple[Path, dict[str, Any]]]:
    """The records in a folder (every ``*.json`` in ``okta-hooks-capture/1`` format, in name order; other files
    are ignored) or in one file. Raises ``EmulatorUsageError`` when there is none or a file is unusable."""
    root = Path(path)
    if root.is_dir():
        found = []
        for file in sorted(root.glob("*.json")):
            try:
                document = json.loads(file.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue
            if is_record(document):
                found.append((file, document))
        if not found:
            raise EmulatorUsageError(f"No capture records ({CAPTURE_FORMAT}) in {root}. Record some with "
                                     "`okta-hooks capture --forward-to URL --out DIR`.")
        return found
    try:
        document = json.loads(root.read_text(encoding="utf-8"))
    except OSError as exc:
        raise EmulatorUsageError(f"Cannot read {root}: {exc.strerror}.") from None
    except ValueError as exc:
        raise EmulatorUsageError(f"{root} is not JSON: {exc}.") from None
    if not is_record(document):
        raise EmulatorUsageError(f"{root} is not a capture record (no \"format\": \"{CAPTURE_FORMAT}\").")
    return [(root, document)]


def body_bytes(part: dict[str, Any]) -> bytes:
    """The body of a record's ``request`` or ``response`` as bytes."""
    if "bodyBase64" in part:
        return base64.b64decode(part["bodyBase64"])
    return str(part.get("body") or "").encode("utf-8")
