"""Validation shared by the event-hook and inline-hook APIs. Each check appends one human cause per problem;
the caller raises one ``E0000001`` with all of them."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

MAX_NAME = 255
MAX_URI = 1024
# Headers Okta sets itself; custom headers may not use them (docs/okta-behaviour.md#reserved-headers).
RESERVED_HEADERS = frozenset(h.lower() for h in (
    "Accept", "Content-Type", "Content-Length", "Host", "User-Agent", "Transfer-Encoding", "Connection",
    "X-Okta-Verification-Challenge", "X-Okta-Request-Id"))


def check_name(body: dict, causes: list[str], existing: list[dict], own_id: str | None, what: str) -> None:
    """``name``: a string of 1-255 characters, unique among hooks of the same family."""
    name = body.get("name")
    if not isinstance(name, str) or not name.strip():
        causes.append(f"name: The field cannot be left blank; give the {what} a name of 1-255 characters.")
        return
    if len(name) > MAX_NAME:
        causes.append(f"name: The field is too long ({len(name)} characters); the maximum is {MAX_NAME}.")
    for other in existing:
        if other["name"] == name and other["id"] != own_id:
            causes.append(f"name: An {what} with the name '{name}' already exists ({other['id']}); names must be "
                          "unique.")
            break


def check_uri(uri: Any, causes: list[str], *, strict: bool, warnings: list[str], field: str = "channel.config.uri"
              ) -> None:
    """Okta's URI rules: ``https://`` (``http://`` only outside strict mode), at most 1024 chars, no white space."""
    if not isinstance(uri, str) or not uri:
        causes.append(f"{field}: The field cannot be left blank; give the URL of your hook service.")
        return
    if len(uri) > MAX_URI:
        causes.append(f"{field}: The URI is {len(uri)} characters long; the maximum is {MAX_URI}.")
    if any(c.isspace() for c in uri):
        causes.append(f"{field}: The URI must not contain white space.")
    parts = urlsplit(uri)
    if parts.scheme == "https" and parts.netloc:
        return
    if parts.scheme == "http" and parts.netloc:
        if strict:
            causes.append(f"{field}: The URI must begin with https:// (strict mode, as in Okta); got {uri!r}.")
        else:
            warnings.append(f"{field} uses http://; Okta requires https:// (accepted here for local use; "
                            "run with --strict to refuse it).")
        return
    causes.append(f"{field}: The URI must be an absolute https:// URL; got {uri!r}.")


def check_headers(headers: Any, causes: list[str], field: str = "channel.config.headers") -> list[dict]:
    """Custom headers: a list of ``{key, value}`` strings, none of them reserved. Returns the cleaned list."""
    if headers is None:
        return []
    if not isinstance(headers, list):
        causes.append(f"{field}: Expected a list of {{\"key\": ..., \"value\": ...}} objects.")
        return []
    out = []
    for i, h in enumerate(headers):
        if not isinstance(h, dict) or not isinstance(h.get("key"), str) or not h.get("key") \
                or not isinstance(h.get("value"), str):
            causes.append(f"{field}[{i}]: Each header needs a non-empty string 'key' and a string 'value'.")
            continue
        if h["key"].lower() in RESERVED_HEADERS:
            causes.append(f"{field}[{i}]: The header '{h['key']}' is reserved and set by Okta; remove it.")
            continue
        out.append({"key": h["key"], "value": h["value"]})
    return out


def check_auth_scheme(scheme: Any, causes: list[str], old: dict | None, field: str = "channel.config.authScheme"
                      ) -> dict | None:
    """``authScheme``: null or ``{type: HEADER, key, value}``; a missing ``value`` keeps the stored secret when the
    header name is unchanged (the secret is write-only, so clients cannot echo it back)."""
    if scheme is None:
        return None
    if not isinstance(scheme, dict):
        causes.append(f"{field}: Expected an object {{\"type\": \"HEADER\", \"key\": ..., \"value\": ...}} or null.")
        return None
    stype = scheme.get("type", "HEADER")
    if stype != "HEADER":
        causes.append(f"{field}.type: Only 'HEADER' is supported; got {stype!r}.")
    key = scheme.get("key")
    if not isinstance(key, str) or not key.strip():
        causes.append(f"{field}.key: Give the name of the header that carries the secret (e.g. 'Authorization').")
        return None
    value = scheme.get("value")
    if value is None and old and old.get("key") == key:
        value = old.get("value")
    if not isinstance(value, str):
        causes.append(f"{field}.value: Give the secret value as a string (it is write-only and never returned).")
        return None
    return {"type": "HEADER", "key": key, "value": value}


def public_auth_scheme(scheme: dict | None) -> dict | None:
    """The authScheme as Okta returns it: ``value`` is write-only."""
    if scheme is None:
        return None
    return {"type": scheme.get("type", "HEADER"), "key": scheme.get("key")}


def links(base: str, path: str, names: list[tuple[str, str | None, str | None]]) -> dict:
    """``_links`` built from ``(name, suffix, method)``; ``suffix`` None means the object itself."""
    out: dict[str, Any] = {}
    for name, suffix, method in names:
        link: dict[str, Any] = {"href": f"{base}{path}" + (f"/{suffix}" if suffix else "")}
        if method:
            link["hints"] = {"allow": [method]}
        out[name] = link
    return out


MAX_QUERY_TIMEOUT = 60.0


def query_timeout(raw: str) -> float:
    """The emulator-only ``?timeout=`` (seconds per attempt): a finite number in (0, 60], else a 400 E0000001."""
    import math

    from ..errors import OktaAPIError

    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or not 0 < value <= MAX_QUERY_TIMEOUT:
        raise OktaAPIError("E0000001", "timeout", causes=[
            f"timeout: Expected a number of seconds above 0 and at most {MAX_QUERY_TIMEOUT:g}, e.g. ?timeout=0.5; "
            f"got {raw!r}."])
    return value
