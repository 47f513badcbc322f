"""A tiny demo app registered with the org (the demo OAuth client, redirect URI ``{org}/demo-app/callback``):
``/demo-app/`` offers "Sign in with Okta", ``/demo-app/login`` starts the authorization code flow with PKCE
(state, nonce and verifier kept in the app's own signed cookie), ``/demo-app/callback`` exchanges the code
(running the token inline hook, noted in the "what Okta did" panel) and shows the verified ID token's claims as
text. The app is a client of the authorization server like any other: it goes through ``/v1/authorize`` and the
same code exchange as ``/v1/token`` (``server/oauth.redeem_code``)."""

from __future__ import annotations

import json
import secrets
from typing import Any
from urllib.parse import urlencode

from flask import Response, current_app, redirect, request
from itsdangerous import BadSignature, URLSafeSerializer

from ..server.app import org_url, state
from ..server.oauth import AUDIENCE, issuer, redeem_code
from ..server.oidc_apps import DEMO_APP_CALLBACK, DEMO_APP_HOME, demo_oidc_client
from ..server.oidc_grants import pkce_s256
from . import bp
from .session import note_hook_call
from .signin import render_page

COOKIE = "okta_demo_app"
SCOPES = "openid profile email offline_access"


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(str(current_app.secret_key), salt="okta-demo-app")


@bp.get(DEMO_APP_HOME)
def demo_app_home() -> Response:
    """The demo app's start page: "Sign in with Okta"."""
    return render_page("demo_app.html")


@bp.get("/demo-app/login")
def demo_app_login() -> Response:
    """Start the authorization code flow with PKCE (S256), ``state`` and ``nonce``."""
    client = demo_oidc_client(state())
    flow = {"state": secrets.token_urlsafe(16), "nonce": secrets.token_urlsafe(16),
            "verifier": secrets.token_urlsafe(48)}
    query = urlencode({"client_id": client.client_id, "response_type": "code", "scope": SCOPES,
                       "redirect_uri": org_url() + DEMO_APP_CALLBACK, "state": flow["state"], "nonce": flow["nonce"],
                       "code_challenge": pkce_s256(flow["verifier"]), "code_challenge_method": "S256"})
    resp = redirect(f"{issuer()}/v1/authorize?{query}", code=302)
    resp.set_cookie(COOKIE, _serializer().dumps(flow), httponly=True, samesite="Lax")
    return resp


def _failed(error: str, description: str = "") -> Response:
    page = render_page("demo_app.html", error=error, error_description=description)
    page.status_code = 400
    page.delete_cookie(COOKIE)
    return page


@bp.get(DEMO_APP_CALLBACK)
def demo_app_callback() -> Response:
    """Where the org redirects back: check ``state``, exchange the code (PKCE verifier), verify the ID token
    (signature, issuer, audience, ``nonce``) and show its claims."""
    import jwt

    from ..emulator.keys import verify

    if request.args.get("error"):
        return _failed(request.args["error"], request.args.get("error_description", ""))
    try:
        flow: dict[str, Any] = _serializer().loads(request.cookies.get(COOKIE, ""))
    except BadSignature:
        return _failed("invalid_state", "This sign-in was not started by the demo app; start again.")
    if not secrets.compare_digest(request.args.get("state", "").encode(), flow["state"].encode()):
        return _failed("invalid_state", "The state does not match the one the demo app sent.")
    st = state()
    client = demo_oidc_client(st)
    answer = redeem_code(st, client, {"code": request.args.get("code"), "code_verifier": flow["verifier"],
                                      "redirect_uri": org_url() + DEMO_APP_CALLBACK})
    if answer.hook_result is not None:
        note_hook_call(answer.hook_result, "Token inline hook")
    if answer.status != 200:
        return _failed(answer.body.get("error", "server_error"), answer.body.get("error_description", ""))
    id_token = answer.body.get("id_token")
    try:
        id_claims = verify(id_token, st.emulator.keys, audience=client.client_id, issuer=issuer())
        access_claims = verify(answer.body["access_token"], st.emulator.keys, audience=AUDIENCE, issuer=issuer())
    except (jwt.PyJWTError, TypeError) as exc:
        return _failed("invalid_token", f"The tokens did not verify: {exc}")
    if id_claims.get("nonce") != flow["nonce"]:
        return _failed("invalid_nonce", "The ID token's nonce is not the one the demo app sent.")
    logout = f"{issuer()}/v1/logout?" + urlencode({"id_token_hint": id_token,
                                                    "post_logout_redirect_uri": org_url() + DEMO_APP_HOME})
    page = render_page("demo_app.html", id_claims=id_claims, id_claims_text=json.dumps(id_claims, indent=2),
                       access_claims_text=json.dumps(access_claims, indent=2),
                       refresh="refresh_token" in answer.body, logout_url=logout)
    page.delete_cookie(COOKIE)
    return page
