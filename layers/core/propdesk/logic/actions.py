"""What each lifecycle action does to a ticket, beyond moving its status.

`apply` is pure: it takes the ticket as read and returns the changed copy plus the audit data; whether
the action is allowed was decided by the lifecycle table, and what it does to the timers by the rule book
(propdesk.targets). Each action's own fields are recorded by one small function below.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from pydantic import BaseModel

from propdesk import sla, targets
from propdesk.access import Principal
from propdesk.calendar import DeskCalendar
from propdesk.errors import Conflict, InvalidRequest
from propdesk.lifecycle import SATISFIED, Guard, Transition, callback_required
from propdesk.logic import commands as c
from propdesk.models.directory import Property
from propdesk.models.enums import FINAL_STATUSES, Action, Area, Severity, Status, TicketKind
from propdesk.models.ticket import Attachment, ProgressReport, SubTask, Ticket, TimeDemand
from propdesk.sla import TargetName

T = TargetName


def _future(at: datetime, now: datetime, field_name: str, max_days: int = 180) -> datetime:
    if at <= now:
        raise InvalidRequest(
            f"{field_name} must be in the future", details=[{"field": field_name, "problem": "in the past"}]
        )
    if at > now + timedelta(days=max_days):
        raise InvalidRequest(
            f"{field_name} is more than {max_days} days ahead",
            details=[{"field": field_name, "problem": "too far ahead"}],
        )
    return at


@dataclass
class _Change:
    """One action being applied: the ticket copy, what the audit event records, and the timer facts it learned."""

    t: Ticket
    row: Transition
    payload: BaseModel
    principal: Principal
    prop: Property
    now: datetime
    cal: DeskCalendar
    data: dict[str, Any] = field(default_factory=dict)
    note: str | None = None
    callback_needed: bool = False
    work_done: bool = False
    target: Status | None = None  # where the action leads: the row's target unless the action chose otherwise


def _identify(ch: _Change) -> None:
    if not isinstance(ch.payload, c.IdentifiedInput):
        return  # a bare note: the desk only confirms who sent it
    for name in ("resident_id", "unit_id", "building_id", "contact_name", "language"):
        value = getattr(ch.payload, name)
        if value is not None:
            setattr(ch.t, name, value)
            ch.data[name] = value


def _classify(ch: _Change) -> None:
    assert isinstance(ch.payload, c.ClassifyInput)
    for name in ("kind", "category", "area", "paid", "department"):
        value = getattr(ch.payload, name)
        if value is not None:
            setattr(ch.t, name, value)
            ch.data[name] = value
    severity = ch.payload.severity
    if severity is not None:
        if ch.t.kind is not TicketKind.COMPLAINT:
            raise InvalidRequest(
                "only a complaint has a severity",
                details=[{"field": "severity", "problem": f"a {ch.t.kind.value} has no severity"}],
            )
        if severity is Severity.MAJOR and ch.t.severity is not Severity.MAJOR:
            ch.t.major_since = ch.now  # the manager is told at once (the workflow reads this instant)
        ch.t.severity = severity
        ch.data["severity"] = severity.value


def _dispatch(ch: _Change) -> None:
    p, t = ch.payload, ch.t
    assert isinstance(p, c.DispatchInput)
    subtask_due = sla.due_at(T.SAME_DAY, ch.now, ch.cal, public_area=t.area is Area.PUBLIC)
    if p.departments:
        if t.kind is not TicketKind.COMPLAINT:
            raise InvalidRequest(
                "several departments are for complaints only",
                details=[{"field": "departments", "problem": "only complaints split into sub-tasks"}],
            )
        t.subtasks = [SubTask(department=d, due_at=subtask_due) for d in dict.fromkeys(p.departments)]
        ch.data["departments"] = [d.value for d in dict.fromkeys(p.departments)]
    if p.department:
        t.department = p.department
        ch.data["department"] = p.department
        if t.kind is TicketKind.COMPLAINT and not t.subtasks:
            # A complaint for one department is a single sub-task; its callback waits for it like any other.
            t.subtasks = [SubTask(department=p.department, due_at=subtask_due)]
    if p.assignee_id:
        t.assignee_id = p.assignee_id
        ch.data["assignee_id"] = p.assignee_id
    t.dispatched_at = ch.now


def _book_appointment(ch: _Change) -> None:
    assert isinstance(ch.payload, c.AppointmentInput)
    demand = ch.t.time_demand
    if demand is not None and demand.status == "pending":
        raise Conflict(
            "the resident demanded a specific time: the supervisor decides it, the desk cannot promise a time",
            details=[{"field": "appointment_at", "problem": "awaiting the supervisor's decision on the wanted time"}],
        )
    at = _future(ch.payload.appointment_at, ch.now, "appointment_at")
    zone = ch.prop.zone
    if ch.t.kind is TicketKind.WARRANTY and at.astimezone(zone).date() <= ch.now.astimezone(zone).date():
        raise InvalidRequest(
            "a warranty visit is booked for the next day or later",
            details=[{"field": "appointment_at", "problem": "earlier than the next day"}],
        )
    ch.t.appointment_at = at
    ch.data["appointment_at"] = at.isoformat()


def _quote(ch: _Change) -> None:
    assert isinstance(ch.payload, c.QuoteInput)
    ch.t.quote_cents = ch.payload.amount_cents
    ch.t.paid = True
    ch.data["amount_cents"] = ch.payload.amount_cents


def _route(ch: _Change) -> None:
    p = ch.payload
    assert isinstance(p, c.RouteInput)
    ch.t.assignee_id = p.contractor_id
    ch.t.contractor_deadline = _future(p.deadline, ch.now, "deadline", max_days=365)
    ch.data.update(contractor_id=p.contractor_id, deadline=p.deadline.isoformat())


def _complete(ch: _Change) -> None:
    p, t = ch.payload, ch.t
    assert isinstance(p, c.CompleteInput)
    t.materials = p.materials
    if p.fee_cents is not None:
        t.fee_cents = p.fee_cents
    elif t.paid:
        t.fee_cents = t.quote_cents
    if t.paid and not t.fee_cents:
        raise InvalidRequest(
            "a paid job needs its fee", details=[{"field": "fee_cents", "problem": "required for paid work"}]
        )
    t.completion_notes = ch.note = p.notes
    t.completed_at = ch.now
    ch.data.update(fee_cents=t.fee_cents, materials=[m.model_dump() for m in p.materials])


def _resolve_subtask(ch: _Change) -> None:
    p, t = ch.payload, ch.t
    assert isinstance(p, c.ResolveSubtaskInput)
    sub = next((s for s in t.subtasks if s.department is p.department), None)
    if sub is None or sub.status != "open":
        raise InvalidRequest(
            f"no open sub-task for {p.department.value}",
            details=[{"field": "department", "problem": "no open sub-task for this department"}],
        )
    sub.status, sub.note, sub.resolved_at = p.outcome, p.note, ch.now
    ch.data.update(department=p.department.value, outcome=p.outcome)
    if all(s.status != "open" for s in t.subtasks):
        # One department rejecting its part does not block the others; the callback waits for all.
        t.status = Status.COMPLETED
        t.completed_at = ch.now
        ch.work_done = True


def _sign_off(ch: _Change) -> None:
    p = ch.payload
    assert isinstance(p, c.SignOffInput)
    ch.t.rating = p.rating
    ch.data["rating"] = p.rating
    if p.signature_key:
        ch.data["signature_key"] = p.signature_key
    ch.callback_needed = callback_required(ch.t, ch.prop.settings.callback_all)
    ch.data["callback_required"] = ch.callback_needed


def _refuse(ch: _Change) -> None:
    assert isinstance(ch.payload, c.ReasonInput)
    ch.note = ch.payload.reason
    ch.t.completed_at = None


def _record_callback(ch: _Change) -> None:
    p = ch.payload
    assert isinstance(p, c.CallbackInput)
    ch.t.satisfaction = p.satisfaction
    ch.note = p.notes
    ch.data["satisfaction"] = p.satisfaction
    ch.data["satisfied"] = p.satisfaction >= SATISFIED
    if p.satisfaction < SATISFIED and ch.row.unsatisfied is not None:
        ch.target = ch.row.unsatisfied
        if ch.target is Status.REWORK:
            ch.t.completed_at = None  # the job is done again; its next callback counts from that completion


# Which outcome an answer may have, by the ticket's kind and status (adopting is an action of its own).
_OUTCOMES: dict[tuple[TicketKind, bool], frozenset[str]] = {
    (TicketKind.INQUIRY, False): frozenset({"answered"}),
    (TicketKind.SUGGESTION, False): frozenset({"answered", "declined"}),
    (TicketKind.SUGGESTION, True): frozenset({"done"}),
}


def _answer(ch: _Change) -> None:
    p, t = ch.payload, ch.t
    assert isinstance(p, c.AnswerInput)
    allowed = _OUTCOMES.get((t.kind, t.status is Status.ADOPTED), frozenset())
    if p.outcome not in allowed:
        raise InvalidRequest(
            f"an answer to this {t.kind.value} ({t.status.value}) is {' or '.join(sorted(allowed))}",
            details=[{"field": "outcome", "problem": f"not {p.outcome} here", "allowed": sorted(allowed)}],
        )
    ch.note = t.answer = p.answer
    ch.data["outcome"] = p.outcome
    if p.entry_id:
        ch.data["entry_id"] = p.entry_id  # cited from the knowledge base (答客问)


def _adopt(ch: _Change) -> None:
    assert isinstance(ch.payload, c.AnswerInput)
    ch.note = ch.t.answer = ch.payload.answer
    ch.data["outcome"] = "adopted"


def _escalate(ch: _Change) -> None:
    assert isinstance(ch.payload, c.AnswerInput)
    ch.note = ch.payload.answer
    ch.data["outcome"] = "escalated"


def _coordinate(ch: _Change) -> None:
    assert isinstance(ch.payload, c.CoordinateInput)
    ch.t.coordination_opened_at = ch.t.coordination_opened_at or ch.now
    if ch.payload.owner_id:
        ch.t.assignee_id = ch.payload.owner_id
    ch.data["owner_id"] = ch.t.assignee_id
    if ch.payload.note:
        ch.t.coordination_reason = ch.payload.note  # the monthly report's cause of the unfinished item
    if ch.payload.kind is not None:
        ch.t.coordination_kind = ch.payload.kind
        ch.data["kind"] = ch.payload.kind.value


def _report_progress(ch: _Change) -> None:
    p = ch.payload
    assert isinstance(p, c.ProgressReportInput)
    # Each report is due 4 desk hours after the one before it (the first, after dispatch), whatever reminders
    # fired in between: a reminder moves on to its next due, the report it asked for stays late.
    last = ch.t.last_report.at if ch.t.last_report is not None else ch.t.dispatched_at or ch.now
    due = sla.due_at(T.BUTLER_REPORT, last, ch.cal)
    on_time = ch.now <= due
    ch.t.last_report = ProgressReport(done=p.done, next=p.next, by=ch.principal.user_id, at=ch.now, on_time=on_time)
    ch.note = p.done
    ch.data.update(done=p.done, next=p.next, due_at=due.isoformat(), on_time=on_time)


def _request_time(ch: _Change) -> None:
    p = ch.payload
    assert isinstance(p, c.TimeDemandInput)
    wanted = _future(p.wanted_at, ch.now, "wanted_at")
    ch.t.time_demand = TimeDemand(wanted_at=wanted, recorded_by=ch.principal.user_id, recorded_at=ch.now, note=p.note)
    ch.data["wanted_at"] = wanted.isoformat()


def _decide_time(ch: _Change) -> None:
    p, demand = ch.payload, ch.t.time_demand
    assert isinstance(p, c.TimeDecisionInput) and demand is not None
    agreed = demand.wanted_at if p.decision == "approve" else p.proposed_at
    assert agreed is not None
    agreed = _future(agreed, ch.now, "proposed_at" if p.decision == "propose" else "wanted_at")
    demand.status = "approved" if p.decision == "approve" else "proposed"
    demand.decided_at, demand.decided_by = agreed, ch.principal.user_id
    ch.t.appointment_at = agreed  # the agreed time is the visit's appointment, with its own target
    ch.data.update(decision=demand.status, appointment_at=agreed.isoformat())


def _reason(ch: _Change) -> None:
    assert isinstance(ch.payload, c.ReasonInput)
    ch.note = ch.payload.reason
    ch.data["reason"] = ch.payload.reason


def _mark_invalid(ch: _Change) -> None:
    assert isinstance(ch.payload, c.ReasonInput)
    ch.note = ch.t.invalid_reason = ch.payload.reason


def _close(ch: _Change) -> None:
    assert isinstance(ch.payload, c.CloseInput)
    if ch.row.guard is Guard.UNSATISFIED and not ch.payload.reason:
        raise InvalidRequest(
            "closing a job the resident is unsatisfied with needs the manager's reason",
            details=[{"field": "reason", "problem": "required after an unsatisfied callback"}],
        )
    ch.note = ch.payload.reason or ch.note


def _urge(ch: _Change) -> None:
    ch.t.urge_count += 1
    ch.data["urge_count"] = ch.t.urge_count


def _attach(ch: _Change) -> None:
    p = ch.payload
    assert isinstance(p, c.AttachInput)
    ch.t.attachments.append(
        Attachment(
            key=p.key, purpose=p.purpose, content_type=p.content_type, uploaded_by=ch.principal.user_id, at=ch.now
        )
    )
    ch.data.update(key=p.key, purpose=p.purpose)


def _comment(ch: _Change) -> None:
    assert isinstance(ch.payload, c.CommentInput)
    ch.note = ch.payload.text


def _void_or_reopen(ch: _Change) -> None:
    assert isinstance(ch.payload, c.ReasonInput)
    ch.note = ch.payload.reason


_FIELDS: dict[Action, Callable[[_Change], None]] = {
    Action.IDENTIFY: _identify,
    Action.CLASSIFY: _classify,
    Action.DISPATCH: _dispatch,
    Action.BOOK_APPOINTMENT: _book_appointment,
    Action.PAUSE: _reason,
    Action.RESUME: _reason,
    Action.QUOTE: _quote,
    Action.ROUTE: _route,
    Action.COMPLETE: _complete,
    Action.RESOLVE_SUBTASK: _resolve_subtask,
    Action.SIGN_OFF: _sign_off,
    Action.REFUSE: _refuse,
    Action.RECORD_CALLBACK: _record_callback,
    Action.ANSWER: _answer,
    Action.ESCALATE: _escalate,
    Action.ADOPT: _adopt,
    Action.COORDINATE: _coordinate,
    Action.VOID: _void_or_reopen,
    Action.REOPEN: _void_or_reopen,
    Action.MARK_INVALID: _mark_invalid,
    Action.CLOSE: _close,
    Action.URGE: _urge,
    Action.ATTACH: _attach,
    Action.COMMENT: _comment,
    Action.REPORT_PROGRESS: _report_progress,
    Action.REQUEST_TIME: _request_time,
    Action.DECIDE_TIME: _decide_time,
}


def apply(
    ticket: Ticket,
    row: Transition,
    payload: BaseModel,
    principal: Principal,
    prop: Property,
    now: datetime,
) -> tuple[Ticket, dict[str, Any], str | None]:
    """The changed ticket, the audit event's data, and its note."""
    ch = _Change(
        t=ticket.model_copy(deep=True),
        row=row,
        payload=payload,
        principal=principal,
        prop=prop,
        now=now,
        cal=DeskCalendar.from_property(prop),
        note=getattr(payload, "note", None),
    )
    record = _FIELDS.get(row.action)
    if record is not None:
        record(ch)
    t = ch.t
    target = ch.target or row.target
    if target is not None:
        t.status = target
    targets.on_action(
        t,
        row.action,
        now,
        ch.cal,
        role=principal.role,
        callback_needed=ch.callback_needed,
        work_done=ch.work_done,
    )
    if t.status in FINAL_STATUSES:
        t.closed_at = now
    elif row.action is Action.REOPEN:
        t.closed_at = None
    t.updated_at = now
    return t, ch.data, ch.note


__all__ = ["apply"]
