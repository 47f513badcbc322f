"""Verify your phone (``/signin/verify/phone``, docs/okta-behaviour.md#hosted-phone-verification): the signed-in
person asks for a one-time code by SMS or voice call. The core builds the telephony inline hook request for
their phone with a generated code (``mfa-verification`` for the phone on their profile, ``pre-enrollment`` for
a new one); the ACTIVE telephony hook sends it, or, when the hook fails or reports FAILED (or none is
registered), Okta's own providers do, and the page says which. The page then accepts that code until it expires.

The code is never stored: the session keeps an HMAC of it (keyed with the app's secret), its expiry and the
phone number."""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
from datetime import datetime
from urllib.parse import urlencode

from flask import Response, current_app, redirect, request, session

from ..server.app import state
from ..server.inline_hooks import active_hook
from ..server.users import Account, save_account
from . import bp
from .registration import E164, INVALID_PHONE, run_hook
from .session import carry_hook_calls, check_form_token, safe_from_uri, signed_in_account
from .signin import render_page

PENDING = "phone_otp"  # session key: {phone, channel, digest, expires, sent_by}
VERIFIED = "phone_verified"  # session key: the phone number verified in this session
CHANNELS = {"sms": "SMS", "voice": "Voice call"}
ENROLL = "com.okta.user.telephony.pre-enrollment"
VERIFY = "com.okta.user.telephony.mfa-verification"
# The Sign-In Widget's words (docs/okta-behaviour.md#hosted-phone-verification).
INVALID_CODE = "Invalid code. Try again."
EXPIRED_CODE = "Your code has expired. Send a new one."


def _digest(login: str, phone: str, code: str) -> str:
    key = current_app.secret_key
    key = key.encode() if isinstance(key, str) else bytes(key or b"")
    return hmac.new(key, f"{login}\0{phone}\0{code}".encode(), hashlib.sha256).hexdigest()


def _page(from_uri: str, **context: object) -> Response:
    context.setdefault("pending", session.get(PENDING))
    return render_page("phone.html", from_uri=from_uri, channels=CHANNELS, verified=session.get(VERIFIED),
                       **context)


def _send(account: Account, phone: str, channel: str) -> dict:
    """Send a code to ``phone``: through the telephony hook, or Okta's own providers on failover / without a hook.
    Returns what the page says about it."""
    st = state()
    user = account.user
    request_type = VERIFY if phone == user.mobile_phone else ENROLL
    person = dataclasses.replace(user, mobile_phone=phone)
    hook = active_hook("telephony")
    kwargs = {"request_type": request_type, "variant": channel, "user": person}
    if hook is not None:
        result = run_hook(hook, "telephony", "Telephony inline hook", **kwargs)
        body, outcome = result.request, result.outcome
        sent = {"hook": True, "by": outcome.delivered_by, "provider": outcome.provider,
                "transaction": outcome.transaction_id, "status": outcome.status}
    else:
        with st.lock:  # Okta builds the same message for its own providers
            body = st.emulator.payloads.inline_request("telephony", **kwargs)
        sent = {"hook": False, "by": "okta", "provider": None, "transaction": None, "status": None}
    message = body["data"]["messageProfile"]
    expires = datetime.fromisoformat(message["otpExpires"].replace("Z", "+00:00")).timestamp()
    return {"phone": phone, "channel": channel, "digest": _digest(account.login, phone, message["otpCode"]),
            "expires": expires, "request_type": request_type, "code": message["otpCode"], **sent}


@bp.route("/signin/verify/phone", methods=["GET", "POST"])
def phone_page() -> Response:
    """Send a one-time code to the signed-in person's phone (POST ``action=send``) and check it (``action=verify``)."""
    from_uri = safe_from_uri(request.values.get("fromURI"), "/signin/verify/phone")
    account = signed_in_account()
    if account is None:
        here = "/signin/verify/phone" + ("?" + urlencode({"fromURI": from_uri}) if "fromURI" in request.values else "")
        return redirect("/login/login.htm?" + urlencode({"fromURI": here}), code=302)
    phone = account.user.mobile_phone
    if request.method == "GET":
        return _page(from_uri, phone=phone)
    check_form_token()
    if request.form.get("action") == "verify":
        return _verify(account, from_uri)
    phone = request.form.get("phone", "").replace(" ", "").strip()
    channel = request.form.get("channel", "sms")
    if channel not in CHANNELS:
        channel = "sms"
    if not E164.match(phone):
        page = _page(from_uri, phone=phone, error=INVALID_PHONE, pending=None)
        page.status_code = 400
        return page
    pending = _send(account, phone, channel)
    session[PENDING] = {k: v for k, v in pending.items() if k != "code"}
    return _page(from_uri, phone=phone, pending=pending, demo_code=pending["code"])


def _verify(account: Account, from_uri: str) -> Response:
    pending = session.get(PENDING)
    code = request.form.get("code", "").strip()
    st = state()
    error = None
    if not pending:
        error = EXPIRED_CODE
    elif st.clock.now().timestamp() > pending["expires"]:
        error = EXPIRED_CODE
        session.pop(PENDING, None)
    elif not hmac.compare_digest(_digest(account.login, pending["phone"], code), pending["digest"]):
        error = INVALID_CODE
    if error:
        page = _page(from_uri, phone=(pending or {}).get("phone", ""), error=error,
                     pending=session.get(PENDING))
        page.status_code = 400
        return page
    session.pop(PENDING, None)
    session[VERIFIED] = pending["phone"]
    if pending["request_type"] == ENROLL:  # a new phone: it becomes the profile's mobile phone
        account.user = dataclasses.replace(account.user, mobile_phone=pending["phone"])
        save_account(st, account)
    carry_hook_calls()
    return redirect(from_uri, code=302)
