"""What happens when a step's timer fires: breaches recorded, reminders moved on, orders escalated.

Pure: `fire` takes the ticket as read and returns the changed copy, its audit events and the notices
to raise. It is safe to run again on a fresher copy (a lost optimistic-lock race): a breach already
recorded, a reminder already moved on or a status already changed is not done twice.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime

from propdesk import lifecycle, targets
from propdesk.access import SYSTEM
from propdesk.calendar import DeskCalendar
from propdesk.errors import ActionNotAllowed
from propdesk.lifecycle import HANDLING
from propdesk.logic import actions
from propdesk.logic import commands as c
from propdesk.models.directory import Property
from propdesk.models.enums import Action, Status
from propdesk.models.ticket import Ticket, TicketEvent
from propdesk.notices import Audience, Notice, NoticeKind, notice_id, ticket_values
from propdesk.sla import TargetName
from propdesk.workflow.plan import Fire, Step, due_of

T = TargetName
K = NoticeKind
AU = Audience
WORKFLOW_ACTOR = "workflow"

# timer -> (notice, audience) raised when it fires
_NOTICES: dict[str, tuple[NoticeKind, list[Audience]]] = {
    T.ON_SITE.value: (K.ON_SITE_OVERDUE, [AU.DISPATCHER, AU.DESK]),
    T.ACCEPT_INSPECT.value: (K.ACCEPT_OVERDUE, [AU.DISPATCHER, AU.DESK]),
    T.APPOINTMENT.value: (K.ON_SITE_OVERDUE, [AU.DISPATCHER, AU.DESK]),  # not on site at the booked time
    # The day's close makes the order a coordination sheet: the resident learns it too, whether this timer or
    # the end-of-day sweep gets there first (both notices have one id, so each person is told once).
    T.SAME_DAY.value: (K.SAME_DAY_MISSED, [AU.ASSIGNEE, AU.DISPATCHER, AU.DESK, AU.RESIDENT]),
    T.REWORK.value: (K.SAME_DAY_MISSED, [AU.ASSIGNEE, AU.DISPATCHER, AU.DESK, AU.RESIDENT]),
    T.CALLBACK.value: (K.CALLBACK_OVERDUE, [AU.MANAGER]),
    T.DESK_REPLY.value: (K.REPLY_OVERDUE, [AU.DESK]),
    T.COORDINATION_CONTACT.value: (K.COORDINATION_CONTACT_DUE, [AU.ASSIGNEE, AU.DISPATCHER]),
    T.COORDINATION_REPLY.value: (K.COORDINATION_REPLY_DUE, [AU.DESK]),
    T.COORDINATION_CHECK.value: (K.COORDINATION_CHECK, [AU.DESK]),
    T.COORDINATION_UPDATE.value: (K.COORDINATION_UPDATE, [AU.RESIDENT, AU.DESK]),
    T.BUTLER_REPORT.value: (K.BUTLER_REPORT_DUE, [AU.BUTLER]),
    "appointment_escalation": (K.ESCALATION, [AU.MANAGER]),
    "reply_escalation": (K.ESCALATION, [AU.MANAGER]),
    "quote_reminder": (K.QUOTE_REMINDER, [AU.RESIDENT]),
    "quote_expiry": (K.QUOTE_EXPIRED, [AU.RESIDENT, AU.ASSIGNEE]),
}


@dataclass
class Outcome:
    """The ticket after the fire, what to write with it, and whom to tell."""

    ticket: Ticket
    events: list[TicketEvent] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.events)


def notice_for(
    ticket: Ticket, kind: NoticeKind, audience: list[Audience], at: datetime, key: str, level: int = 0, **params: object
) -> Notice:
    """A notice whose id depends only on the ticket, the timer and its instant: a retried fire tells once."""
    return Notice(
        id=notice_id(ticket.id, key, at),
        kind=kind,
        ticket_id=ticket.id,
        property_id=ticket.property_id,
        number=ticket.number,
        audience=audience,
        level=level,
        at=at,
        params={"assignee_id": ticket.assignee_id, **ticket_values(kind, ticket), **params},
    )


def fire(ticket: Ticket, prop: Property, step: Step, at: datetime) -> Outcome:
    """Run every fire of `step` due at or before `at` against the ticket."""
    out = Outcome(ticket.model_copy(deep=True))
    for due in [f for f in step.fires if f.at <= at]:
        _fire_one(out, prop, due, at)
    return out


def _fire_one(out: Outcome, prop: Property, due: Fire, at: datetime) -> None:
    t = out.ticket
    timer = due.timer
    kind, audience = _NOTICES.get(timer, (K.ESCALATION, [AU.DISPATCHER, AU.DESK] if due.level < 2 else [AU.MANAGER]))
    target = t.sla.get(timer)
    params: dict[str, object] = {"timer": timer, "due_at": due.at.isoformat()}
    if timer.startswith("subtask:"):
        department = timer.split(":", 1)[1]
        sub = next((s for s in t.subtasks if s.department.value == department), None)
        if sub is None or sub.status != "open":
            return
        params["department"] = department
    elif target is not None and timer in (n.value for n in targets.RECURRING):
        if not target.open or target.due_at > at:
            return  # already moved on by an earlier run of this fire
        previous = target.due_at
        target.started_at, target.due_at = previous, targets.next_reminder(t, target, DeskCalendar.from_property(prop))
        params["next_due_at"] = target.due_at.isoformat()
    elif target is not None:
        if not target.open or target.breached or due_of(target) > at or targets.paused(t, target):
            return  # met, already breached, moved later or held by a pause since the step was planned
        target.breached = True
        target.breach_seconds = max(0, math.ceil((at - due_of(target)).total_seconds()))
        params["breach_seconds"] = target.breach_seconds
    elif not _still_due(t, timer):
        return  # the step this reminder or escalation belongs to was answered before the timer ran

    out.events.append(
        TicketEvent(
            ticket_id=t.id,
            at=at,
            actor_id=WORKFLOW_ACTOR,
            actor_role=SYSTEM.role,
            action="timer",
            note=kind.value,
            data={**params, "level": due.level},
        )
    )
    out.notices.append(notice_for(t, kind, audience, due.at, timer, due.level, **params))
    if timer in (T.SAME_DAY.value, T.REWORK.value) and t.status in HANDLING:
        _system_action(out, prop, Action.COORDINATE, c.CoordinateInput(), at)
    elif timer == "quote_expiry" and t.status is Status.QUOTED:
        _system_action(out, prop, Action.CLOSE, c.CloseInput(reason="quote expired"), at)


def _still_due(t: Ticket, timer: str) -> bool:
    """Whether a reminder or escalation without a target of its own still has something to chase."""
    if timer in ("quote_reminder", "quote_expiry"):
        return t.status is Status.QUOTED
    if timer == "appointment_escalation":
        first = [t.sla[n.value] for n in targets.FIRST_RESPONSE if n.value in t.sla]
        return any(f.open and f.breached for f in first)
    if timer == "reply_escalation":
        reply = t.sla.get(T.DESK_REPLY.value)
        return reply is not None and reply.open
    return timer not in _NOTICES  # a target-kept timer whose target is gone: nothing to do


def _system_action(
    out: Outcome, prop: Property, action: Action, payload: c.CloseInput | c.CoordinateInput, at: datetime
) -> None:
    """A lifecycle action the workflow takes itself, through the one transition table, as SYSTEM."""
    t = out.ticket
    try:
        row = lifecycle.transition_for(t, action, SYSTEM.role, prop.settings.callback_all)
    except ActionNotAllowed:
        return  # somebody moved the ticket on meanwhile; the next plan follows its new status
    updated, data, note = actions.apply(t, row, payload, SYSTEM, prop, at)
    out.events.append(
        TicketEvent(
            ticket_id=t.id,
            at=at,
            actor_id=WORKFLOW_ACTOR,
            actor_role=SYSTEM.role,
            action=action.value,
            from_status=t.status,
            to_status=updated.status,
            note=note,
            data=data,
        )
    )
    out.ticket = updated


__all__ = ["WORKFLOW_ACTOR", "Outcome", "fire", "notice_for"]
