"""Notices: the domain events somebody must be told about (通知).

The workflow, the sweep and the API raise notices; each is recorded on the
ticket's timeline and, where a notices queue is configured, handed to the
notifier, which sends SMS in the recipient's language and records what it sent.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from propdesk.models.ticket import Ticket


class NoticeKind(StrEnum):
    TICKET_RECEIVED = "ticket_received"  # to the resident: your number is ...
    DISPATCHED = "dispatched"  # to the technician: a new work order
    ACCEPT_OVERDUE = "accept_overdue"  # warranty/call-centre order not accepted in 30 min
    ON_SITE_OVERDUE = "on_site_overdue"  # to dispatcher and desk: book an appointment
    APPOINTMENT_BOOKED = "appointment_booked"  # to the resident and the technician
    QUOTE_TO_APPROVE = "quote_to_approve"  # to the resident
    QUOTE_REMINDER = "quote_reminder"
    QUOTE_EXPIRED = "quote_expired"
    ROUTED_TO_CONTRACTOR = "routed_to_contractor"
    CONSENT_REQUESTED = "consent_requested"  # warranty repair plan, to the resident
    SAME_DAY_MISSED = "same_day_missed"  # the order becomes a coordination sheet
    COORDINATION_CONTACT_DUE = "coordination_contact_due"  # engineering must contact the resident
    COORDINATION_REPLY_DUE = "coordination_reply_due"  # the desk must reply to the resident
    COORDINATION_CHECK = "coordination_check"  # every 3 days: the desk checks progress
    COORDINATION_UPDATE = "coordination_update"  # every 5 days: the resident is told
    JOINT_MEETING = "joint_meeting"  # two failed plans in a week: desk, engineering and manager meet the resident
    BUTLER_REPORT_DUE = "butler_report_due"  # every 4 desk hours while a job is open
    COMPLETED = "completed"  # to the resident: please sign off
    REWORK = "rework"  # sign-off refused: back to the technician
    CALLBACK_SURVEY = "callback_survey"  # to the resident: rate 1-5
    CALLBACK_OVERDUE = "callback_overdue"  # to the manager
    REPLY_OVERDUE = "reply_overdue"  # an inquiry not answered in the desk's reply time
    ESCALATION = "escalation"  # any overdue step, one level up
    STALE_CLOSED = "stale_closed"  # the sweep closed a stale order: to the resident
    NEEDS_IDENTIFICATION = "needs_identification"  # to the unknown sender: who and where are you?
    CLOSED = "closed"
    INQUIRY_ANSWERED = "inquiry_answered"  # to the resident: the desk's (or the manager's) answer
    INQUIRY_ESCALATED = "inquiry_escalated"  # to the manager: an inquiry the desk could not answer
    SUGGESTION_ADOPTED = "suggestion_adopted"  # to the resident
    SUGGESTION_DECLINED = "suggestion_declined"  # to the resident, with the reason
    SUGGESTION_DONE = "suggestion_done"  # to the resident: the adopted suggestion is carried out
    COMPLAINT_INVALID = "complaint_invalid"  # to the call-centre agent who recorded it, with the reason
    WARRANTY_INVALID = "warranty_invalid"  # to the resident: not a warranty matter, with the reason
    REINSPECTION_DUE = "reinspection_due"  # to the warranty engineer: the contractor asks for 复验
    CALLBACK_REWORK = "callback_rework"  # unsatisfied at the callback: back to the assignee and dispatcher
    CALLBACK_UNSATISFIED = "callback_unsatisfied"  # a complaint unsatisfied at the callback: to the manager
    COMPLAINT_MAJOR = "complaint_major"  # a major complaint: its form, to the manager and the unit's butler at once
    TIME_DEMANDED = "time_demanded"  # a resident demands a specific time: to the supervisors, who decide it
    TIME_APPROVED = "time_approved"  # to the resident: the supervisor agreed the time they asked for
    TIME_PROPOSED = "time_proposed"  # to the resident: the supervisor proposes another time


class Audience(StrEnum):
    RESIDENT = "resident"
    ASSIGNEE = "assignee"
    DISPATCHER = "dispatcher"
    DESK = "desk"
    BUTLER = "butler"
    MANAGER = "manager"
    WARRANTY_ENGINEER = "warranty_engineer"
    RECORDER = "recorder"  # the staff member who recorded the ticket (a call-centre agent, say)
    SUPERVISOR = "supervisor"


class Notice(BaseModel):
    """One thing to tell; `id` is deterministic so a retried timer tells once."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(min_length=3, max_length=200)
    kind: NoticeKind
    ticket_id: str
    property_id: str
    number: str
    audience: list[Audience] = Field(min_length=1)
    level: int = Field(default=0, ge=0, le=2)  # escalation climbs: 0 assignee, 1 dispatcher/desk lead, 2 manager
    at: AwareDatetime
    params: dict[str, Any] = Field(default_factory=dict)


def notice_id(ticket_id: str, timer: str, at: datetime) -> str:
    """The id of the notice a timer raises at its instant: whoever raises it (the workflow, the sweep), once."""
    return f"{ticket_id}:{timer}:{int(at.timestamp())}"


def ticket_values(kind: NoticeKind, ticket: Ticket) -> dict[str, Any]:
    """What the ticket itself tells a notice of this kind (the amount quoted, the time booked, the deadline).

    Only values the ticket has are given: a template whose value is still missing fails when rendered.
    """
    values: dict[str, Any] = {}
    if kind in (NoticeKind.QUOTE_TO_APPROVE, NoticeKind.QUOTE_REMINDER) and ticket.quote_cents is not None:
        values["amount_cents"] = ticket.quote_cents
    if kind is NoticeKind.APPOINTMENT_BOOKED and ticket.appointment_at is not None:
        values["appointment_at"] = ticket.appointment_at.isoformat()
    if kind is NoticeKind.ROUTED_TO_CONTRACTOR and ticket.contractor_deadline is not None:
        values["deadline"] = ticket.contractor_deadline.isoformat()
    reply = ticket.sla.get("desk_reply")
    if kind is NoticeKind.INQUIRY_ESCALATED and reply is not None:
        values["due_at"] = (reply.due_at + timedelta(seconds=reply.paused_seconds)).isoformat()
    if kind in (NoticeKind.COMPLAINT_INVALID, NoticeKind.WARRANTY_INVALID) and ticket.invalid_reason:
        values["reason"] = ticket.invalid_reason
    if kind is NoticeKind.SUGGESTION_ADOPTED and ticket.answer:
        values["answer"] = ticket.answer
    if kind in (NoticeKind.CALLBACK_REWORK, NoticeKind.CALLBACK_UNSATISFIED) and ticket.satisfaction is not None:
        values["satisfaction"] = ticket.satisfaction
    if kind is NoticeKind.COMPLAINT_MAJOR:
        # The complaint's form, copied to the manager: what the resident said (the rest is on the ticket).
        values["description"] = ticket.description
    demand = ticket.time_demand
    if kind is NoticeKind.TIME_DEMANDED and demand is not None:
        values["wanted_at"] = demand.wanted_at.isoformat()
    if kind in (NoticeKind.TIME_APPROVED, NoticeKind.TIME_PROPOSED) and demand and demand.decided_at:
        values.update(wanted_at=demand.wanted_at.isoformat(), appointment_at=demand.decided_at.isoformat())
    return values
