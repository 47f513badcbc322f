"""Event hooks Management API: ``/api/v1/eventHooks`` (docs/okta-behaviour.md#event-hooks-api)."""

from __future__ import annotations

import copy
from typing import Any

from flask import Blueprint, Response

from ..errors import OktaAPIError
from . import hooks_common as H
from . import validation as V
from .app import add_warning, json_body, okta_json, org_url, state
from .el_filter import compile_filter

bp = Blueprint("event_hooks", __name__, url_prefix="/api/v1/eventHooks")

CATEGORY = "event"
MAX_EVENT_TYPES = 300
MAX_ACTIVE_EVENT_HOOKS = 25
FAMILY = H.HookFamily(category=CATEGORY, okta_type="EventHook", label="event hook", path="/api/v1/eventHooks",
                      error_field="eventHook", log_prefix="event_hook")


def public(hook: dict, base: str) -> dict:
    """The EventHook as Okta returns it: secrets removed, ``_links`` by status."""
    out = copy.deepcopy(hook)
    out["channel"]["config"]["authScheme"] = V.public_auth_scheme(hook["channel"]["config"].get("authScheme"))
    path = f"/api/v1/eventHooks/{hook['id']}"
    if hook["status"] == "ACTIVE":
        names = [("self", None, None), ("verify", "lifecycle/verify", "POST"),
                 ("deactivate", "lifecycle/deactivate", "POST")]
    else:
        names = [("activate", "lifecycle/activate", "POST"), ("self", None, None), ("delete", None, "DELETE")]
    out["_links"] = V.links(base, path, names)
    return out


def _target(hook: dict) -> dict:
    return H.target(FAMILY, hook)


def _log(action: str, hook: dict, **kw: Any) -> dict:
    return H.log(FAMILY, action, hook, **kw)


def _eligible() -> dict:
    from ..payloads.event_types import event_types

    return event_types()


def _active_count(exclude: str | None = None) -> int:
    return sum(1 for h in state().store.list_hooks(CATEGORY) if h["status"] == "ACTIVE" and h["id"] != exclude)


def _limit_cause() -> str:
    return (f"An org can have at most {MAX_ACTIVE_EVENT_HOOKS} active event hooks; deactivate one "
            "(POST /api/v1/eventHooks/{id}/lifecycle/deactivate) first.")


def _validate(body: dict, old: dict | None) -> dict:
    """Validate a create/replace body; returns the new stored object (without id/timestamps for create)."""
    st = state()
    causes: list[str] = []
    warnings: list[str] = []
    V.check_name(body, causes, st.store.list_hooks(CATEGORY), old["id"] if old else None, "event hook")
    description = body.get("description")
    if description is not None and not isinstance(description, str):
        causes.append("description: Expected a string or null.")

    events = body.get("events")
    items: list[str] = []
    event_filter = None
    if not isinstance(events, dict):
        causes.append('events: The field is required: {"type": "EVENT_TYPE", "items": ["user.lifecycle.create", ...]}.')
    else:
        if events.get("type", "EVENT_TYPE") != "EVENT_TYPE":
            causes.append(f"events.type: Only 'EVENT_TYPE' is supported; got {events.get('type')!r}.")
        raw_items = events.get("items")
        if not isinstance(raw_items, list) or not raw_items:
            causes.append("events.items: Give at least one event-hook-eligible event type, e.g. "
                          "'user.lifecycle.create'.")
        else:
            eligible = _eligible()
            from ..errors import did_you_mean

            for item in raw_items:
                if not isinstance(item, str):
                    causes.append(f"events.items: {item!r} is not a string.")
                elif item not in eligible:
                    causes.append(f"events.items: '{item}' is not an event-hook-eligible event type."
                                  f"{did_you_mean(item, eligible)}")
                elif item not in items:
                    items.append(item)
            if len(items) > MAX_EVENT_TYPES:
                causes.append(f"events.items: {len(items)} event types given; an event hook can subscribe to at "
                              f"most {MAX_EVENT_TYPES}.")
        event_filter = events.get("filter")
        if event_filter is not None:
            event_filter = _check_filter(event_filter, items, causes)

    channel = body.get("channel")
    config: dict[str, Any] = {}
    old_cfg = old["channel"]["config"] if old else {}
    if not isinstance(channel, dict) or not isinstance(channel.get("config"), dict):
        causes.append('channel: The field is required: {"type": "HTTP", "version": "1.0.0", "config": {"uri": ...}}.')
    else:
        if channel.get("type", "HTTP") != "HTTP":
            causes.append(f"channel.type: Event hooks only support 'HTTP'; got {channel.get('type')!r}.")
        if not isinstance(channel.get("version", "1.0.0"), str):
            causes.append("channel.version: Expected a string such as '1.0.0'.")
        cfg = channel["config"]
        V.check_uri(cfg.get("uri"), causes, strict=st.config.strict, warnings=warnings)
        config = {"uri": cfg.get("uri"), "headers": V.check_headers(cfg.get("headers"), causes), "method": "POST",
                  "authScheme": V.check_auth_scheme(cfg.get("authScheme"), causes, old_cfg.get("authScheme"))}
    if causes:
        raise OktaAPIError("E0000001", "eventHook", causes=causes)
    for w in warnings:
        add_warning(w)
    return {
        "name": body["name"],
        "description": description,
        "events": {"type": "EVENT_TYPE", "items": items, "filter": event_filter},
        "channel": {"type": "HTTP", "version": channel.get("version", "1.0.0"), "config": config},
    }


