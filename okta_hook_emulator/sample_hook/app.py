"""A sample hook service implementing every Okta hook kind the way Okta's own sample apps do.

One Flask app; every hook kind can be registered at its own path (``/hooks/events``, ``/hooks/token``,
``/hooks/saml``, ``/hooks/registration``, ``/hooks/import``, ``/hooks/password-import``,
``/hooks/telephony``) or all at one URL (``/hooks``): the app routes by what Okta sends (the verification
GET, the ``com.okta.event_hook`` envelope, or an inline request's ``eventType``).

Behaviour chosen from the payload (the rules the built-in scenarios rely on):

- event hook: answers the verification challenge; ``200`` with an empty body for every delivery (de-duplicated
  by ``eventId``; ``GET /hooks/received`` shows what arrived).
- token: adds ``extPatientId`` = ``P-<local part of the user's login>`` to the ID token and ``external_guid``
  to the access token; a scope containing ``extended_session`` sets both lifetimes to 36000 s; a user
  in ``@blocked.example`` gets an ``error`` object.
- SAML: adds an ``extPatientId`` attribute statement; ``@blocked.example`` gets an ``error`` object.
- registration (self-service): denies emails in ``@blocked.example`` (with an end-user message on
  ``data.userProfile.email``), otherwise allows and enriches the profile with ``employeeNumber``.
- progressive profile: accepts the update, upper-casing ``employeeNumber`` style codes; denies
  ``@blocked.example`` users.
- import: links to the existing user on a conflict or match (``data.user.id`` or the first match); a login
  conflict with no user to link creates the user under ``<local>+imported@<domain>``; else creates the user
  with ``accountSource: sample-import``.
- password import: ``VERIFIED`` when the password is the legacy store's (``KNOWN_PASSWORD``), else ``UNVERIFIED``.
- telephony: ``SUCCESSFUL`` (provider ``SAMPLE-SMS``/``SAMPLE-VOICE``); phone numbers starting with ``+999``
  cannot be delivered: an ``error`` object (Okta fails over to its own providers).
- any user in ``@slow.example`` is answered after ``slow_seconds`` (3.5 s: past Okta's 3 s budget).

``misbehave`` (``create_app(misbehave=...)`` or ``--misbehave``) breaks every POST on purpose:
``slow`` (answer after ``slow_seconds``), ``timeout`` (answer after ``hang_seconds``), ``error`` (an Okta
``error`` object; 400 for event deliveries), ``malformed`` (200 with a body that is not JSON), ``500``.
The verification GET is never broken, so the hooks can still be registered and verified.
"""

from __future__ import annotations

import hashlib
import threading
import time
from typing import Any

from flask import Flask, Response, jsonify, request

MISBEHAVE_MODES = ("slow", "timeout", "error", "malformed", "500")
BLOCKED_DOMAIN = "blocked.example"
SLOW_DOMAIN = "slow.example"
KNOWN_PASSWORD = "Tr0ub4dor&3"
UNDELIVERABLE_PREFIX = "+999"

KIND_BY_EVENT_TYPE = {
    "com.okta.oauth2.tokens.transform": "token",
    "com.okta.saml.tokens.transform": "saml",
    "com.okta.user.pre-registration": "registration",
    "com.okta.import.transform": "import",
    "com.okta.user.credential.password.import": "password-import",
    "com.okta.telephony.provider": "telephony",
}


def _dig(obj: Any, *path: str) -> Any:
    for p in path:
        if not isinstance(obj, dict):
            return None
        obj = obj.get(p)
    return obj


def _domain(login: Any) -> str:
    return login.rsplit("@", 1)[-1].lower() if isinstance(login, str) and "@" in login else ""


def patient_id(login: str) -> str:
    """The sample's patient directory: ``P-<local part of the login>``."""
    return "P-" + login.split("@", 1)[0]


