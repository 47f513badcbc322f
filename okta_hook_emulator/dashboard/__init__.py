"""The demo dashboard served at ``/`` by the emulator server: Hooks, Deliveries, Fire, System Log and Latency pages.

Server-rendered (Flask + Jinja, templates in ``dashboard/templates/``, CSS and a small vanilla script in
``dashboard/static/``; nothing is loaded from anywhere but the emulator). Every state-changing form carries a
per-app secret form token (``csrf_token``) that is checked on every dashboard POST; the pages never show a
secret value. The dashboard calls the same Management / control API, store and scenario runner the HTTP clients
use: it never re-implements sending, judging or storage."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, Response, request
from flask.blueprints import BlueprintSetupState

from ..errors import OktaAPIError
from .support import CSRF_FIELD, EXTENSION, DashboardState, dashboard_state

_HERE = Path(__file__).resolve().parent
STATIC_URL = "/dashboard-static"

bp = Blueprint("dashboard", __name__, template_folder=str(_HERE / "templates"),
               static_folder=str(_HERE / "static"), static_url_path=STATIC_URL)

# Everything the page loads or talks to is the emulator itself.
CONTENT_SECURITY_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                           "connect-src 'self'; font-src 'self'; form-action 'self'; frame-ancestors 'none'; "
                           "base-uri 'none'; object-src 'none'")


@bp.record_once
def _init(setup: BlueprintSetupState) -> None:
    setup.app.extensions[EXTENSION] = DashboardState.new()


def _forbidden(cause: str) -> Response:
    from ..server.app import error_response

    return error_response(OktaAPIError("E0000006", causes=[cause]))


DASHBOARD_COOKIE = "okta_hooks_dashboard"
DASHBOARD_TOKEN_PARAM = "token"


@bp.before_request
def _check_dashboard_token() -> Response | None:
    """When the server runs with a dashboard token (bound beyond loopback), every page needs it: once as
    ``?token=...`` (the URL ``okta-hooks serve`` prints), which sets a same-site cookie, then from the cookie."""
    from ..server.app import state

    expected = state().config.dashboard_token
    if not expected or request.endpoint == "dashboard.static":
        return None
    cookie = request.cookies.get(DASHBOARD_COOKIE, "")
    if cookie and secrets.compare_digest(cookie.encode(), expected.encode()):
        return None
    sent = request.args.get(DASHBOARD_TOKEN_PARAM, "")
    if request.method == "GET" and sent and secrets.compare_digest(sent.encode(), expected.encode()):
        from urllib.parse import urlencode

        from flask import redirect

        rest = [(k, v) for k, v in request.args.items(multi=True) if k != DASHBOARD_TOKEN_PARAM]
        resp = redirect(request.path + (f"?{urlencode(rest)}" if rest else ""), code=303)
        resp.set_cookie(DASHBOARD_COOKIE, expected, httponly=True, samesite="Strict", path="/",
                        secure=request.is_secure)
        return resp
    from ..server.app import error_response

    return error_response(OktaAPIError("E0000011", causes=[
        "The dashboard needs its token: open the dashboard URL printed by okta-hooks serve (it ends in "
        "?token=...)."]))


@bp.before_request
def _check_form_token() -> Response | None:
    """Refuse a state-changing dashboard request without the same-origin form token (403 E0000006)."""
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return None
    origin = request.headers.get("Origin")
    if origin and origin != "null":
        parts = urlsplit(origin)
        if parts.netloc != request.host:
            from ..server.hosts import server_url

            return _forbidden(f"Cross-origin form post from {origin} refused; use the dashboard at "
                              f"{server_url()}/.")
    if request.headers.get("Sec-Fetch-Site") in ("cross-site", "same-site"):
        return _forbidden("Cross-site form post refused; use the dashboard page itself.")
    sent = request.form.get(CSRF_FIELD, "")
    if not sent or not secrets.compare_digest(sent, dashboard_state().csrf_token):
        return _forbidden("The dashboard form token (csrf_token) is missing or wrong; reload the page and submit "
                          "the form again.")
    return None


@bp.after_request
def _security_headers(resp: Response) -> Response:
    resp.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    resp.headers.setdefault("X-Content-Type-Options", "nosniff")
    resp.headers.setdefault("Referrer-Policy", "same-origin")
    resp.headers.setdefault("X-Frame-Options", "DENY")
    if resp.mimetype == "text/html":
        resp.headers.setdefault("Cache-Control", "no-store")
    return resp


@bp.app_template_global()
def csrf_field() -> Any:
    """The hidden form-token input every dashboard form carries."""
    from markupsafe import Markup, escape

    return Markup(f'<input type="hidden" name="{CSRF_FIELD}" value="{escape(dashboard_state().csrf_token)}">')


@bp.app_template_filter("pretty")
def pretty_filter(value: Any) -> str:
    """Pretty JSON with every known secret value masked."""
    from .support import pretty, secret_values

    return pretty(value, secret_values())


from . import captures, views  # noqa: E402,F401  (register the routes on bp)

__all__ = ["CONTENT_SECURITY_POLICY", "CSRF_FIELD", "bp"]
