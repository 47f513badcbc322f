"""The OIDC clients the authorization server knows: the demo app (the demo OAuth client, a confidential web app)
and apps created with a minimal ``POST /api/v1/apps`` (Okta's Apps API shape for ``OPENID_CONNECT`` apps:
redirect URIs, post-logout redirect URIs, ``token_endpoint_auth_method``, ``pkce_required``).
docs/okta-behaviour.md#oidc-clients-and-redirect-uris.

Apps are kept in the database (``meta`` key ``oidc_apps``; client secrets sealed like hook secrets)."""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, Response

from .. import fidelity
from ..errors import OktaAPIError
from .app import json_body, okta_json, org_url, state

bp = Blueprint("oidc_apps", __name__, url_prefix="/api/v1/apps")

DEMO_APP_CALLBACK = "/demo-app/callback"  # the demo app's redirect URI, on the org
DEMO_APP_HOME = "/demo-app/"  # its post-logout redirect URI
AUTH_METHODS = ("client_secret_basic", "client_secret_post", "none")
_META_KEY = "oidc_apps"


@dataclass
class OidcClient:
    """One OAuth client: its id, secret (None: a public client), registered URIs and PKCE rule."""

    client_id: str
    name: str
    secret: str | None
    redirect_uris: list[str]
    post_logout_redirect_uris: list[str]
    pkce_required: bool
    loopback_redirects: bool = False  # the demo app: any http://localhost / 127.0.0.1 URL is registered too

    @property
    def public(self) -> bool:
        """A public client (``token_endpoint_auth_method`` ``none``: an SPA or native app)."""
        return self.secret is None

    @property
    def client_type(self) -> str:
        """``PUBLIC`` or ``CONFIDENTIAL``, as the token hook's ``protocol.client.type``."""
        return "PUBLIC" if self.public else "CONFIDENTIAL"

    def _registered(self, uri: str, listed: list[str]) -> bool:
        # docs/okta-behaviour.md#oidc-clients-and-redirect-uris: exact match (no normalisation)
        if uri in listed:
            return True
        if not self.loopback_redirects:
            return False
        try:
            parts = urlsplit(uri)
            return parts.scheme == "http" and parts.hostname in fidelity.DEMO_APP_LOOPBACK_HOSTS
        except ValueError:  # not a URL (e.g. an unclosed IPv6 bracket)
            return False

    def redirect_ok(self, uri: str | None) -> bool:
        """Whether ``uri`` is one of the client's sign-in redirect URIs."""
        return bool(uri) and self._registered(uri or "", self.redirect_uris)

    def logout_redirect_ok(self, uri: str | None) -> bool:
        """Whether ``uri`` is one of the client's sign-out redirect URIs."""
        return bool(uri) and self._registered(uri or "", self.post_logout_redirect_uris)


def demo_oidc_client(st: Any) -> OidcClient:
    """The demo app: the demo OAuth client (``oauth.demo_client``) with its redirect URIs on the org."""
    from .oauth import demo_client

    cid, secret = demo_client(st)
    base = org_url()
    return OidcClient(cid, "Demo app", secret, [base + DEMO_APP_CALLBACK], [base + DEMO_APP_HOME, base + "/"],
                      pkce_required=False, loopback_redirects=True)


def _apps(st: Any) -> dict[str, dict]:
    raw = st.store.get_meta(_META_KEY)
    return json.loads(raw) if raw else {}


def find_client(st: Any, client_id: str | None) -> OidcClient | None:
    """The client ``client_id`` (the demo app or an ACTIVE app created through the API), or None."""
    if not client_id:
        return None
    demo = demo_oidc_client(st)
    if secrets.compare_digest(client_id.encode(), demo.client_id.encode()):
        return demo
    app = _apps(st).get(client_id)
    if app is None or app.get("status") != "ACTIVE":
        return None
    creds, settings = app["credentials"]["oauthClient"], app["settings"]["oauthClient"]
    sealed = creds.get("client_secret")
    return OidcClient(client_id, app["label"], st.store.sealer.open_value(sealed) if sealed else None,
                      list(settings["redirect_uris"]), list(settings.get("post_logout_redirect_uris") or []),
                      bool(creds.get("pkce_required")))


def forget_apps(st: Any) -> None:
    """Delete every app created through the API (``/_emulator/reset``)."""
    st.store.set_meta(_META_KEY, "{}")


