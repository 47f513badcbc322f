"""A token issuer for the hook's side: the client credentials grant for the OAuth clients of OAUTH channels, so a
hook service can validate the bearer token Okta sends against the emulator's JWKS
(docs/okta-behaviour.md#oauth-authorization-server).

Clients authenticate with ``client_secret_post`` (id + secret) or ``private_key_jwt`` (an RS256 client assertion
checked against the client's public JWK, ``iss`` = ``sub`` = client id, ``aud`` = the token URL). Access tokens
are RS256 JWTs from the emulator's ``SigningKeys``. The server's ``/oauth2/default/v1/token`` uses this for the
clients its inline hooks name; in-process, ``Emulator.hook_token_issuer()`` is a WSGI app an OAUTH channel's
``token_url`` can point at (``Emulator.oauth_client`` sets both up in one call)."""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from .oauth_channel import CLIENT_ASSERTION_TYPE

AUDIENCE = "api://default"  # Okta's hook-securing guide validates the hook's token with this audience
TOKEN_LIFETIME = 3600  # seconds (Okta's default access token lifetime)
TOKEN_PATH = "/oauth2/default/v1/token"


@dataclass(frozen=True)
class HookClient:
    """One OAuth client: a secret (``client_secret_post``) and/or a public JWK (``private_key_jwt``)."""

    client_id: str
    client_secret: str | None = None
    public_jwk: dict | None = None


def authenticate(form: Mapping[str, str], clients: list[HookClient], token_url: str) -> tuple[str | None, str]:
    """``(client_id, "")`` when the form authenticates one of ``clients``, else ``(None, why)``."""
    import jwt

    cid = form.get("client_id") or ""
    mine = [c for c in clients if c.client_id == cid]
    if not mine:
        return None, f"Unknown client_id {cid!r}."
    assertion = form.get("client_assertion")
    if assertion is not None:
        if form.get("client_assertion_type") != CLIENT_ASSERTION_TYPE:
            return None, f"client_assertion_type must be {CLIENT_ASSERTION_TYPE}."
        for client in (c for c in mine if c.public_jwk):
            key = jwt.PyJWK.from_dict(dict(client.public_jwk, alg="RS256", use="sig"))
            try:
                claims = jwt.decode(assertion, key.key, algorithms=["RS256"], audience=token_url,
                                    options={"require": ["exp", "iat", "iss", "sub", "aud"]})
            except jwt.PyJWTError:
                continue
            if claims.get("iss") == cid and claims.get("sub") == cid:
                return cid, ""
        return None, ("The client_assertion is invalid: it must be signed RS256 with the client's hook key, with "
                      "iss = sub = client_id and aud = the token URL.")
    sent = (form.get("client_secret") or "").encode()
    if any(c.client_secret and secrets.compare_digest(sent, c.client_secret.encode()) for c in mine):
        return cid, ""
    return None, "Client authentication failed (client_secret_post)."


def token_response(keys: Any, *, issuer: str, client_id: str, scope: str | None, now: int, jti: str) -> dict:
    """The token endpoint's answer: an RS256 access token (``cid``, ``scp``, audience ``api://default``)."""
    scopes = (scope or "").split()
    claims = {"ver": 1, "jti": jti, "iss": issuer, "aud": AUDIENCE, "iat": now, "exp": now + TOKEN_LIFETIME,
              "cid": client_id, "sub": client_id, "scp": scopes}
    return {"token_type": "Bearer", "expires_in": TOKEN_LIFETIME, "access_token": keys.mint(claims),
            "scope": " ".join(scopes)}


class HookTokenIssuer:
    """An in-process token endpoint (a WSGI app) for hook clients, signing with ``keys``."""

    def __init__(self, keys: Any, now: Callable[[], int], jti: Callable[[], str],
                 issuer: str = "http://hook.local/oauth2/default"):
        self.keys = keys
        self.issuer = issuer
        self.clients: list[HookClient] = []
        self._now = now
        self._jti = jti

    def add_client(self, client_id: str, *, client_secret: str | None = None,
                   public_jwk: dict | None = None) -> HookClient:
        """Register a client (a secret, a public JWK or both)."""
        client = HookClient(client_id, client_secret, public_jwk)
        self.clients.append(client)
        return client

    def __call__(self, environ: dict, start_response: Callable) -> list[bytes]:
        from urllib.parse import parse_qsl

        from .transport import APP_BASE_URL

        length = int(environ.get("CONTENT_LENGTH") or 0)
        form = dict(parse_qsl(environ["wsgi.input"].read(length).decode("utf-8", "replace")))
        token_url = APP_BASE_URL + environ.get("PATH_INFO", TOKEN_PATH)
        cid, why = authenticate(form, self.clients, token_url)
        if form.get("grant_type") != "client_credentials":
            status, body = "400 Bad Request", {"error": "unsupported_grant_type",
                                               "error_description": "Use grant_type=client_credentials."}
        elif cid is None:
            status, body = "401 Unauthorized", {"error": "invalid_client", "error_description": why}
        else:
            status, body = "200 OK", token_response(self.keys, issuer=self.issuer, client_id=cid,
                                                    scope=form.get("scope"), now=self._now(), jti=self._jti())
        data = json.dumps(body).encode()
        start_response(status, [("Content-Type", "application/json"), ("Cache-Control", "no-store"),
                                ("Content-Length", str(len(data)))])
        return [data]
