"""OAuth 2.0 / OIDC endpoints of the default custom authorization server (``/oauth2/default``): discovery,
JWKS and ``/v1/token`` for the ``client_credentials`` and ``password`` grants. Issuing a token runs the
registered ACTIVE token inline hook (``Emulator.call_inline("token", ...)``) and returns real RS256 tokens
carrying its changes; the hook failing leaves the tokens unmodified (fail-open), an ``error`` answer gives the
client ``400 server_error``."""

from __future__ import annotations

import base64
import hashlib
import secrets
from typing import Any

from flask import Blueprint, Response, request

from .app import okta_json, org_url, state
from .users import authenticate

bp = Blueprint("oauth", __name__, url_prefix="/oauth2/default")

AUDIENCE = "api://default"
GRANTS = ("client_credentials", "password")


def issuer() -> str:
    return org_url() + "/oauth2/default"


def demo_client(st: Any) -> tuple[str, str]:
    """The demo OAuth client (id, secret): from the config, else an id from the seed and a random secret, both
    kept in the database (so a restart on the same file keeps them; every database has its own secret)."""
    cid = st.config.client_id or st.store.get_meta("client_id")
    secret = st.config.client_secret or st.store.sealer.open_value(st.store.get_meta("client_secret"))
    if not cid or not secret:
        apps = st.emulator.payloads.org.oidc_apps
        cid = cid or (apps[0].id if apps else "0oa" + hashlib.sha256(str(st.seed).encode()).hexdigest()[:17])
        secret = secret or secrets.token_urlsafe(30)
        st.store.set_meta("client_id", cid)
        st.store.set_meta("client_secret", st.store.sealer.seal_value(secret))
    return cid, secret


def _same(sent: str | None, expected: str) -> bool:
    """Constant-time comparison of a presented credential with the expected one."""
    return secrets.compare_digest((sent or "").encode(), expected.encode())


def _oauth_error(error: str, description: str, status: int = 400) -> Response:
    resp = okta_json({"error": error, "error_description": description}, status)
    resp.headers["Cache-Control"] = "no-store"
    return resp


@bp.get("/.well-known/openid-configuration")
@bp.get("/.well-known/oauth-authorization-server")
def discovery() -> Response:
    iss = issuer()
    return okta_json({
        "issuer": iss,
        "authorization_endpoint": f"{iss}/v1/authorize",
        "token_endpoint": f"{iss}/v1/token",
        "jwks_uri": f"{iss}/v1/keys",
        "response_types_supported": ["token"],
        "grant_types_supported": list(GRANTS),
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "scopes_supported": ["openid", "profile", "email", "offline_access"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post", "private_key_jwt"],
        "claims_supported": ["iss", "sub", "aud", "iat", "exp", "jti", "name", "email", "preferred_username"],
    })


@bp.get("/v1/keys")
def keys() -> Response:
    return okta_json(state().emulator.keys.jwks())


def _client_credentials() -> tuple[str | None, str | None]:
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("basic "):
        try:
            raw = base64.b64decode(header[6:].strip()).decode()
        except ValueError:
            return None, None
        cid, _, secret = raw.partition(":")
        from urllib.parse import unquote

        return unquote(cid), unquote(secret)
    return request.form.get("client_id"), request.form.get("client_secret")


@bp.post("/v1/token")
def token() -> Response:
    st = state()
    from . import hook_clients

    hook_client, refused = hook_clients.authenticate_request(st, issuer() + "/v1/token")
    if refused is not None:
        return _oauth_error("invalid_client", refused, 401)
    if hook_client is not None:  # an inline hook's OAUTH client: no token hook runs (server/hook_clients.py)
        if request.form.get("grant_type") != "client_credentials":
            return _oauth_error("unsupported_grant_type", "Hook clients use the client_credentials grant.")
        resp = okta_json(hook_clients.access_token(st, issuer(), hook_client))
        resp.headers["Cache-Control"] = "no-store"
        return resp
    cid, secret = _client_credentials()
    demo_id, demo_secret = demo_client(st)
    if not (_same(cid, demo_id) and _same(secret, demo_secret)):
        return _oauth_error("invalid_client", "Client authentication failed. Use the demo client id and secret "
                            "printed by okta-hooks serve (GET /_emulator/org).", 401)
    grant = request.form.get("grant_type")
    if grant not in GRANTS:
        return _oauth_error("unsupported_grant_type",
                            f"The authorization grant type is not supported: {grant!r}. Use {' or '.join(GRANTS)}.")
    scopes = (request.form.get("scope") or "").split()
    user = None
    if grant == "password":
        account = authenticate(st, request.form.get("username", ""), request.form.get("password", ""))
        if account is None:
            return _oauth_error("invalid_grant", "The credentials provided were invalid. Use a synthetic user's login "
                                "(GET /_emulator/org) and the demo password.")
        user = account.user
        scopes = scopes or ["openid", "profile", "email"]
    elif "openid" in scopes:
        return _oauth_error("invalid_scope", "The client_credentials grant cannot request 'openid'.")
    scopes = scopes or ["okta.default"]
    from ..emulator.outcomes import token as token_outcome
    from ..payloads.generate import generate_token

    with st.lock:  # the seeded factory is not thread-safe
        req = generate_token(st.emulator.payloads, grant=grant, user=user, scopes=scopes, issuer=issuer(),
                             audience=AUDIENCE, client_id=cid)
    from .inline_hooks import INLINE_TYPES, call_hook

    hook = next((h for h in st.store.list_hooks("inline") if h["status"] == "ACTIVE"
                 and INLINE_TYPES[h["type"]].name == "token"), None)
    if hook is None:  # the same core code mints the tokens, with no hook answer
        outcome = token_outcome.without_hook(req, st.emulator.keys, st.clock)
    else:
        outcome = call_hook(hook, via="oauth", request=req).outcome
    if outcome is None or not outcome.tokens_issued:
        err = (outcome.error if outcome is not None else None) or {
            "error": "server_error", "error_description": "The callback service returned an error"}
        return _oauth_error(err.get("error", "server_error"), err.get("error_description", ""), 400)
    access, ident = outcome.access_token, outcome.id_token
    body: dict[str, Any] = {"token_type": "Bearer",
                            "expires_in": access.lifetime if access else token_outcome.DEFAULT_LIFETIME,
                            "access_token": access.jwt if access else None, "scope": " ".join(scopes)}
    if ident is not None and ident.jwt:
        body["id_token"] = ident.jwt
    resp = okta_json(body)
    resp.headers["Cache-Control"] = "no-store"
    return resp
