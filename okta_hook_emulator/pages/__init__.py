"""The org's hosted end-user pages: what a person sees when an app sends them to Okta (sign-in, and the flows
built on it: OIDC authorize, self-service registration, progressive profiling, SAML SSO, phone OTP).

A front end like the dashboard: Flask + Jinja (templates in ``pages/templates/``, CSS in ``pages/static/``,
nothing loaded from elsewhere, forms work without JavaScript). The pages call the core (``Emulator``) and the
server's helpers (``server/users.py``, ``server/inline_hooks.call_hook``) for everything Okta does; they never
re-implement sending, judging or minting. Each page can show a "what Okta did" panel listing the hook calls the
request made (``session.note_hook_call``); ``?panel=hide`` hides it for a clean demo (``?panel=show`` brings it
back), remembered in a cookie."""

from __future__ import annotations

from pathlib import Path
from types import MappingProxyType

from flask import Blueprint

_HERE = Path(__file__).resolve().parent
STATIC_URL = "/pages-static"

# The hosted pages a demo or an app test starts from (path on the org), as ``GET /_emulator/org`` lists them.
HOSTED_PAGES = MappingProxyType({
    "signIn": "/login/login.htm",
    "registration": "/signin/register",
    "demoApp": "/demo-app/",
    "verifyPhone": "/signin/verify/phone",
})


def hosted_page_urls(org: str) -> dict[str, str]:
    """The hosted pages' URLs on the org at ``org`` (``signIn``, ``registration``, ``demoApp``, ``verifyPhone``)."""
    return {name: org + path for name, path in HOSTED_PAGES.items()}

bp = Blueprint("pages", __name__, template_folder=str(_HERE / "templates"), static_folder=str(_HERE / "static"),
               static_url_path=STATIC_URL)

from . import demo_app, phone, profile, registration, saml_sso, signin  # noqa: E402,F401 - register their routes on bp
