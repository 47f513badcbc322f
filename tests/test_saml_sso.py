"""SAML SSO over real HTTP (pages/saml_sso.py, server/saml_metadata.py, emulator/saml_signing.saml_response): a
service provider built on pysaml2 runs on 127.0.0.1 and trusts the org through the app's IdP metadata URL; the
test plays the browser with httpx (SP login -> the app's SSO URL -> the hosted sign-in page -> the auto-POST form
-> the SP's ACS). pysaml2 checks the signatures (with the xmlsec1 binary), the audience, the destination and
InResponseTo, so it accepting the response with the SAML hook's attribute, and refusing a tampered one, is the
acceptance test."""

from __future__ import annotations

import base64
import html
import json
import re
import shutil
import threading
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from flask import Flask, jsonify, redirect, request
from pytest_httpserver import HTTPServer
from werkzeug.serving import make_server

from okta_hook_emulator.server.users import DEMO_PASSWORD
from tests.helpers.server import inline_hook_body

saml2 = pytest.importorskip("saml2")
from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT  # noqa: E402
from saml2.client import Saml2Client  # noqa: E402
from saml2.config import SPConfig  # noqa: E402

pytestmark = pytest.mark.skipif(shutil.which("xmlsec1") is None,
                                reason="pysaml2 needs the xmlsec1 binary (Debian package xmlsec1, see .ci/run)")

SAML_HOOK_TYPE = "com.okta.saml.tokens.transform"
ADD_ATTRIBUTE = {"commands": [{"type": "com.okta.assertion.patch", "value": [
    {"op": "add", "path": "/claims/extPatientId",
     "value": {"attributes": {"NameFormat": "urn:oasis:names:tc:SAML:2.0:attrname-format:basic"},
               "attributeValues": [{"attributes": {"xsi:type": "xs:string"}, "value": "P-1234"}]}}]}]}
DENY = {"error": {"errorSummary": "Patients may not use the staff portal"}}


class ServiceProvider:
    """A pysaml2 service provider on 127.0.0.1: ``/login`` starts SP-initiated sign-on, ``/acs`` consumes the
    SAMLResponse (200 with what pysaml2 read, 403 with its refusal)."""

    def __init__(self) -> None:
        self.app = Flask("test_sp")
        self.client: Saml2Client | None = None
        self.idp_entity_id = ""
        self.outstanding: dict[str, str] = {}
        self.app.get("/login")(self._login)
        self.app.post("/login-post")(self._login_post)
        self.app.post("/acs")(self._acs)
        self.http = make_server("127.0.0.1", 0, self.app, threaded=True)
        self.url = f"http://127.0.0.1:{self.http.server_port}"
        self.entity_id = self.url + "/metadata"
        self.acs_url = self.url + "/acs"
        self.thread = threading.Thread(target=self.http.serve_forever, daemon=True)
        self.thread.start()

    def trust(self, metadata_xml: str, idp_entity_id: str) -> None:
        """Configure pysaml2 with the org's IdP metadata (as an SP admin pastes the metadata URL's document)."""
        config = SPConfig()
        config.load({
            "entityid": self.entity_id,
            "xmlsec_binary": shutil.which("xmlsec1"),
            "metadata": {"inline": [metadata_xml]},
            "allow_unknown_attributes": True,
            "service": {"sp": {"endpoints": {"assertion_consumer_service": [(self.acs_url, BINDING_HTTP_POST)]},
                               "allow_unsolicited": True, "want_response_signed": True,
                               "want_assertions_signed": True, "authn_requests_signed": False}},
        })
        self.client = Saml2Client(config)
        self.idp_entity_id = idp_entity_id

    def _login(self) -> Any:
        req_id, info = self.client.prepare_for_authenticate(entityid=self.idp_entity_id, relay_state="/reports",
                                                            binding=BINDING_HTTP_REDIRECT)
        self.outstanding[req_id] = "/reports"
        return redirect(dict(info["headers"])["Location"], code=302)

    def _login_post(self) -> Any:
        req_id, info = self.client.prepare_for_authenticate(entityid=self.idp_entity_id, relay_state="/posted",
                                                            binding=BINDING_HTTP_POST)
        self.outstanding[req_id] = "/posted"
        return info["data"]

    def _acs(self) -> Any:
        try:
            response = self.client.parse_authn_request_response(request.form["SAMLResponse"], BINDING_HTTP_POST,
                                                                outstanding=dict(self.outstanding))
        except Exception as exc:  # pysaml2 refuses with many exception types
            return jsonify({"refused": f"{type(exc).__name__}: {exc}"}), 403
        if response is None:
            return jsonify({"refused": "no response"}), 403
        return jsonify({"nameId": response.name_id.text, "ava": response.ava,
                        "inResponseTo": response.in_response_to, "relayState": request.form.get("RelayState")})

    def stop(self) -> None:
        self.http.shutdown()
        self.thread.join(5)


@pytest.fixture
def sp() -> Iterator[ServiceProvider]:
    provider = ServiceProvider()
    yield provider
    provider.stop()


