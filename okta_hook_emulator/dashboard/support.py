"""Plumbing shared by the dashboard pages: per-app dashboard state (the CSRF form token), calls into the server's
own Management / control API (so the dashboard never re-implements validation, sending, judging or storage),
secret masking, pretty JSON and the token-claims diff."""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from typing import Any

from flask import current_app

from ..emulator.records import SECRET_MASK
from ..emulator.sender import is_secret_header
from ..errors import EmulatorUsageError

EXTENSION = "okta_hooks_dashboard"
CSRF_FIELD = "csrf_token"
LIVE_LIMIT = 100


@dataclass
class DashboardState:
    """Per-app dashboard state: the secret same-origin form token checked on every dashboard POST."""

    csrf_token: str

    @classmethod
    def new(cls) -> DashboardState:
        return cls(csrf_token=secrets.token_urlsafe(32))


def dashboard_state() -> DashboardState:
    """The dashboard state of the current app."""
    return current_app.extensions[EXTENSION]


def server_state() -> Any:
    """The server's ``ServerState`` (store, emulator, worker, config)."""
    from ..server.app import state

    return state()


@dataclass
class ApiAnswer:
    """The answer of one internal call to the server's API."""

    status: int
    body: Any
    warnings: list[str]

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    @property
    def error(self) -> dict | None:
        """The Okta error object when the call failed."""
        if self.ok:
            return None
        if isinstance(self.body, dict) and "errorSummary" in self.body:
            return self.body
        return {"errorCode": "E0000009", "errorSummary": f"HTTP {self.status}", "errorCauses": []}


def api(method: str, path: str, body: Any = None, params: dict[str, Any] | None = None) -> ApiAnswer:
    """Call the server's own Management / control API in-process (same validation, records and System Log
    events as an HTTP client gets), authenticated with the server's API token."""
    token = server_state().config.api_token
    client = current_app.test_client()
    resp = client.open(path, method=method, json=body, query_string=params or None,
                       headers={"Authorization": f"SSWS {token}", "Accept": "application/json"})
    try:
        data = resp.get_json(silent=True)
    finally:
        resp.close()
    return ApiAnswer(resp.status_code, data, resp.headers.getlist("X-Okta-Emulator-Warning"))


# -- secrets ---------------------------------------------------------------------------------------------------

def secret_values() -> list[str]:
    """Every secret the server knows (API token, OAuth client secret, hook auth header values, secret custom
    header values), longest first, so they can be scrubbed from anything the page shows."""
    st = server_state()
    found = {st.config.api_token, st.config.client_secret}
    for category in ("event", "inline"):
        for hook in st.store.list_hooks(category):
            cfg = hook.get("channel", {}).get("config", {})
            scheme = cfg.get("authScheme") or {}
            found.add(scheme.get("value"))
            found.add(cfg.get("clientSecret"))
            for header in cfg.get("headers") or []:
                if is_secret_header(str(header.get("key", ""))):
                    found.add(header.get("value"))
    try:
        from ..server.oauth import demo_client

        found.add(demo_client(st)[1])
    except Exception:  # noqa: BLE001 - the OAuth module is optional for masking
        pass
    return sorted((v for v in found if isinstance(v, str) and len(v) >= 4), key=len, reverse=True)


def scrub(text: str, secrets_: list[str]) -> str:
    """``text`` with every known secret value replaced by the mask."""
    for value in secrets_:
        if value in text:
            text = text.replace(value, SECRET_MASK)
    return text


def mask_header_value(name: str, value: str, secrets_: list[str]) -> str:
    """A header value safe to show: masked when the name looks secret, scrubbed of known secrets otherwise."""
    if is_secret_header(name):
        return SECRET_MASK
    return scrub(str(value), secrets_)


# -- JSON and text ---------------------------------------------------------------------------------------------

def pretty(value: Any, secrets_: list[str]) -> str:
    """Pretty JSON for a parsed value or a JSON text; other text as is (secrets scrubbed in both cases)."""
    if value is None:
        return ""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return scrub(value, secrets_)
    return scrub(json.dumps(value, indent=2, ensure_ascii=False), secrets_)


def parse_lines(text: str, what: str) -> dict[str, Any]:
    """``path=value`` lines (one per line, ``#`` comments allowed) as an overrides dict."""
    from ..payloads.overrides import parse_set

    items = [line.strip() for line in (text or "").splitlines() if line.strip() and not line.strip().startswith("#")]
    try:
        return parse_set(items)
    except EmulatorUsageError as exc:
        raise EmulatorUsageError(f"{what}: {exc}") from None


def parse_headers(text: str) -> list[dict[str, str]]:
    """``Name: value`` lines as Okta's ``[{key, value}]`` custom headers."""
    out = []
    for n, line in enumerate((text or "").splitlines(), 1):
        if not line.strip():
            continue
        name, sep, value = line.partition(":")
        if not sep or not name.strip():
            raise EmulatorUsageError(f"Custom headers, line {n}: write one header per line as 'Name: value' "
                                     f"(got {line.strip()!r}).")
        out.append({"key": name.strip(), "value": value.strip()})
    return out


# -- token claims diff -----------------------------------------------------------------------------------------

@dataclass
class ClaimRow:
    """One claim before and after the hook: ``change`` is added / changed / removed / unchanged / minted."""

    name: str
    before: Any
    after: Any
    change: str

    @property
    def before_text(self) -> str:
        return "" if self.change in ("added", "minted") else json.dumps(self.before, ensure_ascii=False)

    @property
    def after_text(self) -> str:
        return "" if self.change == "removed" else json.dumps(self.after, ensure_ascii=False)


MINTED = frozenset({"iat", "exp", "nbf", "jti"})  # stamped by Okta when it mints, not by the hook


def claims_diff(before: dict | None, after: dict | None) -> list[ClaimRow]:
    """The claims of a token before the hook (from the request) and as minted, changes first."""
    before = before or {}
    after = after or {}
    rows = []
    for name in list(before) + [k for k in after if k not in before]:
        if name not in after:
            rows.append(ClaimRow(name, before[name], None, "removed"))
        elif name not in before:
            rows.append(ClaimRow(name, None, after[name], "minted" if name in MINTED else "added"))
        elif before[name] != after[name]:
            rows.append(ClaimRow(name, before[name], after[name], "minted" if name in MINTED else "changed"))
        else:
            rows.append(ClaimRow(name, before[name], after[name], "unchanged"))
    order = {"added": 0, "changed": 1, "removed": 2, "unchanged": 3, "minted": 4}
    return sorted(rows, key=lambda r: order[r.change])
