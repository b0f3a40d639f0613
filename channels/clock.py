"""The clock: the one place the code asks what time it is, and waits.

Every module that needs the time or a pause takes a :class:`Clock` instead of calling
``datetime.now`` or ``time.sleep``, the way httpx takes a transport: production passes
:class:`SystemClock` (or the core's database clock), tests pass :class:`FakeClock` and
move time by hand, so leases, backoff, holds and polling are tested without sleeping.

It lives beside the channel interface because channels wait too (Instagram's container
polling); the core imports it from here, never the other way round.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from typing import Protocol, runtime_checkable


@runtime_checkable
class Clock(Protocol):
    """What a clock can do.  ``now`` is timezone-aware UTC; ``monotonic`` is seconds."""

    def now(self) -> dt.datetime:
        """The current time, timezone-aware UTC."""
        ...

    def monotonic(self) -> float:
        """Seconds on a clock that never goes back (for deadlines)."""
        ...

    def sleep(self, seconds: float) -> None:
        """Wait ``seconds`` (a fake clock advances instead)."""
        ...


class SystemClock:
    """The machine's own clock."""

    def now(self) -> dt.datetime:
        return dt.datetime.now(dt.timezone.utc)

    def monotonic(self) -> float:
        return time.monotonic()

    def sleep(self, seconds: float) -> None:
        if seconds > 0:
            time.sleep(seconds)


class FakeClock:
    """A clock that moves only when told (``advance``) or when something sleeps on it.

    Thread-safe; ``sleep`` returns at once after moving the time forward, so code that
    polls or backs off runs through its waits instantly and deterministically.
    """

    def __init__(self, start: dt.datetime | None = None) -> None:
        self._now = start or dt.datetime(2026, 1, 5, 1, 0, tzinfo=dt.timezone.utc)
        if self._now.tzinfo is None:
            raise ValueError("FakeClock needs an aware start time")
        self._mono = 0.0
        self._lock = threading.Lock()
        #: Every sleep asked for, in order (tests read it to see the waits).
        self.sleeps: list[float] = []

    def now(self) -> dt.datetime:
        with self._lock:
            return self._now

    def monotonic(self) -> float:
        with self._lock:
            return self._mono

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.advance(max(seconds, 0.0))

    def advance(self, seconds: float | dt.timedelta) -> dt.datetime:
        """Move the time forward; returns the new now."""
        step = seconds.total_seconds() if isinstance(seconds, dt.timedelta) else float(seconds)
        with self._lock:
            self._now += dt.timedelta(seconds=step)
            self._mono += step
            return self._now


class OffsetClock(SystemClock):
    """The system clock moved by ``offset`` (a worker whose clock is wrong, in tests)."""

    def __init__(self, offset: dt.timedelta) -> None:
        self.offset = offset

    def now(self) -> dt.datetime:
        return super().now() + self.offset


#: The clock used where none is given.
SYSTEM = SystemClock()