@pytest.fixture
def saml_app(server: Any, api: httpx.Client, sp: ServiceProvider) -> dict:
    """The SP registered as a SAML app of the org, trusting the org's metadata URL."""
    created = api.post("/_emulator/saml-apps", json={"label": "Staff Portal", "audience": sp.entity_id,
                                                     "acsUrl": sp.acs_url})
    assert created.status_code == 201, created.text
    app = created.json()
    metadata = httpx.get(app["metadataUrl"])
    assert metadata.status_code == 200
    sp.trust(metadata.text, app["issuer"])
    return app


def _register_saml_hook(api: httpx.Client, hook_server: HTTPServer, answer: dict | None, status: int = 200) -> None:
    hook_server.clear()
    hook_server.expect_request("/saml", method="POST").respond_with_data(
        json.dumps(answer) if answer is not None else "", status=status, content_type="application/json")
    created = api.post("/api/v1/inlineHooks", json=inline_hook_body(hook_server.url_for("/saml"), SAML_HOOK_TYPE,
                                                                     "SAML hook"))
    assert created.status_code == 200, created.text


def _sign_in(browser: httpx.Client, page: httpx.Response, login: str) -> httpx.Response:
    """Sign in on the hosted page ``page`` redirected to; answers where the sign-in sends the browser."""
    assert page.status_code in (302, 303) and urlsplit(page.headers["location"]).path == "/login/login.htm"
    form = browser.get(page.headers["location"])
    token = re.search(r'name="form_token" value="([^"]+)"', form.text).group(1)
    from_uri = html.unescape(re.search(r'name="fromURI" value="([^"]*)"', form.text).group(1))
    done = browser.post("/login/login.htm", data={"form_token": token, "fromURI": from_uri, "username": login,
                                                   "password": DEMO_PASSWORD})
    assert done.status_code == 302, done.text
    return browser.get(done.headers["location"])


def _post_form(page: httpx.Response) -> tuple[str, dict[str, str]]:
    """The auto-POST form of the SSO page: its action and fields."""
    assert page.status_code == 200, page.text
    action = html.unescape(re.search(r'<form id="saml-post" method="post" action="([^"]+)"', page.text).group(1))
    fields = {name: html.unescape(value)
              for name, value in re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', page.text)}
    return action, fields


def _login(server: Any) -> str:
    return server.app.extensions["okta_hooks"].emulator.payloads.org.users[0].login


def test_sp_initiated_sign_on_delivers_a_signed_assertion_with_the_hook_attribute(
        server: Any, api: httpx.Client, sp: ServiceProvider, saml_app: dict, hook_server: HTTPServer) -> None:
    _register_saml_hook(api, hook_server, ADD_ATTRIBUTE)
    with httpx.Client(base_url=server.url) as browser:
        to_okta = httpx.get(sp.url + "/login")
        assert to_okta.status_code == 302 and to_okta.headers["location"].startswith(saml_app["ssoUrl"] + "?")
        page = _sign_in(browser, browser.get(to_okta.headers["location"]), _login(server))
        action, fields = _post_form(page)
        assert action == sp.acs_url and fields["RelayState"] == "/reports"
        assert "form-action " + sp.url in page.headers["content-security-policy"]
        assert "What Okta did" in page.text and "SAML assertion inline hook" in page.text
        accepted = httpx.post(action, data=fields)
    assert accepted.status_code == 200, accepted.text
    body = accepted.json()
    assert body["ava"]["extPatientId"] == ["P-1234"]
    assert body["nameId"] == _login(server) and body["relayState"] == "/reports"
    assert body["inResponseTo"] in sp.outstanding
    hook_request = json.loads(hook_server.log[-1][0].get_data())
    assertion = hook_request["data"]["assertion"]
    assert assertion["subject"]["confirmation"]["data"]["recipient"] == sp.acs_url
    assert assertion["conditions"]["audienceRestriction"] == [sp.entity_id]
    assert hook_request["data"]["context"]["user"]["profile"]["login"] == _login(server)
    assert hook_request["source"] == saml_app["ssoUrl"]


def test_a_tampered_assertion_is_refused(server: Any, api: httpx.Client, sp: ServiceProvider, saml_app: dict,
                                         hook_server: HTTPServer) -> None:
    _register_saml_hook(api, hook_server, ADD_ATTRIBUTE)
    with httpx.Client(base_url=server.url) as browser:
        to_okta = httpx.get(sp.url + "/login")
        action, fields = _post_form(_sign_in(browser, browser.get(to_okta.headers["location"]), _login(server)))
    xml = base64.b64decode(fields["SAMLResponse"]).decode()
    assert ">P-1234<" in xml
    tampered = dict(fields, SAMLResponse=base64.b64encode(xml.replace(">P-1234<", ">P-9999<").encode()).decode())
    refused = httpx.post(action, data=tampered)
    assert refused.status_code == 403, refused.text
    assert "Signature" in refused.json()["refused"]  # pysaml2 refuses it for the broken signature
    assert httpx.post(action, data=fields).status_code == 200  # the untouched one still passes
