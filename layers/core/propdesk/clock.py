"""The one clock every "now" comes from, so tests and the local runtime can move time.

The local runtime warps time with environment variables read on first use
(never at import): PROPDESK_TIME_ORIGIN (ISO instant the warp starts at, real
time) and PROPDESK_TIME_WARP (how many seconds pass per real second); or
PROPDESK_TIME_FILE, a JSON file {"at", "real", "warp"} (the warped instant at the
real Unix time `real`) that the runtime replaces when it moves the clock forward.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

_source: Callable[[], datetime] | None = None


def _from_environment() -> Callable[[], datetime]:
    file = os.environ.get("PROPDESK_TIME_FILE")
    if file and Path(file).exists():
        return _FileClock(Path(file))
    warp = float(os.environ.get("PROPDESK_TIME_WARP", "1") or 1)
    origin = os.environ.get("PROPDESK_TIME_ORIGIN")
    if warp == 1 or not origin:
        return lambda: datetime.now(UTC)
    start = datetime.fromisoformat(origin)
    real_start = start.timestamp()

    def warped() -> datetime:
        return start + timedelta(seconds=(time.time() - real_start) * warp)

    return warped


class _FileClock:
    """Warped time as the runtime's clock file says; read again whenever the file is replaced."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._seen: tuple[int, int] | None = None
        self._at = datetime.now(UTC)
        self._real = time.time()
        self._warp = 1.0

    def __call__(self) -> datetime:
        stat = self.path.stat()
        if (stat.st_ino, stat.st_mtime_ns) != self._seen:
            state = json.loads(self.path.read_text(encoding="utf-8"))
            self._at = datetime.fromisoformat(state["at"])
            self._real, self._warp = float(state["real"]), float(state["warp"])
            self._seen = (stat.st_ino, stat.st_mtime_ns)
        return self._at + timedelta(seconds=(time.time() - self._real) * self._warp)


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
