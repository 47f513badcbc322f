"""OAuth 2.0 / OIDC endpoints of the default custom authorization server (``/oauth2/default``): discovery,
JWKS, ``/v1/authorize`` (authorization code flow with PKCE, docs/okta-behaviour.md#authorization-code-flow),
``/v1/token`` (``authorization_code``, ``refresh_token``, ``client_credentials``, ``password``), ``/v1/userinfo``,
``/v1/introspect``, ``/v1/revoke`` and ``/v1/logout``. Issuing tokens runs the registered ACTIVE token inline
hook (``Emulator.call_inline("token", ...)``) with the grant's request and returns real RS256 tokens carrying its
changes; the hook failing leaves the tokens unmodified (fail-open), an ``error`` answer gives the client
``400 server_error``."""

from __future__ import annotations

import base64
import hashlib
import secrets
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlencode

from flask import Blueprint, Response, current_app, redirect, request

from .. import fidelity
from .app import okta_json, org_url, state
from .oidc_apps import OidcClient, find_client
from .oidc_grants import AuthorizationCode, RefreshToken, code_expiry, grants, pkce_s256
from .users import authenticate

bp = Blueprint("oauth", __name__, url_prefix="/oauth2/default")

AUDIENCE = "api://default"
GRANTS = ("authorization_code", "refresh_token", "client_credentials", "password")
CODE_GRANTS = ("authorization_code", "refresh_token")  # what an app created through the API may use
RESPONSE_MODES = ("query", "fragment", "form_post")


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
        "userinfo_endpoint": f"{iss}/v1/userinfo",
        "jwks_uri": f"{iss}/v1/keys",
        "introspection_endpoint": f"{iss}/v1/introspect",
        "revocation_endpoint": f"{iss}/v1/revoke",
        "end_session_endpoint": f"{iss}/v1/logout",
        "response_types_supported": ["code"],
        "response_modes_supported": list(RESPONSE_MODES),
        "grant_types_supported": list(GRANTS),
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "scopes_supported": _scopes_supported(),
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post", "private_key_jwt",
                                                  "none"],
        "introspection_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post", "none"],
        "revocation_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post", "none"],
        "code_challenge_methods_supported": ["S256"],
        "claims_supported": ["iss", "sub", "aud", "iat", "exp", "jti", "auth_time", "nonce", "amr", "idp", "name",
                             "given_name", "family_name", "preferred_username", "locale", "zoneinfo", "email",
                             "email_verified", "phone_number"],
    })


def _scopes_supported() -> list[str]:
    return [name for name, _ in state().emulator.payloads.org.auth_servers[0].scopes]


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
        return unquote(cid), unquote(secret)
    return request.form.get("client_id"), request.form.get("client_secret")



# -- client authentication ------------------------------------------------------------------------------------
def _authenticate_client(st: Any) -> tuple[OidcClient | None, Response | None]:
    """The client of a token / introspect / revoke request: a confidential client proves its secret
    (``client_secret_basic`` or ``client_secret_post``), a public client sends its ``client_id`` only."""
    cid, secret = _client_credentials()
    client = find_client(st, cid)
    if client is None or (client.public and secret) or (not client.public and not _same(secret, client.secret or "")):
        hint = ("Use the demo client id and secret printed by okta-hooks serve (GET /_emulator/org), or an app's "
                "client_id (and client_secret) from POST /api/v1/apps.")
        return None, _oauth_error("invalid_client", f"Client authentication failed. {hint}", 401)
    return client, None


# -- minting through the core -----------------------------------------------------------------------------------
@dataclass
class TokenAnswer:
    """What the token endpoint answers: the JSON body, its status and the token hook call (None: no hook ran)."""

    body: dict[str, Any]
    status: int = 200
    hook_result: Any = None

    def response(self) -> Response:
        resp = okta_json(self.body, self.status)
        resp.headers["Cache-Control"] = "no-store"
        resp.headers["Pragma"] = "no-cache"
        return resp


def _error(error: str, description: str, status: int = 400) -> TokenAnswer:
    return TokenAnswer({"error": error, "error_description": description}, status)


