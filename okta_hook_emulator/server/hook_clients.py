"""The token issuer for the hook's side on the server: ``/oauth2/default/v1/token`` also accepts the client
credentials grant from the OAuth clients that inline hooks' OAUTH channels name
(docs/okta-behaviour.md#oauth-authorization-server); the checks and the token are the core's
(``emulator/hook_issuer.py``).

Registering an inline hook whose channel is OAUTH with ``tokenUrl`` = this emulator's token URL is all the setup:
``client_secret_post`` clients authenticate with the channel's ``clientId`` / ``clientSecret``, ``private_key_jwt``
clients with a client assertion signed by the channel's hook key. No token inline hook runs for these clients (a
token hook behind an OAUTH channel would otherwise call itself)."""

from __future__ import annotations

from typing import Any

from flask import request

from ..emulator.hook_issuer import HookClient, authenticate, token_response


def _clients(st: Any, client_id: str) -> list[HookClient]:
    from . import hook_keys

    out = []
    for hook in st.store.list_hooks("inline"):
        cfg = hook["channel"]["config"]
        if hook["channel"]["type"] != "OAUTH" or cfg.get("clientId") != client_id:
            continue
        stored = hook_keys.find(cfg.get("hookKeyId") or "") if cfg.get("hookKeyId") else None
        out.append(HookClient(client_id, cfg.get("clientSecret"),
                              hook_keys.public_jwk(stored) if stored is not None else None))
    return out


def authenticate_request(st: Any, token_url: str) -> tuple[str | None, str | None]:
    """``(client_id, None)`` when the request authenticates a hook client, ``(None, reason)`` when it names one
    but fails, ``(None, None)`` when it names none (the demo client's rules apply)."""
    cid = request.form.get("client_id") or ""
    clients = _clients(st, cid) if cid else []
    if not clients:
        return None, None
    found, why = authenticate(request.form, clients, token_url)
    return (found, None) if found else (None, why)


def access_token(st: Any, issuer: str, client_id: str) -> dict:
    """The token response for a hook client."""
    with st.lock:
        jti = "AT." + st.emulator.payloads.request_id()
    return token_response(st.emulator.keys, issuer=issuer, client_id=client_id, scope=request.form.get("scope"),
                          now=int(st.clock.now().timestamp()), jti=jti)
