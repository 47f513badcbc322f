"""The org's SAML apps and their IdP side: each app's service-provider settings (Okta's "Audience URI (SP Entity
ID)" and "Single sign-on URL", the ACS URL), its IdP metadata at ``/app/{appName}/{appId}/sso/saml/metadata``
publishing the org's SAML signing certificate (docs/okta-behaviour.md#saml-signature), and the control API that
registers a service provider (docs/okta-behaviour.md#saml-sso).

The apps are the seeded org's SAML apps (``SyntheticOrg.saml_apps``: SP entity ID ``https://{host}/saml/metadata``,
ACS ``https://{host}/saml/sso``, the values the generated SAML hook requests carry) plus the apps registered with
``POST /_emulator/saml-apps`` (kept in the database). The SSO URL itself is a hosted page: ``pages/saml_sso.py``."""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass
from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, Response

from ..emulator.saml_signing import idp_metadata
from ..errors import OktaAPIError
from .app import json_body, okta_json, org_url, state

bp = Blueprint("saml_metadata", __name__)

_META_KEY = "saml_apps"  # the registered apps, a JSON list in the store's meta table
SAML_HOOK_TYPE = "com.okta.saml.tokens.transform"


@dataclass(frozen=True)
class SamlApp:
    """A SAML app as Okta's SSO needs it. ``app_id`` is the ``exk...`` id of its SSO and metadata URLs."""

    name: str  # Okta's app name, the ``{appName}`` of its URLs
    app_id: str
    okta_id: str  # the app instance's ``0oa...`` id (the hook request's ``protocol.issuer.id``)
    label: str
    audience: str  # Audience URI (SP Entity ID)
    acs_url: str  # Single sign-on URL: where the SAMLResponse is POSTed
    default_relay_state: str = ""
    response_signed: bool = True  # Okta's "Response: Signed" (the assertion is always signed)
    inline_hook_id: str = ""  # the app's "Assertion Inline Hook"; "" = the org's first ACTIVE SAML hook

    @property
    def sso_path(self) -> str:
        return f"/app/{self.name}/{self.app_id}/sso/saml"

    @property
    def issuer(self) -> str:
        """The IdP entity ID of this app (``<saml:Issuer>`` of its responses and assertions)."""
        return f"http://www.okta.com/{self.app_id}"

    def to_dict(self, base_url: str) -> dict[str, Any]:
        """The control API's JSON form."""
        return {"name": self.name, "appId": self.app_id, "id": self.okta_id, "label": self.label,
                "audience": self.audience, "acsUrl": self.acs_url, "defaultRelayState": self.default_relay_state,
                "responseSigned": self.response_signed, "inlineHookId": self.inline_hook_id or None,
                "issuer": self.issuer,
                "ssoUrl": base_url + self.sso_path, "metadataUrl": base_url + self.sso_path + "/metadata"}


def _registered(st: Any) -> list[SamlApp]:
    return [SamlApp(**data) for data in json.loads(st.store.get_meta(_META_KEY) or "[]")]


def saml_apps(st: Any) -> list[SamlApp]:
    """Every SAML app of the org: the seeded org's, then the registered ones."""
    synthetic = [SamlApp(a.name, a.entity_id, a.id, a.label, f"https://{a.host}/saml/metadata",
                         f"https://{a.host}/saml/sso") for a in st.emulator.payloads.org.saml_apps]
    return synthetic + _registered(st)


def find_saml_app(st: Any, app_name: str, app_id: str) -> SamlApp | None:
    """The SAML app whose SSO URL names ``app_name`` and ``app_id``, or None."""
    return next((a for a in saml_apps(st) if a.name == app_name and a.app_id == app_id), None)


_NETLOC = re.compile(r"[A-Za-z0-9.\-]+(:[0-9]{1,5})?|\[[0-9A-Fa-f:.]+\](:[0-9]{1,5})?")


