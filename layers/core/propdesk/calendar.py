"""The desk-time calendar (服务台工作时间): desk hours in the property's timezone, holidays skipped.

Every instant in and out is timezone-aware; results are in UTC. Desk hours are local wall-clock
hours, so a desk day keeps its 08:00-21:00 face across daylight saving while its UTC instants move.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

_ONE_DAY = timedelta(days=1)


class HasDeskHours(Protocol):
    """Anything that states desk hours, e.g. propdesk.models.directory.Property."""

    @property
    def timezone(self) -> str: ...

    @property
    def desk_opens(self) -> time: ...

    @property
    def desk_closes(self) -> time: ...

    @property
    def holidays(self) -> Iterable[date]: ...


def aware_utc(at: datetime) -> datetime:
    """`at` in UTC; a naive datetime is refused because its instant is unknowable."""
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError(f"a timezone-aware datetime is required, got naive {at.isoformat()}")
    return at.astimezone(UTC)


def wall(start: datetime, *, minutes: float = 0, hours: float = 0) -> datetime:
    """`start` plus elapsed real time ("within N minutes/hours"), in UTC."""
    return aware_utc(start) + timedelta(minutes=minutes, hours=hours)


def local_instant(day: date, at: time, zone: ZoneInfo) -> datetime:
    """The UTC instant at which the wall clock in `zone` shows `at` on `day`."""
    # Ambiguous (fall-back) times take their first occurrence; nonexistent (spring-forward) times take
    # the instant the clock jumps, so later wall times never map to earlier instants.
    wall_time = datetime.combine(day, at.replace(tzinfo=None, fold=0), tzinfo=zone)
    instant = wall_time.astimezone(UTC)
    if instant.astimezone(zone).replace(tzinfo=None) == wall_time.replace(tzinfo=None):
        return instant
    # In a gap fold=0 uses the pre-jump offset (landing past the jump) and fold=1 the post-jump one
    # (landing before it); zoneinfo does not expose transitions, so bisect whole seconds between them.
    before = math.floor(wall_time.replace(fold=1).timestamp())
    after = math.ceil(instant.timestamp())
    offset_after = datetime.fromtimestamp(after, zone).utcoffset()
    while after - before > 1:
        middle = (before + after) // 2
        if datetime.fromtimestamp(middle, zone).utcoffset() == offset_after:
            after = middle
        else:
            before = middle
    return datetime.fromtimestamp(after, UTC)


@dataclass(frozen=True, slots=True)
class DeskCalendar:
    """A property's desk hours (local wall clock, [opens, closes)) and holidays; weekends are ordinary days."""

    timezone: str = "Asia/Shanghai"
    opens: time = time(8, 0)
    closes: time = time(21, 0)
    holidays: frozenset[date] = frozenset()

    def __post_init__(self) -> None:
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise ValueError(f"unknown timezone {self.timezone!r}") from error
        if self.opens.tzinfo is not None or self.closes.tzinfo is not None:
            raise ValueError("desk hours are local wall-clock times and must be naive")
        if self.opens >= self.closes:
            raise ValueError("desk hours must open before they close on the same day")

    @classmethod
    def from_property(cls, prop: HasDeskHours) -> DeskCalendar:
        """The calendar of a property (anything with timezone, desk_opens, desk_closes, holidays)."""
        return cls(prop.timezone, prop.desk_opens, prop.desk_closes, frozenset(prop.holidays))

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def _desk_days(self, around: datetime) -> Iterator[tuple[date, datetime, datetime]]:
        """Every desk day's (local date, open, close in UTC) from the day before `around`'s local date."""
        zone = self.zone
        # One day early so that no interval that could still contain `around` is ever missed.
        day = around.astimezone(zone).date() - _ONE_DAY
        while True:  # endless: holidays are finite, so callers always find the desk day they stop at
            if day not in self.holidays:
                opens, closes = local_instant(day, self.opens, zone), local_instant(day, self.closes, zone)
                if closes > opens:  # desk hours lying wholly inside a DST gap leave nothing to count
                    yield day, opens, closes
            day += _ONE_DAY

    def is_desk_time(self, at: datetime) -> bool:
        """Whether the desk is staffed at `at` (open at `opens`, closed from `closes`)."""
        at = aware_utc(at)
        for _, opens, closes in self._desk_days(at):
            if closes > at:
                return opens <= at
        raise AssertionError("unreachable: the desk calendar never ends")

    def next_desk_start(self, at: datetime) -> datetime:
        """`at` itself during desk hours, otherwise the next opening after it (holidays skipped)."""
        at = aware_utc(at)
        for _, opens, closes in self._desk_days(at):
            if closes > at:
                return max(opens, at)
        raise AssertionError("unreachable: the desk calendar never ends")

    def desk_day_length(self, day: date | None = None) -> timedelta:
        """A desk day's length: wall-clock hours, or with `day` the real time from that day's open to close."""
        if day is None:
            return datetime.combine(date.min, self.closes) - datetime.combine(date.min, self.opens)
        return local_instant(day, self.closes, self.zone) - local_instant(day, self.opens, self.zone)

    def add_desk_time(self, start: datetime, duration: timedelta) -> datetime:
        """The instant at which `duration` of desk time has run from `start` (a full fill ends at the close)."""
        if duration < timedelta(0):
            raise ValueError("desk time cannot run backwards")
        start = aware_utc(start)
        if not duration:
            return start
        remaining = duration
        for _, opens, closes in self._desk_days(start):
            if closes <= start:
                continue
            begin = max(opens, start)
            if remaining <= closes - begin:
                return begin + remaining
            remaining -= closes - begin
        raise AssertionError("unreachable: the desk calendar never ends")

    def desk_time_between(self, start: datetime, end: datetime) -> timedelta:
        """Desk time from `start` to `end`; negative when `end` is earlier."""
        start, end = aware_utc(start), aware_utc(end)
        if end < start:
            return -self.desk_time_between(end, start)
        total = timedelta(0)
        for _, opens, closes in self._desk_days(start):
            if opens >= end:
                return total
            if closes > start:
                total += min(closes, end) - max(opens, start)
        raise AssertionError("unreachable: the desk calendar never ends")

    def half_working_day(self, start: datetime) -> datetime:
        """`start` plus half a desk day of desk time ("within half a working day"), using the wall-clock length."""
        return self.add_desk_time(start, self.desk_day_length() / 2)

    def same_day_due(self, dispatched_at: datetime, desk_days: int = 1) -> datetime:
        """The close of the `desk_days`-th desk day, the dispatch day first (outside desk hours: the next one)."""
        if desk_days < 1:
            raise ValueError("desk_days counts the dispatch day, so it is at least 1")
        dispatched_at = aware_utc(dispatched_at)
        counted = 0
        for _, _opens, closes in self._desk_days(dispatched_at):
            if closes > dispatched_at:
                counted += 1
                if counted == desk_days:
                    return closes
        raise AssertionError("unreachable: the desk calendar never ends")

    def calendar_reminder(self, opened_at: datetime, every_days: int, n: int) -> datetime:
        """The n-th reminder: the same local wall time n*every_days calendar days on, moved into desk hours."""
        if every_days < 1 or n < 1:
            raise ValueError("reminders come every day or less often, counting from the first")
        local = aware_utc(opened_at).astimezone(self.zone)
        due = local_instant(local.date() + timedelta(days=n * every_days), local.time(), self.zone)
        return self.next_desk_start(due)
