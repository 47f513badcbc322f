"""A stand-in OAuth 2.0 world for the OAUTH channel tests: a token endpoint (client credentials, client secret or
private_key_jwt) and a hook service that answers only a valid bearer token, checked against a JWKS."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx
import jwt
from werkzeug import Request, Response

from okta_hook_emulator.emulator.keys import SigningKeys, verify

AUDIENCE = "api://default"
TELEPHONY_SENT = {"commands": [{"type": "com.okta.telephony.action", "value": [
    {"status": "SUCCESSFUL", "provider": "Test", "transactionId": "SM1"}]}]}


def protect_hook(httpserver: Any, jwks: Callable[[], dict], path: str = "/protected", *,
                 audience: str | None = AUDIENCE, seen: list | None = None) -> str:
    """Make ``path`` a hook that answers 204 to a bearer token valid against ``jwks()`` and 401 otherwise."""

    def handler(request: Request) -> Response:
        header = request.headers.get("Authorization", "")
        if seen is not None:
            seen.append(header)
        if not header.startswith("Bearer "):
            return Response("no bearer token", status=401)
        try:
            verify(header[7:], jwks(), audience=audience)
        except jwt.PyJWTError as exc:
            return Response(f"invalid token: {exc}", status=401)
        if (request.get_json(silent=True) or {}).get("eventType") == "com.okta.telephony.provider":
            return Response(json.dumps(TELEPHONY_SENT), content_type="application/json")  # must answer 200
        return Response(status=204)

    httpserver.expect_request(path, method="POST").respond_with_handler(handler)
    return httpserver.url_for(path)


def jwks_from(url: str) -> Callable[[], dict]:
    """A JWKS read over HTTP (the issuer's ``/v1/keys``)."""
    return lambda: httpx.get(url, timeout=5).json()


class TokenEndpoint:
    """A client-credentials token endpoint: ``client_secret_post`` for ``clients`` (id -> secret) and
    ``private_key_jwt`` for ``jwt_clients`` (id -> public JWK); tokens are RS256 from ``keys``."""

    def __init__(self, httpserver: Any, path: str = "/token", *, clients: dict[str, str] | None = None,
                 jwt_clients: dict[str, dict] | None = None, status: int | None = None):
        self.keys = SigningKeys()
        self.clients = clients or {}
        self.jwt_clients = jwt_clients or {}
        self.forms: list[dict[str, str]] = []
        self.url = httpserver.url_for(path)
        self.status = status
        httpserver.expect_request(path, method="POST").respond_with_handler(self._handle)

    def _error(self, text: str, status: int = 401) -> Response:
        return Response(json.dumps({"error": "invalid_client", "error_description": text}), status=status,
                        content_type="application/json")

    def _handle(self, request: Request) -> Response:
        form = dict(request.form)
        self.forms.append(form)
        if self.status is not None:
            return Response("token service down", status=self.status)
        if form.get("grant_type") != "client_credentials":
            return self._error("unsupported grant", 400)
        cid = form.get("client_id", "")
        if "client_assertion" in form:
            jwk = self.jwt_clients.get(cid)
            if jwk is None:
                return self._error("unknown client")
            try:
                claims = verify(form["client_assertion"], {"keys": [jwk]}, audience=self.url)
            except jwt.PyJWTError as exc:
                return self._error(f"bad assertion: {exc}")
            if claims.get("iss") != cid or claims.get("sub") != cid:
                return self._error("iss/sub must be the client id")
        elif self.clients.get(cid) != form.get("client_secret"):
            return self._error("Client authentication failed.")
        token = self.keys.mint({"iss": self.url, "aud": AUDIENCE, "sub": cid, "cid": cid,
                                "scp": form.get("scope", "").split(), "iat": 1, "exp": 4_000_000_000})
        return Response(json.dumps({"token_type": "Bearer", "expires_in": 3600, "access_token": token}),
                        content_type="application/json")
