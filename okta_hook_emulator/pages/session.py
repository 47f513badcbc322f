"""Who is signed in (Flask's signed session cookie, named ``sid`` as Okta's), the System Log events of the
session (``user.session.start`` / ``user.session.end``, built by the core through ``ServerState.log``,
docs/okta-behaviour.md#end-user-flow-events), the pages' form token, and the "what Okta did" panel's list of hook
calls made while answering the current request."""

from __future__ import annotations

import secrets
from typing import Any
from urllib.parse import urlencode, urlsplit

from flask import Response, abort, g, request, session, url_for

from ..server.app import state
from ..server.users import Account, find_account

PANEL_COOKIE = "okta_emulator_panel"
FORM_TOKEN_FIELD = "form_token"
CARRIED_CALLS = "okta_hook_calls"  # hook calls a redirect carries to the next page


def signed_in_account() -> Account | None:
    """The account of the person signed in to the org in this browser, or None."""
    login = session.get("login")
    if not login:
        return None
    account = find_account(state(), login)
    if account is None or account.status != "ACTIVE":
        session.pop("login", None)
        return None
    return account


def person(account: Account) -> dict:
    """The System Log actor naming ``account``'s user."""
    user = account.user
    return {"id": user.id, "type": "User", "alternateId": user.login, "displayName": user.display_name,
            "detailEntry": None}


def log_end_user_event(event_type: str, actor: dict, *, outcome: str | dict = "SUCCESS",
                       targets: list[dict] | None = None, debug_data: dict | None = None) -> dict:
    """Write a System Log event of an end user's request (the person is the actor; client, path and request id
    are the current request's) with the core's log builder; event hooks subscribed to it receive it."""
    from ..server.api_caller import caller_overrides

    return state().log(event_type, actor=actor, outcome=outcome, targets=targets, debug_data=debug_data,
                       overrides=caller_overrides() or None)


def sign_in(account: Account) -> None:
    """Start an org session for ``account`` (a new session: the old one's values are dropped) and write
    ``user.session.start`` (SUCCESS)."""
    session.clear()
    session["login"] = account.login
    log_end_user_event("user.session.start", person(account))


def sign_out() -> None:
    """End the org session; ``user.session.end`` when someone was signed in."""
    account = signed_in_account()
    session.clear()
    if account is not None:
        log_end_user_event("user.session.end", person(account))


def safe_from_uri(value: str | None, default: str = "/login/signed-in") -> str:
    """``value`` when it is a path on this org (never another site: no open redirect), else ``default``."""
    if not value:
        return default
    parts = urlsplit(value)
    if parts.scheme or parts.netloc or not value.startswith("/") or value.startswith("//"):
        return default
    return value


def sign_in_url(from_uri: str) -> str:
    """The hosted sign-in page, returning to ``from_uri`` (a path on this org) once signed in."""
    return url_for("pages.sign_in_page") + "?" + urlencode({"fromURI": from_uri})


def form_token() -> str:
    """This browser session's form token (put in every page form; checked by :func:`check_form_token`)."""
    token = session.get(FORM_TOKEN_FIELD)
    if not token:
        token = session[FORM_TOKEN_FIELD] = secrets.token_urlsafe(24)
    return token


def check_form_token() -> None:
    """Refuse (403) a page form POST without this session's form token."""
    sent = request.form.get(FORM_TOKEN_FIELD, "")
    expected = session.get(FORM_TOKEN_FIELD, "")
    if not expected or not secrets.compare_digest(sent.encode(), expected.encode()):
        abort(403, "The form expired or did not come from this org's page; reload the page and try again.")


def note_hook_call(result: Any, label: str) -> None:
    """Remember an inline hook call (an ``InlineResult``) made for this request, for the "what Okta did" panel."""
    calls = g.setdefault("okta_hook_calls", [])
    calls.append({"label": label, "verdict": result.verdict, "ms": round(result.elapsed_ms),
                  "reason": result.reason or ""})


def hook_calls() -> list[dict[str, Any]]:
    """The hook calls noted for this request (and those a redirect carried here, see :func:`carry_hook_calls`)."""
    carried = session.pop(CARRIED_CALLS, None) or []
    return list(carried) + list(g.get("okta_hook_calls", []))


def carry_hook_calls() -> None:
    """Keep this request's hook calls for the page a redirect goes to, so its panel shows them."""
    calls = list(g.get("okta_hook_calls", []))
    if calls:
        session[CARRIED_CALLS] = list(session.get(CARRIED_CALLS, [])) + calls


def panel_visible() -> bool:
    """Whether the "what Okta did" panel is shown (``?panel=hide|show`` sets it, remembered in a cookie)."""
    asked = request.args.get("panel")
    if asked in ("hide", "show"):
        return asked == "show"
    return request.cookies.get(PANEL_COOKIE) != "hide"


def remember_panel_choice(response: Response) -> Response:
    """Store a ``?panel=`` choice made on this request in the panel cookie."""
    asked = request.args.get("panel")
    if asked in ("hide", "show"):
        response.set_cookie(PANEL_COOKIE, asked, samesite="Lax", httponly=True)
    return response
