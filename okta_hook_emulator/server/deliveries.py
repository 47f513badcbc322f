"""Turn core results into stored delivery records (``/_emulator/deliveries``). Verdicts use the core's names:
``ok`` / ``failed`` for verifications and event batches, the inline verdicts (``ok``, ``error``, ``invalid``,
``failed``) for inline calls."""

from __future__ import annotations

from typing import Any

from ..emulator.results import VERDICT_FAILED, VERDICT_OK


def _record(st: Any, *, hook: dict | None, kind: str, event_type: str | None, verdict: str, delivery: Any,
            request: Any, outcome: Any, result: dict, note: str = "", store: bool = True) -> dict:
    record = {
        "id": st.new_id("dlv"),
        "hookId": hook["id"] if hook else None,
        "hookName": hook["name"] if hook else None,
        "kind": kind,
        "eventType": event_type,
        "verdict": verdict,
        "note": note,
        "createdAt": delivery.attempts[0].started_at if delivery.attempts else st.now(),
        "request": request,
        "attempts": [a.to_dict() for a in delivery.attempts],
        "outcome": outcome,
        "result": result,
    }
    if store:
        st.store.add_delivery(record)
        st.delivered([record])
    return record


def record_verification(st: Any, hook: dict, result: Any) -> dict:
    """Store a verification GET (all attempts) as a delivery of kind ``verification``."""
    return _record(st, hook=hook, kind="verification", event_type=None,
                   verdict=VERDICT_OK if result.verified else VERDICT_FAILED, delivery=result.delivery,
                   request={"challenge": result.challenge},
                   outcome={"status": result.status, "checks": [c.to_dict() for c in result.checks]},
                   result=result.to_dict())


def record_event_batches(st: Any, hook: dict, result: Any, *, store: bool = True) -> list[dict]:
    """Store each POSTed batch of an ``EventDeliveryResult`` as one delivery of kind ``event`` (``store=False``:
    only build the records, for a caller that stores them in its own transaction)."""
    out = []
    for batch in result.batches:
        types = sorted({e["eventType"] for e in batch.events})
        out.append(_record(st, hook=hook, kind="event", event_type=",".join(types),
                           verdict=VERDICT_OK if batch.accepted else VERDICT_FAILED, delivery=batch.delivery,
                           request=batch.envelope,
                           outcome={"accepted": batch.accepted, "eventId": batch.event_id, "events": len(batch.events)},
                           result=batch.to_dict(), note=batch.note, store=store))
    return out


def record_inline(st: Any, hook: dict | None, result: Any, *, via: str) -> dict:
    """Store one inline call (``via`` = ``execute`` / ``flow`` / ``oauth``)."""
    data = result.to_dict()
    return _record(st, hook=hook, kind=result.kind, event_type=hook["type"] if hook else None,
                   verdict=result.verdict, delivery=result.delivery, request=result.request,
                   outcome=data.get("outcome"), result=data, note=via)
