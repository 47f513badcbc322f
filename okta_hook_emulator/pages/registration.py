"""Self-service registration (``/signin/register``, the Sign-In Widget's registration route;
docs/okta-behaviour.md#hosted-registration-page): a form built from the org's profile schema. Submitting runs the
ACTIVE registration inline hook with a ``self.service.registration`` request the core builds for the typed
profile; the core's judge decides. Denied: the hook's messages are shown above the form and by the fields its
error causes name. Allowed (or no hook): the user is created with the hook's profile changes and the typed
password, the System Log gets ``user.lifecycle.create`` / ``user.lifecycle.activate``, and the person is signed in.

Also the helpers the other hosted flows share: the profile schema and running a hook (the ACTIVE hook of a
kind is ``server/inline_hooks.active_hook``)."""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from typing import Any

from flask import Response, redirect, request

from ..payloads.generate import resolve_user
from ..server.app import state
from ..server.inline_hooks import active_hook
from ..server.users import REGISTERED, Account, find_account, set_password
from . import bp
from .session import carry_hook_calls, check_form_token, note_hook_call, safe_from_uri, sign_in
from .signin import render_page


@dataclass(frozen=True)
class Attribute:
    """One attribute of the org's user profile schema, as the hosted pages ask for it."""

    name: str  # Okta's profile attribute name
    label: str
    input_type: str = "text"
    on_registration: bool = True  # on the self-service registration form
    required: bool = True  # required on the registration form
    required_at_sign_in: bool = False  # progressive profiling asks for it at sign-in when missing
    user_field: str | None = None  # the OrgUser field that holds it
    autocomplete: str = "off"


# The synthetic org's profile schema: Okta's base attributes the registration request carries
# (docs/okta-behaviour.md#registration-hook) plus the attributes the request generator knows: mobilePhone (the
# telephony hook's phone) and the custom attribute employeeNumber that progressive profiling asks for.
PROFILE_SCHEMA: tuple[Attribute, ...] = (
    Attribute("email", "Email", "email", autocomplete="email"),
    Attribute("firstName", "First name", user_field="first_name", autocomplete="given-name"),
    Attribute("lastName", "Last name", user_field="last_name", autocomplete="family-name"),
    Attribute("mobilePhone", "Mobile phone", "tel", required=False, user_field="mobile_phone", autocomplete="tel"),
    Attribute("employeeNumber", "Employee number", on_registration=False, required=False, required_at_sign_in=True,
              user_field="employee_number"),
)
REGISTRATION_FIELDS = tuple(a for a in PROFILE_SCHEMA if a.on_registration)

# The Sign-In Widget's words (docs/okta-behaviour.md#hosted-registration-page).
FIELD_BLANK = "This field cannot be left blank"
FORM_HAS_ERRORS = "We found some errors. Please review the form and make corrections."
ALREADY_EXISTS = "A user with this Email already exists"
PASSWORD_RULES = "Password requirements were not met"
PASSWORD_MIN_LENGTH = 8  # Okta's default password policy minimum
E164 = re.compile(r"^\+[1-9][0-9]{6,14}$")  # a phone number in international format
INVALID_PHONE = "Enter a phone number in international format, such as +14155550100."


def run_hook(hook: dict, kind: str, label: str, **request_kwargs: Any) -> Any:
    """Build the request with the core (``inline_request``), call ``hook`` through the server (delivery record and
    System Log events) and note the call for the "what Okta did" panel; returns the ``InlineResult``."""
    from ..server.inline_hooks import call_hook

    st = state()
    with st.lock:  # the seeded payload factory is not thread-safe
        body = st.emulator.payloads.inline_request(kind, hook_id=hook["id"], **request_kwargs)
    result = call_hook(hook, via="page", request=body)
    note_hook_call(result, label)
    return result


def attribute_value(account: Account, attr: Attribute) -> Any:
    """The account's value of a profile attribute (its ``OrgUser`` field or its stored extra profile)."""
    if attr.user_field:
        return getattr(account.user, attr.user_field)
    return account.profile.get(attr.name)


def user_target(account: Account) -> list[dict]:
    """The System Log target naming ``account``."""
    return [{"id": account.user.id, "type": "User", "alternateId": account.login,
             "displayName": account.user.display_name}]


