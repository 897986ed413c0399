"""The step table: which human step a ticket waits for next, and the timers that run meanwhile.

`next_step` is pure. The API computes it when it answers a step (so the answer carries the next
step's timeout, one state transition per step), the timer function when a timer fired, and the
starter for a new ticket; the state machine reads `timeout_seconds` through TimeoutSecondsPath.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from propdesk import sla, targets
from propdesk.calendar import DeskCalendar
from propdesk.lifecycle import PAUSABLE, callback_required
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

RECURRING = targets.RECURRING
WORKING = targets.WORKING
# A long-lived execution is continued as a new one after this many timer runs, so that its history stays
# bounded however long a coordination sheet stays open (every 4 desk hours a butler report fires).
RESTART_AFTER_TIMERS = 60  # about 11 history events each: room left under 1,000 for the human steps
# A person's answer plans afresh (the API does not see the execution's count), so an execution that knows
# when it started also continues as new after this long: 14 days hold about 55 timer runs of a sheet.
RESTART_AFTER_AGE = timedelta(days=14)


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
    timer_runs: int = Field(default=0, ge=0)  # timer runs of this execution so far, this step's planning included
    restart: bool = False  # continue as a new execution before waiting (the history budget)

    @property
    def terminal(self) -> bool:
        return self.name in (END, AUTO_CLOSE)


END = "end"
AUTO_CLOSE = "auto_close"


def _phase(t: Ticket, prop: Property) -> tuple[str, list[Action]]:
    """The step for the ticket's kind and status (the workflow's state diagram)."""
    status, kind = t.status, t.kind
    callback_all = prop.settings.callback_all
    if not t.is_open:
        return END, []
    if status is S.NEEDS_IDENTIFICATION:
        return "identify", [A.IDENTIFY]
    if status is S.ESCALATED:
        # The manager's answer, against the same reply target.
        return "answer", [A.ANSWER, A.ADOPT] if kind is TicketKind.SUGGESTION else [A.ANSWER]
    if status is S.ADOPTED:
        return "carry_out", [A.ANSWER]  # the adopted suggestion is done: the resident is told
    if status in (S.RECEIVED, S.CLASSIFIED):
        if kind is TicketKind.SUGGESTION:
            return "answer", [A.ANSWER, A.ADOPT, A.ESCALATE]
        if kind is TicketKind.INQUIRY:
            return "answer", [A.ANSWER, A.ESCALATE]
        if kind is TicketKind.QUICK_TASK:
            return AUTO_CLOSE, []
        if kind is TicketKind.COMPLAINT:
            return "triage", [A.DISPATCH]  # invalid: the stream ends the execution
        return "dispatch", [A.DISPATCH]
    if kind is TicketKind.COMPLAINT and status in (S.DISPATCHED, S.ACCEPTED, S.IN_PROGRESS, S.COORDINATION):
        return "subtasks", [A.RESOLVE_SUBTASK]
    name, awaiting = _work_phase(t, callback_all)
    if t.paused_since is not None and status in targets.WORKING and kind in PAUSABLE:
        # The held targets fire again once the resident is back: the step hears the end of the pause.
        # (A pause needs no answer: a target's fire that finds it held simply plans the next step.)
        awaiting = [*awaiting, A.RESUME]
    return name, awaiting


def _work_phase(t: Ticket, callback_all: bool) -> tuple[str, list[Action]]:
    status, kind = t.status, t.kind
    if status in (S.DISPATCHED, S.ACCEPTED):
        first = _first_target(t)
        if first is not None and first.breached:
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
        if callback_required(t, callback_all):
            return "callback", [A.RECORD_CALLBACK]
        return AUTO_CLOSE, []
    if status is S.CALLBACK_DONE:
        return AUTO_CLOSE, []
    return "wait", []


def _first_target(t: Ticket) -> SlaTarget | None:
    """The open first-response target (accept & inspect, or on site)."""
    for name in targets.FIRST_RESPONSE:
        target = t.sla.get(name.value)
        if target is not None and target.open:
            return target
    return None


def targets_to_start(t: Ticket, prop: Property, now: datetime) -> list[SlaTarget]:
    """Targets the workflow itself runs (not started by an action) that the ticket lacks."""
    return targets.started_by_workflow(t, DeskCalendar.from_property(prop), now)


def recurring_to_stop(t: Ticket) -> list[str]:
    """Recurring reminders end when the work they chase is done: outside the statuses their rule runs in."""
    return [
        name.value
        for name in RECURRING
        if name.value in t.sla and t.sla[name.value].open and t.status not in targets.RULES[name].runs_in
    ]


due_of = targets.due_of


def _fires(t: Ticket, prop: Property, name: str, since: datetime, after: datetime | None) -> list[Fire]:
    """Every timer instant of this step. Deadlines and recurring reminders are kept by their target's
    state; escalations and reminders without a target are kept by time (only those after `after`)."""
    fires: list[Fire] = []
    open_targets = {k: v for k, v in t.sla.items() if v.open}

    def later(at: datetime) -> bool:
        return after is None or at > after

    for target, rule in targets.firing(t):
        if rule.fires is targets.Fires.REMIND:
            fires.append(Fire(at=target.due_at, timer=target.name))
        else:
            fires.append(Fire(at=due_of(target), timer=target.name, level=rule.level))
    first = _first_target(t)
    if name == "appointment" and first is not None and first.breached:
        # Nobody booked the appointment after the alert: the manager hears of it.
        clock = targets.RULES[TargetName(first.name)].clock
        assert isinstance(clock, sla.WallClock)
        at = due_of(first) + clock.duration
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


def next_step(
    ticket: Ticket,
    prop: Property,
    now: datetime,
    previous: Step | None = None,
    *,
    fired_at: datetime | None = None,
    execution_started: datetime | None = None,
) -> Step:
    """The step to wait for from `now`; `fired_at` (after a timer) drops the time-kept fires up to it.

    `execution_started` (when known): an execution older than RESTART_AFTER_AGE continues as a new one."""
    name, awaiting = _phase(ticket, prop)
    since = previous.since if previous is not None and previous.name == name else now
    starts = targets_to_start(ticket, prop, now) if name not in (END, AUTO_CLOSE) else []
    view = ticket.model_copy(update={"sla": {**ticket.sla, **{s.name: s for s in starts}}})
    fires = [] if name in (END, AUTO_CLOSE) else _fires(view, prop, name, since, fired_at or now)
    if fires:
        timeout = max(1, math.ceil((fires[0].at - now).total_seconds()))
    else:
        timeout = 60 if name in (END, AUTO_CLOSE) else IDLE_SECONDS
    runs = (previous.timer_runs if previous is not None else 0) + (1 if fired_at is not None else 0)
    return Step(
        name=name,
        since=since,
        awaiting=awaiting,
        fires=fires[:MAX_FIRES],
        timeout_seconds=timeout,
        starts=starts,
        stops=recurring_to_stop(ticket),
        timer_runs=runs,
        restart=name not in (END, AUTO_CLOSE)
        and (
            runs >= RESTART_AFTER_TIMERS
            or (execution_started is not None and now - execution_started >= RESTART_AFTER_AGE)
        ),
    )


__all__ = [
    "AUTO_CLOSE",
    "END",
    "IDLE_SECONDS",
    "RESTART_AFTER_AGE",
    "RESTART_AFTER_TIMERS",
    "Fire",
    "Step",
    "next_step",
    "targets_to_start",
]