def _issue(st: Any, *, grant: str, client_id: str, user: Any = None, scopes: list[str], client_type: str | None = None,
           authorize: dict | None = None, refresh_jti: str | None = None) -> TokenAnswer:
    """Build the grant's token hook request in the core, run the ACTIVE token hook (or none) and answer with the
    tokens the core minted (docs/okta-behaviour.md#token-hook)."""
    from ..emulator.outcomes import token as token_outcome
    from ..payloads.generate import generate_token
    from .inline_hooks import active_hook, call_hook

    variant = None
    if grant in CODE_GRANTS and "openid" not in scopes:
        variant = "access_token"  # an ID token only with openid
    with st.lock:  # the seeded factory is not thread-safe
        req = generate_token(st.emulator.payloads, grant=grant, variant=variant, user=user, scopes=scopes,
                             issuer=issuer(), audience=AUDIENCE, client_id=client_id, authorize=authorize,
                             refresh_jti=refresh_jti, client_type=client_type)
    hook = active_hook("token", st)
    result = None
    if hook is None:  # the same core code mints the tokens, with no hook answer
        outcome = token_outcome.without_hook(req, st.emulator.keys, st.clock)
    else:
        result = call_hook(hook, via="oauth", request=req)
        outcome = result.outcome
    if outcome is None or not outcome.tokens_issued:
        err = (outcome.error if outcome is not None else None) or {
            "error": "server_error", "error_description": "The callback service returned an error"}
        answer = _error(err.get("error", "server_error"), err.get("error_description", ""))
        answer.hook_result = result
        return answer
    access, ident = outcome.access_token, outcome.id_token
    body: dict[str, Any] = {"token_type": "Bearer",
                            "expires_in": access.lifetime if access else token_outcome.DEFAULT_LIFETIME,
                            "access_token": access.jwt if access else None, "scope": " ".join(scopes)}
    if ident is not None and ident.jwt:
        body["id_token"] = ident.jwt
    if access is not None:
        grants(current_app).remember_access_token(str(access.claims.get("jti")), client_id, scopes,
                                                  user.login if user is not None else None)
    return TokenAnswer(body, 200, result)


def redeem_code(st: Any, client: OidcClient, form: Any) -> TokenAnswer:
    """The ``authorization_code`` grant: the code is single-use, short-lived and bound to the client, the
    redirect URI and the PKCE challenge (docs/okta-behaviour.md#authorization-code-flow)."""
    now = st.clock.now().timestamp()
    code = grants(current_app).take_code(form.get("code"), now)
    if code is None or code.client_id != client.client_id:
        return _error("invalid_grant", "The authorization code is invalid or has expired.")
    if form.get("redirect_uri") != code.redirect_uri:
        return _error("invalid_grant", "The 'redirect_uri' does not match the redirection URI used in the "
                                       "authorization request.")
    verifier = form.get("code_verifier")
    if code.code_challenge is not None or verifier:
        if not verifier or code.code_challenge is None or not _same(pkce_s256(verifier), code.code_challenge):
            return _error("invalid_grant", "PKCE verification failed.")
    from .users import find_account

    account = find_account(st, code.login)
    if account is None or account.status != "ACTIVE":
        return _error("invalid_grant", "The authorization code is invalid or has expired.")
    return _with_refresh_token(st, client, account, code.scopes, code.authorize)


def _with_refresh_token(st: Any, client: OidcClient, account: Any, scopes: list[str], authorize: dict,
                        refresh: str | None = None, refresh_jti: str | None = None) -> TokenAnswer:
    """Mint for a code-flow grant; a refresh token comes with ``offline_access`` only."""
    offline = "offline_access" in scopes
    if offline and refresh_jti is None:
        refresh_jti = st.new_id("oar")
    grant = "refresh_token" if refresh is not None else "authorization_code"
    answer = _issue(st, grant=grant, client_id=client.client_id, user=account.user, scopes=scopes,
                    client_type=client.client_type, authorize=authorize, refresh_jti=refresh_jti if offline else None)
    if answer.status == 200 and offline:
        reuse = refresh is not None and not fidelity.REFRESH_TOKEN_ROTATION
        answer.body["refresh_token"] = refresh if reuse else grants(current_app).issue_refresh_token(
            RefreshToken(client.client_id, account.login, list(scopes), dict(authorize), refresh_jti or ""))
    return answer