def _check_filter(value: Any, items: list[str], causes: list[str]) -> dict | None:
    if not isinstance(value, dict):
        causes.append("events.filter: Expected null or {\"type\": \"EXPRESSION_LANGUAGE\", \"eventFilterMap\": [...]}.")
        return None
    if value.get("type", "EXPRESSION_LANGUAGE") != "EXPRESSION_LANGUAGE":
        causes.append(f"events.filter.type: Only 'EXPRESSION_LANGUAGE' is supported; got {value.get('type')!r}.")
    fmap = value.get("eventFilterMap")
    out = []
    if not isinstance(fmap, list):
        causes.append("events.filter.eventFilterMap: Expected a list of {event, condition: {expression}}.")
        return None
    for i, entry in enumerate(fmap):
        cond = entry.get("condition") if isinstance(entry, dict) else None
        if not isinstance(entry, dict) or entry.get("event") not in items or not isinstance(cond, dict) \
                or not isinstance(cond.get("expression"), str):
            causes.append(f"events.filter.eventFilterMap[{i}]: Each entry needs an 'event' listed in events.items "
                          "and a condition {\"expression\": \"...\"}.")
            continue
        try:
            compile_filter(cond["expression"])
        except ValueError as exc:
            causes.append(f"events.filter.eventFilterMap[{i}].condition.expression: {exc}. Supported: "
                          "event.eventType, event.outcome.*, event.actor.*, event.debugData.*, "
                          "event.target.?[type eq 'UserGroup'].size()>0, eq/ne, &&, ||.")
            continue
        out.append({"event": entry["event"], "condition": {"version": None, "expression": cond["expression"]}})
    return {"type": "EXPRESSION_LANGUAGE", "eventFilterMap": out}


def load(hook_id: str) -> dict:
    """The stored event hook or a 404 E0000007."""
    return H.load(FAMILY, hook_id)


@bp.get("")
def list_event_hooks() -> Response:
    base = org_url()
    return okta_json([public(h, base) for h in state().store.list_hooks(CATEGORY)])


@bp.post("")
def create_event_hook() -> Response:
    st = state()
    body = json_body()
    new = _validate(body, None)
    now = st.now()
    hook = {"id": st.new_id("who"), "status": "ACTIVE", "verificationStatus": "UNVERIFIED", **new,
            "created": now, "createdBy": _admin_id(), "lastUpdated": now}
    hook = _ordered(hook)
    return H.save(FAMILY, hook, "created", public, _check_active_limit)


