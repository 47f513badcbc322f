"""Who called the Management API, as Okta writes it into the System Log events of the call
(docs/okta-behaviour.md#api-call-events): the actor is the API token's owner (one stable admin of the synthetic
org), ``client`` is the caller's IP address and User-Agent, ``debugData.requestUri`` / ``url`` the real path and
``debugData.requestId`` / ``transaction.id`` the call's ``X-Okta-Request-Id``.

Events Okta raises itself (``fidelity.HOOK_LOG_SYSTEM_ACTOR_TYPES``, e.g. ``event_hook.verified``) keep Okta's
SystemPrincipal actor; they still carry the caller's client and path.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from flask import has_request_context, request

from .. import fidelity
from ..payloads.overrides import apply_overrides
from .rate_limit import current_request_id


def token_owner(st: Any) -> dict:
    """The actor of API-token calls: the synthetic org's first admin (the same user for every call)."""
    admin = st.emulator.payloads.org.admins[0]
    return {"id": admin.id, "type": "User", "alternateId": admin.login, "displayName": admin.display_name,
            "detailEntry": None}


def _ip_version(ip: str) -> str:
    try:
        return "V6" if ipaddress.ip_address(ip).version == 6 else "V4"
    except ValueError:
        return "V4"


def caller_overrides() -> dict[str, Any]:
    """``Emulator.log_event`` overrides describing the current HTTP request (empty outside a request)."""
    if not has_request_context():
        return {}
    ip = request.remote_addr or ""
    chain = [{"ip": ip, "geographicalContext": None, "version": _ip_version(ip), "source": None}]
    # Okta parses the User-Agent into os / browser; "Unknown" / "UNKNOWN" is what it writes when it can't.
    client = {"userAgent": {"rawUserAgent": request.headers.get("User-Agent", ""), "os": "Unknown",
                            "browser": "UNKNOWN"},
              "zone": "null", "device": "Unknown", "id": None, "ipAddress": ip, "geographicalContext": None,
              "ipChain": chain}
    out: dict[str, Any] = {"client": client, "request.ipChain": [dict(c) for c in chain],
                           "debugContext.debugData.requestUri": request.path,
                           "debugContext.debugData.url": request.full_path}
    request_id = current_request_id()
    if request_id is not None:
        out["debugContext.debugData.requestId"] = request_id
        out["transaction.id"] = request_id
    return out


def api_call_kwargs(st: Any, event_type: str) -> dict[str, Any]:
    """``actor`` and ``overrides`` for ``Emulator.log_event`` of an event the current API call writes."""
    overrides = caller_overrides()
    if not overrides:
        return {}
    kwargs: dict[str, Any] = {"overrides": overrides}
    if event_type not in fidelity.HOOK_LOG_SYSTEM_ACTOR_TYPES:
        kwargs["actor"] = token_owner(st)
    return kwargs


def stamp(event: dict) -> dict:
    """An event built elsewhere (e.g. the core's ``event_hook.verified``) with the current caller's client, path
    and request id; its actor is kept."""
    overrides = caller_overrides()
    return apply_overrides(event, overrides) if overrides else event
