"""The token issuer for the hook's side: ``/oauth2/default/v1/token`` also accepts the client credentials grant from
the OAuth clients that inline hooks' OAUTH channels name (docs/okta-behaviour.md#oauth-authorization-server).

Registering an inline hook whose channel is OAUTH with ``tokenUrl`` = this emulator's token URL is all the setup:
``client_secret_post`` clients authenticate with the channel's ``clientId`` / ``clientSecret``, ``private_key_jwt``
clients with a client assertion signed by the channel's hook key (checked against the key's public JWK). The access
token is an RS256 JWT from the emulator's keys (``/oauth2/default/v1/keys``), audience ``api://default``, so a hook
service validates it offline against the emulator's JWKS. No token inline hook runs for these clients (a token hook
behind an OAUTH channel would otherwise call itself)."""

from __future__ import annotations

import secrets
from typing import Any

from flask import request

from ..emulator.oauth_channel import CLIENT_ASSERTION_TYPE, CLIENT_SECRET_POST, PRIVATE_KEY_JWT

HOOK_TOKEN_LIFETIME = 3600  # seconds (Okta's default access token lifetime)


def _channels(st: Any, client_id: str) -> list[dict]:
    return [h["channel"]["config"] for h in st.store.list_hooks("inline")
            if h["channel"]["type"] == "OAUTH" and h["channel"]["config"].get("clientId") == client_id]


def authenticate(st: Any, token_url: str) -> tuple[str | None, str | None]:
    """``(client_id, None)`` when the request authenticates a hook client, ``(None, reason)`` when it names one
    but fails, ``(None, None)`` when it names none (the demo client's rules apply)."""
    import jwt

    from . import hook_keys

    cid = request.form.get("client_id") or ""
    configs = _channels(st, cid) if cid else []
    if not configs:
        return None, None
    assertion = request.form.get("client_assertion")
    if assertion is not None:
        if request.form.get("client_assertion_type") != CLIENT_ASSERTION_TYPE:
            return None, f"client_assertion_type must be {CLIENT_ASSERTION_TYPE}."
        for cfg in (c for c in configs if c.get("authType") == PRIVATE_KEY_JWT):
            stored = hook_keys.find(cfg.get("hookKeyId") or "")
            if stored is None:
                continue
            key = jwt.PyJWK.from_dict(dict(hook_keys.public_jwk(stored), alg="RS256", use="sig"))
            try:
                claims = jwt.decode(assertion, key.key, algorithms=["RS256"], audience=token_url,
                                    options={"require": ["exp", "iat", "iss", "sub", "aud"]})
            except jwt.PyJWTError:
                continue
            if claims.get("iss") == cid and claims.get("sub") == cid:
                return cid, None
        return None, "The client_assertion is invalid: it must be signed RS256 by the hook key of the client's " \
                     "inline hook, with iss = sub = client_id and aud = the token URL."
    sent = request.form.get("client_secret") or ""
    for cfg in (c for c in configs if c.get("authType") == CLIENT_SECRET_POST):
        if secrets.compare_digest(sent.encode(), (cfg.get("clientSecret") or "").encode()):
            return cid, None
    return None, "Client authentication failed (client_secret_post: the secret of the inline hook's OAUTH channel)."


def access_token(st: Any, issuer: str, client_id: str, audience: str) -> dict:
    """The token response for a hook client: an RS256 access token (``cid``, ``scp``) and its lifetime."""
    now = int(st.clock.now().timestamp())
    scopes = (request.form.get("scope") or "").split()
    with st.lock:
        jti = "AT." + st.emulator.payloads.request_id()
    claims = {"ver": 1, "jti": jti, "iss": issuer, "aud": audience, "iat": now, "exp": now + HOOK_TOKEN_LIFETIME,
              "cid": client_id, "sub": client_id, "scp": scopes}
    return {"token_type": "Bearer", "expires_in": HOOK_TOKEN_LIFETIME, "access_token": st.emulator.keys.mint(claims),
            "scope": " ".join(scopes)}
