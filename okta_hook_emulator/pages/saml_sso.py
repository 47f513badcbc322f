"""A SAML app's SSO URL (``/app/{appName}/{appId}/sso/saml``, docs/okta-behaviour.md#saml-sso): SP-initiated
sign-on with an AuthnRequest over the HTTP-Redirect (GET) or HTTP-POST binding, keeping ``RelayState``, and
IdP-initiated sign-on (a GET without ``SAMLRequest``). Someone not signed in goes to the hosted sign-in page and
comes back. Then the org builds the SAML assertion for the signed-in person and the app (the core's SAML hook
request), runs the ACTIVE SAML inline hook on it (``server/inline_hooks.call_hook``: the core judges the answer and
applies its commands; a failed call fails open, an ``error`` answer shows its ``errorSummary`` on an error page),
and answers a page that POSTs the signed ``SAMLResponse`` and ``RelayState`` to the app's ACS URL (a Continue
button without JavaScript, a same-origin script that submits it otherwise).

The apps and their service-provider settings are ``server/saml_metadata.py``'s; the Response and its signatures
are ``emulator/saml_signing.saml_response``."""

from __future__ import annotations

import base64
import binascii
import zlib
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlsplit

from flask import Response, redirect, request

from ..clock import iso
from ..emulator.outcomes.saml import assertion_xml
from ..emulator.saml_signing import saml_response
from ..server.app import org_url, state
from ..server.saml_metadata import SamlApp, find_saml_app, saml_hook_for
from . import bp
from .session import note_hook_call, sign_in_url, signed_in_account
from .signin import render_page

NS_SAMLP = "urn:oasis:names:tc:SAML:2.0:protocol"
NS_SAML = "urn:oasis:names:tc:SAML:2.0:assertion"
MAX_REQUEST_BYTES = 64 * 1024  # an inflated AuthnRequest larger than this is refused
HOOK_LABEL = "SAML assertion inline hook"
# The words of the error pages (docs/okta-behaviour.md#saml-sso: the wording is ours).
APP_NOT_FOUND = "This SAML app does not exist in the org. Check the app's SSO URL (GET /_emulator/saml-apps)."
BAD_REQUEST = "The SAML request could not be read"
ACS_NOT_REGISTERED = ("The AuthnRequest asks for the Assertion Consumer Service URL {asked}, which is not this app's "
                      "Single sign-on URL ({registered}). Register the service provider's ACS URL "
                      "(POST /_emulator/saml-apps) or fix the service provider's configuration.")


@dataclass(frozen=True)
class AuthnRequest:
    """What the SSO needs from a service provider's ``<samlp:AuthnRequest>``."""

    id: str
    acs_url: str | None
    issuer: str | None
    xml: bytes


def parse_authn_request(value: str, *, deflated: bool) -> AuthnRequest:
    """Read a ``SAMLRequest`` parameter: base64 (HTTP-POST binding) or base64 of raw DEFLATE (HTTP-Redirect
    binding). Raises ``ValueError`` naming what is wrong."""
    from lxml import etree

    try:
        data = base64.b64decode(value.replace(" ", "+"), validate=False)
    except (binascii.Error, ValueError):
        raise ValueError("SAMLRequest is not base64") from None
    if deflated:
        inflater = zlib.decompressobj(-15)
        try:
            data = inflater.decompress(data, MAX_REQUEST_BYTES)
        except zlib.error:
            raise ValueError("SAMLRequest is not DEFLATE-compressed, as the HTTP-Redirect binding requires") from None
        if inflater.unconsumed_tail:
            raise ValueError("SAMLRequest is too large")
    if len(data) > MAX_REQUEST_BYTES:
        raise ValueError("SAMLRequest is too large")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise ValueError(f"SAMLRequest is not well-formed XML ({exc})") from None
    if root.getroottree().docinfo.doctype:
        raise ValueError("SAMLRequest must not have a DOCTYPE")
    if root.tag != f"{{{NS_SAMLP}}}AuthnRequest":
        raise ValueError(f"SAMLRequest must be a samlp:AuthnRequest, not {etree.QName(root).localname}")
    if not root.get("ID"):
        raise ValueError("the AuthnRequest has no ID")
    return AuthnRequest(root.get("ID"), root.get("AssertionConsumerServiceURL"),
                        (root.findtext(f"{{{NS_SAML}}}Issuer") or "").strip() or None, data)


def _redirect_encoded(xml: bytes) -> str:
    """``xml`` as the HTTP-Redirect binding carries it (raw DEFLATE, base64)."""
    deflater = zlib.compressobj(9, zlib.DEFLATED, -15)
    return base64.b64encode(deflater.compress(xml) + deflater.flush()).decode("ascii")


def _error_page(message: str, status: int, app: SamlApp | None = None) -> Response:
    page = render_page("saml_error.html", message=message, app=app)
    page.status_code = status
    return page


