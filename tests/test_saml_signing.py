"""The SAML outcome's signed assertion (emulator/saml_signing.py): signxml verifies it with the org certificate
published in the app's IdP metadata; the hook's attribute is inside the signed part; a tampered attribute fails."""

from __future__ import annotations

import json
from collections.abc import Iterator

import httpx
import pytest
from lxml import etree
from pytest_httpserver import HTTPServer
from signxml import XMLVerifier
from signxml.exceptions import InvalidDigest, InvalidSignature

from okta_hook_emulator.emulator.core import Emulator
from okta_hook_emulator.emulator.saml_signing import certificate_pem
from tests.helpers.server import AUTH

NS = {"saml": "urn:oasis:names:tc:SAML:2.0:assertion", "ds": "http://www.w3.org/2000/09/xmldsig#",
      "md": "urn:oasis:names:tc:SAML:2.0:metadata"}
ADD_ATTRIBUTE = {"commands": [{"type": "com.okta.assertion.patch", "value": [
    {"op": "add", "path": "/claims/extPatientId",
     "value": {"attributes": {"NameFormat": "urn:oasis:names:tc:SAML:2.0:attrname-format:basic"},
               "attributeValues": [{"attributes": {"xsi:type": "xs:string"}, "value": "P-1234"}]}}]}]}


@pytest.fixture
def saml_hook(hook_server: HTTPServer) -> Iterator[str]:
    hook_server.clear()
    hook_server.expect_request("/saml", method="POST").respond_with_data(json.dumps(ADD_ATTRIBUTE),
                                                                          content_type="application/json")
    yield hook_server.url_for("/saml")
    hook_server.clear()


def _cert_from_metadata(xml: bytes) -> str:
    text = etree.fromstring(xml).find(".//md:KeyDescriptor[@use='signing']//ds:X509Certificate", NS).text
    return f"-----BEGIN CERTIFICATE-----\n{text}\n-----END CERTIFICATE-----\n"


def test_signed_assertion_verifies_and_carries_the_hook_attribute(saml_hook):
    with Emulator(seed=1) as emu:
        result = emu.call_inline("saml", saml_hook)
        signed = result.outcome.signed_assertion_xml
        cert = certificate_pem(emu.keys)
    assert result.verdict == "ok"
    verified = XMLVerifier().verify(signed.encode(), x509_cert=cert, id_attribute="ID").signed_xml
    values = verified.xpath("//saml:Attribute[@Name='extPatientId']/saml:AttributeValue/text()", namespaces=NS)
    assert values == ["P-1234"]
    doc = etree.fromstring(signed.encode())
    assert etree.QName(doc[1]).localname == "Signature"  # right after <saml:Issuer>, as SAML 2.0 requires
    assert doc.find(".//ds:SignatureMethod", NS).get("Algorithm").endswith("rsa-sha256")
    assert doc.find(".//ds:CanonicalizationMethod", NS).get("Algorithm") == "http://www.w3.org/2001/10/xml-exc-c14n#"
    assert doc.find(".//ds:Reference", NS).get("URI") == "#" + doc.get("ID")


def test_a_tampered_attribute_fails_verification(saml_hook):
    with Emulator(seed=1) as emu:
        signed = emu.call_inline("saml", saml_hook).outcome.signed_assertion_xml
        cert = certificate_pem(emu.keys)
    tampered = signed.replace(">P-1234<", ">P-9999<")
    assert tampered != signed
    with pytest.raises((InvalidSignature, InvalidDigest)):
        XMLVerifier().verify(tampered.encode(), x509_cert=cert, id_attribute="ID")


def test_a_failed_hook_still_gives_a_signed_original_assertion(hook_server):
    with Emulator(seed=1) as emu:
        outcome = emu.call_inline("saml", hook_server.url_for("/nothing-here"), max_retries=0).outcome
        cert = certificate_pem(emu.keys)
    XMLVerifier().verify(outcome.signed_assertion_xml.encode(), x509_cert=cert, id_attribute="ID")


