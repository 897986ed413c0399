"""The service-level targets of the manuals as data, and the pure functions that time them.

Each target says how its clock counts (wall clock, desk time, desk-day close or calendar days);
`due_at` turns a target and its starting event into one due instant, `evaluate` judges the completion.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from fractions import Fraction
from types import MappingProxyType

from propdesk.calendar import DeskCalendar, aware_utc


class TargetName(StrEnum):
    """The timers that must never be forgotten, by their domain names."""

    ON_SITE = "on_site"  # 到场: technician on site after dispatch
    ACCEPT_INSPECT = "accept_inspect"  # 接单查验: warranty / call-centre orders
    APPOINTMENT = "appointment"  # 预约上门: on site at the time booked with the resident
    SAME_DAY = "same_day"  # 当日完成: a work order is finished the same day
    CALLBACK = "callback"  # 回访: after completion
    BUTLER_REPORT = "butler_report"  # 管家汇报: progress to the desk while a job is open
    COORDINATION_CONTACT = "coordination_contact"  # 协调单: engineering contacts the resident
    COORDINATION_REPLY = "coordination_reply"  # 协调单: the desk replies to the resident
    COORDINATION_CHECK = "coordination_check"  # 协调单: the desk checks progress
    COORDINATION_UPDATE = "coordination_update"  # 协调单: the desk tells the resident
    REWORK = "rework"  # 返工: a refused sign-off is finished again the same (desk) day
    DESK_REPLY = "desk_reply"  # 答复: inquiries and suggestions answered within the desk's reply time


@dataclass(frozen=True, slots=True)
class WallClock:
    """Elapsed real time from the starting event ("within N minutes/hours"); DST does not stretch it."""

    duration: timedelta


@dataclass(frozen=True, slots=True)
class DeskTime:
    """Desk time only, the clock stopped outside desk hours and on holidays; `repeats` for "every N hours"."""

    duration: timedelta
    repeats: bool = False


@dataclass(frozen=True, slots=True)
class DeskDayShare:
    """A share of the property's desk day, counted in desk time ("half a working day")."""

    share: Fraction


@dataclass(frozen=True, slots=True)
class DeskDayClose:
    """The close of the n-th desk day, the dispatch day first ("the same day"; public areas get longer)."""

    desk_days: int
    public_area_desk_days: int


@dataclass(frozen=True, slots=True)
class CalendarEvery:
    """Every N calendar days from the opening moment; a reminder outside desk hours waits for the desk."""

    days: int


@dataclass(frozen=True, slots=True)
class JointMeeting:
    """Desk and engineering meet the resident after `failed_attempts` failed plans within `within`."""

    failed_attempts: int
    within: timedelta


@dataclass(frozen=True, slots=True)
class Booked:
    """Due at the instant agreed with the resident (an appointment), not counted from the starting event."""


type Target = WallClock | DeskTime | DeskDayShare | DeskDayClose | CalendarEvery | Booked

ON_SITE = WallClock(timedelta(minutes=15))
ACCEPT_INSPECT = WallClock(timedelta(minutes=30))
APPOINTMENT = Booked()
CALLBACK = WallClock(timedelta(hours=24))
DESK_REPLY = WallClock(timedelta(hours=24))
BUTLER_REPORT = DeskTime(timedelta(hours=4), repeats=True)
SAME_DAY = DeskDayClose(desk_days=1, public_area_desk_days=3)
COORD_ENGINEERING_CONTACT = DeskDayShare(Fraction(1, 2))
COORD_DESK_REPLY = DESK_REPLY
COORD_PROGRESS_CHECK = CalendarEvery(days=3)  # communication sheets (沟通类), and sheets of no stated kind
COORD_OTHER_CHECK = CalendarEvery(days=7)  # the other kinds: at least weekly
COORD_RESIDENT_UPDATE = CalendarEvery(days=5)
COORD_JOINT_MEETING = JointMeeting(failed_attempts=2, within=timedelta(days=7))

TARGETS: Mapping[TargetName, Target] = MappingProxyType(
    {
        TargetName.ON_SITE: ON_SITE,
        TargetName.ACCEPT_INSPECT: ACCEPT_INSPECT,
        TargetName.APPOINTMENT: APPOINTMENT,
        TargetName.SAME_DAY: SAME_DAY,
        TargetName.CALLBACK: CALLBACK,
        TargetName.BUTLER_REPORT: BUTLER_REPORT,
        TargetName.COORDINATION_CONTACT: COORD_ENGINEERING_CONTACT,
        TargetName.COORDINATION_REPLY: COORD_DESK_REPLY,
        TargetName.COORDINATION_CHECK: COORD_PROGRESS_CHECK,
        TargetName.COORDINATION_UPDATE: COORD_RESIDENT_UPDATE,
        TargetName.REWORK: SAME_DAY,
        TargetName.DESK_REPLY: DESK_REPLY,
    }
)


def due_at(
    target_name: TargetName | str,
    started_at: datetime,
    calendar: DeskCalendar,
    *,
    public_area: bool = False,
    occurrence: int = 1,
) -> datetime:
    """The UTC instant a target falls due; `occurrence` picks the n-th of a repeating target."""
    target = TARGETS[TargetName(target_name)]
    repeats = isinstance(target, CalendarEvery) or (isinstance(target, DeskTime) and target.repeats)
    if occurrence < 1 or (occurrence > 1 and not repeats):
        raise ValueError(f"{target_name} has no occurrence {occurrence}")
    match target:
        case WallClock(duration):
            return aware_utc(started_at) + duration
        case DeskTime(duration):
            return calendar.add_desk_time(started_at, duration * occurrence)
        case DeskDayShare(share):
            return calendar.add_desk_time(started_at, calendar.desk_day_length() * share.numerator / share.denominator)
        case DeskDayClose(desk_days, public_area_desk_days):
            return calendar.same_day_due(started_at, public_area_desk_days if public_area else desk_days)
        case CalendarEvery(days):
            return calendar.calendar_reminder(started_at, days, occurrence)
        case Booked():
            aware_utc(started_at)
            raise ValueError(f"{target_name} is due at the booked time, not counted from its start")


def pause_adjusted(due_at: datetime, paused_seconds: int = 0) -> datetime:
    """The due instant pushed back by the time the clock stood paused (waiting for the resident)."""
    if paused_seconds < 0:
        raise ValueError("paused time cannot be negative")
    return aware_utc(due_at) + timedelta(seconds=paused_seconds)


def evaluate(due_at: datetime, done_at: datetime, paused_seconds: int = 0) -> tuple[bool, int]:
    """(met, breach_seconds): met at or before the pause-adjusted due instant, else breached by whole seconds."""
    late = aware_utc(done_at) - pause_adjusted(due_at, paused_seconds)
    if late <= timedelta(0):
        return True, 0
    # Rounded up so that a breach is never reported as zero seconds late.
    return False, math.ceil(late.total_seconds())


def joint_meeting_needed(failed_plan_attempts: Iterable[datetime], rule: JointMeeting = COORD_JOINT_MEETING) -> bool:
    """Whether enough failed plan attempts fall within one window (any window, inclusive) to call a joint meeting."""
    attempts = sorted(aware_utc(at) for at in failed_plan_attempts)
    span = rule.failed_attempts - 1
    return any(attempts[i + span] - attempts[i] <= rule.within for i in range(len(attempts) - span))
