"""A minimal ``POST /api/v1/users`` (Okta's Users API shape): create a stored account the org knows, either an
imported user whose password the password-import inline hook verifies at the first sign-in
(``credentials.password.hook.type`` ``default``, docs/okta-behaviour.md#password-import-hook) or a user with a
password (``credentials.password.value``, stored hashed only)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response

from ..errors import OktaAPIError
from ..payloads.org import OrgUser
from .app import json_body, okta_json, org_url, state
from .users import IMPORTED, REGISTERED, Account, find_account, hash_password, save_account

bp = Blueprint("users_api", __name__, url_prefix="/api/v1/users")


def public_user(account: Account, created: str) -> dict[str, Any]:
    """The account as Okta's Users API returns it (no credential values)."""
    user = account.user
    provider = {"type": "IMPORT" if account.source == IMPORTED else "OKTA",
                "name": "IMPORT" if account.source == IMPORTED else "OKTA"}
    return {"id": user.id, "status": account.status, "created": created, "activated": created,
            "statusChanged": created, "lastLogin": None, "lastUpdated": created,
            "passwordChanged": None if account.password_hash is None else created, "type": {"id": None},
            "profile": {"firstName": user.first_name, "lastName": user.last_name, "login": user.login,
                        "email": user.email, "mobilePhone": user.mobile_phone or None, **account.profile},
            "credentials": {"password": {}, "provider": provider},
            "_links": {"self": {"href": f"{org_url()}/api/v1/users/{user.id}"}}}


@bp.post("")
def create_user() -> Response:
    """Create an ACTIVE user: ``{"profile": {firstName, lastName, email, login}, "credentials": {"password":
    {"hook": {"type": "default"}}}}`` (imported: the password-import hook verifies the first sign-in) or
    ``{"password": {"value": "..."}}``."""
    from .api_caller import api_call_kwargs

    st = state()
    body = json_body()
    profile = body.get("profile") if isinstance(body.get("profile"), dict) else {}
    causes: list[str] = []
    for name in ("firstName", "lastName", "login"):
        if not isinstance(profile.get(name), str) or not profile.get(name, "").strip():
            causes.append(f"profile.{name}: The field cannot be left blank.")
    login = str(profile.get("login") or "").strip()
    if login and "@" not in login:
        causes.append("profile.login: Username must be in the form of an email address.")
    creds = body.get("credentials") if isinstance(body.get("credentials"), dict) else {}
    password = creds.get("password") if isinstance(creds.get("password"), dict) else {}
    hook = password.get("hook") if isinstance(password.get("hook"), dict) else None
    value = password.get("value")
    if hook is not None and hook.get("type") != "default":
        causes.append("credentials.password.hook.type: The only hook type is 'default' (the org's ACTIVE password "
                      "import inline hook).")
    if hook is None and not (isinstance(value, str) and value):
        causes.append('credentials.password: Send {"hook": {"type": "default"}} for an imported user (the password '
                      'import inline hook verifies the first sign-in) or {"value": "<password>"}.')
    if causes:
        raise OktaAPIError("E0000001", "user", causes=causes)
    if find_account(st, login) is not None:
        raise OktaAPIError("E0000001", "user", causes=[
            "login: An object with this field already exists in the current organization"])
    user = OrgUser(id=st.new_id("00u"), login=login, first_name=profile["firstName"].strip(),
                   last_name=profile["lastName"].strip(), locale=str(profile.get("locale") or "en_US"),
                   time_zone=str(profile.get("timezone") or "America/Los_Angeles"),
                   mobile_phone=str(profile.get("mobilePhone") or ""), password_changed_days=0,
                   employee_number=str(profile.get("employeeNumber") or ""))
    extra = {k: v for k, v in profile.items() if k not in ("firstName", "lastName", "login", "email", "locale",
                                                           "timezone", "mobilePhone", "employeeNumber")}
    account = Account(user, IMPORTED if hook is not None else REGISTERED, "ACTIVE", extra,
                      None if hook is not None else hash_password(value))
    save_account(st, account)
    target = {"id": user.id, "type": "User", "alternateId": login, "displayName": user.display_name}
    st.log("user.lifecycle.create", targets=[target], **api_call_kwargs(st, "user.lifecycle.create"))
    return okta_json(public_user(account, st.now()))
