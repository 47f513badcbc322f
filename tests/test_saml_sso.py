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
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from pytest_httpserver import HTTPServer

from okta_hook_emulator.server.users import DEMO_PASSWORD
from tests.helpers.saml_sp import ServiceProvider
from tests.helpers.server import inline_hook_body

SAML_HOOK_TYPE = "com.okta.saml.tokens.transform"
ADD_ATTRIBUTE = {"commands": [{"type": "com.okta.assertion.patch", "value": [
    {"op": "add", "path": "/claims/extPatientId",
     "value": {"attributes": {"NameFormat": "urn:oasis:names:tc:SAML:2.0:attrname-format:basic"},
               "attributeValues": [{"attributes": {"xsi:type": "xs:string"}, "value": "P-1234"}]}}]}]}
DENY = {"error": {"errorSummary": "Patients may not use the staff portal"}}


@pytest.fixture
def sp() -> Iterator[ServiceProvider]:
    if shutil.which("xmlsec1") is None:  # never skipped: .ci/run installs it
        pytest.fail("pysaml2 verifies signatures with the xmlsec1 binary: install it with 'apt-get install -y xmlsec1' "
                    "(Debian package xmlsec1, as .ci/run does).")
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


def test_http_post_binding_resumes_after_sign_in(server: Any, api: httpx.Client, sp: ServiceProvider,
                                                 saml_app: dict, hook_server: HTTPServer) -> None:
    _register_saml_hook(api, hook_server, ADD_ATTRIBUTE)
    sp_page = httpx.post(sp.url + "/login-post").text
    fields = {name: html.unescape(value) for name, value in
              re.findall(r'name="(SAMLRequest|RelayState)" value="([^"]*)"', sp_page)}
    with httpx.Client(base_url=server.url) as browser:
        posted = browser.post(saml_app["ssoUrl"], data=fields)
        # back to the SSO URL by GET (the session cookie is SameSite=Lax), then to the sign-in page
        assert posted.status_code == 303 and posted.headers["location"].startswith(urlsplit(saml_app["ssoUrl"]).path)
        action, form = _post_form(_sign_in(browser, browser.get(posted.headers["location"]), _login(server)))
    accepted = httpx.post(action, data=form)
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["relayState"] == "/posted" and accepted.json()["ava"]["extPatientId"] == ["P-1234"]


def test_idp_initiated_sign_on_uses_the_default_relay_state(server: Any, api: httpx.Client, sp: ServiceProvider,
                                                            hook_server: HTTPServer) -> None:
    app = api.post("/_emulator/saml-apps", json={"audience": sp.entity_id, "acsUrl": sp.acs_url,
                                                 "defaultRelayState": "/home"}).json()
    sp.trust(httpx.get(app["metadataUrl"]).text, app["issuer"])
    _register_saml_hook(api, hook_server, ADD_ATTRIBUTE)
    with httpx.Client(base_url=server.url) as browser:
        page = _sign_in(browser, browser.get(app["ssoUrl"]), _login(server))
    action, fields = _post_form(page)
    assert fields["RelayState"] == "/home"
    assert "InResponseTo" not in base64.b64decode(fields["SAMLResponse"]).decode()  # unsolicited
    accepted = httpx.post(action, data=fields)
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["inResponseTo"] is None and accepted.json()["ava"]["extPatientId"] == ["P-1234"]


def test_a_hook_error_shows_its_message_and_posts_nothing(server: Any, api: httpx.Client, sp: ServiceProvider,
                                                         saml_app: dict, hook_server: HTTPServer) -> None:
    _register_saml_hook(api, hook_server, DENY)
    with httpx.Client(base_url=server.url) as browser:
        page = _sign_in(browser, browser.get(httpx.get(sp.url + "/login").headers["location"]), _login(server))
    assert page.status_code == 403
    assert "Patients may not use the staff portal" in page.text and "SAMLResponse" not in page.text
    assert "SAML assertion inline hook</strong>: error" in page.text


def test_a_failed_hook_call_fails_open_with_the_original_assertion(
        server: Any, api: httpx.Client, sp: ServiceProvider, saml_app: dict, hook_server: HTTPServer) -> None:
    _register_saml_hook(api, hook_server, {"oops": True}, status=500)
    with httpx.Client(base_url=server.url) as browser:
        page = _sign_in(browser, browser.get(httpx.get(sp.url + "/login").headers["location"]), _login(server))
    assert "SAML assertion inline hook</strong>: failed" in page.text
    action, fields = _post_form(page)
    accepted = httpx.post(action, data=fields)
    assert accepted.status_code == 200, accepted.text
    ava = accepted.json()["ava"]
    assert "extPatientId" not in ava and ava["email"]  # the app's own attribute statements, unchanged


def test_without_a_saml_hook_the_assertion_is_issued_as_is(server: Any, api: httpx.Client, sp: ServiceProvider,
                                                           saml_app: dict) -> None:
    with httpx.Client(base_url=server.url) as browser:
        page = _sign_in(browser, browser.get(httpx.get(sp.url + "/login").headers["location"]), _login(server))
    assert "No inline hook ran" in page.text
    action, fields = _post_form(page)
    accepted = httpx.post(action, data=fields)
    assert accepted.status_code == 200 and accepted.json()["nameId"] == _login(server)
    sso = api.get("/api/v1/logs", params={"filter": 'eventType eq "user.authentication.sso"'}).json()
    assert sso and sso[-1]["target"][0]["id"] == saml_app["id"]
    assert sso[-1]["actor"]["alternateId"] == _login(server)
    debug = sso[-1]["debugContext"]["debugData"]
    assert debug["initiationType"] == "SP_INITIATED" and debug["requestUri"] == urlsplit(saml_app["ssoUrl"]).path


