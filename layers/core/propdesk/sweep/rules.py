"""What the end-of-day sweep decides for one ticket; pure, so every rule is a unit test."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from propdesk.lifecycle import HANDLING, WORK_KINDS
from propdesk.models.directory import Property, Staff
from propdesk.models.enums import Role, Status
from propdesk.models.ticket import SlaTarget, Ticket
from propdesk.sla import TargetName, pause_adjusted


class Outcome(StrEnum):
    NOTHING = "nothing"
    COORDINATE = "coordinate"  # missed its day: becomes a coordination sheet (协调单)
    CLOSE_QUOTE_UNANSWERED = "quote_unanswered"
    CLOSE_UNIDENTIFIED = "unidentified"
    CLOSE_APPOINTMENT_UNCONFIRMED = "appointment_unconfirmed"


CLOSE_REASONS: dict[Outcome, str] = {
    Outcome.CLOSE_QUOTE_UNANSWERED: "报价{days}天未获答复，自动关闭 / quote not answered within {days} days",
    Outcome.CLOSE_UNIDENTIFIED: "短信{days}天未能确认身份，自动关闭 / SMS sender not identified within {days} days",
    Outcome.CLOSE_APPOINTMENT_UNCONFIRMED: (
        "预约{days}天未获确认，自动关闭 / appointment not confirmed within {days} days"
    ),
}

# The targets a missed day is judged by: the first dispatch's same-day target, or a rework's.
_DAY_TARGETS = (TargetName.SAME_DAY.value, TargetName.REWORK.value)


@dataclass(frozen=True, slots=True)
class Decision:
    outcome: Outcome
    reason: str | None = None
    days: int = 0


def local_date(at: datetime, zone: ZoneInfo) -> date:
    return at.astimezone(zone).date()


def missed_its_day(ticket: Ticket, as_of: datetime) -> bool:
    """A handling order whose same-day (or rework) target is still open and whose day closed by `as_of`.

    An order still due later today is not touched: a sweep run by hand at 11:22 leaves it to its day.
    """
    if ticket.status not in HANDLING or ticket.kind not in WORK_KINDS:
        return False
    return day_target(ticket, as_of) is not None


def day_target(ticket: Ticket, as_of: datetime) -> SlaTarget | None:
    """The open same-day (or rework) target whose due, pause included, had passed at `as_of`."""
    for name in _DAY_TARGETS:
        target = ticket.sla.get(name)
        if target is not None and target.open and pause_adjusted(target.due_at, target.paused_seconds) <= as_of:
            return target
    return None


def decide(ticket: Ticket, prop: Property, as_of: datetime) -> Decision:
    """The one thing the sweep does to this ticket tonight, judged at `as_of` (the scheduled time)."""
    settings = prop.settings
    if ticket.status is Status.QUOTED:
        # A quote changes nothing on the ticket but its status and updated_at; later comments or
        # urges only make the quote look younger, so the order is never closed early.
        days = settings.quote_expiry_days
        if ticket.updated_at <= as_of - timedelta(days=days):
            return _close(Outcome.CLOSE_QUOTE_UNANSWERED, days)
        return Decision(Outcome.NOTHING)
    if ticket.status is Status.NEEDS_IDENTIFICATION:
        days = settings.identification_expiry_days
        if ticket.created_at <= as_of - timedelta(days=days):
            return _close(Outcome.CLOSE_UNIDENTIFIED, days)
        return Decision(Outcome.NOTHING)
    if ticket.status is Status.DISPATCHED and ticket.appointment_at is not None:
        # Nobody accepted the order and the booked time passed N days ago: the resident never confirmed it.
        days = settings.appointment_confirm_days
        if ticket.appointment_at <= as_of - timedelta(days=days):
            return _close(Outcome.CLOSE_APPOINTMENT_UNCONFIRMED, days)
    if missed_its_day(ticket, as_of):
        return Decision(Outcome.COORDINATE)
    return Decision(Outcome.NOTHING)


def _close(outcome: Outcome, days: int) -> Decision:
    return Decision(outcome, CLOSE_REASONS[outcome].format(days=days), days)


def coordination_owner(ticket: Ticket, staff: list[Staff]) -> str | None:
    """Who owns the sheet: the assignee, else the department's dispatcher, else any dispatcher or desk agent."""
    if ticket.assignee_id:
        return ticket.assignee_id
    for wanted in (
        lambda s: s.role is Role.DISPATCHER and s.department == ticket.department,
        lambda s: s.role is Role.DISPATCHER,
        lambda s: s.role is Role.DESK_AGENT,
    ):
        found = sorted(s.id for s in staff if wanted(s))
        if found:
            return found[0]
    return None


UNASSIGNED = "unassigned"


def meeting_row(ticket: Ticket, as_of: datetime) -> dict[str, Any]:
    """One line of the morning-meeting list (早会清单): who is responsible, how old, what is due, what broke."""
    breaches = sorted(
        name
        for name, target in ticket.sla.items()
        if target.breached or (target.open and pause_adjusted(target.due_at, target.paused_seconds) < as_of)
    )
    due = ticket.next_due()
    return {
        "department": ticket.department.value if ticket.department else UNASSIGNED,
        "number": ticket.number,
        "ticket_id": ticket.id,
        "kind": ticket.kind.value,
        "status": ticket.status.value,
        "responsible": ticket.assignee_id or UNASSIGNED,
        "age_hours": round((as_of - ticket.created_at).total_seconds() / 3600, 1),
        "next_due": due.isoformat() if due else None,
        "breaches": breaches,
        "coordination": ticket.coordination_opened_at is not None,
    }
