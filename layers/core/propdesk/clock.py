"""The one clock every "now" comes from, so tests and the local runtime can move time.

The local runtime warps time with two environment variables read on first use
(never at import): PROPDESK_TIME_ORIGIN (ISO instant the warp starts at, real
time) and PROPDESK_TIME_WARP (how many seconds pass per real second).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

_source: Callable[[], datetime] | None = None


def _from_environment() -> Callable[[], datetime]:
    warp = float(os.environ.get("PROPDESK_TIME_WARP", "1") or 1)
    origin = os.environ.get("PROPDESK_TIME_ORIGIN")
    if warp == 1 or not origin:
        return lambda: datetime.now(UTC)
    start = datetime.fromisoformat(origin)
    real_start = start.timestamp()

    def warped() -> datetime:
        return start + timedelta(seconds=(time.time() - real_start) * warp)

    return warped


def now() -> datetime:
    """The current instant, timezone-aware (UTC)."""
    global _source
    if _source is None:
        _source = _from_environment()
    return _source()


def set_clock(source: Callable[[], datetime] | None) -> None:
    """Replace the clock (tests, time warp); None goes back to the environment's clock."""
    global _source
    _source = source


class FrozenClock:
    """A clock that stands still until moved; for tests and scripted days."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("FrozenClock needs a timezone-aware start")
        self.current = start

    def __call__(self) -> datetime:
        return self.current

    def advance(self, **delta: float) -> datetime:
        self.current += timedelta(**delta)
        return self.current
