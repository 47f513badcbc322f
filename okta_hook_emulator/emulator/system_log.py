"""System Log event types: the event-hook-eligible catalog (``payloads/event_types.py``) plus the hook bookkeeping
types Okta writes that are not event-hook-eligible (``event_hook.created`` ... ``system.hook.key.deleted``).

``Emulator.log_event`` builds every System Log event through :func:`log_event_type` and the payload factory, so an
event type has one shape (actor, targets, displayMessage, legacyEventType) whichever front end writes it. The
actor and displayMessage choices are recorded in ``fidelity.HOOK_LOG_SYSTEM_ACTOR_TYPES``.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from .. import fidelity
from ..errors import EmulatorUsageError, did_you_mean
from ..payloads.event_types import EventType, TargetSpec, event_types, get_event_type, is_eligible

# Target (drawn from the payload factory's pools when the caller gives none) and request URI of each family.
_FAMILIES: Mapping[str, tuple[TargetSpec, str]] = MappingProxyType({
    "event_hook": (TargetSpec("EventHook", "event_hook"), "/api/v1/eventHooks"),
    "inline_hook": (TargetSpec("InlineHook", "inline_hook"), "/api/v1/inlineHooks"),
    "system.hook.key": (TargetSpec("HookKey", "generic", "HKY", "hook key"), "/api/v1/hook-keys"),
})

# event type -> (displayMessage, description). Descriptions are Okta's (event types catalog).
_OWN: Mapping[str, tuple[str, str]] = MappingProxyType({
    "event_hook.created": ("Event hook created", "Triggered when an event hook has been created."),
    "event_hook.updated": ("Event hook updated", "Triggered when an event hook has been updated."),
    "event_hook.deleted": ("Event hook deleted", "Triggered when an event hook has been deleted."),
    "event_hook.activated": ("Event hook activated", "Triggered when an event hook has been activated."),
    "event_hook.deactivated": ("Event hook deactivated", "Triggered when an event hook has been deactivated."),
    "event_hook.verified": ("Event hook verified", "Triggered when attempting to verify an event hook."),
    "event_hook.delivery": ("Event hook delivery", "Triggered when an event hook delivery fails."),
    "inline_hook.created": ("Inline hook created", "Admin lifecycle of inline hooks."),
    "inline_hook.updated": ("Inline hook updated", "Admin lifecycle of inline hooks."),
    "inline_hook.deleted": ("Inline hook deleted", "Admin lifecycle of inline hooks."),
    "inline_hook.activated": ("Inline hook activated", "Admin lifecycle of inline hooks."),
    "inline_hook.deactivated": ("Inline hook deactivated", "Admin lifecycle of inline hooks."),
    "inline_hook.verified": ("Inline hook verified", "Triggered when attempting to verify an inline hook."),
    "inline_hook.response.processed": ("Inline hook response processed",
                                       "Triggered after Okta has finished processing response from an inline hook."),
    "system.hook.key.created": ("Hook key created", "Hook key (private_key_jwt) management."),
    "system.hook.key.updated": ("Hook key updated", "Hook key (private_key_jwt) management."),
    "system.hook.key.deleted": ("Hook key deleted", "Hook key (private_key_jwt) management."),
})


def _own_type(name: str, display_message: str, description: str) -> EventType:
    target, uri = next(spec for family, spec in _FAMILIES.items() if name.startswith(family + "."))
    system = name in fidelity.HOOK_LOG_SYSTEM_ACTOR_TYPES
    return EventType(
        name=name, display_message=display_message, description=description, severity="INFO",
        legacy_event_type=None, actor_type="SystemPrincipal" if system else "User",
        actor_role="system" if system else "admin",
        targets=(target,),
        outcome="SUCCESS", transaction_type="WEB", request_uri=uri, debug_keys=(), oie_only=False, beta=False,
        change_details=False, hand_specified=True)


# The emulator's own (not event-hook-eligible) System Log event types, by name. Read-only.
OWN_EVENT_TYPES: Mapping[str, EventType] = MappingProxyType(
    {name: _own_type(name, message, description) for name, (message, description) in _OWN.items()})


def log_event_type(name: str) -> EventType:
    """The shape of a System Log event type the emulator writes: event-hook-eligible or one of
    :data:`OWN_EVENT_TYPES`. Raises ``EmulatorUsageError`` (with a did-you-mean) for anything else."""
    own = OWN_EVENT_TYPES.get(name)
    if own is not None:
        return own
    if is_eligible(name):
        return get_event_type(name)
    raise EmulatorUsageError(
        f"'{name}' is not a System Log event type the emulator writes."
        f"{did_you_mean(name, [*event_types(), *OWN_EVENT_TYPES])} Run `okta-hooks catalog --event-types` to "
        "list the 314 event-hook-eligible types.")


def hook_target(okta_type: str, hook_id: str, name: str) -> dict:
    """A System Log target for a hook (``okta_type``: ``EventHook`` / ``InlineHook``)."""
    return {"id": hook_id, "type": okta_type, "alternateId": name, "displayName": name, "detailEntry": None}
