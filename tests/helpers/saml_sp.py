"""A SAML service provider for tests: pysaml2 (signatures checked with the xmlsec1 binary) behind a tiny Flask
app on 127.0.0.1, port 0."""

from __future__ import annotations

import shutil
import threading
from typing import Any

from flask import Flask, jsonify, redirect, request
from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from saml2.client import Saml2Client
from saml2.config import SPConfig
from werkzeug.serving import make_server


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
