"""The step table: which human step a ticket waits for next, and the timers that run meanwhile.

`next_step` is pure. The API computes it when it answers a step (so the answer carries the next
step's timeout, one state transition per step), the timer function when a timer fired, and the
starter for a new ticket; the state machine reads `timeout_seconds` through TimeoutSecondsPath.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from propdesk import sla
from propdesk.calendar import DeskCalendar
from propdesk.lifecycle import HANDLING, callback_required
from propdesk.models.directory import Property
from propdesk.models.enums import Action, Status, TicketKind
from propdesk.models.ticket import SlaTarget, Ticket
from propdesk.sla import TargetName

T = TargetName
S = Status
A = Action

IDLE_SECONDS = 7 * 86_400  # a step without a timer re-plans weekly: an answer lost in a race cannot strand it
MAX_FIRES = 6  # the schedule carried in the execution's state; the rest is recomputed after each fire
QUOTE_REMINDER_AFTER = timedelta(days=1)
SUBTASK_ESCALATION_AFTER = timedelta(hours=24)

# Deadline targets: breached once when their due passes; the breach is recorded on the target.
DEADLINES = (
    T.ON_SITE,
    T.ACCEPT_INSPECT,
    T.SAME_DAY,
    T.REWORK,
    T.CALLBACK,
    T.DESK_REPLY,
    T.COORDINATION_CONTACT,
    T.COORDINATION_REPLY,
)
# Recurring targets: each fire is a reminder, and the target moves to its next occurrence.
RECURRING = (T.BUTLER_REPORT, T.COORDINATION_CHECK, T.COORDINATION_UPDATE)
WORKING = HANDLING | {S.COORDINATION}


class Fire(BaseModel):
    """One timer instant of a step: a target's due, a reminder or an escalation."""

    model_config = ConfigDict(extra="forbid")

    at: AwareDatetime
    timer: str  # a TargetName, or one of the reminders/escalations below
    level: int = Field(default=0, ge=0, le=2)


class Step(BaseModel):
    """What the workflow waits for now, and when it must act if nobody answers."""

    model_config = ConfigDict(extra="forbid")

    name: str
    since: AwareDatetime
    awaiting: list[Action] = Field(default_factory=list)
    fires: list[Fire] = Field(default_factory=list)
    timeout_seconds: int = Field(ge=1)
    starts: list[SlaTarget] = Field(default_factory=list)  # targets the step runs that the ticket lacks
    stops: list[str] = Field(default_factory=list)  # recurring targets that no longer apply

    @property
    def terminal(self) -> bool:
        return self.name in (END, AUTO_CLOSE)


END = "end"
AUTO_CLOSE = "auto_close"


