"""Inline hooks Management API: ``/api/v1/inlineHooks`` (docs/okta-behaviour.md#inline-hooks-api)."""

from __future__ import annotations

import copy
from typing import Any

from flask import Blueprint, Response, request

from .. import fidelity
from ..errors import OktaAPIError, did_you_mean
from ..payloads.catalog import kinds
from . import hook_keys
from . import hooks_common as H
from . import validation as V
from .app import add_warning, json_body, okta_json, org_url, state

bp = Blueprint("inline_hooks", __name__, url_prefix="/api/v1/inlineHooks")

CATEGORY = "inline"
FAMILY = H.HookFamily(category=CATEGORY, okta_type="InlineHook", label="inline hook", path="/api/v1/inlineHooks",
                      error_field="inlineHook", log_prefix="inline_hook")
INLINE_TYPES = {k.okta_type: k for k in kinds().values() if k.inline}
OAUTH_AUTH_TYPES = ("client_secret_post", "private_key_jwt")


def public(hook: dict, base: str) -> dict:
    """The InlineHook as Okta returns it: secrets removed, ``_links`` by status."""
    out = copy.deepcopy(hook)
    cfg = out["channel"]["config"]
    if out["channel"]["type"] == "OAUTH":
        cfg.pop("clientSecret", None)
        cfg["authScheme"] = None
    else:
        cfg["authScheme"] = V.public_auth_scheme(cfg.get("authScheme"))
    path = f"/api/v1/inlineHooks/{hook['id']}"
    if hook["status"] == "ACTIVE":
        names = [("self", None, None), ("execute", "execute", "POST"), ("deactivate", "lifecycle/deactivate", "POST")]
    else:
        names = [("activate", "lifecycle/activate", "POST"), ("self", None, None), ("delete", None, "DELETE")]
    out["_links"] = V.links(base, path, names)
    return out


def _log(action: str, hook: dict, **kw: Any) -> dict:
    return H.log(FAMILY, action, hook, **kw)


def _type_cause(value: Any) -> str:
    return (f"type: {value!r} is not an inline hook type. Use one of: {', '.join(INLINE_TYPES)}."
            f"{did_you_mean(str(value), INLINE_TYPES) if isinstance(value, str) else ''}")


def _validate(body: dict, old: dict | None, *, partial: bool = False) -> dict:
    """Validate a create / replace (PUT) / update (POST, ``partial``) body; returns the hook fields."""
    st = state()
    if partial and old:
        merged = {"name": old["name"], "type": old["type"], "version": old["version"],
                  "channel": copy.deepcopy(old["channel"])}
        for key in ("name", "type", "version"):
            if key in body:
                merged[key] = body[key]
        if isinstance(body.get("channel"), dict):
            ch = body["channel"]
            for key in ("type", "version"):
                if key in ch:
                    merged["channel"][key] = ch[key]
            if isinstance(ch.get("config"), dict):
                merged["channel"]["config"].update(ch["config"])
        body = merged
    causes: list[str] = []
    warnings: list[str] = []
    V.check_name(body, causes, st.store.list_hooks(CATEGORY), old["id"] if old else None, "inline hook")
    hook_type = body.get("type", old["type"] if old else None)
    if old is None:
        if not isinstance(hook_type, str) or hook_type not in INLINE_TYPES:  # a list/object is no type either
            causes.append(_type_cause(hook_type))
    elif hook_type != old["type"]:
        causes.append(f"type: The type of an inline hook is immutable (it is {old['type']}); create a new hook "
                      "for another type.")
    version = body.get("version", "1.0.0")
    if not isinstance(version, str) or not version:
        causes.append("version: Expected a version string such as '1.0.0'.")
    channel = body.get("channel")
    old_cfg = old["channel"]["config"] if old else {}
    new_channel: dict[str, Any] = {}
    if not isinstance(channel, dict) or not isinstance(channel.get("config"), dict):
        causes.append('channel: The field is required: {"type": "HTTP", "version": "1.0.0", "config": {"uri": ...}}.')
    else:
        ctype = channel.get("type", "HTTP")
        cfg = channel["config"]
        V.check_uri(cfg.get("uri"), causes, strict=st.config.strict, warnings=warnings)
        headers = V.check_headers(cfg.get("headers"), causes)
        method = cfg.get("method", "POST")
        if method != "POST":
            causes.append(f"channel.config.method: Only 'POST' is supported; got {method!r}.")
        config: dict[str, Any] = {"uri": cfg.get("uri"), "headers": headers, "method": "POST"}
        if ctype == "HTTP":
            config["authScheme"] = V.check_auth_scheme(cfg.get("authScheme"), causes, old_cfg.get("authScheme"))
            if hook_type == "com.okta.telephony.provider" and config["authScheme"] is None:
                causes.append("channel.config.authScheme: A telephony inline hook must include an authScheme "
                              '({"type": "HEADER", "key": "Authorization", "value": "..."}).')
        elif ctype == "OAUTH":
            config.update(_oauth_config(cfg, old_cfg, causes))
        else:
            causes.append(f"channel.type: Use 'HTTP' or 'OAUTH'; got {ctype!r}.")
        if not isinstance(channel.get("version", "1.0.0"), str):
            causes.append("channel.version: Expected a string such as '1.0.0'.")
        new_channel = {"type": ctype, "version": channel.get("version", "1.0.0"), "config": config}
    if causes:
        raise OktaAPIError("E0000001", "inlineHook", causes=causes)
    for w in warnings:
        add_warning(w)
    return {"name": body["name"], "type": hook_type, "version": version, "channel": new_channel}


