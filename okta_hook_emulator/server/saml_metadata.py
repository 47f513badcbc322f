"""The org's SAML signing certificate, published as a SAML app's IdP metadata (Okta's
``/app/{appName}/{appId}/sso/saml/metadata``): a service provider reads the certificate there and verifies the
signed assertion of a SAML flow (``SamlOutcome.signed_assertion_xml``, docs/okta-behaviour.md#saml-signature)."""

from __future__ import annotations

from flask import Blueprint, Response

from ..emulator.saml_signing import idp_metadata
from .app import org_url, state

bp = Blueprint("saml_metadata", __name__)


@bp.get("/app/<app_name>/<app_id>/sso/saml/metadata")
def saml_idp_metadata(app_name: str, app_id: str) -> Response:
    base = org_url()
    xml = idp_metadata(state().emulator.keys, f"http://www.okta.com/{app_id}", f"{base}/app/{app_name}/{app_id}/sso/saml")
    return Response(xml, mimetype="application/xml")