def _refresh(st: Any, client: OidcClient, form: Any) -> TokenAnswer:
    """The ``refresh_token`` grant: a refresh token issued to this client (``offline_access`` was granted)."""
    from .users import find_account

    value = form.get("refresh_token")
    token = grants(current_app).refresh_token(value)
    if token is None or token.client_id != client.client_id:
        return _error("invalid_grant", "The refresh token is invalid or expired.")
    scopes = token.scopes
    if form.get("scope"):
        asked = form.get("scope").split()
        if not set(asked) <= set(token.scopes):
            return _error("invalid_scope", "The requested scope is invalid, unknown, or malformed: a refresh can "
                                           "only ask for scopes of the original grant.")
        scopes = asked
    account = find_account(st, token.login)
    if account is None or account.status != "ACTIVE":
        return _error("invalid_grant", "The refresh token is invalid or expired.")
    return _with_refresh_token(st, client, account, scopes, token.authorize, refresh=value, refresh_jti=token.jti)


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
    client, refused = _authenticate_client(st)
    if refused is not None:
        return refused
    assert client is not None
    grant = request.form.get("grant_type")
    if grant not in GRANTS:
        return _oauth_error("unsupported_grant_type",
                            f"The authorization grant type is not supported: {grant!r}. Use {', '.join(GRANTS)}.")
    demo = client.loopback_redirects  # the demo client may use every grant; an API app the code grants
    if not demo and grant not in CODE_GRANTS:
        return _oauth_error("unauthorized_client", "The client is not authorized to use the provided grant type. "
                            f"Configured grant types: [{', '.join(CODE_GRANTS)}].")
    if grant == "authorization_code":
        return redeem_code(st, client, request.form).response()
    if grant == "refresh_token":
        return _refresh(st, client, request.form).response()
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
    return _issue(st, grant=grant, client_id=client.client_id, user=user, scopes=scopes).response()


# -- /v1/authorize ---------------------------------------------------------------------------------------------
def _error_page(error: str, description: str, status: int = 400) -> Response:
    """Okta's error page ("Your request resulted in an error."): used when Okta cannot redirect back to the app."""
    from ..pages.signin import render_page

    page = render_page("oauth_error.html", error=error, description=description)
    page.status_code = status
    return page


def _redirect_answer(redirect_uri: str, mode: str, params: dict[str, str]) -> Response:
    """Send ``params`` to the app's redirect URI in the query, the fragment or an auto-posted form."""
    params = {k: v for k, v in params.items() if v is not None}
    if mode == "form_post":
        from flask import render_template

        html = render_template("form_post.html", action=redirect_uri, params=params)
        return Response(html, mimetype="text/html", headers={"Cache-Control": "no-store"})
    sep = "#" if mode == "fragment" else ("&" if "?" in redirect_uri else "?")
    return redirect(redirect_uri + sep + urlencode(params), code=302)


def _authorize_problem(client: OidcClient, args: Any) -> tuple[str, str] | None:
    """The OAuth error (code, description) an authorize request gets at the app's redirect URI, or None."""
    if args.get("response_type") != "code":
        return ("unsupported_response_type", "The response type is not supported by the authorization server. "
                                             "Configured response types: [code].")
    scopes = (args.get("scope") or "").split()
    if not scopes:
        return ("invalid_scope", "The authorization server resource does not have any configured default scopes, "
                                 "'scope' must be provided.")
    unknown = [s for s in scopes if s not in _scopes_supported()]
    if unknown:
        return ("invalid_scope", "One or more scopes are not configured for the authorization server resource: "
                                 + ", ".join(unknown) + ".")
    if not args.get("state"):
        return ("invalid_request", "The 'state' parameter is required.")
    challenge, method = args.get("code_challenge"), args.get("code_challenge_method")
    if challenge is None:
        if method:
            return ("invalid_request", "The 'code_challenge' parameter is required with 'code_challenge_method'.")
        if client.public:
            return ("invalid_request", "PKCE code challenge is required when the token endpoint authentication "
                                       "method is 'NONE'.")
        if client.pkce_required:
            return ("invalid_request", "PKCE code challenge is required by the application.")
        return None
    if method != "S256":
        return ("invalid_request", "PKCE code challenge method must be 'S256' (the only one Okta supports).")
    if not 43 <= len(challenge) <= 128 or not all(c.isalnum() or c in "-._~" for c in challenge):
        return ("invalid_request", "PKCE code challenge is invalid: expected 43-128 characters of "
                                   "[A-Za-z0-9-._~].")
    return None