def _check_active_limit(hook: dict) -> None:
    """The org limit of active event hooks, for ``hook`` becoming (or being created) ACTIVE."""
    if _active_count(hook["id"]) >= MAX_ACTIVE_EVENT_HOOKS:
        raise OktaAPIError("E0000001", "eventHook", causes=[_limit_cause()])


def _admin_id() -> str:
    st = state()
    stored = st.store.get_meta("admin_id")
    if stored:
        return stored
    admin = st.new_id("00u")
    st.store.set_meta("admin_id", admin)
    return admin


def _ordered(hook: dict) -> dict:
    order = ["id", "status", "verificationStatus", "name", "description", "created", "createdBy", "lastUpdated",
             "events", "channel"]
    return {k: hook[k] for k in order if k in hook}


@bp.get("/<hook_id>")
def get_event_hook(hook_id: str) -> Response:
    return okta_json(public(load(hook_id), org_url()))


@bp.put("/<hook_id>")
def replace_event_hook(hook_id: str) -> Response:
    st = state()
    old = load(hook_id)
    body = json_body()
    new = _validate(body, old)
    hook = {**old, **new, "lastUpdated": st.now()}
    status = body.get("status")
    check = None
    if status in ("ACTIVE", "INACTIVE"):  # observed: Okta honours status on replace for event hooks
        if status == "ACTIVE" and old["status"] != "ACTIVE":
            check = _check_active_limit
        hook["status"] = status
    if new["channel"]["config"]["uri"] != old["channel"]["config"]["uri"]:
        hook["verificationStatus"] = "UNVERIFIED"  # a new URI must be verified again
    hook = _ordered(hook)
    return H.save(FAMILY, hook, "updated", public, check)


@bp.delete("/<hook_id>")
def delete_event_hook(hook_id: str) -> Response:
    return H.delete(FAMILY, hook_id)


@bp.post("/<hook_id>/lifecycle/activate")
def activate_event_hook(hook_id: str) -> Response:
    return H.set_status(FAMILY, hook_id, "ACTIVE", public, _check_active_limit)


@bp.post("/<hook_id>/lifecycle/deactivate")
def deactivate_event_hook(hook_id: str) -> Response:
    return H.set_status(FAMILY, hook_id, "INACTIVE", public)


def channel_kwargs(hook: dict) -> dict[str, Any]:
    """``auth_header`` / ``headers`` / ``hook_id`` keyword arguments for the Emulator from a stored hook."""
    return H.header_channel_kwargs(hook)


@bp.post("/<hook_id>/lifecycle/verify")
def verify_event_hook(hook_id: str) -> Response:
    from .deliveries import record_verification

    st = state()
    hook = load(hook_id)
    policy = st.policy_for(H.policy_query())
    result = st.emulator.verify(hook["channel"]["config"]["uri"], **channel_kwargs(hook), **policy)
    record_verification(st, hook, result)
    from .api_caller import stamp

    # the core's event_hook.verified (fired on failure too), with this API call's client and path
    events = [stamp(dict(e)) for e in result.log_events]
    for event in events:
        if event.get("eventType") == "event_hook.verified":
            event["target"] = [_target(hook)]
    if events:
        st.write_logs(events)
    else:
        _log("verified", hook, outcome={"result": "SUCCESS" if result.verified else "FAILURE",
                                                   "reason": None if result.verified else "Unable to verify"})
    if not result.verified:
        details = [f"{c.name}: {c.detail}" if c.detail else c.name for c in result.checks if not c.passed]
        raise OktaAPIError("E0000001", "eventHook", causes=[
            f"Unable to verify event hook. Hook {hook['name']} execution failed"] + details)
    hook = {**load(hook_id), "verificationStatus": "VERIFIED", "lastUpdated": st.now()}
    st.store.put_hook(CATEGORY, hook)
    return okta_json(public(hook, org_url()))