def test_an_app_runs_its_own_assertion_hook(server: Any, api: httpx.Client, sp: ServiceProvider,
                                            hook_server: HTTPServer) -> None:
    _register_saml_hook(api, hook_server, ADD_ATTRIBUTE)  # the org's first SAML hook: answers /saml
    other = json.loads(json.dumps(ADD_ATTRIBUTE).replace("extPatientId", "ward").replace("P-1234", "W-7"))
    hook_server.expect_request("/saml-ward", method="POST").respond_with_json(other)
    ward = api.post("/api/v1/inlineHooks", json=inline_hook_body(hook_server.url_for("/saml-ward"), SAML_HOOK_TYPE,
                                                                 "Ward hook")).json()
    unknown = api.post("/_emulator/saml-apps", json={"audience": sp.entity_id, "acsUrl": sp.acs_url,
                                                     "inlineHookId": "calNoSuchHook0000000"})
    assert unknown.status_code == 400 and "calNoSuchHook0000000" in unknown.text
    app = api.post("/_emulator/saml-apps", json={"audience": sp.entity_id, "acsUrl": sp.acs_url,
                                                 "inlineHookId": ward["id"]}).json()
    assert app["inlineHookId"] == ward["id"]
    sp.trust(httpx.get(app["metadataUrl"]).text, app["issuer"])
    with httpx.Client(base_url=server.url) as browser:
        action, fields = _post_form(_sign_in(browser, browser.get(app["ssoUrl"]), _login(server)))
        ava = httpx.post(action, data=fields).json()["ava"]
        assert ava["ward"] == ["W-7"] and "extPatientId" not in ava
        api.post(f"/api/v1/inlineHooks/{ward['id']}/lifecycle/deactivate")
        page = browser.get(app["ssoUrl"])  # the app's hook is INACTIVE: no hook runs, not another app's
    assert "No inline hook ran" in page.text
    action, fields = _post_form(page)
    assert "ward" not in httpx.post(action, data=fields).json()["ava"]


def test_requests_the_org_cannot_serve_get_an_error_page(server: Any, api: httpx.Client, sp: ServiceProvider,
                                                         saml_app: dict) -> None:
    with httpx.Client(base_url=server.url) as browser:
        assert browser.get("/app/nope/exk0000000000000000/sso/saml").status_code == 404
        garbled = browser.get(saml_app["ssoUrl"], params={"SAMLRequest": "bm90IGRlZmxhdGVk"})
        assert garbled.status_code == 400 and "could not be read" in garbled.text
        other = AUTHN_REQUEST.format(acs="https://elsewhere.example/acs").encode()
        asked = browser.post(saml_app["ssoUrl"], data={"SAMLRequest": base64.b64encode(other).decode()})
        assert asked.status_code == 400 and "https://elsewhere.example/acs" in asked.text
        entity = AUTHN_REQUEST.replace("<samlp:AuthnRequest", '<!DOCTYPE x [<!ENTITY e "x">]><samlp:AuthnRequest')
        doctype = browser.post(saml_app["ssoUrl"], data={"SAMLRequest": base64.b64encode(
            entity.format(acs=sp.acs_url).encode()).decode()})
        assert doctype.status_code == 400 and "DOCTYPE" in doctype.text


def test_the_control_api_registers_and_lists_saml_apps(server: Any, api: httpx.Client) -> None:
    bad = api.post("/_emulator/saml-apps", json={"audience": "urn:sp", "acsUrl": "javascript:alert(1)"})
    assert bad.status_code == 400 and bad.json()["errorCode"] == "E0000001" and "acsUrl" in bad.text
    assert api.post("/_emulator/saml-apps", json={"acsUrl": "https://sp.example/acs"}).status_code == 400
    assert httpx.get(server.url + "/_emulator/saml-apps").status_code == 401  # the API token is needed
    made = api.post("/_emulator/saml-apps", json={"label": "Wiki", "audience": "urn:wiki",
                                                  "acsUrl": "https://wiki.example/saml/acs"}).json()
    listed = api.get("/_emulator/saml-apps").json()
    synthetic = server.app.extensions["okta_hooks"].emulator.payloads.org.saml_apps
    assert [a["appId"] for a in listed] == [a.entity_id for a in synthetic] + [made["appId"]]
    assert made["ssoUrl"] == f"{server.url}/app/{made['name']}/{made['appId']}/sso/saml"
    assert made["metadataUrl"] == made["ssoUrl"] + "/metadata" and made["issuer"].endswith(made["appId"])


def test_a_synthetic_app_posts_to_its_own_acs(server: Any, api: httpx.Client) -> None:
    app = api.get("/_emulator/saml-apps").json()[0]
    with httpx.Client(base_url=server.url) as browser:
        action, fields = _post_form(_sign_in(browser, browser.get(app["ssoUrl"]), _login(server)))
    assert action == app["acsUrl"] and action.startswith("https://") and action.endswith("/saml/sso")
    assert "RelayState" not in fields and base64.b64decode(fields["SAMLResponse"]).startswith(b"<?xml")


AUTHN_REQUEST = ('<samlp:AuthnRequest xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" '
                 'xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="id-1" Version="2.0" '
                 'IssueInstant="2026-01-01T00:00:00Z" AssertionConsumerServiceURL="{acs}">'
                 '<saml:Issuer>urn:sp</saml:Issuer></samlp:AuthnRequest>')