def _uri_list(value: Any, name: str, causes: list[str], *, required: bool) -> list[str]:
    if value is None and not required:
        return []
    if not isinstance(value, list) or (required and not value) or not all(isinstance(u, str) for u in value):
        causes.append(f"settings.oauthClient.{name}: Expected a list of absolute URIs"
                      + (" (at least one)." if required else "."))
        return []
    for uri in value:
        try:
            parts = urlsplit(uri)
        except ValueError:
            causes.append(f"settings.oauthClient.{name}: '{uri}' is not a URI.")
            continue
        if parts.scheme not in ("http", "https") and not (parts.scheme and "." in parts.scheme):
            causes.append(f"settings.oauthClient.{name}: '{uri}' is not an absolute URI "
                          "(https://..., http://localhost... or a private scheme such as com.example.app:/cb).")
        elif parts.fragment:
            causes.append(f"settings.oauthClient.{name}: '{uri}' must not contain a fragment (#...).")
    return list(value)


def _public_app(app: dict, secret: str | None) -> dict:
    out = json.loads(json.dumps(app))
    creds = out["credentials"]["oauthClient"]
    if secret is not None:
        creds["client_secret"] = secret
    else:
        creds.pop("client_secret", None)
    base = org_url()
    out["_links"] = {"self": {"href": f"{base}/api/v1/apps/{app['id']}"}}
    return out


@bp.post("")
def create_app_() -> Response:
    """Create an OIDC app (``signOnMode`` ``OPENID_CONNECT``): its client id and, for a confidential client, its
    secret come back once in ``credentials.oauthClient``."""
    st = state()
    body = json_body()
    causes: list[str] = []
    if body.get("signOnMode") != "OPENID_CONNECT":
        causes.append("signOnMode: The emulator creates OPENID_CONNECT apps only; send \"signOnMode\": "
                      "\"OPENID_CONNECT\".")
    label = body.get("label")
    if not isinstance(label, str) or not label.strip():
        causes.append("label: The field is required (the app's display name).")
    creds = body.get("credentials") if isinstance(body.get("credentials"), dict) else {}
    oauth_creds = creds.get("oauthClient") if isinstance(creds.get("oauthClient"), dict) else {}
    settings = body.get("settings") if isinstance(body.get("settings"), dict) else {}
    oauth_settings = settings.get("oauthClient") if isinstance(settings.get("oauthClient"), dict) else {}
    method = oauth_creds.get("token_endpoint_auth_method", "client_secret_basic")
    if method not in AUTH_METHODS:
        causes.append(f"credentials.oauthClient.token_endpoint_auth_method: Use one of {', '.join(AUTH_METHODS)}; "
                      f"got {method!r}.")
    pkce = oauth_creds.get("pkce_required", method == "none")
    if not isinstance(pkce, bool):
        causes.append("credentials.oauthClient.pkce_required: Expected true or false.")
    elif method == "none" and not pkce:
        causes.append("credentials.oauthClient.pkce_required: A public client (token_endpoint_auth_method none) "
                      "must use PKCE.")
    redirects = _uri_list(oauth_settings.get("redirect_uris"), "redirect_uris", causes, required=True)
    logouts = _uri_list(oauth_settings.get("post_logout_redirect_uris"), "post_logout_redirect_uris", causes,
                        required=False)
    if causes:
        raise OktaAPIError("E0000001", "app", causes=causes)
    app_id = st.new_id("0oa")
    secret = None if method == "none" else secrets.token_urlsafe(30)
    now = st.now()
    app = {"id": app_id, "name": "oidc_client", "label": label, "status": "ACTIVE", "created": now,
           "lastUpdated": now, "signOnMode": "OPENID_CONNECT",
           "credentials": {"oauthClient": {"client_id": app_id, "token_endpoint_auth_method": method,
                                           "pkce_required": pkce, "autoKeyRotation": True,
                                           "client_secret": st.store.sealer.seal_value(secret) if secret else None}},
           "settings": {"oauthClient": {"redirect_uris": redirects, "post_logout_redirect_uris": logouts,
                                        "response_types": ["code"],
                                        "grant_types": ["authorization_code", "refresh_token"],
                                        "application_type": "browser" if method == "none" else "web"}}}
    with st.store.atomic():
        apps = _apps(st)
        apps[app_id] = app
        st.store.set_meta(_META_KEY, json.dumps(apps))
    return okta_json(_public_app(app, secret))


@bp.get("/<app_id>")
def get_app(app_id: str) -> Response:
    """An OIDC app created through the API (without its secret)."""
    app = _apps(state()).get(app_id)
    if app is None:
        raise OktaAPIError("E0000007", f"Resource not found: {app_id} (App)",
                           causes=[f"No app with id '{app_id}'; create one with POST /api/v1/apps."])
    return okta_json(_public_app(app, None))
