"""What the authorization server remembers between requests of a code flow: authorization codes (single-use,
short-lived, bound to client, redirect URI and PKCE challenge), refresh tokens (only with ``offline_access``)
and the access tokens it issued (for ``/v1/introspect`` and ``/v1/revoke``). docs/okta-behaviour.md#authorization-code-flow.

One :class:`Grants` per app (``app.extensions``), in memory: a restart forgets codes and refresh tokens, as an
emulator simplification."""

from __future__ import annotations

import base64
import hashlib
import secrets
import threading
from dataclasses import dataclass, field
from typing import Any

from .. import fidelity

EXTENSION = "okta_hooks_oidc_grants"


@dataclass
class AuthorizationCode:
    """An issued code and everything the token request must match."""

    client_id: str
    redirect_uri: str
    login: str
    scopes: list[str]
    authorize: dict[str, Any]  # the /authorize request the token hook request describes
    code_challenge: str | None
    expires_at: float


@dataclass
class RefreshToken:
    """A refresh token (``offline_access`` granted) and the grant it continues."""

    client_id: str
    login: str
    scopes: list[str]
    authorize: dict[str, Any]
    jti: str


@dataclass
class Grants:
    """Codes, refresh tokens and issued access tokens of one app (thread-safe)."""

    codes: dict[str, AuthorizationCode] = field(default_factory=dict)
    refresh_tokens: dict[str, RefreshToken] = field(default_factory=dict)
    access_tokens: dict[str, dict[str, Any]] = field(default_factory=dict)  # jti -> {client_id, scopes, login}
    revoked: set[str] = field(default_factory=set)  # revoked access-token jtis
    lock: threading.Lock = field(default_factory=threading.Lock)

    def issue_code(self, code: AuthorizationCode) -> str:
        """Store ``code`` under a new random value and return the value."""
        value = secrets.token_urlsafe(32)
        with self.lock:
            self.codes[value] = code
        return value

    def take_code(self, value: str | None, now: float) -> AuthorizationCode | None:
        """The code ``value`` if it exists and has not expired; it is gone afterwards either way (single use)."""
        with self.lock:
            code = self.codes.pop(value or "", None)
            for stale in [k for k, c in self.codes.items() if c.expires_at <= now]:
                del self.codes[stale]
        return code if code is not None and code.expires_at > now else None

    def issue_refresh_token(self, token: RefreshToken) -> str:
        """Store ``token`` under a new random value and return the value."""
        value = secrets.token_urlsafe(40)
        with self.lock:
            self.refresh_tokens[value] = token
        return value

    def refresh_token(self, value: str | None) -> RefreshToken | None:
        with self.lock:
            return self.refresh_tokens.get(value or "")

    def remember_access_token(self, jti: str, client_id: str, scopes: list[str], login: str | None) -> None:
        """Record an issued access token (``login``: the user it is for; None for a client's own token)."""
        with self.lock:
            self.access_tokens[jti] = {"client_id": client_id, "scopes": list(scopes), "login": login}

    def access_token(self, jti: str | None) -> dict[str, Any] | None:
        """What was recorded for an issued, unrevoked access token."""
        with self.lock:
            if not jti or jti in self.revoked:
                return None
            return self.access_tokens.get(jti)

    def revoke(self, value: str, client_id: str, access_jti: str | None) -> None:
        """Revoke a refresh token (by value) or an access token (by jti) issued to ``client_id``."""
        with self.lock:
            refresh = self.refresh_tokens.get(value)
            if refresh is not None and refresh.client_id == client_id:
                del self.refresh_tokens[value]
            record = self.access_tokens.get(access_jti or "")
            if record is not None and record["client_id"] == client_id:
                self.revoked.add(access_jti or "")

    def clear(self) -> None:
        """Forget every code, refresh token and issued access token (``/_emulator/reset``)."""
        with self.lock:
            self.codes.clear()
            self.refresh_tokens.clear()
            self.access_tokens.clear()
            self.revoked.clear()


def grants(app: Any) -> Grants:
    """The app's :class:`Grants` (created on first use)."""
    found = app.extensions.get(EXTENSION)
    if found is None:
        found = app.extensions.setdefault(EXTENSION, Grants())
    return found


def code_expiry(now: float) -> float:
    """When a code issued at ``now`` (epoch seconds) expires."""
    return now + fidelity.AUTHORIZATION_CODE_LIFETIME_SECONDS


def pkce_s256(verifier: str) -> str:
    """The S256 code challenge of ``verifier`` (RFC 7636: BASE64URL(SHA256(verifier)), no padding)."""
    digest = hashlib.sha256(verifier.encode("ascii", "replace")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")
