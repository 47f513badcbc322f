"""Injected clocks. Every timestamp the emulator writes comes from one of these."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    """Anything with a ``now()`` returning an aware UTC datetime."""

    def now(self) -> datetime: ...


class SystemClock:
    """The wall clock (used by the server unless a fixed clock is configured)."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class FixedClock:
    """A deterministic clock: starts at ``start`` and advances by ``tick`` on every ``now()`` call."""

    def __init__(self, start: datetime | str = "2026-01-15T09:30:00.000Z", tick: timedelta = timedelta(0)):
        if isinstance(start, str):
            start = datetime.fromisoformat(start.replace("Z", "+00:00"))
        if start.tzinfo is None:
            start = start.replace(tzinfo=UTC)
        self._now = start
        self.tick = tick

    def now(self) -> datetime:
        value = self._now
        self._now = self._now + self.tick
        return value

    def advance(self, delta: timedelta) -> None:
        """Move the clock forward by ``delta``."""
        self._now += delta


def iso(dt: datetime) -> str:
    """Okta's timestamp format: ``2023-03-28T17:03:37.093Z`` (milliseconds, Z)."""
    if dt.tzinfo is not UTC:
        dt = dt.astimezone(UTC)
    if dt.year < 1000:  # strftime's %Y does not pad these
        return dt.strftime("%Y-%m-%dT%H:%M:%S.") + f"{dt.microsecond // 1000:03d}Z"
    # %-formatting: about half the time of an aware datetime's isoformat() or of seven f-string fields
    return "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ" % (  # noqa: UP031
        dt.year, dt.month, dt.day, dt.hour, dt.minute, dt.second, dt.microsecond // 1000)