def _oauth_config(cfg: dict, old_cfg: dict, causes: list[str]) -> dict:
    auth_type = cfg.get("authType")
    out: dict[str, Any] = {"authScheme": None}
    if cfg.get("authScheme") is not None:
        causes.append("channel.config.authScheme: Must be null for an OAUTH channel.")
    if auth_type not in OAUTH_AUTH_TYPES:
        causes.append(f"channel.config.authType: Use one of {', '.join(OAUTH_AUTH_TYPES)}; got {auth_type!r}.")
        return out
    for key in ("clientId", "tokenUrl"):
        if not isinstance(cfg.get(key), str) or not cfg.get(key):
            causes.append(f"channel.config.{key}: Required for an OAUTH channel.")
    if isinstance(cfg.get("tokenUrl"), str) and cfg.get("tokenUrl"):
        V.check_uri(cfg["tokenUrl"], causes, strict=state().config.strict, warnings=[],
                    field="channel.config.tokenUrl")
    if cfg.get("scope") is not None and not isinstance(cfg.get("scope"), str):
        causes.append("channel.config.scope: Expected a string of space-separated scopes or null.")
    out.update(clientId=cfg.get("clientId"), tokenUrl=cfg.get("tokenUrl"), authType=auth_type,
               scope=cfg.get("scope"))
    if auth_type == "client_secret_post":
        secret = cfg.get("clientSecret") or old_cfg.get("clientSecret")
        if not isinstance(secret, str) or not secret:
            causes.append("channel.config.clientSecret: Required for authType client_secret_post (write-only).")
        out["clientSecret"] = secret
    else:
        if not isinstance(cfg.get("hookKeyId"), str) or not cfg.get("hookKeyId"):
            causes.append("channel.config.hookKeyId: Required for authType private_key_jwt.")
        elif hook_keys.find(cfg["hookKeyId"]) is None:
            causes.append(f"channel.config.hookKeyId: No hook key '{cfg['hookKeyId']}'; create one with "
                          "POST /api/v1/hook-keys.")
        out["hookKeyId"] = cfg.get("hookKeyId")
    return out


def _limits(new_type: str, *, creating: bool, exclude: str | None = None) -> None:
    hooks = [h for h in state().store.list_hooks(CATEGORY) if h["id"] != exclude]
    if creating and len(hooks) >= fidelity.MAX_INLINE_HOOKS:
        raise OktaAPIError("E0000001", "inlineHook", causes=[
            f"An org can have at most {fidelity.MAX_INLINE_HOOKS} inline hooks; delete one first."])
    kind = INLINE_TYPES.get(new_type)
    if kind is None:
        return
    if creating and kind.one_per_org and any(h["type"] == new_type for h in hooks):
        raise OktaAPIError("E0000001", "inlineHook", causes=[
            f"Only one {kind.title.lower()} is allowed per org; delete the existing one first."])
    if kind.one_active_per_org and any(h["type"] == new_type and h["status"] == "ACTIVE" for h in hooks):
        raise OktaAPIError("E0000001", "inlineHook", causes=[
            f"Only one ACTIVE {kind.title.lower()} is allowed per org; deactivate the existing one first."])


def load(hook_id: str) -> dict:
    """The stored inline hook or a 404 E0000007."""
    return H.load(FAMILY, hook_id)


def _ordered(hook: dict) -> dict:
    order = ["id", "status", "name", "type", "version", "channel", "created", "lastUpdated"]
    return {k: hook[k] for k in order if k in hook}


@bp.get("")
def list_inline_hooks() -> Response:
    wanted = request.args.get("type")
    if wanted is not None and wanted not in INLINE_TYPES:
        raise OktaAPIError("E0000001", "type", causes=[_type_cause(wanted)])
    base = org_url()
    return okta_json([public(h, base) for h in state().store.list_hooks(CATEGORY)
                      if wanted is None or h["type"] == wanted])


