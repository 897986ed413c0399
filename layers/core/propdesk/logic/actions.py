"""What each lifecycle action does to a ticket, beyond moving its status.

`apply` is pure: it takes the ticket as read and returns the changed copy plus
the audit data; whether the action is allowed was decided by the lifecycle table.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from pydantic import BaseModel

from propdesk import sla
from propdesk.access import Principal
from propdesk.calendar import DeskCalendar
from propdesk.errors import InvalidRequest
from propdesk.lifecycle import Transition, callback_required
from propdesk.logic import commands as c
from propdesk.models.directory import Property
from propdesk.models.enums import DESK_ROLES, Action, Area, Status, TicketKind
from propdesk.models.ticket import Attachment, SlaTarget, SubTask, Ticket
from propdesk.sla import TargetName

T = TargetName


def start_target(ticket: Ticket, name: TargetName, at: datetime, due: datetime) -> None:
    ticket.sla[name.value] = SlaTarget(name=name.value, started_at=at, due_at=due)


def meet_target(ticket: Ticket, name: TargetName, at: datetime) -> None:
    """Record that the target's completing event happened now: met, or breached by how much."""
    target = ticket.sla.get(name.value)
    if target is None or target.met_at is not None:
        return
    met, breach = sla.evaluate(target.due_at, at, target.paused_seconds)
    target.met_at = at
    target.breached = not met
    target.breach_seconds = breach


def _future(at: datetime, now: datetime, field: str, max_days: int = 180) -> datetime:
    if at <= now:
        raise InvalidRequest(f"{field} must be in the future", details=[{"field": field, "problem": "in the past"}])
    if at > now + timedelta(days=max_days):
        raise InvalidRequest(
            f"{field} is more than {max_days} days ahead", details=[{"field": field, "problem": "too far ahead"}]
        )
    return at