def employee_number(email: str) -> str:
    """A stable employee number derived from the email (the sample's HR lookup)."""
    return "E" + str(int(hashlib.sha256(email.lower().encode()).hexdigest(), 16) % 1_000_000).zfill(6)


def login_of(kind: str, body: dict) -> str | None:
    """The end user's login for each kind (where Okta puts it)."""
    data = body.get("data") or {}
    candidates = {
        "token": [("context", "user", "profile", "login"), ("context", "session", "login")],
        "saml": [("context", "user", "profile", "login"), ("assertion", "subject", "nameId")],
        "registration": [("userProfile", "email"), ("userProfile", "login"), ("context", "user", "profile", "login")],
        "import": [("appUser", "profile", "email"), ("user", "profile", "login")],
        "password-import": [("context", "credential", "username")],
        "telephony": [("userProfile", "login")],
    }.get(kind, [])
    for path in candidates:
        value = _dig(data, *path)
        if isinstance(value, str) and value:
            return value
    return None


def _error(summary: str, causes: list[dict] | None = None) -> dict:
    err: dict[str, Any] = {"errorSummary": summary}
    if causes:
        err["errorCauses"] = causes
    return {"error": err}


# -- one function per hook kind: request body -> response body (None = 204) ---------------------------------


def token_hook(body: dict) -> dict | None:
    data = body.get("data") or {}
    login = login_of("token", body)
    if _domain(login) == BLOCKED_DOMAIN:
        return _error(f"User {login} is not allowed to get tokens from this application")
    scope = str(_dig(data, "context", "protocol", "request", "scope") or "")
    commands = []
    if isinstance(data.get("identity"), dict):
        ops: list[dict] = []
        if login:
            ops.append({"op": "add", "path": "/claims/extPatientId", "value": patient_id(login)})
        if "extended_session" in scope.split():
            ops.append({"op": "replace", "path": "/token/lifetime/expiration", "value": 36000})
        if ops:
            commands.append({"type": "com.okta.identity.patch", "value": ops})
    if isinstance(data.get("access"), dict):
        subject = login or str(_dig(data, "context", "protocol", "client", "id") or "client")
        guid = hashlib.sha1(subject.encode()).hexdigest().upper()
        ops = [{"op": "add", "path": "/claims/external_guid",
                "value": f"{guid[:8]}-{guid[8:12]}-{guid[12:16]}-{guid[16:20]}-{guid[20:32]}"}]
        if "extended_session" in scope.split():
            ops.append({"op": "replace", "path": "/token/lifetime/expiration", "value": 36000})
        commands.append({"type": "com.okta.access.patch", "value": ops})
    return {"commands": commands} if commands else None


def saml_hook(body: dict) -> dict | None:
    login = login_of("saml", body)
    if _domain(login) == BLOCKED_DOMAIN:
        return _error(f"User {login} may not sign in to this application")
    if not login:
        return None
    return {"commands": [{"type": "com.okta.assertion.patch", "value": [
        {"op": "add", "path": "/claims/extPatientId", "value": {
            "attributes": {"NameFormat": "urn:oasis:names:tc:SAML:2.0:attrname-format:basic"},
            "attributeValues": [{"attributes": {"xsi:type": "xs:string"}, "value": patient_id(login)}]}}]}]}


def registration_hook(body: dict) -> dict | None:
    data = body.get("data") or {}
    progressive = body.get("requestType") == "progressive.profile"
    email = login_of("registration", body) or ""
    if _domain(email) == BLOCKED_DOMAIN:
        location = "data.context.user.profile.login" if progressive else "data.userProfile.email"
        return {"commands": [{"type": "com.okta.action.update", "value": {"registration": "DENY"}}],
                **_error("Incorrect email address. Please contact your admin.", [{
                    "errorSummary": f"Emails from {BLOCKED_DOMAIN} cannot register.",
                    "reason": "INVALID_EMAIL_DOMAIN", "locationType": "body", "location": location,
                    "domain": "end-user"}])}
    if progressive:
        update = {k: (v.upper() if isinstance(v, str) and k == "employeeNumber" else v)
                  for k, v in (data.get("userProfileUpdate") or {}).items()}
        if not update:
            update = {"employeeNumber": employee_number(email)}
        return {"commands": [{"type": "com.okta.user.progressive.profile.update", "value": update}]}
    return {"commands": [
        {"type": "com.okta.action.update", "value": {"registration": "ALLOW"}},
        {"type": "com.okta.user.profile.update", "value": {"employeeNumber": employee_number(email)}},
    ]}