def test_the_server_publishes_the_certificate_in_the_app_metadata(server, api):
    resp = httpx.get(f"{server.url}/app/saml20app_1/exk1/sso/saml/metadata")  # public, like Okta's
    assert resp.status_code == 200 and resp.headers["content-type"].startswith("application/xml")
    cert = _cert_from_metadata(resp.content)
    assert etree.fromstring(resp.content).get("entityID") == "http://www.okta.com/exk1"
    # the certificate of the server's own emulator: the one that signs its SAML flows' assertions
    from cryptography import x509

    published = x509.load_pem_x509_certificate(cert.encode())
    own = x509.load_pem_x509_certificate(certificate_pem(server.state.emulator.keys).encode())
    assert published == own and api.headers["Authorization"] == AUTH["Authorization"]


def test_a_server_saml_flow_answers_the_signed_assertion(server, api, saml_hook):
    created = api.post("/api/v1/inlineHooks", json={
        "name": "SAML hook", "type": "com.okta.saml.tokens.transform", "version": "1.0.0",
        "channel": {"type": "HTTP", "version": "1.0.0", "config": {"uri": saml_hook, "method": "POST"}}})
    assert created.status_code == 200, created.text
    outcome = api.post("/_emulator/flows/saml", json={}).json()["outcome"]
    cert = _cert_from_metadata(httpx.get(f"{server.url}/app/saml20app_1/exk1/sso/saml/metadata").content)
    verified = XMLVerifier().verify(outcome["signed_assertion_xml"].encode(), x509_cert=cert,
                                    id_attribute="ID").signed_xml
    assert verified.xpath("//saml:Attribute[@Name='extPatientId']/saml:AttributeValue/text()",
                          namespaces=NS) == ["P-1234"]


def _response(emu: Emulator, hook_url: str, **kwargs) -> etree._Element:
    from okta_hook_emulator.emulator.saml_signing import saml_response

    outcome = emu.call_inline("saml", hook_url).outcome
    xml = saml_response(outcome.assertion_xml, emu.keys, response_id="id-response-1", issuer="http://www.okta.com/exk1",
                        destination="https://sp.example/acs", issue_instant="2026-01-01T00:00:00.000Z", **kwargs)
    return etree.fromstring(xml.encode())


def test_the_saml_response_signs_response_and_assertion_separately(saml_hook):
    with Emulator(seed=1) as emu:
        doc = _response(emu, saml_hook, in_response_to="id-authn-7")
        cert = certificate_pem(emu.keys)
    assert etree.QName(doc).localname == "Response" and etree.QName(doc[1]).localname == "Signature"
    assert doc.get("Destination") == "https://sp.example/acs" and doc.get("InResponseTo") == "id-authn-7"
    assert doc.find(".//saml:SubjectConfirmationData", NS).get("InResponseTo") == "id-authn-7"
    assert doc.find("{urn:oasis:names:tc:SAML:2.0:protocol}Status/*").get("Value").endswith(":Success")
    response = XMLVerifier().verify(etree.tostring(doc), x509_cert=cert, id_attribute="ID").signed_xml
    assert response.get("ID") == "id-response-1"
    assertion = doc.find("saml:Assertion", NS)
    assert etree.QName(assertion[1]).localname == "Signature"  # its own signature, after its Issuer
    signed = XMLVerifier().verify(etree.tostring(assertion), x509_cert=cert, id_attribute="ID").signed_xml
    assert signed.xpath("//saml:Attribute[@Name='extPatientId']/saml:AttributeValue/text()",
                        namespaces=NS) == ["P-1234"]


def test_an_unsigned_response_still_carries_a_signed_assertion(saml_hook):
    with Emulator(seed=1) as emu:
        doc = _response(emu, saml_hook, sign_response=False)
    assert doc.get("InResponseTo") is None  # IdP-initiated: nothing to answer
    assert [etree.QName(s.getparent()).localname for s in doc.iter(f"{{{NS['ds']}}}Signature")] == ["Assertion"]
