"""SLA targets: the rules as data, their due instants, and met/breached judgement.

Expected instants are written out by hand in UTC. Asia/Shanghai is UTC+8 without DST, so its
desk hours 08:00-21:00 are 00:00Z-13:00Z. 2025-06-03 is a Tuesday.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from fractions import Fraction
from zoneinfo import ZoneInfo

import pytest

from propdesk import sla
from propdesk.calendar import DeskCalendar
from propdesk.sla import TargetName, due_at, evaluate, joint_meeting_needed, pause_adjusted

SHANGHAI = ZoneInfo("Asia/Shanghai")
NEW_YORK = ZoneInfo("America/New_York")

DESK = DeskCalendar()
DESK_OFF_WED = DeskCalendar(holidays=frozenset({date(2025, 6, 4)}))
OFFICE_HOURS = DeskCalendar(opens=time(9, 0), closes=time(18, 0))
NY_DESK = DeskCalendar("America/New_York")


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


def sh(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> datetime:
    """A Shanghai wall-clock time."""
    return datetime(year, month, day, hour, minute, second, tzinfo=SHANGHAI)


# --- the rules as data --------------------------------------------------------------------------


def test_target_names_are_exactly_the_domain_timers() -> None:
    assert {name.value for name in TargetName} == {
        "on_site",
        "accept_inspect",
        "appointment",
        "same_day",
        "callback",
        "butler_report",
        "coordination_contact",
        "coordination_reply",
        "coordination_check",
        "coordination_update",
        "rework",
        "desk_reply",
    }


def test_every_target_name_has_a_rule() -> None:
    assert set(sla.TARGETS) == set(TargetName)


@pytest.mark.parametrize(
    ("constant", "expected"),
    [
        (sla.ON_SITE, sla.WallClock(timedelta(minutes=15))),
        (sla.ACCEPT_INSPECT, sla.WallClock(timedelta(minutes=30))),
        (sla.CALLBACK, sla.WallClock(timedelta(hours=24))),
        (sla.DESK_REPLY, sla.WallClock(timedelta(hours=24))),
        (sla.COORD_DESK_REPLY, sla.WallClock(timedelta(hours=24))),
        (sla.BUTLER_REPORT, sla.DeskTime(timedelta(hours=4), repeats=True)),
        (sla.SAME_DAY, sla.DeskDayClose(desk_days=1, public_area_desk_days=3)),
        (sla.COORD_ENGINEERING_CONTACT, sla.DeskDayShare(Fraction(1, 2))),
        (sla.COORD_PROGRESS_CHECK, sla.CalendarEvery(days=3)),
        (sla.COORD_RESIDENT_UPDATE, sla.CalendarEvery(days=5)),
        (sla.COORD_JOINT_MEETING, sla.JointMeeting(failed_attempts=2, within=timedelta(days=7))),
    ],
)
def test_targets_state_the_manuals_numbers(constant: object, expected: object) -> None:
    assert constant == expected


# --- due_at -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "calendar", "started_at", "public_area", "expected"),
    [
        # wall clock: desk hours and holidays do not matter
        (TargetName.ON_SITE, DESK, sh(2025, 6, 3, 22, 0), False, utc(2025, 6, 3, 14, 15)),
        (TargetName.ON_SITE, DESK, sh(2025, 6, 3, 20, 50), False, utc(2025, 6, 3, 13, 5)),
        (TargetName.ACCEPT_INSPECT, DESK_OFF_WED, sh(2025, 6, 4, 10, 0), False, utc(2025, 6, 4, 2, 30)),
        (TargetName.CALLBACK, DESK, sh(2025, 6, 3, 20, 30), False, utc(2025, 6, 4, 12, 30)),
        (TargetName.CALLBACK, NY_DESK, utc(2025, 3, 8, 15, 0), False, utc(2025, 3, 9, 15, 0)),  # 24 real hours
        (TargetName.COORDINATION_REPLY, DESK, sh(2025, 6, 3, 10, 0), False, utc(2025, 6, 4, 2, 0)),
        # desk time
        (TargetName.BUTLER_REPORT, DESK, sh(2025, 6, 3, 10, 0), False, utc(2025, 6, 3, 6, 0)),
        (TargetName.BUTLER_REPORT, DESK, sh(2025, 6, 3, 18, 0), False, utc(2025, 6, 4, 1, 0)),
        (TargetName.BUTLER_REPORT, DESK_OFF_WED, sh(2025, 6, 3, 18, 0), False, utc(2025, 6, 5, 1, 0)),
        (TargetName.BUTLER_REPORT, OFFICE_HOURS, sh(2025, 6, 3, 16, 0), False, utc(2025, 6, 4, 3, 0)),
        (TargetName.COORDINATION_CONTACT, DESK, sh(2025, 6, 3, 17, 0), False, utc(2025, 6, 4, 2, 30)),
        (TargetName.COORDINATION_CONTACT, OFFICE_HOURS, sh(2025, 6, 3, 15, 0), False, utc(2025, 6, 4, 2, 30)),
        # desk-day close; public_area only changes the same-day target
        (TargetName.SAME_DAY, DESK, sh(2025, 6, 3, 10, 0), False, utc(2025, 6, 3, 13, 0)),
        (TargetName.SAME_DAY, DESK, sh(2025, 6, 3, 22, 0), False, utc(2025, 6, 4, 13, 0)),
        (TargetName.SAME_DAY, DESK, sh(2025, 6, 3, 10, 0), True, utc(2025, 6, 5, 13, 0)),
        (TargetName.SAME_DAY, DESK_OFF_WED, sh(2025, 6, 3, 10, 0), True, utc(2025, 6, 6, 13, 0)),
        (TargetName.ON_SITE, DESK, sh(2025, 6, 3, 10, 0), True, utc(2025, 6, 3, 2, 15)),
        # calendar days, moved into desk hours
        (TargetName.COORDINATION_CHECK, DESK, sh(2025, 6, 3, 10, 0), False, utc(2025, 6, 6, 2, 0)),
        (TargetName.COORDINATION_CHECK, DESK, sh(2025, 6, 3, 22, 0), False, utc(2025, 6, 7, 0, 0)),
        (TargetName.COORDINATION_UPDATE, DESK, sh(2025, 6, 3, 10, 0), False, utc(2025, 6, 8, 2, 0)),
        (TargetName.COORDINATION_UPDATE, DESK, sh(2025, 5, 30, 12, 0), False, utc(2025, 6, 4, 4, 0)),
        (TargetName.COORDINATION_UPDATE, DESK_OFF_WED, sh(2025, 5, 30, 12, 0), False, utc(2025, 6, 5, 0, 0)),
    ],
)
def test_due_at(
    name: TargetName, calendar: DeskCalendar, started_at: datetime, public_area: bool, expected: datetime
) -> None:
    # Given a target and the event that starts it; When its due instant is computed; Then it is the rule's instant
    result = due_at(name, started_at, calendar, public_area=public_area)
    assert result == expected
    assert result.tzinfo is UTC


@pytest.mark.parametrize(
    ("name", "started_at", "occurrence", "expected"),
    [
        (TargetName.BUTLER_REPORT, sh(2025, 6, 3, 18, 0), 2, utc(2025, 6, 4, 5, 0)),  # 3 h + 5 h
        (TargetName.BUTLER_REPORT, sh(2025, 6, 3, 18, 0), 3, utc(2025, 6, 4, 9, 0)),  # 3 h + 9 h
        (TargetName.BUTLER_REPORT, sh(2025, 6, 3, 18, 0), 5, utc(2025, 6, 5, 4, 0)),  # 3 h + 13 h + 4 h
        (TargetName.COORDINATION_CHECK, sh(2025, 6, 3, 10, 0), 2, utc(2025, 6, 9, 2, 0)),
        (TargetName.COORDINATION_CHECK, sh(2025, 6, 3, 10, 0), 10, utc(2025, 7, 3, 2, 0)),
        (TargetName.COORDINATION_UPDATE, sh(2025, 6, 3, 10, 0), 2, utc(2025, 6, 13, 2, 0)),
    ],
)
def test_due_at_nth_occurrence_counts_from_the_start(
    name: TargetName, started_at: datetime, occurrence: int, expected: datetime
) -> None:
    # Given a repeating target; When the n-th occurrence is asked; Then it counts from the start, not the last one
    assert due_at(name, started_at, DESK, occurrence=occurrence) == expected


def test_due_at_takes_the_plain_string_name() -> None:
    assert due_at("on_site", sh(2025, 6, 3, 10, 0), DESK) == utc(2025, 6, 3, 2, 15)


@pytest.mark.parametrize(
    ("name", "occurrence"),
    [
        ("no_such_timer", 1),
        (TargetName.ON_SITE, 2),  # a one-off target has no second occurrence
        (TargetName.SAME_DAY, 2),
        (TargetName.BUTLER_REPORT, 0),
        (TargetName.COORDINATION_CHECK, -1),
    ],
)
def test_due_at_refuses_unknown_names_and_occurrences(name: str, occurrence: int) -> None:
    with pytest.raises(ValueError, match=r"no_such_timer|occurrence"):
        due_at(name, sh(2025, 6, 3, 10, 0), DESK, occurrence=occurrence)


@pytest.mark.parametrize("name", list(TargetName))
def test_due_at_refuses_naive_starts(name: TargetName) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        due_at(name, datetime(2025, 6, 3, 10, 0), DESK)


# --- pauses and judgement -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("due", "paused_seconds", "expected"),
    [
        (utc(2025, 6, 3, 13, 0), 0, utc(2025, 6, 3, 13, 0)),
        (utc(2025, 6, 3, 13, 0), 600, utc(2025, 6, 3, 13, 10)),
        (sh(2025, 6, 3, 21, 0), 2 * 86_400, utc(2025, 6, 5, 13, 0)),  # a two-day pause; returned in UTC
    ],
)
def test_pause_adjusted(due: datetime, paused_seconds: int, expected: datetime) -> None:
    # Given a due instant and time spent paused; When adjusted; Then the pause is added to the due instant
    assert pause_adjusted(due, paused_seconds) == expected


DUE = utc(2025, 6, 3, 13, 0)


@pytest.mark.parametrize(
    ("done_at", "paused_seconds", "expected"),
    [
        (utc(2025, 6, 3, 13, 0), 0, (True, 0)),  # exactly at the due instant is met
        (sh(2025, 6, 3, 21, 0), 0, (True, 0)),  # the same instant in another zone
        (utc(2025, 6, 3, 12, 59, 59), 0, (True, 0)),
        (utc(2025, 6, 3, 13, 0, 1), 0, (False, 1)),
        (utc(2025, 6, 3, 13, 1, 30), 0, (False, 90)),
        (utc(2025, 6, 4, 13, 0), 0, (False, 86_400)),
        (datetime(2025, 6, 3, 13, 0, 0, 500_000, tzinfo=UTC), 0, (False, 1)),  # half a second late is late
        (utc(2025, 6, 3, 13, 10), 600, (True, 0)),  # the pause moved the due instant
        (utc(2025, 6, 3, 13, 10, 1), 600, (False, 1)),
        (utc(2025, 6, 3, 14, 0), 600, (False, 3_000)),
    ],
)
def test_evaluate(done_at: datetime, paused_seconds: int, expected: tuple[bool, int]) -> None:
    # Given a due instant and a completion; When judged; Then met at or before the adjusted due, else late by N s
    assert evaluate(DUE, done_at, paused_seconds) == expected


def test_evaluate_and_pause_refuse_negative_pauses() -> None:
    with pytest.raises(ValueError, match="negative"):
        evaluate(DUE, DUE, -1)
    with pytest.raises(ValueError, match="negative"):
        pause_adjusted(DUE, -1)


@pytest.mark.parametrize(
    ("due", "done_at"),
    [(datetime(2025, 6, 3, 13, 0), DUE), (DUE, datetime(2025, 6, 3, 13, 0))],
)
def test_evaluate_refuses_naive_datetimes(due: datetime, done_at: datetime) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        evaluate(due, done_at)


def test_a_paused_same_day_order_is_judged_against_the_later_due() -> None:
    # Given an order dispatched 10:00 and paused 3 h waiting for the resident
    due = due_at(TargetName.SAME_DAY, sh(2025, 6, 3, 10, 0), DESK)
    # When it is finished at 23:30 local, 2 h 30 min after the close
    result = evaluate(due, sh(2025, 6, 3, 23, 30), paused_seconds=3 * 3_600)
    # Then it is met, because the pause pushed the due instant to 00:00 local
    assert result == (True, 0)


# --- joint meeting ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("failures", "expected"),
    [
        ([], False),
        ([utc(2025, 6, 3, 10, 0)], False),
        ([utc(2025, 6, 3, 10, 0), utc(2025, 6, 5, 10, 0)], True),
        ([utc(2025, 6, 3, 10, 0), utc(2025, 6, 10, 10, 0)], True),  # exactly a week apart
        ([utc(2025, 6, 3, 10, 0), utc(2025, 6, 10, 10, 0, 1)], False),
        ([utc(2025, 6, 20), utc(2025, 6, 1), utc(2025, 6, 10), utc(2025, 6, 15)], True),  # any order
        ([utc(2025, 6, 1), utc(2025, 6, 9), utc(2025, 6, 17)], False),
    ],
)
def test_joint_meeting_needed(failures: list[datetime], expected: bool) -> None:
    # Given failed plan attempts on a coordination sheet; When checked; Then two within a week call a meeting
    assert joint_meeting_needed(failures) is expected