def _phase(t: Ticket, prop: Property) -> tuple[str, list[Action]]:
    """The step for the ticket's kind and status (the workflow's state diagram)."""
    status, kind = t.status, t.kind
    if not t.is_open:
        return END, []
    if status is S.NEEDS_IDENTIFICATION:
        return "identify", [A.IDENTIFY]
    if status is S.ESCALATED:
        return "answer", [A.ANSWER]  # the manager's answer, against the same reply target
    if status in (S.RECEIVED, S.CLASSIFIED):
        if kind in (TicketKind.INQUIRY, TicketKind.SUGGESTION):
            return "answer", [A.ANSWER, A.ESCALATE]
        if kind is TicketKind.QUICK_TASK:
            return AUTO_CLOSE, []
        if kind is TicketKind.COMPLAINT:
            return "triage", [A.DISPATCH]  # invalid: the stream ends the execution
        return "dispatch", [A.DISPATCH]
    if kind is TicketKind.COMPLAINT and status in (S.DISPATCHED, S.ACCEPTED, S.IN_PROGRESS, S.COORDINATION):
        return "subtasks", [A.RESOLVE_SUBTASK]
    if status in (S.DISPATCHED, S.ACCEPTED):
        first = _first_target(t)
        if first is not None and first.breached and not _appointment_pending(t, first):
            return "appointment", [A.BOOK_APPOINTMENT]
        return "on_site", [A.ARRIVE, A.BOOK_APPOINTMENT]
    if status is S.QUOTED:
        return "quote_approval", [A.APPROVE_QUOTE, A.REJECT_QUOTE]
    if status is S.ROUTED:
        return "consent", [A.CONSENT]
    if status is S.COORDINATION:
        return "coordination", [A.COMPLETE, A.BOOK_APPOINTMENT]
    if status is S.ON_SITE and kind is TicketKind.WARRANTY:
        return "route", [A.ROUTE]
    if status is S.ON_SITE and kind in (TicketKind.REPAIR, TicketKind.HOUSEHOLD_SERVICE):
        return "work", [A.QUOTE, A.COMPLETE]
    if status in WORKING:
        return "work", [A.COMPLETE]
    if status is S.COMPLETED:
        if kind is TicketKind.COMPLAINT:
            return "callback", [A.RECORD_CALLBACK]
        if kind is TicketKind.WARRANTY:
            return "reinspect", [A.REINSPECT, A.REFUSE]
        return "sign_off", [A.SIGN_OFF, A.REFUSE]
    if status is S.REINSPECTED:
        return "sign_off", [A.SIGN_OFF, A.REFUSE]
    if status is S.SIGNED_OFF:
        if callback_required(t, prop.settings.callback_all):
            return "callback", [A.RECORD_CALLBACK]
        return AUTO_CLOSE, []
    if status is S.CALLBACK_DONE:
        return AUTO_CLOSE, []
    return "wait", []


def _first_target(t: Ticket) -> SlaTarget | None:
    target = t.sla.get(T.ACCEPT_INSPECT.value) or t.sla.get(T.ON_SITE.value)
    return target if target is not None and target.open else None


def _appointment_pending(t: Ticket, target: SlaTarget) -> bool:
    """An appointment moved the target to the booked time: the technician is expected then."""
    return t.appointment_at is not None and target.due_at == t.appointment_at


def targets_to_start(t: Ticket, prop: Property, now: datetime) -> list[SlaTarget]:
    """Targets the workflow itself runs (not started by an action) that the ticket lacks."""
    cal = DeskCalendar.from_property(prop)
    wanted: list[SlaTarget] = []

    def add(name: TargetName, start: datetime, due: datetime) -> None:
        if name.value not in t.sla:
            wanted.append(SlaTarget(name=name.value, started_at=start, due_at=due))

    if t.status in (S.RECEIVED, S.CLASSIFIED) and t.kind in (
        TicketKind.INQUIRY,
        TicketKind.SUGGESTION,
        TicketKind.COMPLAINT,
    ):
        add(T.DESK_REPLY, t.created_at, sla.due_at(T.DESK_REPLY, t.created_at, cal))
    if t.status in WORKING and t.kind is not TicketKind.COMPLAINT:
        start = t.dispatched_at or now
        add(T.BUTLER_REPORT, start, sla.due_at(T.BUTLER_REPORT, start, cal))
    if t.coordination_opened_at is not None and t.status in WORKING:
        opened = t.coordination_opened_at
        add(T.COORDINATION_CHECK, opened, sla.due_at(T.COORDINATION_CHECK, opened, cal))
        add(T.COORDINATION_UPDATE, opened, sla.due_at(T.COORDINATION_UPDATE, opened, cal))
    return wanted


def recurring_to_stop(t: Ticket) -> list[str]:
    """Recurring reminders end when the work they chase is done."""
    if t.status in WORKING:
        return []
    return [name.value for name in RECURRING if name.value in t.sla and t.sla[name.value].open]


def due_of(target: SlaTarget) -> datetime:
    return sla.pause_adjusted(target.due_at, target.paused_seconds)