def _log_app_sign_in(client: OidcClient, account: Any) -> None:
    """``user.authentication.sso``: the signed-in person signs on to the OIDC app
    (docs/okta-behaviour.md#end-user-flow-events)."""
    from ..pages.session import log_end_user_event, person

    actor = person(account)
    app = {"id": client.client_id, "type": "AppInstance", "alternateId": client.name, "displayName": client.name,
           "detailEntry": None}
    log_end_user_event("user.authentication.sso", actor, targets=[app, {**actor, "type": "AppUser"}],
                       debug_data={"initiationType": "SP_INITIATED", "signOnMode": "OpenID Connect"})


@bp.get("/v1/authorize")
def authorize() -> Response:
    """The authorization code flow's first step: check the client and its redirect URI (an error page when they
    are wrong), send a person who is not signed in to the hosted sign-in page, then redirect back with a code."""
    from ..pages.session import sign_in_url, sign_out, signed_in_account

    st = state()
    args = request.args
    client = find_client(st, args.get("client_id"))
    if client is None:
        return _error_page("invalid_client", "Invalid value for 'client_id' parameter.")
    redirect_uri = args.get("redirect_uri") or ""
    if not client.redirect_ok(redirect_uri):
        # docs/okta-behaviour.md#authorization-code-flow: an error page, never a redirect
        return _error_page("invalid_request", "The 'redirect_uri' parameter must be a Login redirect URI in the "
                           f"client app settings: {org_url()}/api/v1/apps/{client.client_id} (redirect URIs "
                           "registered for this client).")
    mode = args.get("response_mode") or "query"
    state_value = args.get("state")
    if mode not in RESPONSE_MODES:
        return _redirect_answer(redirect_uri, "query", {
            "error": "invalid_request", "error_description": f"The response mode '{mode}' is not supported; "
            f"use one of {', '.join(RESPONSE_MODES)}.", "state": state_value})
    problem = _authorize_problem(client, args)
    if problem is not None:
        return _redirect_answer(redirect_uri, mode, {"error": problem[0], "error_description": problem[1],
                                                     "state": state_value})
    prompt = (args.get("prompt") or "").split()
    account = signed_in_account()
    if "login" in prompt:  # sign in again, then come back without prompt=login
        sign_out()
        rest = [(k, v) for k, v in args.items(multi=True) if k != "prompt"]
        return redirect(sign_in_url(request.path + "?" + urlencode(rest)), code=302)
    if account is None:
        if "none" in prompt:
            return _redirect_answer(redirect_uri, mode, {
                "error": "login_required",
                "error_description": "The client specified not to prompt, but the user is not logged in.",
                "state": state_value})
        return redirect(sign_in_url(request.full_path), code=302)
    scopes = args.get("scope", "").split()
    _log_app_sign_in(client, account)
    authorize_request = {"state": state_value, "nonce": args.get("nonce"), "redirect_uri": redirect_uri,
                         "response_mode": mode}
    now = st.clock.now().timestamp()
    code = grants(current_app).issue_code(AuthorizationCode(
        client.client_id, redirect_uri, account.login, scopes, authorize_request, args.get("code_challenge"),
        code_expiry(now)))
    return _redirect_answer(redirect_uri, mode, {"code": code, "state": state_value})


# -- /v1/userinfo, /v1/introspect, /v1/revoke, /v1/logout ---------------------------------------------------------
def _access_claims(st: Any, token: str | None) -> dict[str, Any] | None:
    """The claims of an access token this server issued that is still valid (signature, issuer, expiry, not
    revoked), else None."""
    import jwt

    if not token:
        return None
    try:
        claims = st.emulator.keys.decode(token, issuer=issuer(), options={"verify_aud": False})
    except jwt.PyJWTError:
        return None
    if "cid" not in claims or grants(current_app).access_token(claims.get("jti")) is None:
        return None  # an ID token, or a token this server did not issue (or revoked)
    return claims


def _bearer_error(error: str, description: str, status: int) -> Response:
    resp = _oauth_error(error, description, status)
    resp.headers["WWW-Authenticate"] = f'Bearer error="{error}", error_description="{description}"'
    return resp


