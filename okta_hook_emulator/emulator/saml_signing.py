"""Okta signs the SAML assertion it sends to a service provider; this module does the same with the org's SAML
signing certificate (docs/okta-behaviour.md#saml-signature): an enveloped XML signature, RSA-SHA256, SHA-256
digest, exclusive canonicalization, placed after ``<saml:Issuer>`` as SAML 2.0 requires, referencing the
assertion's ``ID``. The signature covers the whole assertion, so the hook's attribute changes are inside it.

``signxml`` does the XML-DSig work (canonicalization and signature are easy to get subtly wrong by hand); the
certificate is a self-signed X.509 certificate for the emulator's RSA key (``SigningKeys``), the same key that
signs tokens, with fixed validity dates so it is the same for the same key."""

from __future__ import annotations

import datetime as dt
from typing import Any

EXC_C14N = "http://www.w3.org/2001/10/xml-exc-c14n#"
NS_DS = "http://www.w3.org/2000/09/xmldsig#"
NS_SAML = "urn:oasis:names:tc:SAML:2.0:assertion"
NS_SAMLP = "urn:oasis:names:tc:SAML:2.0:protocol"
ENTITY_FORMAT = "urn:oasis:names:tc:SAML:2.0:nameid-format:entity"
STATUS_SUCCESS = "urn:oasis:names:tc:SAML:2.0:status:Success"
CERT_SUBJECT = "okta-hook-emulator SAML signing"
_PLACEHOLDER = f'<ds:Signature xmlns:ds="{NS_DS}" Id="placeholder"></ds:Signature>'


def certificate(keys: Any) -> Any:
    """The org's SAML signing certificate (``cryptography`` X.509) for ``keys`` (``SigningKeys``), made once per
    key."""
    cached = getattr(keys, "saml_certificate", None)
    if cached is not None:
        return cached
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.x509.oid import NameOID

    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, CERT_SUBJECT),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, "okta-hook-emulator")])
    serial = int.from_bytes(keys.kid.encode()[:16].ljust(16, b"0"), "big") >> 1
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(keys.public_key)
            .serial_number(serial)
            .not_valid_before(dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
            .not_valid_after(dt.datetime(2099, 12, 31, tzinfo=dt.UTC))
            .sign(keys.private_key, hashes.SHA256()))
    keys.saml_certificate = cert  # kept with the key it certifies
    return cert


def certificate_pem(keys: Any) -> str:
    """The signing certificate in PEM, as a service provider configures it."""
    from cryptography.hazmat.primitives import serialization

    return certificate(keys).public_bytes(serialization.Encoding.PEM).decode("ascii")


def certificate_b64(keys: Any) -> str:
    """The certificate's base64 DER (the ``<ds:X509Certificate>`` text of SAML metadata)."""
    return "".join(certificate_pem(keys).strip().splitlines()[1:-1])


def _sign(root: Any, keys: Any) -> Any:
    """``root`` (an lxml element with an ``ID``) with an enveloped RSA-SHA256 signature placed after its
    ``<saml:Issuer>`` (SAML 2.0 core section 5.3), referencing ``#ID``."""
    from lxml import etree
    from signxml import CanonicalizationMethod, DigestAlgorithm, SignatureMethod, XMLSigner, methods

    issuer = root.find(f"{{{NS_SAML}}}Issuer")
    placeholder = etree.fromstring(_PLACEHOLDER)
    if issuer is not None:
        issuer.addnext(placeholder)
    else:
        root.insert(0, placeholder)
    signer = XMLSigner(method=methods.enveloped, signature_algorithm=SignatureMethod.RSA_SHA256,
                       digest_algorithm=DigestAlgorithm.SHA256,
                       c14n_algorithm=CanonicalizationMethod.EXCLUSIVE_XML_CANONICALIZATION_1_0)
    signer.namespaces = {"ds": NS_DS}
    return signer.sign(root, key=keys.private_key, cert=[certificate(keys)], reference_uri=f"#{root.get('ID')}",
                       id_attribute="ID")


def sign_assertion(assertion_xml: str, keys: Any) -> str:
    """``assertion_xml`` (a ``<saml:Assertion>`` with an ``ID``) with an enveloped RSA-SHA256 signature after its
    ``<saml:Issuer>``."""
    from lxml import etree

    return etree.tostring(_sign(etree.fromstring(assertion_xml.encode("utf-8")), keys), encoding="unicode")


def saml_response(assertion_xml: str, keys: Any, *, response_id: str, issuer: str, destination: str,
                  issue_instant: str, in_response_to: str | None = None, sign_response: bool = True) -> str:
    """The ``<samlp:Response>`` Okta POSTs to a service provider's ACS for ``assertion_xml`` (the final,
    unsigned assertion of a SAML flow): status Success, ``Destination`` = the ACS URL, ``InResponseTo`` = the
    AuthnRequest's ID (also set on the assertion's ``SubjectConfirmationData``; absent when IdP-initiated), the
    assertion signed, and the Response signed too when ``sign_response`` (docs/okta-behaviour.md#saml-sso)."""
    from lxml import etree

    assertion = etree.fromstring(assertion_xml.encode("utf-8"))
    if in_response_to:
        for data in assertion.iter(f"{{{NS_SAML}}}SubjectConfirmationData"):
            data.set("InResponseTo", in_response_to)
    assertion = _sign(assertion, keys)
    attrs = {"ID": response_id, "Version": "2.0", "IssueInstant": issue_instant, "Destination": destination}
    if in_response_to:
        attrs["InResponseTo"] = in_response_to
    response = etree.Element(f"{{{NS_SAMLP}}}Response", attrs, nsmap={"saml2p": NS_SAMLP})
    etree.SubElement(response, f"{{{NS_SAML}}}Issuer", {"Format": ENTITY_FORMAT},
                     nsmap={"saml2": NS_SAML}).text = issuer
    status = etree.SubElement(response, f"{{{NS_SAMLP}}}Status")
    etree.SubElement(status, f"{{{NS_SAMLP}}}StatusCode", {"Value": STATUS_SUCCESS})
    response.append(assertion)
    if sign_response:
        response = _sign(response, keys)
    return '<?xml version="1.0" encoding="UTF-8"?>' + etree.tostring(response, encoding="unicode")


def verify_assertion(signed_xml: str, cert_pem: str) -> Any:
    """Verify a signed assertion as a service provider would (``signxml``); returns the signed ``<saml:Assertion>``
    element (only trust what it contains). Raises ``signxml.exceptions.InvalidSignature`` (and friends)."""
    from signxml import XMLVerifier

    return XMLVerifier().verify(signed_xml.encode("utf-8"), x509_cert=cert_pem, id_attribute="ID").signed_xml


def idp_metadata(keys: Any, entity_id: str, sso_url: str) -> str:
    """SAML 2.0 IdP metadata publishing the signing certificate."""
    return (f'<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="{entity_id}">'
            '<md:IDPSSODescriptor WantAuthnRequestsSigned="false" '
            'protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">'
            f'<md:KeyDescriptor use="signing"><ds:KeyInfo xmlns:ds="{NS_DS}"><ds:X509Data><ds:X509Certificate>'
            f'{certificate_b64(keys)}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>'
            '<md:NameIDFormat>urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified</md:NameIDFormat>'
            '<md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" '
            f'Location="{sso_url}"/><md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" '
            f'Location="{sso_url}"/></md:IDPSSODescriptor></md:EntityDescriptor>')
