"""Lifecycle code shared by the event-hook and inline-hook Management APIs: one ``HookFamily`` describes the
differences (store category, Okta type name, wording, URL path); the rest of the logic is the same."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Response, request

from ..emulator.system_log import hook_target
from ..errors import OktaAPIError
from . import validation as V
from .app import no_content, okta_json, org_url, state


@dataclass(frozen=True)
class HookFamily:
    """What differs between ``/api/v1/eventHooks`` and ``/api/v1/inlineHooks``."""

    category: str  # store category: "event" / "inline"
    okta_type: str  # "EventHook" / "InlineHook" (System Log target type, 404 wording)
    label: str  # "event hook" / "inline hook"
    path: str  # "/api/v1/eventHooks"
    error_field: str  # errorSummary field of E0000001: "eventHook" / "inlineHook"
    log_prefix: str  # System Log event prefix: "event_hook" / "inline_hook"


def target(fam: HookFamily, hook: dict) -> dict:
    """The System Log target for ``hook``."""
    return hook_target(fam.okta_type, hook["id"], hook["name"])


def log(fam: HookFamily, action: str, hook: dict, **kw: Any) -> dict:
    """Write ``<log_prefix>.<action>`` targeted at ``hook``, naming the API caller (``api_caller``)."""
    from .api_caller import api_call_kwargs

    st = state()
    event_type = f"{fam.log_prefix}.{action}"
    return st.log(event_type, targets=[target(fam, hook)], **{**api_call_kwargs(st, event_type), **kw})


def load(fam: HookFamily, hook_id: str) -> dict:
    """The stored hook or a 404 E0000007."""
    hook = state().store.get_hook(fam.category, hook_id)
    if hook is None:
        raise OktaAPIError("E0000007", f"Resource not found: {hook_id} ({fam.okta_type})",
                           causes=[f"No {fam.label} with id '{hook_id}'; list them with GET {fam.path}."])
    return hook


def delete(fam: HookFamily, hook_id: str) -> Response:
    """``DELETE <path>/<id>``: only INACTIVE hooks can be deleted."""
    st = state()
    hook = load(fam, hook_id)
    if hook["status"] != "INACTIVE":
        raise OktaAPIError("E0000001", fam.error_field, causes=[
            f"{fam.label.capitalize()} '{hook['name']}' is ACTIVE; only INACTIVE {fam.label}s can be deleted. "
            f"Deactivate it first with POST {fam.path}/{hook_id}/lifecycle/deactivate."])
    st.store.delete_hook(fam.category, hook_id)
    log(fam, "deleted", hook)
    return no_content()


def save(fam: HookFamily, hook: dict, action: str, public: Callable[[dict, str], dict],
         check_limits: Callable[[dict], None] | None = None) -> Response:
    """Store ``hook``, log ``<log_prefix>.<action>`` and answer with its public form. ``check_limits(hook)`` (the
    org limits) runs in the same transaction as the write, so concurrent requests cannot both pass it."""
    store = state().store
    if check_limits is None:
        store.put_hook(fam.category, hook)
    else:
        with store.atomic():
            check_limits(hook)
            store.put_hook(fam.category, hook)
    log(fam, action, hook)
    return okta_json(public(hook, org_url()))


def set_status(fam: HookFamily, hook_id: str, status: str, public: Callable[[dict, str], dict],
               check_limits: Callable[[dict], None] | None = None) -> Response:
    """``lifecycle/activate`` / ``lifecycle/deactivate``: a no-op when already there; ``check_limits(hook)`` runs
    before a change."""
    st = state()
    hook = load(fam, hook_id)
    if hook["status"] != status:
        hook.update(status=status, lastUpdated=st.now())
        return save(fam, hook, "activated" if status == "ACTIVE" else "deactivated", public, check_limits)
    return okta_json(public(hook, org_url()))


def header_channel_kwargs(hook: dict) -> dict[str, Any]:
    """``auth_header`` / ``headers`` / ``hook_id`` keyword arguments for the Emulator from an HTTP-channel hook."""
    cfg = hook["channel"]["config"]
    scheme = cfg.get("authScheme")
    return {"auth_header": (scheme["key"], scheme["value"]) if scheme else None,
            "headers": [(h["key"], h["value"]) for h in cfg.get("headers", [])], "hook_id": hook["id"]}


def policy_query() -> dict[str, Any]:
    """Emulator-only: ``?timeout=0.5`` shortens the per-attempt timeout (tests)."""
    out: dict[str, Any] = {}
    if "timeout" in request.args:
        out["timeout"] = V.query_timeout(request.args["timeout"])
    return out