@bp.post("")
def create_inline_hook() -> Response:
    st = state()
    new = _validate(json_body(), None)
    now = st.now()
    hook = _ordered({"id": st.new_id("cal"), "status": "ACTIVE", **new, "created": now, "lastUpdated": now})
    return H.save(FAMILY, hook, "created", public, lambda h: _limits(h["type"], creating=True, exclude=h["id"]))


@bp.get("/<hook_id>")
def get_inline_hook(hook_id: str) -> Response:
    return okta_json(public(load(hook_id), org_url()))


def _save_update(hook_id: str, *, partial: bool) -> Response:
    st = state()
    old = load(hook_id)
    new = _validate(json_body(), old, partial=partial)
    hook = _ordered({**old, **new, "lastUpdated": st.now()})  # status is ignored: use the lifecycle endpoints
    return H.save(FAMILY, hook, "updated", public)


@bp.put("/<hook_id>")
def replace_inline_hook(hook_id: str) -> Response:
    return _save_update(hook_id, partial=False)


@bp.post("/<hook_id>")
def update_inline_hook(hook_id: str) -> Response:
    return _save_update(hook_id, partial=True)


@bp.delete("/<hook_id>")
def delete_inline_hook(hook_id: str) -> Response:
    return H.delete(FAMILY, hook_id)


@bp.post("/<hook_id>/lifecycle/activate")
def activate_inline_hook(hook_id: str) -> Response:
    return H.set_status(FAMILY, hook_id, "ACTIVE", public,
                        lambda hook: _limits(hook["type"], creating=False, exclude=hook_id))


@bp.post("/<hook_id>/lifecycle/deactivate")
def deactivate_inline_hook(hook_id: str) -> Response:
    return H.set_status(FAMILY, hook_id, "INACTIVE", public)


def active_hook(kind: str, st: Any = None) -> dict | None:
    """The org's ACTIVE inline hook of ``kind`` (a catalog name: ``token``, ``registration``, ``telephony``...),
    or None. ``st``: the ``ServerState`` (default: the current app's)."""
    store = (st if st is not None else state()).store
    return next((h for h in store.list_hooks(CATEGORY)
                 if h["status"] == "ACTIVE" and INLINE_TYPES[h["type"]].name == kind), None)


def channel_kwargs(hook: dict) -> dict[str, Any]:
    """Emulator keyword arguments for the hook's channel: HTTP (auth header) or OAUTH (``oauth=OAuthConfig``)."""
    if hook["channel"]["type"] == "OAUTH":
        return hook_keys.oauth_channel_kwargs(hook)
    return H.header_channel_kwargs(hook)


def call_hook(hook: dict, *, via: str, policy: dict[str, Any] | None = None, side_effects: bool = True,
              **kwargs: Any) -> Any:
    """Run ``Emulator.call_inline`` through ``hook``'s channel, record the delivery and its System Log events.
    ``side_effects=False`` (``execute``): only the events no event hook can receive are written (no flow events
    such as ``user.lifecycle.create``, nothing delivered)."""
    from ..payloads.event_types import is_eligible
    from .deliveries import record_inline

    st = state()
    kind = INLINE_TYPES[hook["type"]]
    result = st.emulator.call_inline(kind.name, hook["channel"]["config"]["uri"], **channel_kwargs(hook),
                                     **kwargs, **st.policy_for(policy))
    record_inline(st, hook, result, via=via)
    events = list(result.log_events)
    if not side_effects:
        from .api_caller import stamp

        events = [stamp(e) for e in events if not is_eligible(e.get("eventType", ""))]
    st.write_logs(events)
    return result


@bp.post("/<hook_id>/execute")
def execute_inline_hook(hook_id: str) -> Response:
    hook = load(hook_id)
    body = json_body()
    if hook["status"] != "ACTIVE" and not fidelity.EXECUTE_INACTIVE_INLINE_HOOK:
        raise OktaAPIError("E0000001", "inlineHook", causes=[
            f"Inline hook '{hook['name']}' is INACTIVE and cannot be executed; activate it first with "
            f"POST /api/v1/inlineHooks/{hook_id}/lifecycle/activate."])
    # docs/okta-behaviour.md#execute-endpoint: sends the body and returns the answer, nothing else happens.
    result = call_hook(hook, via="execute", policy=H.policy_query(), side_effects=False, request=body)
    if result.verdict in ("ok", "error"):
        answer = result.response_body if result.response_body is not None else {}
        return okta_json(answer)
    code = "E0000137" if result.timed_out else "E0000134"
    causes = [result.reason or f"The inline hook call {result.verdict}."]
    causes += [p.to_dict().get("message", str(p)) if hasattr(p, "to_dict") else str(p) for p in result.problems]
    raise OktaAPIError(code, causes=causes, status=fidelity.EXECUTE_FAILURE_STATUS)
