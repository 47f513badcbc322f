"""Hook Keys API: ``/api/v1/hook-keys`` (docs/okta-behaviour.md#hook-keys-api): the RSA keys an inline hook's
OAUTH ``private_key_jwt`` channel signs its client assertion with.

A key is ``{id: "HKY…", keyId: <uuid>, name, created, lastUpdated, isUsed}``; create and replace also answer the
public key as ``_embedded`` (a JWK whose ``kid`` is the ``keyId``), ``GET /public/{keyId}`` answers it alone.
The private key is kept in the store, sealed like hook secrets (``secrets_at_rest``), and never served."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response

from .. import fidelity
from ..emulator.system_log import hook_target
from ..errors import OktaAPIError
from . import validation as V
from .app import json_body, no_content, okta_json, state

bp = Blueprint("hook_keys", __name__, url_prefix="/api/v1/hook-keys")

CATEGORY = "hookkey"  # store category (the hooks table)
MAX_HOOK_KEYS = 50  # "The total number of keys that you can create in an Okta org is limited to 50." [HOOKKEYS]
_PUBLIC_FIELDS = ("id", "keyId", "name", "created", "lastUpdated")


def _new_private_pem() -> str:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption()).decode("ascii")


def public_jwk(stored: dict) -> dict:
    """The key's public half as Okta's ``_embedded`` shows it (``alg: "RSA"``, ``use: null``, ``kid`` = keyId)."""
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    from ..emulator.keys import _b64url_uint

    numbers = load_pem_private_key(private_pem(stored).encode(), password=None).public_key().public_numbers()
    return {"kty": "RSA", "alg": "RSA", "kid": stored["keyId"], "use": None, "e": _b64url_uint(numbers.e),
            "n": _b64url_uint(numbers.n)}


def private_pem(stored: dict) -> str:
    """The key's private half (PEM), opened from the store."""
    return state().store.sealer.open_value(stored["privateKey"])


def is_used(stored: dict) -> bool:
    """True while an inline hook's private_key_jwt channel names the key (by ``id`` or ``keyId``)."""
    for hook in state().store.list_hooks("inline"):
        cfg = hook["channel"]["config"]
        if hook["channel"]["type"] == "OAUTH" and cfg.get("hookKeyId") in (stored["id"], stored["keyId"]):
            return True
    return False


def public(stored: dict, *, embedded: bool) -> dict:
    """The key as the API answers it (``_embedded`` on create and replace, as Okta's recorded answers show)."""
    out: dict[str, Any] = {k: stored[k] for k in _PUBLIC_FIELDS}
    out["isUsed"] = is_used(stored) if fidelity.HOOK_KEY_IS_USED_BOOLEAN else str(is_used(stored)).lower()
    if embedded:
        out["_embedded"] = public_jwk(stored)
    return out


def find(key_id: str) -> dict | None:
    """The stored key whose ``id`` or ``keyId`` is ``key_id`` (a hook's ``hookKeyId`` may name either)."""
    st = state()
    return st.store.get_hook(CATEGORY, key_id) or next(
        (k for k in st.store.list_hooks(CATEGORY) if k["keyId"] == key_id), None)


def _load(key_id: str) -> dict:
    stored = state().store.get_hook(CATEGORY, key_id)
    if stored is None:
        raise OktaAPIError("E0000007", f"Resource not found: {key_id} (HookKey)",
                           causes=[f"No hook key with id '{key_id}'; list them with GET /api/v1/hook-keys."])
    return stored


def _log(action: str, stored: dict) -> None:
    state().log(f"system.hook.key.{action}", targets=[hook_target("HookKey", stored["id"], stored["name"])])


def _name(body: dict, own_id: str | None) -> str:
    causes: list[str] = []
    V.check_name(body, causes, state().store.list_hooks(CATEGORY), own_id, "hook key")
    if causes:
        raise OktaAPIError("E0000001", "hookKey", causes=causes)
    return body["name"]


@bp.get("")
def list_hook_keys() -> Response:
    return okta_json([public(k, embedded=False) for k in state().store.list_hooks(CATEGORY)])


@bp.post("")
def create_hook_key() -> Response:
    st = state()
    name = _name(json_body(), None)
    now = st.now()
    with st.lock:
        key_id = st.emulator.payloads.uuid()
    stored = {"id": st.new_id("HKY"), "keyId": key_id, "name": name, "created": now, "lastUpdated": now,
              "privateKey": st.store.sealer.seal_value(_new_private_pem())}
    with st.store.atomic():
        if len(st.store.list_hooks(CATEGORY)) >= MAX_HOOK_KEYS:
            raise OktaAPIError("E0000001", "hookKey", causes=[
                f"An org can have at most {MAX_HOOK_KEYS} hook keys; delete one first."])
        st.store.put_hook(CATEGORY, stored)
    _log("created", stored)
    return okta_json(public(stored, embedded=True))


@bp.get("/<key_id>")
def get_hook_key(key_id: str) -> Response:
    return okta_json(public(_load(key_id), embedded=False))


@bp.get("/public/<key_id>")
def get_public_key(key_id: str) -> Response:
    stored = next((k for k in state().store.list_hooks(CATEGORY) if k["keyId"] == key_id), None)
    if stored is None:
        raise OktaAPIError("E0000007", f"Resource not found: {key_id} (PublicKey)",
                           causes=[f"No hook key with keyId '{key_id}' (the keyId, not the HKY… id)."])
    return okta_json(public_jwk(stored))


@bp.put("/<key_id>")
def replace_hook_key(key_id: str) -> Response:
    st = state()
    stored = _load(key_id)
    stored.update(name=_name(json_body(), key_id), lastUpdated=st.now())
    st.store.put_hook(CATEGORY, stored)
    _log("updated", stored)
    return okta_json(public(stored, embedded=True))


@bp.delete("/<key_id>")
def delete_hook_key(key_id: str) -> Response:
    st = state()
    stored = _load(key_id)
    if is_used(stored):
        raise OktaAPIError("E0000001", "hookKey", causes=[
            f"Hook key '{stored['name']}' is used by an inline hook (isUsed); change that hook's channel first."])
    st.store.delete_hook(CATEGORY, key_id)
    _log("deleted", stored)
    return no_content()


def oauth_channel_kwargs(hook: dict) -> dict[str, Any]:
    """Emulator keyword arguments for an inline hook with an OAUTH channel (the hook key's private key for
    private_key_jwt, sent with the key's ``keyId`` as ``kid``)."""
    from ..emulator.oauth_channel import PRIVATE_KEY_JWT, OAuthConfig

    cfg = hook["channel"]["config"]
    private_key, kid = None, None
    if cfg.get("authType") == PRIVATE_KEY_JWT:
        stored = find(cfg.get("hookKeyId") or "")
        if stored is None:
            raise OktaAPIError("E0000001", "inlineHook", causes=[
                f"channel.config.hookKeyId: The hook key '{cfg.get('hookKeyId')}' no longer exists."])
        private_key, kid = private_pem(stored), stored["keyId"]
    oauth = OAuthConfig.from_channel_config(dict(cfg, hookKeyId=kid or cfg.get("hookKeyId")), private_key)
    return {"oauth": oauth, "headers": [(h["key"], h["value"]) for h in cfg.get("headers", [])],
            "hook_id": hook["id"]}