def apply(
    ticket: Ticket,
    row: Transition,
    payload: BaseModel,
    principal: Principal,
    prop: Property,
    now: datetime,
) -> tuple[Ticket, dict[str, Any], str | None]:
    """The changed ticket, the audit event's data, and its note."""
    t = ticket.model_copy(deep=True)
    cal = DeskCalendar.from_property(prop)
    data: dict[str, Any] = {}
    note: str | None = getattr(payload, "note", None)
    action = row.action
    public = t.area is Area.PUBLIC

    if action is Action.IDENTIFY and isinstance(payload, c.IdentifiedInput):
        for field in ("resident_id", "unit_id", "building_id", "contact_name", "language"):
            value = getattr(payload, field)
            if value is not None:
                setattr(t, field, value)
                data[field] = value
    elif action is Action.CLASSIFY:
        assert isinstance(payload, c.ClassifyInput)
        for field in ("kind", "category", "area", "paid", "department"):
            value = getattr(payload, field)
            if value is not None:
                setattr(t, field, value)
                data[field] = value
    elif action is Action.DISPATCH:
        assert isinstance(payload, c.DispatchInput)
        if payload.departments:
            if t.kind is not TicketKind.COMPLAINT:
                raise InvalidRequest(
                    "several departments are for complaints only",
                    details=[{"field": "departments", "problem": "only complaints split into sub-tasks"}],
                )
            due = sla.due_at(T.SAME_DAY, now, cal, public_area=public)
            t.subtasks = [SubTask(department=d, due_at=due) for d in dict.fromkeys(payload.departments)]
            data["departments"] = [d.value for d in dict.fromkeys(payload.departments)]
        if payload.department:
            t.department = payload.department
            data["department"] = payload.department
            if t.kind is TicketKind.COMPLAINT and not t.subtasks:
                # A complaint for one department is a single sub-task; its callback waits for it like any other.
                due = sla.due_at(T.SAME_DAY, now, cal, public_area=public)
                t.subtasks = [SubTask(department=payload.department, due_at=due)]
        if payload.assignee_id:
            t.assignee_id = payload.assignee_id
            data["assignee_id"] = payload.assignee_id
        t.dispatched_at = now
        first = T.ACCEPT_INSPECT if t.kind is TicketKind.WARRANTY else T.ON_SITE
        start_target(t, first, now, sla.due_at(first, now, cal))
        if T.SAME_DAY.value not in t.sla:
            start_target(t, T.SAME_DAY, now, sla.due_at(T.SAME_DAY, now, cal, public_area=public))
    elif action is Action.ACCEPT:
        meet_target(t, T.ACCEPT_INSPECT, now)
    elif action is Action.ARRIVE:
        meet_target(t, T.ON_SITE, now)
        meet_target(t, T.ACCEPT_INSPECT, now)
        meet_target(t, T.COORDINATION_CONTACT, now)  # engineering is with the resident
        t.paused_since = None
    elif action is Action.BOOK_APPOINTMENT:
        assert isinstance(payload, c.AppointmentInput)
        at = _future(payload.appointment_at, now, "appointment_at")
        if t.kind is TicketKind.WARRANTY and at.astimezone(prop.zone).date() <= now.astimezone(prop.zone).date():
            raise InvalidRequest(
                "a warranty visit is booked for the next day or later",
                details=[{"field": "appointment_at", "problem": "earlier than the next day"}],
            )
        t.appointment_at = at
        data["appointment_at"] = at.isoformat()
        meet_target(t, T.COORDINATION_CONTACT, now)  # a visit agreed with the resident is the contact
        waiting = int((at - now).total_seconds())
        # The appointment moves the on-site target to the booked time; waiting for
        # the resident pauses every other running target by the same interval.
        on_site = t.sla.get(T.ON_SITE.value)
        if on_site is not None and on_site.open:
            # A new target, not a late one: the missed 15 minutes stay on the timeline (the workflow's alert).
            on_site.due_at, on_site.breached, on_site.breach_seconds = at, False, 0
        for target in t.sla.values():
            if target.open and target.name != T.ON_SITE.value:
                target.paused_seconds += waiting
        t.paused_seconds += waiting
        data["paused_seconds"] = waiting
    elif action is Action.QUOTE:
        assert isinstance(payload, c.QuoteInput)
        t.quote_cents = payload.amount_cents
        t.paid = True
        data["amount_cents"] = payload.amount_cents
    elif action is Action.ROUTE:
        assert isinstance(payload, c.RouteInput)
        t.assignee_id = payload.contractor_id
        t.contractor_deadline = _future(payload.deadline, now, "deadline", max_days=365)
        same_day = t.sla.get(T.SAME_DAY.value)
        if same_day is not None and same_day.open:
            same_day.due_at = t.contractor_deadline  # warranty work is due by the contractual deadline
        data.update(contractor_id=payload.contractor_id, deadline=payload.deadline.isoformat())
    elif action is Action.COMPLETE:
        assert isinstance(payload, c.CompleteInput)
        t.materials = payload.materials
        if payload.fee_cents is not None:
            t.fee_cents = payload.fee_cents
        elif t.paid:
            t.fee_cents = t.quote_cents
        if t.paid and not t.fee_cents:
            raise InvalidRequest(
                "a paid job needs its fee", details=[{"field": "fee_cents", "problem": "required for paid work"}]
            )
        t.completion_notes = payload.notes
        note = payload.notes
        t.completed_at = now
        meet_target(t, T.SAME_DAY, now)
        meet_target(t, T.REWORK, now)
        data.update(fee_cents=t.fee_cents, materials=[m.model_dump() for m in payload.materials])
    elif action is Action.RESOLVE_SUBTASK:
        assert isinstance(payload, c.ResolveSubtaskInput)
        sub = next((s for s in t.subtasks if s.department is payload.department), None)
        if sub is None or sub.status != "open":
            raise InvalidRequest(
                f"no open sub-task for {payload.department.value}",
                details=[{"field": "department", "problem": "no open sub-task for this department"}],
            )
        sub.status, sub.note, sub.resolved_at = payload.outcome, payload.note, now
        data.update(department=payload.department.value, outcome=payload.outcome)
        if all(s.status != "open" for s in t.subtasks):
            # One department rejecting its part does not block the others; the callback waits for all.
            t.status = Status.COMPLETED
            t.completed_at = now
            meet_target(t, T.SAME_DAY, now)
            start_target(t, T.CALLBACK, now, sla.due_at(T.CALLBACK, now, cal))
    elif action is Action.SIGN_OFF:
        assert isinstance(payload, c.SignOffInput)
        t.rating = payload.rating
        data["rating"] = payload.rating
        if payload.signature_key:
            data["signature_key"] = payload.signature_key
        needed = callback_required(t, prop.settings.callback_all)
        data["callback_required"] = needed
        if needed:
            start_target(t, T.CALLBACK, now, sla.due_at(T.CALLBACK, now, cal))
    elif action is Action.REFUSE:
        assert isinstance(payload, c.ReasonInput)
        note = payload.reason
        start_target(t, T.REWORK, now, sla.due_at(T.SAME_DAY, now, cal, public_area=public))
        t.completed_at = None
    elif action is Action.RECORD_CALLBACK:
        assert isinstance(payload, c.CallbackInput)
        t.satisfaction = payload.satisfaction
        note = payload.notes
        data["satisfaction"] = payload.satisfaction
        meet_target(t, T.CALLBACK, now)
    elif action is Action.ESCALATE:
        assert isinstance(payload, c.AnswerInput)
        note = payload.answer
        data["outcome"] = "escalated"
    elif action is Action.ANSWER:
        assert isinstance(payload, c.AnswerInput)
        note = payload.answer
        data["outcome"] = payload.outcome
        meet_target(t, T.DESK_REPLY, now)
    elif action is Action.COORDINATE:
        assert isinstance(payload, c.CoordinateInput)
        t.coordination_opened_at = t.coordination_opened_at or now
        if payload.owner_id:
            t.assignee_id = payload.owner_id
        for name, due in (
            (T.COORDINATION_CONTACT, sla.due_at(T.COORDINATION_CONTACT, now, cal)),
            (T.COORDINATION_REPLY, sla.due_at(T.COORDINATION_REPLY, now, cal)),
        ):
            if name.value not in t.sla:
                start_target(t, name, now, due)
        data["owner_id"] = t.assignee_id
    elif action in (Action.VOID, Action.MARK_INVALID, Action.REOPEN):
        assert isinstance(payload, c.ReasonInput)
        note = payload.reason
        if action is Action.MARK_INVALID:
            t.invalid_reason = payload.reason
    elif action is Action.CLOSE:
        assert isinstance(payload, c.CloseInput)
        note = payload.reason or note
    elif action is Action.URGE:
        t.urge_count += 1
        data["urge_count"] = t.urge_count
    elif action is Action.ATTACH:
        assert isinstance(payload, c.AttachInput)
        t.attachments.append(
            Attachment(
                key=payload.key,
                purpose=payload.purpose,
                content_type=payload.content_type,
                uploaded_by=principal.user_id,
                at=now,
            )
        )
        data.update(key=payload.key, purpose=payload.purpose)
    elif action is Action.COMMENT:
        assert isinstance(payload, c.CommentInput)
        note = payload.text
        if principal.role in DESK_ROLES:
            meet_target(t, T.COORDINATION_REPLY, now)  # the desk's recorded reply to the resident

    if row.target is not None:
        t.status = row.target
    if t.status in (Status.CLOSED, Status.VOIDED, Status.INVALID):
        t.closed_at = now
    elif action is Action.REOPEN:
        t.closed_at = None
    t.updated_at = now
    return t, data, note


__all__ = ["apply", "meet_target", "start_target"]