@bp.route("/v1/userinfo", methods=["GET", "POST"])
def userinfo() -> Response:
    """The signed-in user's claims for a valid access token (``Authorization: Bearer``) granted ``openid``."""
    from .users import find_account

    st = state()
    header = request.headers.get("Authorization", "")
    token = header[7:].strip() if header.lower().startswith("bearer ") else None
    claims = _access_claims(st, token)
    if claims is None:
        return _bearer_error("invalid_token", "The access token is invalid.", 401)
    record = grants(current_app).access_token(claims.get("jti")) or {}
    scopes = record.get("scopes", [])
    if "openid" not in scopes:
        return _bearer_error("insufficient_scope", "The access token must provide access to at least one of "
                             "these scopes - openid.", 403)
    account = find_account(st, record.get("login") or "")  # the hook may change an access token's sub
    if account is None:
        return _bearer_error("invalid_token", "The access token is invalid.", 401)
    user = account.user
    info: dict[str, Any] = {"sub": user.id}
    if "profile" in scopes:
        info.update(name=user.display_name, given_name=user.first_name, family_name=user.last_name,
                    preferred_username=user.login, locale=user.locale, zoneinfo=user.time_zone)
    if "email" in scopes:
        info.update(email=user.email, email_verified=True)
    if "phone" in scopes:
        info["phone_number"] = user.mobile_phone
    return okta_json(info)


@bp.post("/v1/introspect")
def introspect() -> Response:
    """Whether a token is active, with its claims (access tokens) or grant (refresh tokens)."""
    st = state()
    client, refused = _authenticate_client(st)
    if refused is not None:
        return refused
    value = request.form.get("token")
    if not value:
        return _oauth_error("invalid_request", "The 'token' parameter is required.")
    claims = _access_claims(st, value)
    if claims is not None:
        record = grants(current_app).access_token(claims.get("jti")) or {}
        body = {"active": True, "token_type": "Bearer", "scope": " ".join(record.get("scopes", [])),
                "client_id": claims.get("cid"), "username": claims.get("sub"), **{
                    k: claims[k] for k in ("exp", "iat", "sub", "aud", "iss", "jti", "uid") if k in claims}}
        return okta_json(body)
    refresh = grants(current_app).refresh_token(value)
    if refresh is not None:
        return okta_json({"active": True, "token_type": "refresh_token", "scope": " ".join(refresh.scopes),
                          "client_id": refresh.client_id, "username": refresh.login, "iss": issuer()})
    return okta_json({"active": False})


@bp.post("/v1/revoke")
def revoke() -> Response:
    """Revoke an access or refresh token issued to the calling client (200 either way, as RFC 7009 says)."""
    import jwt

    st = state()
    client, refused = _authenticate_client(st)
    if refused is not None:
        return refused
    assert client is not None
    value = request.form.get("token")
    if not value:
        return _oauth_error("invalid_request", "The 'token' parameter is required.")
    try:
        jti = st.emulator.keys.decode(value, options={"verify_aud": False, "verify_exp": False}).get("jti")
    except jwt.PyJWTError:
        jti = None
    grants(current_app).revoke(value, client.client_id, jti)
    resp = Response(status=200)
    resp.headers["Cache-Control"] = "no-store"
    return resp


@bp.get("/v1/logout")
def logout() -> Response:
    """End the org session (``id_token_hint`` names the client) and go to a registered
    ``post_logout_redirect_uri`` (with ``state``), else to the sign-in page."""
    import jwt

    from ..pages.session import sign_out

    st = state()
    hint = request.args.get("id_token_hint")
    if not hint:
        return _error_page("invalid_request", "The 'id_token_hint' parameter is required.")
    try:
        claims = st.emulator.keys.decode(hint, issuer=issuer(), options={"verify_aud": False, "verify_exp": False})
    except jwt.PyJWTError:
        return _error_page("invalid_request", "The 'id_token_hint' parameter is not a valid ID token of this "
                                              "authorization server.")
    client = find_client(st, str(claims.get("aud", "")))
    target = request.args.get("post_logout_redirect_uri")
    if target and (client is None or not client.logout_redirect_ok(target)):
        return _error_page("invalid_request", "The 'post_logout_redirect_uri' parameter must be a Logout redirect "
                                              "URI in the client app settings.")
    sign_out()
    if not target:
        return redirect("/login/login.htm", code=302)
    params = {"state": request.args["state"]} if request.args.get("state") else {}
    return redirect(target + (("&" if "?" in target else "?") + urlencode(params) if params else ""), code=302)
