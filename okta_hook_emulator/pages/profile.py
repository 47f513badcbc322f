"""Progressive profiling (``/signin/profile``, docs/okta-behaviour.md#hosted-progressive-profiling): a sign-in
whose account lacks an attribute the profile schema requires at sign-in does not finish; the person is asked for
the missing attributes, the ACTIVE registration inline hook runs with a ``progressive.profile`` request the core
builds, and the core's judge decides. Allowed (or no hook): the profile is saved with the hook's changes
(``user.account.update_profile`` in the System Log), the sign-in finishes and goes on to ``fromURI``. Denied:
the hook's messages are shown and the sign-in stays unfinished."""

from __future__ import annotations

import dataclasses
from typing import Any
from urllib.parse import urlencode

from flask import Response, redirect, request, session

from ..server.app import state
from ..server.inline_hooks import active_hook
from ..server.users import Account, find_account, save_account
from . import bp
from .registration import (
    FIELD_BLANK,
    FORM_HAS_ERRORS,
    PROFILE_SCHEMA,
    Attribute,
    attribute_value,
    run_hook,
    shown_errors,
    user_target,
)
from .session import carry_hook_calls, check_form_token, safe_from_uri, sign_in
from .signin import render_page

PENDING = "pending_profile_login"  # session key: the login whose sign-in waits for its profile


def missing_attributes(account: Account) -> tuple[Attribute, ...]:
    """The attributes the schema requires at sign-in that ``account`` has no value for."""
    return tuple(a for a in PROFILE_SCHEMA if a.required_at_sign_in and not attribute_value(account, a))


def continue_sign_in(account: Account, from_uri: str) -> Response:
    """Finish a sign-in whose password checked out: straight to ``from_uri``, or first to the progressive
    profile page when a required attribute is missing (the session is not started until it is given)."""
    if not missing_attributes(account):
        sign_in(account)
        return redirect(from_uri, code=302)
    session.clear()
    session[PENDING] = account.login
    return redirect("/signin/profile?" + urlencode({"fromURI": from_uri}), code=302)


def _apply(account: Account, profile: dict[str, Any]) -> Account:
    """``account`` with the attributes of ``profile`` (the final one the judge returned) stored."""
    user_fields = {a.name: a.user_field for a in PROFILE_SCHEMA if a.user_field}
    user_fields.update(locale="locale", timeZone="time_zone")
    changes = {user_fields[name]: str(value) for name, value in profile.items() if name in user_fields}
    extra = {name: value for name, value in profile.items()
             if name not in user_fields and name not in ("login", "email")}
    account.user = dataclasses.replace(account.user, **changes)
    account.profile.update(extra)
    save_account(state(), account)
    return account


def _page(fields: tuple[Attribute, ...], values: dict[str, str], from_uri: str, error: str | None = None,
          field_errors: dict[str, list[str]] | None = None, status: int = 200) -> Response:
    page = render_page("profile.html", fields=fields, values=values, from_uri=from_uri, error=error,
                       field_errors=field_errors or {})
    page.status_code = status
    return page


@bp.route("/signin/profile", methods=["GET", "POST"])
def profile_page() -> Response:
    """Ask for the missing profile attributes (GET) or save them and finish the sign-in (POST)."""
    from_uri = safe_from_uri(request.values.get("fromURI"))
    st = state()
    account = find_account(st, session.get(PENDING, ""))
    if account is None or account.status != "ACTIVE":
        return redirect("/login/login.htm?" + urlencode({"fromURI": from_uri}), code=302)
    fields = missing_attributes(account)
    if not fields:
        session.pop(PENDING, None)
        return continue_sign_in(account, from_uri)
    if request.method == "GET":
        return _page(fields, {a.name: "" for a in fields}, from_uri)
    check_form_token()
    typed = {a.name: request.form.get(a.name, "").strip() for a in fields}
    blank = {name: [FIELD_BLANK] for name, value in typed.items() if not value}
    if blank:
        return _page(fields, typed, from_uri, None, blank, 400)
    hook = active_hook("registration")
    profile: dict[str, Any] = dict(typed)
    if hook is not None:
        result = run_hook(hook, "registration", "Registration inline hook (progressive profile)",
                          request_type="progressive.profile", user=account.user,
                          overrides={"data.userProfileUpdate": typed})
        outcome = result.outcome
        if outcome.denied:
            message, field_errors = shown_errors(outcome, fields)
            return _page(fields, typed, from_uri, message, field_errors, 400)
        profile = outcome.profile
    account = _apply(account, profile)
    if hook is None:  # with a hook, the core's judge wrote user.account.update_profile
        st.log("user.account.update_profile", outcome="SUCCESS", targets=user_target(account))
    if missing_attributes(account):  # the hook's changes left a required attribute empty: ask again
        return _page(missing_attributes(account), {}, from_uri, FORM_HAS_ERRORS, status=400)
    sign_in(account)
    carry_hook_calls()
    return redirect(from_uri, code=302)
