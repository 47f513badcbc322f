"""Event delivery POSTs: ``com.okta.event_hook`` envelopes in batches, at-least-once (duplicate switch) and
unordered (out-of-order switch). See docs/okta-behaviour.md#event-envelope,
docs/okta-behaviour.md#batching-and-ordering and docs/okta-behaviour.md#delivery-answers."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from .. import fidelity, wire_json
from ..errors import EmulatorUsageError
from . import records as R
from .exchange import PreparedRequest
from .policy import DeliveryPolicy
from .records import Delivery
from .results import BatchDelivery, EventDeliveryResult
from .sender import event_delivery_headers, prepare_request
from .system_log import hook_target
from .transport import HookChannel

if TYPE_CHECKING:
    from .core import Emulator

DOCUMENTED_STATUSES = (200, 204)


def judge_delivery(delivery: Delivery) -> tuple[bool, str]:
    """Okta's acceptance rule for an event POST: 200/204 accepted; other 2xx accepted with a note
    (fidelity.EVENT_ACCEPT_ANY_2XX); anything else is a failed delivery."""
    final = delivery.final
    status = delivery.status
    if final.transport == R.OK and status in DOCUMENTED_STATUSES:
        return True, ""
    if final.transport == R.OK and fidelity.EVENT_ACCEPT_ANY_2XX:
        return True, f"{status} accepted (Okta expects 200 or 204)"
    tries = len(delivery.attempts)
    why = final.error or f"HTTP {status}"
    return False, f"{why} after {tries} attempt{'s' if tries > 1 else ''}"


def prepare_delivery(channel: HookChannel, envelope: dict, policy: DeliveryPolicy) -> PreparedRequest:
    """The POST of one ``com.okta.event_hook`` envelope (one batch) to ``channel``, ready to send: compact JSON
    with Okta's event delivery headers (docs/okta-behaviour.md#event-delivery-headers) under ``policy``."""
    return prepare_request(channel, "POST", wire_json.dumps(envelope),
                           event_delivery_headers(_hook_id(channel, envelope)), policy)


def judge_batch(envelope: dict, delivery: Delivery, duplicate_of: str | None = None) -> BatchDelivery:
    """Okta's acceptance of the answers to one envelope's POST (:func:`judge_delivery`)."""
    accepted, note = judge_delivery(delivery)
    return BatchDelivery(envelope=envelope, delivery=delivery, accepted=accepted, note=note,
                         duplicate_of=duplicate_of)


def _hook_id(channel: HookChannel, envelope: dict) -> str | None:
    if channel.hook_id:
        return channel.hook_id
    source = str(envelope.get("source", ""))
    return source.rstrip("/").rsplit("/", 1)[-1] or None


def _generate(emulator: Emulator, event_types: Sequence[str], count: int,
              overrides: dict[str, Any] | None, user: Any = None) -> list[dict]:
    if count < 1:
        raise EmulatorUsageError(f"count must be at least 1, got {count}.")
    if not event_types:
        raise EmulatorUsageError("Give at least one event type, e.g. ['user.lifecycle.create'].")
    return [emulator.payloads.log_event(event_types[i % len(event_types)], overrides=overrides, user=user)
            for i in range(count)]


def send_events(emulator: Emulator, channel: HookChannel, policy: DeliveryPolicy, *,
                event_types: Sequence[str] = (), count: int = 1, batch_size: int | None = None,
                duplicate: bool = False, out_of_order: bool = False, delay: float = 0.0,
                overrides: dict[str, Any] | None = None, events: Sequence[dict] | None = None,
                progress: Callable[[int, int], None] | None = None, user: Any = None) -> EventDeliveryResult:
    """Deliver events to one event hook, one POST per batch. ``events`` (ready LogEvents) wins over
    generating ``count`` events cycling through ``event_types``. ``progress(done, total)`` is called after
    every POST."""
    if isinstance(event_types, str):
        event_types = [event_types]
    all_events = (list(events) if events is not None
                  else _generate(emulator, list(event_types), count, overrides, user))
    size = batch_size if batch_size is not None else policy.batch_size
    if size < 1:
        raise EmulatorUsageError(f"batch_size must be at least 1, got {size}.")
    batches = [all_events[i:i + size] for i in range(0, len(all_events), size)]
    if out_of_order:
        rng = emulator.rng
        for batch in batches:
            rng.shuffle(batch)
        rng.shuffle(batches)
    total = len(batches) * (2 if duplicate else 1)
    results: list[BatchDelivery] = []
    log_events: list[dict] = []

    def post(envelope: dict, duplicate_of: str | None) -> BatchDelivery:
        if delay > 0:
            time.sleep(delay)
        delivery = emulator.sender.deliver(prepare_delivery(channel, envelope, policy))
        result = judge_batch(envelope, delivery, duplicate_of)
        results.append(result)
        if not result.accepted:
            log_events.append(_failure_event(emulator, channel, result))
        if progress is not None:
            progress(len(results), total)
        return result

    delivered = []
    for batch in batches:
        envelope = emulator.payloads.event_hook_envelope(batch, hook_id=channel.hook_id)
        if post(envelope, None).accepted:
            delivered.append(envelope)
    if duplicate:
        for envelope in delivered:
            post(envelope, envelope["eventId"])
    return EventDeliveryResult(batches=results, log_events=log_events)


def _failure_event(emulator: Emulator, channel: HookChannel, batch: BatchDelivery) -> dict:
    """The ``event_hook.delivery`` System Log event Okta writes when a delivery fails."""
    hook_id = _hook_id(channel, batch.envelope)
    return emulator.log_event(
        "event_hook.delivery",
        outcome={"result": "FAILURE", "reason": f"Event hook delivery failed: {batch.note}"},
        targets=[hook_target("EventHook", hook_id, channel.url)] if hook_id else None,
        debug_data={"eventHookId": hook_id, "url": channel.url,
                    "deliveryEventId": batch.event_id, "attempts": len(batch.delivery.attempts),
                    "transport": batch.delivery.transport, "status": batch.delivery.status},
    )