def shown_errors(outcome: Any, fields: tuple[Attribute, ...]) -> tuple[str | None, dict[str, list[str]]]:
    """Where Okta shows a denial: each error cause naming a field of the form by that field (with the widget's
    "review the form" line on top), everything else above the form."""
    on_form = {a.name for a in fields}
    by_field = {name: msgs for name, msgs in (outcome.field_errors or {}).items() if name in on_form}
    if not by_field:
        return outcome.end_user_message, {}
    elsewhere = [m for name, msgs in outcome.field_errors.items() if name not in on_form for m in msgs]
    return " ".join([FORM_HAS_ERRORS, *elsewhere]), by_field


def _typed_profile() -> dict[str, str]:
    typed = {a.name: request.form.get(a.name, "").strip() for a in REGISTRATION_FIELDS}
    typed["mobilePhone"] = typed["mobilePhone"].replace(" ", "")
    return typed


def _check_form(typed: dict[str, str], password: str) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for attr in REGISTRATION_FIELDS:
        if attr.required and not typed[attr.name]:
            errors[attr.name] = [FIELD_BLANK]
    if typed["email"] and "@" not in typed["email"]:
        errors["email"] = ["Enter a valid email address, such as name@example.com"]
    if typed["mobilePhone"] and not E164.match(typed["mobilePhone"]):
        errors["mobilePhone"] = [INVALID_PHONE]
    if len(password) < PASSWORD_MIN_LENGTH:
        errors["password"] = [f"{PASSWORD_RULES}: at least {PASSWORD_MIN_LENGTH} characters"]
    return errors


def _new_account(profile: dict[str, Any], password: str) -> Account:
    """The registered account for the final profile (after the hook's changes)."""
    st = state()
    login = str(profile.get("login") or profile.get("email"))
    base = resolve_user(st.emulator.payloads.org, {"login": login})  # a new person of the org (id from the login)
    fields = {a.user_field: str(profile.get(a.name) or "") for a in PROFILE_SCHEMA if a.user_field}
    user = dataclasses.replace(base, **fields)
    on_user = {"login", "email"} | {a.name for a in PROFILE_SCHEMA if a.user_field}
    extra = {name: value for name, value in profile.items() if name not in on_user}
    account = Account(user, source=REGISTERED, status="ACTIVE", profile=extra)
    return set_password(st, account, password)


def _page(typed: dict[str, str], from_uri: str, error: str | None = None,
          field_errors: dict[str, list[str]] | None = None, status: int = 200) -> Response:
    page = render_page("register.html", fields=REGISTRATION_FIELDS, values=typed, from_uri=from_uri, error=error,
                       field_errors=field_errors or {})
    page.status_code = status
    return page


@bp.route("/signin/register", methods=["GET", "POST"])
def registration_page() -> Response:
    """Show the self-service registration form (GET) or register (POST: the profile fields and ``password``)."""
    from_uri = safe_from_uri(request.values.get("fromURI"))
    if request.method == "GET":
        return _page({a.name: "" for a in REGISTRATION_FIELDS}, from_uri)
    check_form_token()
    st = state()
    typed = _typed_profile()
    password = request.form.get("password", "")
    errors = _check_form(typed, password)
    if not errors and find_account(st, typed["email"]) is not None:
        errors["email"] = [ALREADY_EXISTS]
    if errors:
        return _page(typed, from_uri, FORM_HAS_ERRORS, errors, 400)
    profile: dict[str, Any] = {"login": typed["email"], **{k: v for k, v in typed.items() if v}}
    hook = active_hook("registration")
    if hook is not None:
        extra = {f"data.userProfile.{name}": value for name, value in typed.items()
                 if value and name not in ("email", "firstName", "lastName")}
        result = run_hook(hook, "registration", "Registration inline hook",
                          request_type="self.service.registration", overrides=extra or None,
                          user={"login": typed["email"], "firstName": typed["firstName"],
                                "lastName": typed["lastName"]})
        outcome = result.outcome
        if outcome.denied:
            message, field_errors = shown_errors(outcome, REGISTRATION_FIELDS)
            return _page(typed, from_uri, message, field_errors, 400)
        profile = outcome.profile
        if find_account(st, str(profile.get("login") or profile.get("email"))) is not None:
            return _page(typed, from_uri, FORM_HAS_ERRORS, {"email": [ALREADY_EXISTS]}, 400)
    account = _new_account(profile, password)
    if hook is None:  # with a hook, the core's judge wrote user.lifecycle.create
        st.log("user.lifecycle.create", outcome="SUCCESS", targets=user_target(account))
    st.log("user.lifecycle.activate", outcome="SUCCESS", targets=user_target(account))
    sign_in(account)
    carry_hook_calls()
    return redirect(from_uri, code=302)
