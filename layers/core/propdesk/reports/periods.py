"""Report periods: yesterday and last month, as local dates turned into each property's UTC bounds."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from propdesk.calendar import local_instant
from propdesk.errors import InvalidRequest


class ReportKind(StrEnum):
    DAILY = "daily"
    MONTHLY = "monthly"


@dataclass(frozen=True, slots=True)
class Period:
    """[first, end) in local dates; `label` names the files (2026-11-22 or 2026-11)."""

    kind: ReportKind
    first: date
    end: date

    @property
    def label(self) -> str:
        return self.first.isoformat() if self.kind is ReportKind.DAILY else self.first.strftime("%Y-%m")

    def bounds(self, timezone: str) -> tuple[datetime, datetime]:
        """The period's first and last instant (inclusive, to the microsecond) in that timezone."""
        zone = ZoneInfo(timezone)
        start = local_instant(self.first, time(0, 0), zone)
        stop = local_instant(self.end, time(0, 0), zone)
        return start, stop - timedelta(microseconds=1)


def _month_after(first: date) -> date:
    return date(first.year + (first.month == 12), first.month % 12 + 1, 1)


def previous(kind: ReportKind, as_of: datetime, timezone: str) -> Period:
    """Yesterday, or last month, as seen from `as_of` in `timezone`."""
    today = as_of.astimezone(ZoneInfo(timezone)).date()
    if kind is ReportKind.DAILY:
        return Period(kind, today - timedelta(days=1), today)
    this_month = today.replace(day=1)
    last = (this_month - timedelta(days=1)).replace(day=1)
    return Period(kind, last, this_month)


_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_MONTH = re.compile(r"^\d{4}-\d{2}$")


def parse(kind: ReportKind, label: str) -> Period:
    """The period a label names; a malformed label is the caller's mistake (422)."""
    try:
        if kind is ReportKind.DAILY and _DAY.fullmatch(label):
            first = date.fromisoformat(label)
            return Period(kind, first, first + timedelta(days=1))
        if kind is ReportKind.MONTHLY and _MONTH.fullmatch(label):
            first = date.fromisoformat(label + "-01")
            return Period(kind, first, _month_after(first))
    except ValueError:
        pass
    expected = "YYYY-MM-DD" if kind is ReportKind.DAILY else "YYYY-MM"
    raise InvalidRequest(
        f"a {kind.value} report is named by {expected}",
        details=[{"field": "period", "problem": f"expected {expected}"}],
    )
