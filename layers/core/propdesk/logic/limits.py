"""Per-caller limits, settings of the property, decided here and answered 429 with Retry-After.

API Gateway's throttling in the template is the outer bound for everyone; these are the inner
bounds a single resident cannot exceed: tickets per hour, attachments per ticket per day, and the
SMS notices one resident is sent in a day.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from propdesk.dal.limits import UsageStore
from propdesk.errors import LimitExceeded
from propdesk.models.directory import Property
from propdesk.models.enums import Action
from propdesk.models.ticket import Ticket

HOUR = 3600
DAY = 86_400


class LimitReached(LimitExceeded):
    """A caller used up a limit; `retry_after` says in how many seconds the window frees a unit."""

    def __init__(self, message: str, retry_after: int, field: str) -> None:
        super().__init__(message, details=[{"field": field, "problem": "limit reached"}])
        self.retry_after = max(1, retry_after)


class Limits:
    def __init__(self, usage: UsageStore) -> None:
        self.usage = usage

    def take(self, what: str, prop: Property, who: str, limit: int, window: int, now: datetime) -> None:
        """Count one use of `what` by `who` in the current fixed window, or refuse it."""
        at = int(now.timestamp())
        start = at - at % window
        if not self.usage.take(_key(what, prop, who, start), limit, expires_at=start + window + HOUR):
            raise LimitReached(f"at most {limit} {what} per {_span(window)}", start + window - at, what)

    def give_back(self, what: str, prop: Property, who: str, window: int, now: datetime) -> None:
        """Return the unit `take` counted at `now`, for a use that did not happen after all."""
        at = int(now.timestamp())
        self.usage.give_back(_key(what, prop, who, at - at % window))

    def ticket_by_resident(self, prop: Property, resident_id: str, now: datetime) -> None:
        self.take("tickets", prop, resident_id, prop.settings.tickets_per_resident_hour, HOUR, now)

    def sms_to_resident(self, prop: Property, resident_key: str, now: datetime) -> bool:
        """Count one notice sent to a resident today; False once the property's daily allowance is used."""
        try:
            self.take("sms_notices", prop, resident_key, prop.settings.sms_per_resident_day, DAY, now)
        except LimitReached:
            return False
        return True

    def sms_to_resident_not_sent(self, prop: Property, resident_key: str, now: datetime) -> None:
        """A notice counted by `sms_to_resident` was not sent after all (cap reached, provider down)."""
        self.give_back("sms_notices", prop, resident_key, DAY, now)


def check_action(prop: Property, ticket: Ticket, action: Action, now: datetime) -> None:
    """Limits read from the ticket itself, at no cost: attachments per ticket in any 24 hours."""
    if action is not Action.ATTACH:
        return
    limit = prop.settings.attachments_per_ticket_day
    recent = sorted(a.at for a in ticket.attachments if a.at > now - timedelta(days=1))
    if len(recent) >= limit:
        frees_at = recent[len(recent) - limit] + timedelta(days=1)
        retry = int((frees_at - now).total_seconds()) + 1
        raise LimitReached(f"at most {limit} attachments per ticket a day", retry, "attachments")


def page_size(prop: Property, asked: int) -> int:
    """The page a caller gets: what they asked for, up to the property's largest page."""
    return min(asked, prop.settings.max_page_size)


def _key(what: str, prop: Property, who: str, window_start: int) -> str:
    return f"LIMIT#{what}#{prop.id}#{who}#{window_start}"


def _span(window: int) -> str:
    return "hour" if window == HOUR else "day" if window == DAY else f"{window} s"