def hook_request(st: Any, app: SamlApp, user: Any, sso_url: str, method: str) -> dict:
    """The core's SAML hook request for ``user`` signing in to ``app``: the app's issuer, ACS URL (recipient) and
    SP entity ID (audience)."""
    overrides = {"source": sso_url, "data.context.request.url.value": sso_url,
                 "data.context.request.method": method,
                 "data.context.protocol.issuer": {"id": app.okta_id, "name": app.label, "uri": app.issuer},
                 "data.assertion.subject.confirmation.data.recipient": app.acs_url,
                 "data.assertion.conditions.audienceRestriction": [app.audience]}
    with st.lock:  # the seeded factory is not thread-safe
        return st.emulator.payloads.inline_request("saml", user=user, overrides=overrides)


def _log_sso(st: Any, app: SamlApp, account: Any, sp_initiated: bool) -> None:
    """Write Okta's ``user.authentication.sso`` event (docs/okta-behaviour.md#ids-and-formats: the SSO URL,
    ``initiationType`` and ``signOnMode`` in ``debugData``)."""
    user = account.user
    actor = {"id": user.id, "type": "User", "alternateId": user.login, "displayName": user.display_name,
             "detailEntry": None}
    target = {"id": app.okta_id, "type": "AppInstance", "alternateId": app.label, "displayName": app.label,
              "detailEntry": {"signOnModeType": "SAML_2_0"}}
    debug = {"requestUri": app.sso_path, "url": app.sso_path + "?", "signOnMode": "SAML 2.0",
             "initiationType": "SP_INITIATED" if sp_initiated else "IDP_INITIATED"}
    st.log("user.authentication.sso", actor=actor, targets=[target], outcome="SUCCESS", debug_data=debug)


@bp.route("/app/<app_name>/<app_id>/sso/saml", methods=["GET", "POST"])
def saml_sso(app_name: str, app_id: str) -> Response:
    """A SAML app's SSO URL: SP-initiated (SAMLRequest, HTTP-Redirect or HTTP-POST) or IdP-initiated sign-on."""
    st = state()
    app = find_saml_app(st, app_name, app_id)
    if app is None:
        return _error_page(APP_NOT_FOUND, 404)
    raw = request.values.get("SAMLRequest")
    relay_state = request.values.get("RelayState")
    authn = None
    if raw:
        try:
            authn = parse_authn_request(raw, deflated=request.method == "GET")
        except ValueError as exc:
            return _error_page(f"{BAD_REQUEST}: {exc}.", 400, app)
        if authn.acs_url and authn.acs_url != app.acs_url:
            return _error_page(ACS_NOT_REGISTERED.format(asked=authn.acs_url, registered=app.acs_url), 400, app)
    elif relay_state is None and app.default_relay_state:
        relay_state = app.default_relay_state  # IdP-initiated: the app's Default RelayState
    account = signed_in_account()
    if account is None:
        # Come back here by GET (the HTTP-Redirect form of the request): a top-level GET carries the session
        # cookie (SameSite=Lax), so a POST from the service provider's site resumes too.
        params = {"SAMLRequest": _redirect_encoded(authn.xml)} if authn else {}
        if relay_state is not None:
            params["RelayState"] = relay_state
        resume = app.sso_path + ("?" + urlencode(params) if params else "")
        return redirect(resume if request.method == "POST" else sign_in_url(resume), code=303)

    sso_url = org_url() + app.sso_path
    req = hook_request(st, app, account.user, sso_url, request.method)
    hook = saml_hook_for(st, app)
    final_xml = None
    if hook is not None:  # the core judges the answer and applies its commands (or fails open)
        from ..server.inline_hooks import call_hook

        result = call_hook(hook, via="saml-sso", request=req)
        note_hook_call(result, HOOK_LABEL)
        if result.outcome is not None and result.outcome.denied:
            return _error_page(result.outcome.error_message or "The callback service returned an error", 403, app)
        final_xml = result.outcome.assertion_xml if result.outcome is not None else None
    if final_xml is None:  # no hook: the same core code renders the request's assertion as is
        final_xml = assertion_xml(req["data"]["assertion"], req, st.clock.now())
    with st.lock:
        response_id = "id" + st.emulator.payloads.uuid().replace("-", "")
    xml = saml_response(final_xml, st.emulator.keys, response_id=response_id, issuer=app.issuer,
                        destination=app.acs_url, issue_instant=iso(st.clock.now()),
                        in_response_to=authn.id if authn else None, sign_response=app.response_signed)
    _log_sso(st, app, account, sp_initiated=authn is not None)
    page = render_page("saml_post.html", app=app, acs_url=app.acs_url, relay_state=relay_state,
                       saml_response=base64.b64encode(xml.encode("utf-8")).decode("ascii"))
    acs = urlsplit(app.acs_url)
    page.headers["Content-Security-Policy"] = (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; base-uri 'none'; "
        f"frame-ancestors 'none'; form-action {acs.scheme}://{acs.netloc}")
    page.headers["Cache-Control"] = "no-store"
    return page