def _match_id(data: dict) -> str | None:
    user_id = _dig(data, "user", "id")
    if isinstance(user_id, str) and user_id:
        return user_id
    for match in _dig(data, "context", "matches") or []:
        if isinstance(match, str) and match:
            return match
        if isinstance(match, dict) and isinstance(match.get("id"), str):
            return match["id"]
    return None


def import_hook(body: dict) -> dict | None:
    data = body.get("data") or {}
    conflicts = _dig(data, "context", "conflicts") or []
    matches = _dig(data, "context", "matches") or []
    user_id = _match_id(data)
    if (conflicts or matches) and user_id:
        return {"commands": [{"type": "com.okta.action.update", "value": {"result": "LINK_USER"}},
                             {"type": "com.okta.user.update", "value": {"id": user_id}}]}
    if "login" in conflicts:
        # A login conflict without a known user to link: create the user under a unique login instead.
        login = str(_dig(data, "user", "profile", "login") or "")
        local, _, domain = login.partition("@")
        return {"commands": [{"type": "com.okta.action.update", "value": {"result": "CREATE_USER"}},
                             {"type": "com.okta.user.profile.update",
                              "value": {"login": f"{local}+imported@{domain}" if domain else f"{login}+imported"}}]}
    return {"commands": [{"type": "com.okta.action.update", "value": {"result": "CREATE_USER"}},
                         {"type": "com.okta.appUser.profile.update", "value": {"accountSource": "sample-import"}}]}


def password_import_hook(body: dict) -> dict | None:
    cred = _dig(body, "data", "context", "credential") or {}
    ok = cred.get("password") == KNOWN_PASSWORD and _domain(cred.get("username")) != BLOCKED_DOMAIN
    return {"commands": [{"type": "com.okta.action.update",
                          "value": {"credential": "VERIFIED" if ok else "UNVERIFIED"}}]}


def telephony_hook(body: dict) -> dict | None:
    profile = _dig(body, "data", "messageProfile") or {}
    phone = str(profile.get("phoneNumber") or "")
    if phone.replace(" ", "").startswith(UNDELIVERABLE_PREFIX):
        return _error(f"Failed to deliver {profile.get('deliveryChannel', 'SMS')} OTP to {phone}", [
            {"errorSummary": "Provider could not deliver OTP", "reason": "Number not reachable",
             "location": phone}])
    channel = str(profile.get("deliveryChannel") or "SMS")
    tx = hashlib.sha1(f"{phone}:{profile.get('otpCode')}".encode()).hexdigest()
    return {"commands": [{"type": "com.okta.telephony.action", "value": [{
        "status": "SUCCESSFUL", "provider": "SAMPLE-SMS" if channel.lower() == "sms" else "SAMPLE-VOICE",
        "transactionId": "SM" + tx, "transactionMetadata": "Duration=1ms"}]}]}


HANDLERS = {"token": token_hook, "saml": saml_hook, "registration": registration_hook, "import": import_hook,
            "password-import": password_import_hook, "telephony": telephony_hook}


