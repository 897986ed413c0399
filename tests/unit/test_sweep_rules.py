"""The end-of-day sweep's decisions for one ticket, pure."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from propdesk.models.directory import Property, PropertySettings, Staff
from propdesk.models.enums import Channel, Department, Role, Status, TicketKind
from propdesk.models.ticket import SlaTarget, Ticket
from propdesk.sweep.rules import Outcome, coordination_owner, decide, meeting_row

AS_OF = datetime(2026, 11, 23, 13, 30, tzinfo=UTC)  # 21:30 Shanghai: the schedule, after the desk closed
PROP = Property(id="SUN", code="SUN", name="Sunshine")


def ticket(status: Status, **kw) -> Ticket:
    base = {
        "id": "t1",
        "number": "SUN-1",
        "property_id": "SUN",
        "kind": TicketKind.REPAIR,
        "channel": Channel.APP,
        "status": status,
        "description": "x",
        "created_by": "t",
        "created_at": AS_OF - timedelta(hours=5),
        "updated_at": AS_OF - timedelta(hours=5),
    }
    return Ticket(**{**base, **kw})


def same_day(due: datetime, met: datetime | None = None, paused: int = 0) -> dict[str, SlaTarget]:
    return {
        "same_day": SlaTarget(
            name="same_day", started_at=due - timedelta(hours=3), due_at=due, met_at=met, paused_seconds=paused
        )
    }


@pytest.mark.parametrize(
    ("due", "paused", "expected"),
    [
        (datetime(2026, 11, 23, 13, 0, tzinfo=UTC), 0, Outcome.COORDINATE),  # due 21:00 today: missed its day
        (datetime(2026, 11, 22, 13, 0, tzinfo=UTC), 0, Outcome.COORDINATE),  # due yesterday
        (datetime(2026, 11, 23, 16, 30, tzinfo=UTC), 0, Outcome.NOTHING),  # 00:30 tomorrow, local
        (datetime(2026, 11, 23, 13, 0, tzinfo=UTC), 86_400, Outcome.NOTHING),  # paused a day by an appointment
    ],
)
def test_a_handling_order_missed_its_day_by_its_local_date(due, paused, expected):
    assert decide(ticket(Status.IN_PROGRESS, sla=same_day(due, paused=paused)), PROP, AS_OF).outcome is expected


@pytest.mark.parametrize(
    "judged_at",
    [
        datetime(2026, 11, 23, 3, 22, tzinfo=UTC),  # 11:22: a sweep fired by hand
        datetime(2026, 11, 23, 12, 30, tzinfo=UTC),  # 20:30: before the desk closes
        datetime(2026, 11, 23, 12, 59, 59, tzinfo=UTC),  # 20:59:59
    ],
)
def test_an_order_whose_day_has_not_closed_is_left_to_its_day(judged_at):
    due_tonight = same_day(datetime(2026, 11, 23, 13, 0, tzinfo=UTC))  # 21:00 today
    assert decide(ticket(Status.IN_PROGRESS, sla=due_tonight), PROP, judged_at).outcome is Outcome.NOTHING
    assert decide(ticket(Status.IN_PROGRESS, sla=due_tonight), PROP, AS_OF).outcome is Outcome.COORDINATE


def test_a_met_target_or_a_non_handling_status_is_left_alone():
    due = AS_OF - timedelta(hours=1)
    assert decide(ticket(Status.IN_PROGRESS, sla=same_day(due, met=due)), PROP, AS_OF).outcome is Outcome.NOTHING
    assert decide(ticket(Status.COMPLETED, sla=same_day(due)), PROP, AS_OF).outcome is Outcome.NOTHING
    inquiry = ticket(Status.DISPATCHED, kind=TicketKind.INQUIRY, sla=same_day(due))
    assert decide(inquiry, PROP, AS_OF).outcome is Outcome.NOTHING


def test_stale_thresholds_come_from_the_property():
    strict = PROP.model_copy(update={"settings": PropertySettings(quote_expiry_days=2, identification_expiry_days=1)})
    quote = ticket(Status.QUOTED, updated_at=AS_OF - timedelta(days=3))
    assert decide(quote, PROP, AS_OF).outcome is Outcome.NOTHING
    decision = decide(quote, strict, AS_OF)
    assert decision.outcome is Outcome.CLOSE_QUOTE_UNANSWERED and decision.days == 2 and "2" in str(decision.reason)
    sms = ticket(Status.NEEDS_IDENTIFICATION, created_at=AS_OF - timedelta(days=1, seconds=1))
    assert decide(sms, PROP, AS_OF).outcome is Outcome.NOTHING
    assert decide(sms, strict, AS_OF).outcome is Outcome.CLOSE_UNIDENTIFIED


def test_an_appointment_nobody_confirmed_closes_before_it_could_become_a_sheet():
    old = ticket(Status.DISPATCHED, appointment_at=AS_OF - timedelta(days=3), sla=same_day(AS_OF - timedelta(days=4)))
    assert decide(old, PROP, AS_OF).outcome is Outcome.CLOSE_APPOINTMENT_UNCONFIRMED
    recent = old.model_copy(update={"appointment_at": AS_OF - timedelta(days=2)})
    assert decide(recent, PROP, AS_OF).outcome is Outcome.COORDINATE


def test_the_sheet_owner_is_the_assignee_else_a_dispatcher_else_the_desk():
    staff = [
        Staff(id="d2", property_id="SUN", name="D2", role=Role.DISPATCHER, department=Department.CLEANING),
        Staff(id="d1", property_id="SUN", name="D1", role=Role.DISPATCHER, department=Department.ENGINEERING),
        Staff(id="desk", property_id="SUN", name="Desk", role=Role.DESK_AGENT),
    ]
    assert coordination_owner(ticket(Status.ACCEPTED, assignee_id="tech"), staff) == "tech"
    assert coordination_owner(ticket(Status.ACCEPTED, department=Department.CLEANING), staff) == "d2"
    assert coordination_owner(ticket(Status.ACCEPTED, department=Department.SECURITY), staff) == "d1"
    assert coordination_owner(ticket(Status.ACCEPTED), staff[2:]) == "desk"
    assert coordination_owner(ticket(Status.ACCEPTED), []) is None


def test_the_meeting_row_names_breaches_and_age():
    t = ticket(Status.IN_PROGRESS, sla=same_day(AS_OF - timedelta(minutes=1)), created_at=AS_OF - timedelta(hours=30))
    row = meeting_row(t, AS_OF)
    assert row["breaches"] == ["same_day"] and row["age_hours"] == 30.0 and row["responsible"] == "unassigned"
    assert row["department"] == "unassigned" and row["next_due"] == (AS_OF - timedelta(minutes=1)).isoformat()
