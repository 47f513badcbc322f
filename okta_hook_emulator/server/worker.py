"""Event-hook delivery, one lane per hook, as Okta delivers to each hook independently: a slow or hanging hook
delays only itself.

The dispatcher thread reads the System Log queue (events not yet dispatched) and, in one transaction, puts each
event on the queue (``outbox``) of every ACTIVE + VERIFIED event hook subscribed to its type (and passing its
filter) and marks it dispatched. Each hook's lane thread then POSTs its queue in batches
(``Emulator.send_events(events=...)``) and, after each batch, stores the delivery record, the failure's
``event_hook.delivery`` System Log event (not eligible, so never re-delivered) and takes the batch off the hook's
queue in one transaction. A crash therefore re-sends, to each hook, only the batch it had not yet recorded."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from typing import Any

from ..payloads.generate import delivered_event
from .deliveries import record_event_batches
from .el_filter import compile_filter

BATCH_READ = 500  # System Log events fanned out per dispatcher transaction
LANE_IDLE_POLL = 0.5  # seconds between checks of an idle lane's queue (it is woken when events arrive)


def _deliverable(hook: dict) -> bool:
    return hook.get("status") == "ACTIVE" and hook.get("verificationStatus") == "VERIFIED"


def _filters(hook: dict) -> dict[str, Callable[[dict], bool] | None]:
    """eventType -> compiled filter predicate (None: no filter) for the types ``hook`` subscribes to."""
    out: dict[str, Callable[[dict], bool] | None] = {t: None for t in hook["events"]["items"]}
    for entry in (hook["events"].get("filter") or {}).get("eventFilterMap", []):
        if entry.get("event") in out:
            try:
                out[entry["event"]] = compile_filter(entry["condition"]["expression"])
            except ValueError:
                out[entry["event"]] = lambda event: False
    return out


class _Lane:
    """The delivery thread of one event hook."""

    def __init__(self, worker: DeliveryWorker, hook_id: str):
        self.worker = worker
        self.hook_id = hook_id
        self.wake = threading.Event()
        self.thread = threading.Thread(target=self._run, name=f"okta-hooks-delivery-{hook_id}", daemon=True)

    def _run(self) -> None:
        worker = self.worker
        while not worker._stopping.is_set():
            self.wake.wait(LANE_IDLE_POLL)
            self.wake.clear()
            try:
                while not worker._stopping.is_set():
                    done = worker.deliver_once(self.hook_id)
                    if done is None:  # the hook is gone: retire this lane
                        worker._retire(self)
                        return
                    if not done:
                        break
            except Exception as exc:  # keep the lane alive; the error is reported by /_emulator/wait
                worker._error(f"hook {self.hook_id}: {type(exc).__name__}: {exc}")
                time.sleep(worker.state.config.worker_interval)
            worker._notify()


class DeliveryWorker:
    """Background event-hook delivery for one app. ``start()``, ``wake()``, ``wait_idle()``, ``stop()``."""

    def __init__(self, st: Any):
        self.state = st
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._idle = threading.Condition()
        self._busy = 0
        self._thread: threading.Thread | None = None
        self._lanes: dict[str, _Lane] = {}
        self._lanes_lock = threading.Lock()
        self.errors: list[str] = []  # last unexpected errors (shown by /_emulator/wait)

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> None:
        """Start the dispatcher thread (idempotent); lanes start when their hook has events queued."""
        if self.running:
            return
        self._stopping.clear()
        self._thread = threading.Thread(target=self._run, name="okta-hooks-dispatch", daemon=True)
        self._thread.start()

    def wake(self) -> None:
        """Tell the worker new events are queued."""
        self._wake.set()

    def stop(self, timeout: float = 10.0) -> None:
        """Drain what is queued (within ``timeout``) and stop the threads."""
        if not self.running:
            return
        deadline = time.monotonic() + timeout
        self.wait_idle(timeout)
        self._stopping.set()
        self._wake.set()
        with self._lanes_lock:
            lanes = list(self._lanes.values())
            self._lanes.clear()
        for lane in lanes:
            lane.wake.set()
        assert self._thread is not None
        for thread in [self._thread] + [lane.thread for lane in lanes]:
            thread.join(max(0.0, deadline - time.monotonic()))
        self._thread = None

    # -- bookkeeping -----------------------------------------------------------------------------------
    def _error(self, message: str) -> None:
        self.errors = (self.errors + [message])[-20:]

    def _notify(self) -> None:
        with self._idle:
            self._idle.notify_all()

    def _enter(self) -> None:
        with self._idle:
            self._busy += 1

    def _leave(self) -> None:
        with self._idle:
            self._busy -= 1
            self._idle.notify_all()

    def _lane(self, hook_id: str) -> _Lane | None:
        """The running lane of ``hook_id`` (started on first use); None when the worker is not running."""
        if not self.running or self._stopping.is_set():
            return None
        with self._lanes_lock:
            lane = self._lanes.get(hook_id)
            if lane is None:
                lane = self._lanes[hook_id] = _Lane(self, hook_id)
                lane.thread.start()
        return lane

    def _retire(self, lane: _Lane) -> None:
        with self._lanes_lock:
            if self._lanes.get(lane.hook_id) is lane:
                del self._lanes[lane.hook_id]

    def _wake_lanes(self, hook_ids: Any) -> None:
        for hook_id in hook_ids:
            lane = self._lane(hook_id)
            if lane is not None:
                lane.wake.set()

    # -- the dispatcher ----------------------------------------------------------------------------------
    def _run(self) -> None:
        interval = self.state.config.worker_interval
        try:
            self._wake_lanes(self.state.store.queued_hook_ids())  # queues left by a previous run
        except Exception as exc:  # pragma: no cover - reported, the dispatcher keeps going
            self._error(f"{type(exc).__name__}: {exc}")
        while not self._stopping.is_set():
            self._wake.wait(interval)
            self._wake.clear()
            try:
                while self.dispatch_once():
                    pass
            except Exception as exc:  # keep the worker alive; the error is reported by /_emulator/wait
                self._error(f"{type(exc).__name__}: {exc}")
                time.sleep(interval)
            self._notify()

    def dispatch_once(self) -> int:
        """Fan one chunk of the System Log queue out to the hooks' queues; returns how many events were handled
        (0 when nothing was waiting)."""
        st = self.state
        hooks = [(hook, _filters(hook)) for hook in st.store.list_hooks("event") if _deliverable(hook)]
        # the events' JSON is read only when a filter (an expression on the event) has to look at it
        rows = st.store.undispatched_logs(BATCH_READ, data=any(
            predicate is not None for _, filters in hooks for predicate in filters.values()))
        if not rows:
            return 0
        self._enter()
        try:
            fanout: list[tuple[str, int]] = []
            touched: set[str] = set()
            parsed: dict[int, dict] = {}
            for hook, filters in hooks:
                for seq, event_type, data in rows:
                    if event_type not in filters:
                        continue
                    predicate = filters[event_type]
                    if predicate is not None:
                        event = parsed.get(seq)
                        if event is None:
                            event = parsed[seq] = json.loads(data or "{}")
                        if not predicate(event):
                            continue
                    fanout.append((hook["id"], seq))
                    touched.add(hook["id"])
            targets: dict[int, list[str]] = {}  # event -> every hook it goes to (debugData.targetEventHookIds)
            for hook_id, seq in fanout:
                targets.setdefault(seq, []).append(hook_id)
            st.store.dispatch([seq for seq, _, _ in rows],
                              [(hook_id, seq, ",".join(targets[seq])) for hook_id, seq in fanout])
        finally:
            self._leave()
        self._wake_lanes(touched)
        return len(rows)

    # -- one hook's lane ---------------------------------------------------------------------------------
    def deliver_once(self, hook_id: str) -> int | None:
        """POST one batch of ``hook_id``'s queue and record it; returns how many events were handled (0: the
        queue is empty; None: the hook no longer exists and its queue was dropped)."""
        from .event_hooks import channel_kwargs

        st = self.state
        rows = st.store.hook_queue(hook_id, st.policy.batch_size)
        if not rows:
            return 0
        self._enter()
        try:
            hook = st.store.get_hook("event", hook_id)
            if hook is None or not _deliverable(hook):
                st.store.drop_queue(hook_id)  # deleted, deactivated or its new URI not verified: not delivered
                return None if hook is None else len(rows)
            events = [delivered_event(event, targets.split(",") if targets else hook_id)
                      for _, event, targets in rows]
            types = sorted({e["eventType"] for e in events})
            result = st.emulator.send_events(hook["channel"]["config"]["uri"], types, events=events,
                                             **channel_kwargs(hook), **st.policy_for())
            records = record_event_batches(st, hook, result, store=False)
            st.store.complete_delivery(hook_id, [seq for seq, _, _ in rows], records, list(result.log_events))
            st.delivered(records)
        finally:
            self._leave()
        if result.log_events:
            self.wake()  # the failure events are dispatched (to nobody: they are not eligible)
        return len(rows)

    def _drain_inline(self, deadline: float) -> None:
        while time.monotonic() < deadline:
            dispatched = self.dispatch_once()
            delivered = 0
            for hook_id in self.state.store.queued_hook_ids():
                while time.monotonic() < deadline and (self.deliver_once(hook_id) or 0):
                    delivered += 1
            if not dispatched and not delivered:
                return

    def wait_idle(self, timeout: float = 5.0) -> bool:
        """Block until nothing is queued and no delivery runs (drains inline when the threads are not running)."""
        deadline = time.monotonic() + timeout
        store = self.state.store
        if not self.running:
            self._drain_inline(deadline)
            return not store.has_pending()
        self.wake()
        with self._idle:
            while self._busy or store.has_pending():
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._idle.wait(min(left, 0.05))
                if not self._busy:
                    self.wake()
        return True
