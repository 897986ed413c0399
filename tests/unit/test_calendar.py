"""Desk-time calendar: desk hours, holidays, desk-time arithmetic and daylight saving.

Expected instants are written out by hand in UTC. Asia/Shanghai is UTC+8 without DST, so its
desk hours 08:00-21:00 are 00:00Z-13:00Z. 2025-06-03 is a Tuesday, 2025-06-06 a Friday.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from propdesk.calendar import DeskCalendar, local_instant, wall
from propdesk.models.directory import Property

SHANGHAI = ZoneInfo("Asia/Shanghai")
NEW_YORK = ZoneInfo("America/New_York")
LONDON = ZoneInfo("Europe/London")
NATIONAL_DAY = frozenset(date(2025, 10, d) for d in range(1, 8))


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


def sh(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> datetime:
    """A Shanghai wall-clock time."""
    return datetime(year, month, day, hour, minute, second, tzinfo=SHANGHAI)


DESK = DeskCalendar()
DESK_OFF_WED = DeskCalendar(holidays=frozenset({date(2025, 6, 4)}))
DESK_NATIONAL_DAY = DeskCalendar(holidays=NATIONAL_DAY)
NY_DESK = DeskCalendar("America/New_York")
LONDON_DESK = DeskCalendar("Europe/London")
NY_NIGHT = DeskCalendar("America/New_York", time(1, 0), time(3, 0))
LONDON_NIGHT = DeskCalendar("Europe/London", time(1, 0), time(3, 0))
OFFICE_HOURS = DeskCalendar(opens=time(9, 0), closes=time(18, 0))


# --- construction -------------------------------------------------------------------------------


def test_defaults_are_the_manuals_desk_hours() -> None:
    # Given a calendar built with no arguments
    # Then it is the Shanghai desk 08:00-21:00 with no holidays
    assert (DESK.timezone, DESK.opens, DESK.closes, DESK.holidays) == ("Asia/Shanghai", time(8), time(21), frozenset())


def test_from_property_takes_the_propertys_hours_and_holidays() -> None:
    # Given a property with its own timezone, desk hours and holidays
    prop = Property(
        id="p1",
        code="SUN",
        name="Sunrise Gardens",
        timezone="Europe/London",
        desk_opens=time(9, 0),
        desk_closes=time(18, 0),
        holidays=[date(2025, 12, 25), date(2025, 12, 26)],
    )
    # When the calendar is built from it
    calendar = DeskCalendar.from_property(prop)
    # Then it carries the same settings, holidays as a frozenset
    assert calendar == DeskCalendar(
        "Europe/London", time(9, 0), time(18, 0), frozenset({date(2025, 12, 25), date(2025, 12, 26)})
    )


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"timezone": "Mars/Olympus"}, "unknown timezone"),
        ({"timezone": "../etc/passwd"}, "unknown timezone"),
        ({"opens": time(21, 0), "closes": time(8, 0)}, "open before"),
        ({"opens": time(9, 0), "closes": time(9, 0)}, "open before"),
        ({"opens": time(8, 0, tzinfo=UTC)}, "naive"),
    ],
)
def test_invalid_calendars_are_refused(kwargs: dict[str, object], message: str) -> None:
    # Given settings that cannot describe a desk; When built; Then ValueError names the problem
    with pytest.raises(ValueError, match=message):
        DeskCalendar(**kwargs)  # type: ignore[arg-type]


NAIVE = datetime(2025, 6, 3, 10, 0)
AWARE = sh(2025, 6, 3, 10, 0)


@pytest.mark.parametrize(
    "call",
    [
        lambda: DESK.is_desk_time(NAIVE),
        lambda: DESK.next_desk_start(NAIVE),
        lambda: DESK.add_desk_time(NAIVE, timedelta(hours=1)),
        lambda: DESK.add_desk_time(NAIVE, timedelta(0)),
        lambda: DESK.desk_time_between(NAIVE, AWARE),
        lambda: DESK.desk_time_between(AWARE, NAIVE),
        lambda: DESK.half_working_day(NAIVE),
        lambda: DESK.same_day_due(NAIVE),
        lambda: DESK.calendar_reminder(NAIVE, 3, 1),
        lambda: wall(NAIVE, minutes=15),
    ],
)
def test_naive_datetimes_are_refused(call: Callable[[], object]) -> None:
    # Given a naive datetime (its instant is unknowable); When used; Then ValueError
    with pytest.raises(ValueError, match="timezone-aware"):
        call()


# --- is_desk_time / next_desk_start -------------------------------------------------------------


@pytest.mark.parametrize(
    ("calendar", "at", "expected"),
    [
        (DESK, sh(2025, 6, 3, 8, 0), True),  # opening instant is desk time
        (DESK, sh(2025, 6, 3, 7, 59, 59), False),
        (DESK, sh(2025, 6, 3, 20, 59, 59), True),
        (DESK, sh(2025, 6, 3, 21, 0), False),  # closing instant is not
        (DESK, sh(2025, 6, 3, 22, 0), False),
        (DESK, sh(2025, 6, 3, 3, 0), False),
        (DESK, utc(2025, 6, 3, 0, 0), True),  # any zone may be used for the question
        (DESK, utc(2025, 6, 2, 23, 59, 59), False),
        (DESK, sh(2025, 6, 7, 12, 0), True),  # Saturday: weekends are ordinary desk days
        (DESK, sh(2025, 6, 8, 12, 0), True),  # Sunday
        (DESK_OFF_WED, sh(2025, 6, 4, 12, 0), False),  # holiday
        (DESK_OFF_WED, sh(2025, 6, 3, 20, 0), True),  # the eve of a holiday is ordinary
        (DESK_NATIONAL_DAY, sh(2025, 10, 4, 10, 0), False),
        (OFFICE_HOURS, sh(2025, 6, 3, 8, 30), False),
        (OFFICE_HOURS, sh(2025, 6, 3, 9, 0), True),
        (OFFICE_HOURS, sh(2025, 6, 3, 17, 59, 59), True),
        (OFFICE_HOURS, sh(2025, 6, 3, 18, 0), False),
    ],
)
def test_is_desk_time(calendar: DeskCalendar, at: datetime, expected: bool) -> None:
    # Given a desk calendar and an instant; When asked; Then the desk is staffed only in [opens, closes)
    assert calendar.is_desk_time(at) is expected


@pytest.mark.parametrize(
    ("calendar", "at", "expected"),
    [
        (DESK, sh(2025, 6, 3, 10, 0), utc(2025, 6, 3, 2, 0)),  # inside: itself, in UTC
        (DESK, sh(2025, 6, 3, 8, 0), utc(2025, 6, 3, 0, 0)),
        (DESK, sh(2025, 6, 3, 20, 59, 59), utc(2025, 6, 3, 12, 59, 59)),
        (DESK, sh(2025, 6, 3, 7, 0), utc(2025, 6, 3, 0, 0)),  # early morning: today's opening
        (DESK, sh(2025, 6, 3, 0, 0), utc(2025, 6, 3, 0, 0)),
        (DESK, sh(2025, 6, 3, 21, 0), utc(2025, 6, 4, 0, 0)),  # at the close: tomorrow
        (DESK, sh(2025, 6, 3, 22, 0), utc(2025, 6, 4, 0, 0)),
        (DESK, sh(2025, 6, 6, 22, 0), utc(2025, 6, 7, 0, 0)),  # Friday night: Saturday morning
        (DESK_OFF_WED, sh(2025, 6, 3, 22, 0), utc(2025, 6, 5, 0, 0)),  # Wednesday is a holiday
        (DESK_OFF_WED, sh(2025, 6, 4, 12, 0), utc(2025, 6, 5, 0, 0)),
        (DESK_NATIONAL_DAY, sh(2025, 9, 30, 21, 30), utc(2025, 10, 8, 0, 0)),  # a run of seven holidays
        (DESK_NATIONAL_DAY, sh(2025, 9, 30, 23, 59, 59), utc(2025, 10, 8, 0, 0)),
        (DESK_NATIONAL_DAY, sh(2025, 10, 3, 12, 0), utc(2025, 10, 8, 0, 0)),
        (DESK_NATIONAL_DAY, sh(2025, 10, 7, 20, 0), utc(2025, 10, 8, 0, 0)),
        (OFFICE_HOURS, sh(2025, 6, 3, 18, 0), utc(2025, 6, 4, 1, 0)),
    ],
)
def test_next_desk_start(calendar: DeskCalendar, at: datetime, expected: datetime) -> None:
    # Given an instant; When the next desk start is asked; Then it is the instant itself or the next opening
    result = calendar.next_desk_start(at)
    assert result == expected
    assert result.tzinfo is UTC


# --- desk_day_length ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("calendar", "day", "expected"),
    [
        (DESK, None, timedelta(hours=13)),
        (OFFICE_HOURS, None, timedelta(hours=9)),
        (DeskCalendar(opens=time(8, 30), closes=time(12, 15)), None, timedelta(hours=3, minutes=45)),
        (NY_DESK, date(2025, 3, 9), timedelta(hours=13)),  # the jump at 02:00 is outside desk hours
        (NY_DESK, date(2025, 11, 2), timedelta(hours=13)),
        (NY_NIGHT, None, timedelta(hours=2)),
        (NY_NIGHT, date(2025, 6, 3), timedelta(hours=2)),
        (NY_NIGHT, date(2025, 3, 9), timedelta(hours=1)),  # spring forward: 02:00-03:00 never happens
        (NY_NIGHT, date(2025, 11, 2), timedelta(hours=3)),  # fall back: 01:00-02:00 happens twice
        (LONDON_NIGHT, date(2025, 3, 30), timedelta(hours=1)),  # 01:00 itself does not exist
        (LONDON_NIGHT, date(2025, 10, 26), timedelta(hours=3)),
        (DeskCalendar("America/New_York", time(2, 10), time(2, 50)), date(2025, 3, 9), timedelta(0)),
    ],
)
def test_desk_day_length(calendar: DeskCalendar, day: date | None, expected: timedelta) -> None:
    # Given desk hours; When a desk day is measured (nominal, or real on a given day); Then its length
    assert calendar.desk_day_length(day) == expected


# --- add_desk_time / desk_time_between ----------------------------------------------------------


@pytest.mark.parametrize(
    ("calendar", "start", "duration", "expected"),
    [
        (DESK, sh(2025, 6, 3, 10, 0), timedelta(hours=4), utc(2025, 6, 3, 6, 0)),
        (DESK, sh(2025, 6, 3, 17, 0), timedelta(hours=4), utc(2025, 6, 3, 13, 0)),  # exactly fills: the close
        (DESK, sh(2025, 6, 3, 18, 0), timedelta(hours=4), utc(2025, 6, 4, 1, 0)),  # 3 h today, 1 h tomorrow
        (DESK, sh(2025, 6, 3, 20, 59, 59), timedelta(seconds=2), utc(2025, 6, 4, 0, 0, 1)),
        (DESK, sh(2025, 6, 3, 21, 0), timedelta(hours=4), utc(2025, 6, 4, 4, 0)),
        (DESK, sh(2025, 6, 3, 22, 0), timedelta(hours=4), utc(2025, 6, 4, 4, 0)),
        (DESK, sh(2025, 6, 3, 6, 0), timedelta(hours=1), utc(2025, 6, 3, 1, 0)),
        (DESK, sh(2025, 6, 3, 10, 0), timedelta(hours=30), utc(2025, 6, 5, 6, 0)),  # 11 h + 13 h + 6 h
        (DESK, sh(2025, 6, 3, 8, 0), timedelta(hours=39), utc(2025, 6, 5, 13, 0)),  # three whole desk days
        (DESK, sh(2025, 6, 6, 20, 0), timedelta(hours=3), utc(2025, 6, 7, 2, 0)),  # weekend counts
        (DESK_OFF_WED, sh(2025, 6, 3, 10, 0), timedelta(hours=30), utc(2025, 6, 6, 6, 0)),
        (DESK_OFF_WED, sh(2025, 6, 4, 10, 0), timedelta(hours=1), utc(2025, 6, 5, 1, 0)),
        (DESK_NATIONAL_DAY, sh(2025, 9, 30, 19, 0), timedelta(hours=4), utc(2025, 10, 8, 2, 0)),
        (OFFICE_HOURS, sh(2025, 6, 3, 16, 0), timedelta(hours=4), utc(2025, 6, 4, 3, 0)),  # 2 h + 2 h
        (DESK, sh(2025, 6, 3, 22, 0), timedelta(0), utc(2025, 6, 3, 14, 0)),  # nothing added: the start
    ],
)
def test_add_desk_time(calendar: DeskCalendar, start: datetime, duration: timedelta, expected: datetime) -> None:
    # Given a start and a desk-time duration; When added; Then the clock ran only during desk hours
    assert calendar.add_desk_time(start, duration) == expected


def test_add_desk_time_refuses_negative_durations() -> None:
    with pytest.raises(ValueError, match="backwards"):
        DESK.add_desk_time(AWARE, timedelta(seconds=-1))


@pytest.mark.parametrize(
    ("calendar", "start", "end", "expected"),
    [
        (DESK, sh(2025, 6, 3, 10, 0), sh(2025, 6, 3, 14, 0), timedelta(hours=4)),
        (DESK, sh(2025, 6, 3, 18, 0), sh(2025, 6, 4, 9, 0), timedelta(hours=4)),
        (DESK, sh(2025, 6, 3, 22, 0), sh(2025, 6, 4, 7, 0), timedelta(0)),
        (DESK, sh(2025, 6, 4, 9, 0), sh(2025, 6, 3, 18, 0), timedelta(hours=-4)),  # reversed: negative
        (DESK, sh(2025, 6, 3, 10, 0), sh(2025, 6, 3, 10, 0), timedelta(0)),
        (DESK, sh(2025, 6, 3, 10, 0), sh(2025, 6, 5, 10, 0), timedelta(hours=26)),
        (DESK_OFF_WED, sh(2025, 6, 3, 10, 0), sh(2025, 6, 5, 10, 0), timedelta(hours=13)),
        (DESK, sh(2025, 6, 6, 20, 0), sh(2025, 6, 9, 9, 0), timedelta(hours=28)),  # 1 + 13 + 13 + 1
        (DESK_NATIONAL_DAY, sh(2025, 9, 30, 0, 0), sh(2025, 10, 9, 0, 0), timedelta(hours=26)),
        (OFFICE_HOURS, sh(2025, 6, 3, 0, 0), sh(2025, 6, 4, 0, 0), timedelta(hours=9)),
    ],
)
def test_desk_time_between(calendar: DeskCalendar, start: datetime, end: datetime, expected: timedelta) -> None:
    # Given two instants; When desk time between them is measured; Then only desk hours count
    assert calendar.desk_time_between(start, end) == expected


# --- half a working day, the same day, calendar reminders ---------------------------------------


@pytest.mark.parametrize(
    ("calendar", "start", "expected"),
    [
        (DESK, sh(2025, 6, 3, 10, 0), utc(2025, 6, 3, 8, 30)),  # 6 h 30 min later
        (DESK, sh(2025, 6, 3, 17, 0), utc(2025, 6, 4, 2, 30)),  # 4 h today, 2 h 30 min tomorrow
        (DESK, sh(2025, 6, 3, 22, 0), utc(2025, 6, 4, 6, 30)),
        (DESK_OFF_WED, sh(2025, 6, 3, 17, 0), utc(2025, 6, 5, 2, 30)),
        (OFFICE_HOURS, sh(2025, 6, 3, 15, 0), utc(2025, 6, 4, 2, 30)),  # half of 9 h: 3 h + 1 h 30 min
    ],
)
def test_half_working_day(calendar: DeskCalendar, start: datetime, expected: datetime) -> None:
    # Given a start; When half a working day of desk time runs; Then it ends at the expected instant
    assert calendar.half_working_day(start) == expected


@pytest.mark.parametrize(
    ("calendar", "dispatched_at", "desk_days", "expected"),
    [
        (DESK, sh(2025, 6, 3, 8, 0), 1, utc(2025, 6, 3, 13, 0)),
        (DESK, sh(2025, 6, 3, 20, 59, 59), 1, utc(2025, 6, 3, 13, 0)),
        (DESK, sh(2025, 6, 3, 7, 0), 1, utc(2025, 6, 3, 13, 0)),  # before opening: today is the next desk day
        (DESK, sh(2025, 6, 3, 21, 0), 1, utc(2025, 6, 4, 13, 0)),  # at the close: tomorrow
        (DESK, sh(2025, 6, 3, 22, 0), 1, utc(2025, 6, 4, 13, 0)),
        (DESK_OFF_WED, sh(2025, 6, 4, 12, 0), 1, utc(2025, 6, 5, 13, 0)),  # on a holiday
        (DESK_OFF_WED, sh(2025, 6, 3, 22, 0), 1, utc(2025, 6, 5, 13, 0)),
        (DESK_NATIONAL_DAY, sh(2025, 9, 30, 22, 0), 1, utc(2025, 10, 8, 13, 0)),
        (DESK, sh(2025, 6, 3, 10, 0), 3, utc(2025, 6, 5, 13, 0)),  # public area: the dispatch day is the first
        (DESK, sh(2025, 6, 3, 22, 0), 3, utc(2025, 6, 6, 13, 0)),
        (DESK, sh(2025, 6, 6, 10, 0), 3, utc(2025, 6, 8, 13, 0)),  # Fri, Sat, Sun
        (DESK_OFF_WED, sh(2025, 6, 3, 10, 0), 3, utc(2025, 6, 6, 13, 0)),
        (DESK_NATIONAL_DAY, sh(2025, 9, 30, 10, 0), 3, utc(2025, 10, 9, 13, 0)),
        (OFFICE_HOURS, sh(2025, 6, 3, 17, 0), 1, utc(2025, 6, 3, 10, 0)),
        (OFFICE_HOURS, sh(2025, 6, 3, 18, 30), 1, utc(2025, 6, 4, 10, 0)),
    ],
)
def test_same_day_due(calendar: DeskCalendar, dispatched_at: datetime, desk_days: int, expected: datetime) -> None:
    # Given a dispatch instant; When the same-day due is asked; Then it is the close of the n-th desk day
    assert calendar.same_day_due(dispatched_at, desk_days) == expected


def test_same_day_due_refuses_zero_desk_days() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        DESK.same_day_due(AWARE, 0)


@pytest.mark.parametrize(
    ("calendar", "opened_at", "every_days", "n", "expected"),
    [
        (DESK, sh(2025, 6, 3, 10, 0), 3, 1, utc(2025, 6, 6, 2, 0)),
        (DESK, sh(2025, 6, 3, 10, 0), 3, 2, utc(2025, 6, 9, 2, 0)),
        (DESK, sh(2025, 6, 3, 10, 0), 5, 1, utc(2025, 6, 8, 2, 0)),
        (DESK, sh(2025, 6, 3, 20, 30), 5, 1, utc(2025, 6, 8, 12, 30)),
        (DESK, sh(2025, 6, 3, 22, 0), 3, 1, utc(2025, 6, 7, 0, 0)),  # outside desk hours: next opening
        (DESK, sh(2025, 6, 3, 6, 0), 3, 1, utc(2025, 6, 6, 0, 0)),
        (DESK_NATIONAL_DAY, sh(2025, 9, 28, 10, 0), 3, 1, utc(2025, 10, 8, 0, 0)),  # lands on a holiday
        (NY_DESK, datetime(2025, 3, 7, 10, 0, tzinfo=NEW_YORK), 3, 1, utc(2025, 3, 10, 14, 0)),  # same wall time
        (NY_DESK, datetime(2025, 10, 31, 10, 0, tzinfo=NEW_YORK), 3, 1, utc(2025, 11, 3, 15, 0)),
    ],
)
def test_calendar_reminder(
    calendar: DeskCalendar, opened_at: datetime, every_days: int, n: int, expected: datetime
) -> None:
    # Given a sheet opened at an instant; When the n-th reminder is asked; Then n*every calendar days on, in desk hours
    assert calendar.calendar_reminder(opened_at, every_days, n) == expected


@pytest.mark.parametrize(("every_days", "n"), [(0, 1), (3, 0), (-3, 1)])
def test_calendar_reminder_refuses_non_positive_counts(every_days: int, n: int) -> None:
    with pytest.raises(ValueError, match="reminders"):
        DESK.calendar_reminder(AWARE, every_days, n)


def test_wall_counts_elapsed_time_in_utc() -> None:
    # Given 21:50 Shanghai; When 15 minutes and then 24 hours of wall time pass; Then desk hours do not matter
    assert wall(sh(2025, 6, 3, 21, 50), minutes=15) == utc(2025, 6, 3, 14, 5)
    assert wall(sh(2025, 6, 3, 21, 50), hours=24) == utc(2025, 6, 4, 13, 50)


# --- daylight saving ----------------------------------------------------------------------------
# New York 2025: EST (-5) until 2025-03-09 02:00 -> EDT (-4); back to EST at 2025-11-02 02:00 EDT.
# London 2025: GMT until 2025-03-30 01:00 -> BST (+1); back to GMT at 2025-10-26 02:00 BST.


@pytest.mark.parametrize(
    ("calendar", "at", "expected"),
    [
        (NY_DESK, utc(2025, 3, 8, 13, 0), True),  # 08:00 EST
        (NY_DESK, utc(2025, 3, 8, 12, 59, 59), False),
        (NY_DESK, utc(2025, 3, 9, 1, 59, 59), True),  # 20:59:59 EST on the 8th
        (NY_DESK, utc(2025, 3, 9, 2, 0), False),  # 21:00 EST
        (NY_DESK, utc(2025, 3, 9, 12, 0), True),  # 08:00 EDT: opens an hour earlier in UTC
        (NY_DESK, utc(2025, 3, 9, 11, 59, 59), False),
        (NY_DESK, utc(2025, 3, 10, 1, 0), False),  # 21:00 EDT
        (NY_DESK, utc(2025, 11, 2, 13, 0), True),  # 08:00 EST after falling back
        (NY_DESK, utc(2025, 11, 2, 12, 0), False),  # 07:00 EST
        (LONDON_DESK, utc(2025, 3, 30, 7, 0), True),  # 08:00 BST
        (LONDON_DESK, utc(2025, 3, 30, 6, 59, 59), False),
        (LONDON_DESK, utc(2025, 10, 26, 8, 0), True),  # 08:00 GMT
        (LONDON_DESK, utc(2025, 10, 26, 7, 59, 59), False),
        (NY_NIGHT, utc(2025, 3, 9, 6, 0), True),  # 01:00 EST
        (NY_NIGHT, utc(2025, 3, 9, 6, 59, 59), True),  # 01:59:59 EST, the last second before the jump
        (NY_NIGHT, utc(2025, 3, 9, 7, 0), False),  # 03:00 EDT: closed
        (NY_NIGHT, utc(2025, 11, 2, 4, 59, 59), False),  # 00:59:59 EDT
        (NY_NIGHT, utc(2025, 11, 2, 5, 0), True),  # the first 01:00 (EDT)
        (NY_NIGHT, utc(2025, 11, 2, 6, 30), True),  # the second 01:30 (EST)
        (NY_NIGHT, utc(2025, 11, 2, 7, 59, 59), True),  # 02:59:59 EST
        (NY_NIGHT, utc(2025, 11, 2, 8, 0), False),  # 03:00 EST
        (LONDON_NIGHT, utc(2025, 3, 30, 0, 59, 59), False),  # 00:59:59 GMT
        (LONDON_NIGHT, utc(2025, 3, 30, 1, 0), True),  # the jump to 02:00 BST opens the desk
        (LONDON_NIGHT, utc(2025, 3, 30, 2, 0), False),  # 03:00 BST
        (LONDON_NIGHT, utc(2025, 10, 26, 0, 0), True),  # the first 01:00 (BST)
        (LONDON_NIGHT, utc(2025, 10, 26, 1, 30), True),  # the second 01:30 (GMT)
        (LONDON_NIGHT, utc(2025, 10, 26, 3, 0), False),  # 03:00 GMT
    ],
)
def test_is_desk_time_across_daylight_saving(calendar: DeskCalendar, at: datetime, expected: bool) -> None:
    # Given desk hours on the local wall clock; When a DST day comes; Then the UTC instants follow the clock
    assert calendar.is_desk_time(at) is expected


@pytest.mark.parametrize(
    ("calendar", "at", "expected"),
    [
        (NY_DESK, utc(2025, 3, 9, 3, 0), utc(2025, 3, 9, 12, 0)),  # Sat 22:00 EST -> Sun 08:00 EDT
        (NY_DESK, utc(2025, 11, 2, 2, 0), utc(2025, 11, 2, 13, 0)),  # Sat 22:00 EDT -> Sun 08:00 EST
        (LONDON_DESK, utc(2025, 3, 29, 22, 0), utc(2025, 3, 30, 7, 0)),
        (LONDON_DESK, utc(2025, 10, 25, 21, 0), utc(2025, 10, 26, 8, 0)),
        (LONDON_NIGHT, utc(2025, 3, 30, 0, 30), utc(2025, 3, 30, 1, 0)),
        (NY_NIGHT, utc(2025, 11, 2, 3, 0), utc(2025, 11, 2, 5, 0)),  # 23:00 EDT -> the first 01:00
        # desk opening at 02:30 on the spring-forward day opens when the clock jumps to 03:00 EDT
        (DeskCalendar("America/New_York", time(2, 30), time(21, 0)), utc(2025, 3, 9, 5, 0), utc(2025, 3, 9, 7, 0)),
        # desk hours wholly inside the gap do not happen that day: next day's 02:10 EDT
        (DeskCalendar("America/New_York", time(2, 10), time(2, 50)), utc(2025, 3, 9, 5, 0), utc(2025, 3, 10, 6, 10)),
    ],
)
def test_next_desk_start_across_daylight_saving(calendar: DeskCalendar, at: datetime, expected: datetime) -> None:
    # Given an instant before a DST day's opening; When the next desk start is asked; Then the local opening
    assert calendar.next_desk_start(at) == expected


@pytest.mark.parametrize(
    ("calendar", "start", "duration", "expected"),
    [
        (NY_DESK, utc(2025, 3, 9, 0, 0), timedelta(hours=4), utc(2025, 3, 9, 14, 0)),  # 19:00 EST + 2 h + 2 h EDT
        (NY_DESK, utc(2025, 11, 1, 23, 0), timedelta(hours=4), utc(2025, 11, 2, 15, 0)),  # 19:00 EDT + 2 h + 2 h EST
        (LONDON_DESK, utc(2025, 3, 29, 20, 0), timedelta(hours=3), utc(2025, 3, 30, 9, 0)),
        (LONDON_DESK, utc(2025, 10, 25, 18, 0), timedelta(hours=3), utc(2025, 10, 26, 9, 0)),
        (NY_NIGHT, utc(2025, 3, 9, 6, 0), timedelta(minutes=90), utc(2025, 3, 10, 5, 30)),  # only 1 h that night
        (NY_NIGHT, utc(2025, 11, 2, 5, 0), timedelta(hours=3), utc(2025, 11, 2, 8, 0)),  # 3 h that night
        (NY_NIGHT, utc(2025, 11, 2, 5, 0), timedelta(hours=4), utc(2025, 11, 3, 7, 0)),  # then 01:00-02:00 EST
    ],
)
def test_add_desk_time_across_daylight_saving(
    calendar: DeskCalendar, start: datetime, duration: timedelta, expected: datetime
) -> None:
    # Given a start before a DST change; When desk time is added; Then the overnight gap has its real length
    assert calendar.add_desk_time(start, duration) == expected


@pytest.mark.parametrize(
    ("calendar", "start", "end", "expected"),
    [
        (NY_DESK, utc(2025, 3, 8, 13, 0), utc(2025, 3, 10, 1, 0), timedelta(hours=26)),
        (NY_DESK, utc(2025, 11, 1, 12, 0), utc(2025, 11, 3, 2, 0), timedelta(hours=26)),
        (LONDON_DESK, utc(2025, 10, 25, 7, 0), utc(2025, 10, 26, 21, 0), timedelta(hours=26)),
        (NY_NIGHT, utc(2025, 3, 9, 0, 0), utc(2025, 3, 10, 0, 0), timedelta(hours=1)),
        (NY_NIGHT, utc(2025, 11, 2, 0, 0), utc(2025, 11, 3, 0, 0), timedelta(hours=3)),
        (LONDON_NIGHT, utc(2025, 3, 29, 12, 0), utc(2025, 3, 30, 12, 0), timedelta(hours=1)),
        (LONDON_NIGHT, utc(2025, 10, 25, 12, 0), utc(2025, 10, 26, 12, 0), timedelta(hours=3)),
    ],
)
def test_desk_time_between_across_daylight_saving(
    calendar: DeskCalendar, start: datetime, end: datetime, expected: timedelta
) -> None:
    # Given a span over a DST day; When desk time is measured; Then a short or long night shows in the total
    assert calendar.desk_time_between(start, end) == expected


@pytest.mark.parametrize(
    ("calendar", "dispatched_at", "desk_days", "expected"),
    [
        (NY_DESK, utc(2025, 3, 8, 15, 0), 1, utc(2025, 3, 9, 2, 0)),  # 21:00 EST
        (NY_DESK, utc(2025, 3, 9, 12, 0), 1, utc(2025, 3, 10, 1, 0)),  # 21:00 EDT
        (NY_DESK, utc(2025, 3, 8, 15, 0), 3, utc(2025, 3, 11, 1, 0)),
        (NY_DESK, utc(2025, 11, 2, 15, 0), 1, utc(2025, 11, 3, 2, 0)),
        (LONDON_DESK, utc(2025, 3, 30, 9, 0), 1, utc(2025, 3, 30, 20, 0)),
        (LONDON_DESK, utc(2025, 10, 26, 9, 0), 1, utc(2025, 10, 26, 21, 0)),
        (NY_NIGHT, utc(2025, 3, 9, 5, 0), 1, utc(2025, 3, 9, 7, 0)),
        (NY_NIGHT, utc(2025, 11, 2, 4, 0), 1, utc(2025, 11, 2, 8, 0)),
    ],
)
def test_same_day_due_across_daylight_saving(
    calendar: DeskCalendar, dispatched_at: datetime, desk_days: int, expected: datetime
) -> None:
    # Given a dispatch on or around a DST day; When the same-day due is asked; Then the local close in UTC
    assert calendar.same_day_due(dispatched_at, desk_days) == expected


@pytest.mark.parametrize(
    ("zone", "day", "at", "expected"),
    [
        (NEW_YORK, date(2025, 3, 9), time(1, 59, 59), utc(2025, 3, 9, 6, 59, 59)),
        (NEW_YORK, date(2025, 3, 9), time(2, 0), utc(2025, 3, 9, 7, 0)),  # nonexistent: the jump
        (NEW_YORK, date(2025, 3, 9), time(2, 59, 59, 999_999), utc(2025, 3, 9, 7, 0)),
        (NEW_YORK, date(2025, 3, 9), time(3, 0), utc(2025, 3, 9, 7, 0)),
        (NEW_YORK, date(2025, 11, 2), time(1, 30), utc(2025, 11, 2, 5, 30)),  # ambiguous: the first
        (NEW_YORK, date(2025, 11, 2), time(1, 30, fold=1), utc(2025, 11, 2, 5, 30)),  # fold is ignored
        (LONDON, date(2025, 3, 30), time(1, 0), utc(2025, 3, 30, 1, 0)),
        (LONDON, date(2025, 10, 26), time(1, 0), utc(2025, 10, 26, 0, 0)),
        (SHANGHAI, date(2025, 6, 3), time(8, 0), utc(2025, 6, 3, 0, 0)),
    ],
)
def test_local_instant_resolves_gaps_and_overlaps(zone: ZoneInfo, day: date, at: time, expected: datetime) -> None:
    # Given a local wall time on a DST day; When resolved; Then gaps go to the jump, overlaps to the first
    assert local_instant(day, at, zone) == expected


# --- property-style checks over generated instants ----------------------------------------------

GENERATED_CALENDARS = [
    DESK,
    DeskCalendar(holidays=frozenset({date(2025, 6, 4), date(2025, 6, 5), date(2025, 6, 9)})),
    OFFICE_HOURS,
    DeskCalendar("America/New_York", holidays=frozenset({date(2025, 3, 10), date(2025, 11, 3)})),
    DeskCalendar("Europe/London", time(9, 30), time(17, 45), frozenset({date(2025, 10, 27)})),
    NY_NIGHT,
    LONDON_NIGHT,
]
# Windows that cover both DST changes of both zones and a holiday run.
WINDOW_STARTS = [utc(2025, 3, 6), utc(2025, 3, 27), utc(2025, 6, 1), utc(2025, 10, 23), utc(2025, 10, 30)]


def _instant(rng: random.Random) -> datetime:
    return rng.choice(WINDOW_STARTS) + timedelta(seconds=rng.randrange(7 * 86_400))


@pytest.mark.parametrize("calendar", GENERATED_CALENDARS, ids=lambda c: f"{c.timezone}-{c.opens}-{c.closes}")
@pytest.mark.parametrize("seed", range(12))
def test_add_and_between_are_inverse(calendar: DeskCalendar, seed: int) -> None:
    # Given many generated starts and durations
    rng = random.Random(seed)
    for _ in range(25):
        start, other = _instant(rng), _instant(rng)
        duration = timedelta(seconds=rng.randrange(40 * 3_600))
        # When desk time is added, Then measuring it back gives the same duration
        assert calendar.desk_time_between(start, calendar.add_desk_time(start, duration)) == duration
        # When the desk time up to another instant is added back, Then it lands at or before it with none left
        between = calendar.desk_time_between(start, other)
        assert calendar.desk_time_between(other, start) == -between
        if start <= other:
            reached = calendar.add_desk_time(start, between)
            assert reached <= other
            assert calendar.desk_time_between(reached, other) == timedelta(0)


@pytest.mark.parametrize("calendar", GENERATED_CALENDARS[:5], ids=lambda c: f"{c.timezone}-{c.opens}-{c.closes}")
@pytest.mark.parametrize("seed", range(6))
def test_desk_time_matches_a_minute_by_minute_count(calendar: DeskCalendar, seed: int) -> None:
    # Given desk hours clear of the DST jumps, so the local wall clock alone decides each minute
    zone = ZoneInfo(calendar.timezone)

    def staffed(at: datetime) -> bool:
        local = at.astimezone(zone)
        return local.date() not in calendar.holidays and calendar.opens <= local.time() < calendar.closes

    rng = random.Random(seed)
    start = rng.choice(WINDOW_STARTS) + timedelta(minutes=15 * rng.randrange(4 * 96))
    minutes = rng.randrange(3 * 24 * 60)
    # When every minute of a generated span is checked on its own
    counted = sum(staffed(start + timedelta(minutes=m)) for m in range(minutes))
    # Then the calendar agrees minute by minute and in total
    assert calendar.desk_time_between(start, start + timedelta(minutes=minutes)) == timedelta(minutes=counted)
    for m in range(0, minutes, 7):
        at = start + timedelta(minutes=m)
        assert calendar.is_desk_time(at) is staffed(at)
        assert (calendar.next_desk_start(at) == at) is staffed(at)