def create_app(misbehave: str | None = None, *, slow_seconds: float = 3.5, hang_seconds: float = 30.0,
               auth_header: tuple[str, str] | None = None) -> Flask:
    """Build the sample hook app. ``misbehave`` is one of ``MISBEHAVE_MODES`` (or None/"none");
    ``auth_header`` = ``(name, value)`` makes every request without that header answer 401."""
    if misbehave in ("", "none"):
        misbehave = None
    if misbehave is not None and misbehave not in MISBEHAVE_MODES:
        raise ValueError(f"misbehave must be one of {', '.join(MISBEHAVE_MODES)}; got {misbehave!r}")
    app = Flask("sample_hook")
    state: dict[str, Any] = {"lock": threading.Lock(), "event_ids": [], "events": [], "calls": []}
    app.extensions["sample_hook"] = state
    app.config.update(MISBEHAVE=misbehave, SLOW_SECONDS=slow_seconds, HANG_SECONDS=hang_seconds)

    def misbehaving(is_event: bool) -> Response | None:
        if misbehave == "slow":
            time.sleep(slow_seconds)
        elif misbehave == "timeout":
            time.sleep(hang_seconds)
        elif misbehave == "error":
            if is_event:
                return jsonify(_error("Sample hook misbehaving (error mode)")["error"]), 400
            return jsonify(_error("Sample hook misbehaving (error mode)"))
        elif misbehave == "malformed":
            return Response('{"commands": [ {"type": ', status=200, content_type="application/json")
        elif misbehave == "500":
            return Response("Internal Server Error (sample hook misbehaving)", status=500)
        return None

    @app.get("/hooks/received")
    def received() -> Any:
        with state["lock"]:
            return jsonify({"eventIds": list(state["event_ids"]), "events": len(state["events"]),
                            "calls": list(state["calls"])})

    @app.route("/", methods=["GET", "POST"])
    @app.route("/hooks", methods=["GET", "POST"])
    @app.route("/hooks/<path:name>", methods=["GET", "POST"])
    def hook(name: str | None = None) -> Any:
        if auth_header is not None and request.headers.get(auth_header[0]) != auth_header[1]:
            return jsonify({"error": "unauthorized"}), 401
        if request.method == "GET":
            challenge = request.headers.get("X-Okta-Verification-Challenge")
            if challenge is None:
                return jsonify({"service": "okta sample hook", "misbehave": misbehave or "none"})
            return jsonify({"verification": challenge})
        body = request.get_json(silent=True)
        if not isinstance(body, dict):
            return jsonify({"error": "expected a JSON object"}), 400
        event_type = body.get("eventType")
        is_event = event_type == "com.okta.event_hook"
        broken = misbehaving(is_event)
        if broken is not None:
            return broken
        if is_event:
            with state["lock"]:
                if body.get("eventId") not in state["event_ids"]:
                    state["event_ids"].append(body.get("eventId"))
                    state["events"].extend(_dig(body, "data", "events") or [])
            return Response(status=200)
        kind = KIND_BY_EVENT_TYPE.get(str(event_type))
        if kind is None:
            return jsonify(_error(f"Unsupported eventType {event_type!r}")), 400
        if _domain(login_of(kind, body)) == SLOW_DOMAIN:
            time.sleep(slow_seconds)
        with state["lock"]:
            state["calls"].append(kind)
        answer = HANDLERS[kind](body)
        if answer is None:
            return Response(status=204)
        return jsonify(answer)

    return app


def serve(app: Flask, host: str = "127.0.0.1", port: int = 0) -> tuple[Any, threading.Thread, str]:
    """Run ``app`` on a background thread (threaded werkzeug server); returns ``(server, thread, base_url)``.
    Stop it with ``server.shutdown()``."""
    from werkzeug.serving import WSGIRequestHandler, make_server

    class Quiet(WSGIRequestHandler):
        def log_request(self, *args: Any, **kwargs: Any) -> None:
            pass

    server = make_server(host, port, app, threaded=True, request_handler=Quiet)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="sample-hook", daemon=True)
    thread.start()
    return server, thread, f"http://{host}:{server.server_port}"