def _fires(t: Ticket, prop: Property, name: str, since: datetime, after: datetime | None) -> list[Fire]:
    """Every timer instant of this step. Deadlines and recurring reminders are kept by their target's
    state; escalations and reminders without a target are kept by time (only those after `after`)."""
    fires: list[Fire] = []
    open_targets = {k: v for k, v in t.sla.items() if v.open}

    def later(at: datetime) -> bool:
        return after is None or at > after

    relevant: set[TargetName] = {T.DESK_REPLY} if name in ("answer", "triage") else set()
    if name in ("on_site", "appointment"):
        relevant |= {T.ON_SITE, T.ACCEPT_INSPECT, T.SAME_DAY, T.REWORK}
    if name in ("work", "route", "coordination"):
        relevant |= {T.SAME_DAY, T.REWORK}
    if name in ("callback",):
        relevant |= {T.CALLBACK}
    if t.coordination_opened_at is not None and t.status in WORKING:
        relevant |= {T.COORDINATION_CONTACT, T.COORDINATION_REPLY, T.COORDINATION_CHECK, T.COORDINATION_UPDATE}
    if t.status in WORKING and t.kind is not TicketKind.COMPLAINT:
        relevant.add(T.BUTLER_REPORT)
    for target_name in relevant:
        target = open_targets.get(target_name.value)
        if target is None:
            continue
        if target_name in RECURRING:
            fires.append(Fire(at=target.due_at, timer=target_name.value))
        elif not target.breached:
            fires.append(Fire(at=due_of(target), timer=target_name.value, level=_breach_level(target_name)))
    first = _first_target(t)
    if name == "appointment" and first is not None and first.breached:
        # Nobody booked the appointment after the alert: the manager hears of it.
        duration = sla.ON_SITE.duration if first.name == T.ON_SITE.value else sla.ACCEPT_INSPECT.duration
        at = due_of(first) + duration
        if later(at):
            fires.append(Fire(at=at, timer="appointment_escalation", level=2))
    reply = open_targets.get(T.DESK_REPLY.value)
    if name in ("answer", "triage") and reply is not None and reply.breached:
        at = due_of(reply) + sla.DESK_REPLY.duration
        if later(at):
            fires.append(Fire(at=at, timer="reply_escalation", level=2))
    if name == "quote_approval":
        for timer, at in (
            ("quote_reminder", since + QUOTE_REMINDER_AFTER),
            ("quote_expiry", since + timedelta(days=prop.settings.quote_expiry_days)),
        ):
            if later(at):
                fires.append(Fire(at=at, timer=timer, level=0))
    if name == "subtasks":
        for sub in t.subtasks:
            if sub.status == "open" and sub.due_at is not None:
                for at, level in ((sub.due_at, 1), (sub.due_at + SUBTASK_ESCALATION_AFTER, 2)):
                    if later(at):
                        fires.append(Fire(at=at, timer=f"subtask:{sub.department.value}", level=level))
    return sorted(fires, key=lambda f: (f.at, f.timer))


def _breach_level(name: TargetName) -> int:
    return 2 if name is T.CALLBACK else 1


def next_step(
    ticket: Ticket, prop: Property, now: datetime, previous: Step | None = None, *, fired_at: datetime | None = None
) -> Step:
    """The step to wait for from `now`; `fired_at` (after a timer) drops the time-kept fires up to it."""
    name, awaiting = _phase(ticket, prop)
    since = previous.since if previous is not None and previous.name == name else now
    starts = targets_to_start(ticket, prop, now) if name not in (END, AUTO_CLOSE) else []
    view = ticket.model_copy(update={"sla": {**ticket.sla, **{s.name: s for s in starts}}})
    fires = [] if name in (END, AUTO_CLOSE) else _fires(view, prop, name, since, fired_at or now)
    if fires:
        timeout = max(1, math.ceil((fires[0].at - now).total_seconds()))
    else:
        timeout = 60 if name in (END, AUTO_CLOSE) else IDLE_SECONDS
    return Step(
        name=name,
        since=since,
        awaiting=awaiting,
        fires=fires[:MAX_FIRES],
        timeout_seconds=timeout,
        starts=starts,
        stops=recurring_to_stop(ticket),
    )


__all__ = ["AUTO_CLOSE", "END", "IDLE_SECONDS", "Fire", "Step", "next_step", "targets_to_start"]
