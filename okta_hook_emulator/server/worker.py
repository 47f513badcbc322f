"""The delivery worker: a thread owned by the app that drains the System Log queue and delivers each event,
batched, to every ACTIVE + VERIFIED event hook subscribed to its type (``Emulator.send_events(events=...)``).
Every attempt is recorded; failures are written back as ``event_hook.delivery`` (not eligible, so never
re-delivered). Events are marked handled only after their deliveries are stored (at-least-once on restart)."""

from __future__ import annotations

import threading
import time
from typing import Any

from ..payloads.generate import delivered_event
from .deliveries import record_event_batches
from .el_filter import passes

BATCH_READ = 500


class DeliveryWorker:
    """Background event-hook delivery for one app. ``start()``, ``wake()``, ``wait_idle()``, ``stop()``."""

    def __init__(self, st: Any):
        self.state = st
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._idle = threading.Condition()
        self._busy = False
        self._thread: threading.Thread | None = None
        self.errors: list[str] = []  # last unexpected errors (shown by /_emulator/wait)

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> None:
        """Start the thread (idempotent)."""
        if self.running:
            return
        self._stopping.clear()
        self._thread = threading.Thread(target=self._run, name="okta-hooks-delivery", daemon=True)
        self._thread.start()

    def wake(self) -> None:
        """Tell the worker new events are queued."""
        self._wake.set()

    def stop(self, timeout: float = 10.0) -> None:
        """Drain what is queued (within ``timeout``) and stop the thread."""
        if not self.running:
            return
        self.wait_idle(timeout)
        self._stopping.set()
        self._wake.set()
        assert self._thread is not None
        self._thread.join(timeout)
        self._thread = None

    def _run(self) -> None:
        interval = self.state.config.worker_interval
        while not self._stopping.is_set():
            self._wake.wait(interval)
            self._wake.clear()
            try:
                while self.drain_once():
                    pass
            except Exception as exc:  # keep the worker alive; the error is reported by /_emulator/wait
                self.errors = (self.errors + [f"{type(exc).__name__}: {exc}"])[-20:]
                time.sleep(interval)
            with self._idle:
                self._idle.notify_all()

    def drain_once(self) -> int:
        """Deliver one chunk of queued events; returns how many events were handled (0 when the queue is empty)."""
        st = self.state
        pending = st.store.pending_logs(BATCH_READ)
        if not pending:
            return 0
        with self._idle:
            self._busy = True
        try:
            hooks = [h for h in st.store.list_hooks("event")
                     if h["status"] == "ACTIVE" and h["verificationStatus"] == "VERIFIED"]
            chosen = {hook["id"]: [i for i, (_, e) in enumerate(pending)
                                   if e.get("eventType") in set(hook["events"]["items"]) and passes(hook, e)]
                      for hook in hooks}
            targets: dict[int, list[str]] = {}  # event -> every hook it goes to (debugData.targetEventHookIds)
            for hook_id, picked in chosen.items():
                for i in picked:
                    targets.setdefault(i, []).append(hook_id)
            for hook in hooks:
                events = [delivered_event(pending[i][1], targets[i]) for i in chosen[hook["id"]]]
                if events:
                    try:
                        self._deliver(hook, events)
                    except Exception as exc:  # one broken hook must not block the queue for the others
                        self.errors = (self.errors + [f"hook {hook['id']}: {type(exc).__name__}: {exc}"])[-20:]
            st.store.mark_dispatched(seq for seq, _ in pending)
        finally:
            with self._idle:
                self._busy = False
                self._idle.notify_all()
        return len(pending)

    def _deliver(self, hook: dict, events: list[dict]) -> None:
        from .event_hooks import channel_kwargs

        st = self.state
        types = sorted({e["eventType"] for e in events})
        result = st.emulator.send_events(hook["channel"]["config"]["uri"], types, events=events,
                                         **channel_kwargs(hook), **st.policy_for())
        record_event_batches(st, hook, result)
        st.write_logs(list(result.log_events))

    def wait_idle(self, timeout: float = 5.0) -> bool:
        """Block until nothing is queued and no delivery runs (drains inline when the thread is not running)."""
        deadline = time.monotonic() + timeout
        if not self.running:
            while self.state.store.count_pending() and time.monotonic() < deadline:
                self.drain_once()
            return self.state.store.count_pending() == 0
        self.wake()
        with self._idle:
            while self._busy or self.state.store.count_pending():
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._idle.wait(min(left, 0.05))
                if not self._busy:
                    self.wake()
        return True