def saml_hook_for(st: Any, app: SamlApp) -> dict | None:
    """The inline hook an SSO to ``app`` runs: the app's own when it names one (and it is ACTIVE), else the org's
    first ACTIVE SAML hook; None when there is none (docs/okta-behaviour.md#saml-sso)."""
    from .inline_hooks import active_hook

    if app.inline_hook_id:
        hook = st.store.get_hook("inline", app.inline_hook_id)
        return hook if hook and hook["type"] == SAML_HOOK_TYPE and hook["status"] == "ACTIVE" else None
    return active_hook("saml", st)


def _url(body: dict, field: str) -> str:
    value = body.get(field)
    try:
        parts = urlsplit(value) if isinstance(value, str) and value.isprintable() and " " not in value else None
    except ValueError:
        parts = None
    if parts is None or parts.scheme not in ("http", "https") or not _NETLOC.fullmatch(parts.netloc):
        raise OktaAPIError("E0000001", field, causes=[
            f"{field}: Expected an absolute http(s) URL such as https://sp.example/saml/acs."])
    return value


def register_saml_app(st: Any, body: dict) -> SamlApp:
    """Register a service provider as a new SAML app (``acsUrl`` and ``audience`` required; optional ``label``,
    ``defaultRelayState``, ``responseSigned``, ``inlineHookId``)."""
    acs_url = _url(body, "acsUrl")
    audience = body.get("audience")
    if not isinstance(audience, str) or not audience.strip():
        raise OktaAPIError("E0000001", "audience", causes=[
            "audience: Expected the service provider's entity ID (Okta's 'Audience URI (SP Entity ID)')."])
    label = body.get("label") or "SAML App"
    relay = body.get("defaultRelayState") or ""
    signed = body.get("responseSigned", True)
    hook_id = body.get("inlineHookId") or ""
    if not all(isinstance(v, str) for v in (label, relay, hook_id)) or not isinstance(signed, bool):
        raise OktaAPIError("E0000001", "samlApp", causes=[
            "label, defaultRelayState and inlineHookId must be strings and responseSigned a boolean."])
    if hook_id and not any(h["id"] == hook_id and h["type"] == SAML_HOOK_TYPE for h in st.store.list_hooks("inline")):
        raise OktaAPIError("E0000001", "inlineHookId", causes=[
            f"inlineHookId: no SAML inline hook ({SAML_HOOK_TYPE}) has the id {hook_id}; register it first "
            "(POST /api/v1/inlineHooks)."])
    with st.lock:
        apps = _registered(st)
        slug = re.sub(r"[^a-z0-9]+", "", label.lower())[:24] or "samlapp"
        app = SamlApp(f"emulatororg_{slug}_{len(apps) + 1}", st.new_id("exk"), st.new_id("0oa"), label,
                      audience.strip(), acs_url, relay, signed, hook_id)
        st.store.set_meta(_META_KEY, json.dumps([asdict(a) for a in apps + [app]]))
    return app


@bp.get("/app/<app_name>/<app_id>/sso/saml/metadata")
def saml_idp_metadata(app_name: str, app_id: str) -> Response:
    base = org_url()
    xml = idp_metadata(state().emulator.keys, f"http://www.okta.com/{app_id}", f"{base}/app/{app_name}/{app_id}/sso/saml")
    return Response(xml, mimetype="application/xml")


@bp.get("/_emulator/saml-apps")
def list_saml_apps() -> Response:
    """The org's SAML apps with their SSO, metadata and ACS URLs."""
    base = org_url()
    return okta_json([a.to_dict(base) for a in saml_apps(state())])


@bp.post("/_emulator/saml-apps")
def create_saml_app() -> Response:
    """Register a service provider (``acsUrl``, ``audience``, optional ``label``, ``defaultRelayState``,
    ``responseSigned``, ``inlineHookId``) as a SAML app; answers the app with its SSO and metadata URLs."""
    return okta_json(register_saml_app(state(), json_body()).to_dict(org_url()), 201)
