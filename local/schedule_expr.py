"""EventBridge schedule expressions: cron(...), rate(...) and at(...), evaluated in a timezone."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

_MONTHS = {
    m: i
    for i, m in enumerate(("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"), start=1)
}
# EventBridge numbers weekdays 1-7 from Sunday.
_DAYS = {d: i for i, d in enumerate(("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"), start=1)}
_RATE = re.compile(r"^rate\((\d+)\s+(minute|minutes|hour|hours|day|days)\)$")
_UNIT_SECONDS = {"minute": 60, "hour": 3600, "day": 86400}


class ScheduleExpressionError(ValueError):
    """The expression is not one EventBridge accepts (or not one this runtime supports)."""


def _field(text: str, low: int, high: int, names: dict[str, int] | None = None) -> frozenset[int]:
    values: set[int] = set()
    for part in text.split(","):
        step = 1
        if "/" in part:
            part, step_text = part.split("/", 1)
            step = int(step_text)
        if part in ("*", "?"):
            start, end = low, high
        elif "-" in part:
            first, last = part.split("-", 1)
            start, end = _value(first, names), _value(last, names)
        else:
            start = _value(part, names)
            end = high if step != 1 else start
        if not low <= start <= high or not low <= end <= high:
            raise ScheduleExpressionError(f"{part!r} is outside {low}-{high}")
        values.update(range(start, end + 1, step))
    return frozenset(values)


def _value(text: str, names: dict[str, int] | None) -> int:
    if names and text.upper() in names:
        return names[text.upper()]
    if not text.isdigit():
        raise ScheduleExpressionError(f"{text!r} is not supported in a cron field")
    return int(text)


@dataclass(frozen=True, slots=True)
class Cron:
    """cron(minutes hours day-of-month month day-of-week year); one of the day fields is '?'."""

    minutes: frozenset[int]
    hours: frozenset[int]
    days: frozenset[int] | None  # None: any day of the month
    months: frozenset[int]
    weekdays: frozenset[int] | None  # 1=Sunday .. 7=Saturday; None: any
    years: frozenset[int] | None

    @classmethod
    def parse(cls, body: str) -> Cron:
        fields = body.split()
        if len(fields) != 6:
            raise ScheduleExpressionError(f"cron needs 6 fields, got {len(fields)}: {body!r}")
        minute, hour, dom, month, dow, year = fields
        if (dom == "?") == (dow == "?"):
            raise ScheduleExpressionError("exactly one of day-of-month and day-of-week must be '?'")
        return cls(
            minutes=_field(minute, 0, 59),
            hours=_field(hour, 0, 23),
            days=None if dom in ("?", "*") else _field(dom, 1, 31),
            months=_field(month, 1, 12, _MONTHS),
            weekdays=None if dow in ("?", "*") else _field(dow, 1, 7, _DAYS),
            years=None if year == "*" else _field(year, 1970, 2199),
        )

    def _day_matches(self, day: datetime) -> bool:
        if day.month not in self.months or (self.years is not None and day.year not in self.years):
            return False
        if self.days is not None and day.day not in self.days:
            return False
        return self.weekdays is None or (day.isoweekday() % 7) + 1 in self.weekdays

    def next_after(self, after: datetime, zone: ZoneInfo) -> datetime | None:
        """The first firing strictly after `after`, in wall-clock time of zone (returned in UTC)."""
        local = after.astimezone(zone).replace(second=0, microsecond=0, tzinfo=None)
        day = local.replace(hour=0, minute=0)
        for _ in range(366 * 5):
            if self._day_matches(day):
                for hour in sorted(self.hours):
                    for minute in sorted(self.minutes):
                        wall = day.replace(hour=hour, minute=minute)
                        if wall <= local:
                            continue
                        # fold=0 picks the first of a repeated hour; a skipped hour lands one hour later.
                        instant = wall.replace(tzinfo=zone).astimezone(UTC)
                        if instant > after:
                            return instant
            day += timedelta(days=1)
        return None


@dataclass(frozen=True, slots=True)
class ScheduleExpression:
    """One parsed expression with its timezone; answers when it fires next."""

    text: str
    zone: ZoneInfo
    cron: Cron | None = None
    rate: timedelta | None = None
    at: datetime | None = None

    @classmethod
    def parse(cls, text: str, timezone: str | None = None) -> ScheduleExpression:
        zone = ZoneInfo(timezone or "UTC")
        text = text.strip()
        if text.startswith("cron(") and text.endswith(")"):
            return cls(text, zone, cron=Cron.parse(text[5:-1]))
        match = _RATE.match(text)
        if match:
            amount, unit = int(match.group(1)), match.group(2).rstrip("s")
            if amount < 1:
                raise ScheduleExpressionError("a rate must be at least 1")
            return cls(text, zone, rate=timedelta(seconds=amount * _UNIT_SECONDS[unit]))
        if text.startswith("at(") and text.endswith(")"):
            wall = datetime.fromisoformat(text[3:-1])
            return cls(text, zone, at=wall.replace(tzinfo=zone).astimezone(UTC))
        raise ScheduleExpressionError(f"not a schedule expression: {text!r}")

    def next_after(self, after: datetime, started: datetime) -> datetime | None:
        """The next firing strictly after `after`; rates count from `started`."""
        if self.cron is not None:
            return self.cron.next_after(after, self.zone)
        if self.rate is not None:
            periods = int((after - started) / self.rate) + 1
            return started + self.rate * periods
        assert self.at is not None
        return self.at if self.at > after else None
