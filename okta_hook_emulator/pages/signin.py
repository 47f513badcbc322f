"""The hosted sign-in page (``/login/login.htm?fromURI=...``, Okta's classic sign-in URL): a synthetic user
signs in with the demo password, a stored account with its own; success returns to ``fromURI`` (a path on this
org), failure shows Okta's message and writes a failed ``user.session.start``
(docs/okta-behaviour.md#end-user-flow-events). ``/login/signout`` ends the session."""

from __future__ import annotations

from flask import Response, redirect, render_template, request

from ..server.app import state
from ..server.users import DEMO_PASSWORD, find_account, sign_in_attempt
from . import bp
from .session import (
    carry_hook_calls,
    check_form_token,
    form_token,
    hook_calls,
    log_end_user_event,
    note_hook_call,
    panel_visible,
    person,
    remember_panel_choice,
    safe_from_uri,
    sign_out,
    signed_in_account,
)

# The Sign-In Widget's words for wrong credentials (it never says which of the two was wrong).
SIGN_IN_FAILED = "Unable to sign in"
# The failed user.session.start's outcome.reason (docs/okta-behaviour.md#end-user-flow-events).
UNKNOWN_USER = "UNKNOWN_USER"
INVALID_CREDENTIALS = "INVALID_CREDENTIALS"


def _log_failed_sign_in(login: str) -> None:
    """``user.session.start`` FAILURE: the person when the login is known, else Okta's ``unknown`` actor naming
    the typed login."""
    account = find_account(state(), login)
    if account is None:
        actor = {"id": "unknown", "type": "User", "alternateId": login, "displayName": "unknown",
                 "detailEntry": None}
    else:
        actor = person(account)
    reason = UNKNOWN_USER if account is None else INVALID_CREDENTIALS
    log_end_user_event("user.session.start", actor, outcome={"result": "FAILURE", "reason": reason})


def render_page(template: str, **context: object) -> Response:
    """Render a hosted page with what every page needs (form token, signed-in account, the panel)."""
    html = render_template(template, form_token=form_token(), account=signed_in_account(),
                           hook_calls=hook_calls(), panel=panel_visible(), **context)
    return remember_panel_choice(Response(html, mimetype="text/html"))


@bp.route("/login/login.htm", methods=["GET", "POST"])
def sign_in_page() -> Response:
    """Show the sign-in form (GET) or sign in (POST: ``username``, ``password``)."""
    from_uri = safe_from_uri(request.values.get("fromURI"))
    error = None
    if request.method == "POST":
        check_form_token()
        attempt = sign_in_attempt(state(), request.form.get("username", ""), request.form.get("password", ""),
                                  failed_message=SIGN_IN_FAILED)
        if attempt.hook_result is not None:
            note_hook_call(attempt.hook_result, "Password import inline hook")
        if attempt.account is not None:
            from .profile import continue_sign_in  # progressive profiling may come before the session

            response = continue_sign_in(attempt.account, from_uri)
            carry_hook_calls()  # shown on the page the redirect lands on
            return response
        error = attempt.message
        _log_failed_sign_in(request.form.get("username", "").strip())
    users = state().emulator.payloads.org.users[:5]
    page = render_page("signin.html", from_uri=from_uri, error=error, username=request.form.get("username", ""),
                       demo_users=users, demo_password=DEMO_PASSWORD)
    page.status_code = 401 if error else 200
    return page


@bp.get("/login/signout")
def sign_out_page() -> Response:
    """End the org session and go to ``fromURI`` (a path on this org) or the sign-in page."""
    sign_out()
    return redirect(safe_from_uri(request.args.get("fromURI"), "/login/login.htm"), code=302)


@bp.get("/login/signed-in")
def signed_in_page() -> Response:
    """Where a sign-in with no ``fromURI`` lands: who is signed in."""
    account = signed_in_account()
    if account is None:
        return redirect("/login/login.htm", code=302)
    return render_page("signed_in.html")
