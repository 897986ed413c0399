"""The rule book of the timers that must never be forgotten (DOMAIN.md: "Timers" and "How each timer is counted").

Each timer's rule is written once, in `RULES`: what starts it, what meets it, whether a paused clock moves it,
how its due is counted (`sla.TARGETS`) and what fires when it passes. The API's actions (`on_action`), the
workflow's plan and fires (`started_by_workflow`, `firing`), the sweep and the reports ask this module.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from types import MappingProxyType

from propdesk import sla
from propdesk.calendar import DeskCalendar, aware_utc
from propdesk.lifecycle import HANDLING
from propdesk.models.enums import (
    DESK_ROLES,
    FINAL_STATUSES,
    Action,
    Area,
    Channel,
    CoordinationKind,
    Role,
    Status,
    TicketKind,
)
from propdesk.models.ticket import SlaTarget, Ticket
from propdesk.sla import TargetName

T = TargetName
A = Action
S = Status

# Dispatched work still being handled, coordination sheets included: where the work's own targets run.
WORKING = HANDLING | {S.COORDINATION}
OPEN_STATUSES = frozenset(Status) - FINAL_STATUSES


class Fires(StrEnum):
    """What happens when a target's due passes; it never blocks the work."""

    BREACH = "breach"  # a deadline: the breach is recorded once and escalated
    REMIND = "remind"  # a recurring reminder: each due is told, and the target moves to its next occurrence


@dataclass(frozen=True, slots=True)
class Rule:
    """One timer of DOMAIN.md: what starts it, what meets it, whether a pause moves it, what fires."""

    name: TargetName
    starts: str  # the event that starts the clock, in the domain's words (started in `on_action` or the workflow)
    met_by: frozenset[Action]  # the completing events; a reminder is never met, it stops with the work
    pauses: bool  # a paused clock (the resident away, an appointment ahead) moves its due
    fires: Fires
    level: int  # escalation level of the notice when it fires: 0 the people who act, 1 dispatcher/desk, 2 manager
    runs_in: frozenset[Status]  # the statuses in which its due fires (a closed ticket has none)

    @property
    def clock(self) -> sla.Target:
        """How the due is counted: wall clock, desk time, desk-day close, calendar days or a booked instant."""
        return sla.TARGETS[self.name]


def _a(*actions: Action) -> frozenset[Action]:
    return frozenset(actions)


BOOKING = (A.BOOK_APPOINTMENT, A.DECIDE_TIME)  # the desk books a visit, or the supervisor agrees a demanded time


RULES: Mapping[TargetName, Rule] = MappingProxyType(
    {
        rule.name: rule
        for rule in (
            # Met by booking an appointment too: the appointment then runs a target of its own.
            # A time the supervisor agreed with the resident is a booked appointment too.
            Rule(T.ON_SITE, "dispatch", _a(A.ARRIVE, *BOOKING), True, Fires.BREACH, 1, OPEN_STATUSES),
            # Accepted and on site: arrival follows acceptance in the lifecycle, so arriving meets it.
            Rule(T.ACCEPT_INSPECT, "dispatch", _a(A.ARRIVE, *BOOKING), True, Fires.BREACH, 1, OPEN_STATUSES),
            Rule(T.APPOINTMENT, "booking an appointment", _a(A.ARRIVE), False, Fires.BREACH, 1, WORKING),
            Rule(T.SAME_DAY, "dispatch", _a(A.COMPLETE), True, Fires.BREACH, 1, WORKING),
            Rule(T.REWORK, "refused sign-off, unsatisfied callback", _a(A.COMPLETE), True, Fires.BREACH, 1, WORKING),
            Rule(
                T.CALLBACK,
                "completion (the last, after rework)",
                _a(A.RECORD_CALLBACK),
                False,
                Fires.BREACH,
                2,
                frozenset({S.COMPLETED, S.SIGNED_OFF}),
            ),
            Rule(
                T.DESK_REPLY,
                "receipt of an inquiry, suggestion or complaint",
                _a(A.ANSWER, A.ADOPT, A.DISPATCH, A.MARK_INVALID),
                False,
                Fires.BREACH,
                1,
                frozenset({S.RECEIVED, S.CLASSIFIED, S.ESCALATED}),  # escalated: the manager answers it
            ),
            Rule(
                T.COORDINATION_CONTACT,
                "the coordination sheet",
                _a(A.ARRIVE, *BOOKING),
                True,
                Fires.BREACH,
                1,
                WORKING,
            ),
            # The desk's recorded reply to the resident: a comment by a desk role.
            Rule(T.COORDINATION_REPLY, "the coordination sheet", _a(A.COMMENT), True, Fires.BREACH, 1, WORKING),
            Rule(T.COORDINATION_CHECK, "the coordination sheet", _a(), False, Fires.REMIND, 0, WORKING),
            Rule(T.COORDINATION_UPDATE, "the coordination sheet", _a(), False, Fires.REMIND, 0, WORKING),
            # Met by the butler's report; the next report is then due 4 desk hours after it (see `on_action`).
            # While the job is open: a quote waiting for the resident's yes is still an open job.
            Rule(T.BUTLER_REPORT, "dispatch", _a(A.REPORT_PROGRESS), False, Fires.REMIND, 0, WORKING | {S.QUOTED}),
        )
    }
)
RECURRING = tuple(name for name, rule in RULES.items() if rule.fires is Fires.REMIND)
FIRST_RESPONSE = (T.ACCEPT_INSPECT, T.ON_SITE)


def rule_of(name: str) -> Rule | None:
    """The rule of a target name as stored on a ticket (None for a name no longer in the book)."""
    try:
        return RULES[TargetName(name)]
    except ValueError:
        return None


# ---- which targets a ticket gets -----------------------------------------------------------------


def recorded_by_call_centre(t: Ticket) -> bool:
    """Recorded by the group call centre (400): its channel, or a call-centre agent whoever the caller was."""
    return t.channel is Channel.CALL_CENTRE or t.recorded_by is Role.CALLCENTRE_AGENT


def first_response(t: Ticket) -> TargetName | None:
    """Accept & inspect for warranty and call-centre orders, on site for the rest; complaints work by sub-tasks."""
    if t.kind is TicketKind.COMPLAINT:
        return None
    if t.kind is TicketKind.WARRANTY or recorded_by_call_centre(t):
        return T.ACCEPT_INSPECT
    return T.ON_SITE


def due_of(target: SlaTarget) -> datetime:
    """The target's due instant, moved by every pause already ended."""
    return sla.pause_adjusted(target.due_at, target.paused_seconds)


def start(t: Ticket, name: TargetName, at: datetime, cal: DeskCalendar, *, due: datetime | None = None) -> None:
    """Start (or restart) a target from `at`; its due is counted by its rule unless given (a booked instant)."""
    if due is None:
        due = sla.due_at(name, at, cal, public_area=t.area is Area.PUBLIC)
    t.sla[name.value] = SlaTarget(name=name.value, started_at=at, due_at=due)


def meet(t: Ticket, name: TargetName, at: datetime, cal: DeskCalendar) -> None:
    """Record that the target's completing event happened at `at`: met, or breached by how much."""
    target = t.sla.get(name.value)
    if target is None or not target.open:
        return
    met, late = sla.evaluate(target.due_at, at, target.paused_seconds + _running_pause(t, target, at, cal))
    target.met_at = at
    # A breach the workflow already recorded stands even when a pause later moved the due.
    target.breached = target.breached or not met
    target.breach_seconds = late if not met else target.breach_seconds


# ---- what an action does to the targets ------------------------------------------------------------


def on_action(
    t: Ticket,
    action: Action,
    at: datetime,
    cal: DeskCalendar,
    *,
    role: Role,
    callback_needed: bool = False,
    work_done: bool = False,
) -> None:
    """Start and meet the ticket's targets for one lifecycle action, as the rule book says.

    `callback_needed`: a sign-off that calls for a callback; `work_done`: the action completed the work
    (the last sub-task of a complaint resolved). Run after the action changed the ticket's fields.
    """
    if action is A.ARRIVE and t.paused_since is not None:
        resume(t, at, cal)  # someone is on site with the resident: the resident is back
    for name, rule in RULES.items():
        if action in rule.met_by and not (action is A.COMMENT and role not in DESK_ROLES):
            meet(t, name, at, cal)
    if action is A.DISPATCH:
        _dispatched(t, at, cal)
    elif action in BOOKING:
        _appointment_booked(t, at, cal)
    elif action is A.REPORT_PROGRESS:
        start(t, T.BUTLER_REPORT, at, cal)  # the next report is due 4 desk hours after this one
    elif work_done:  # the last sub-task of a complaint: done, and no sign-off, so its callback is due from now
        meet(t, T.SAME_DAY, at, cal)
        start(t, T.CALLBACK, at, cal)
    elif action is A.SIGN_OFF and callback_needed and t.completed_at is not None:
        start(t, T.CALLBACK, t.completed_at, cal)  # counted from completion, not from the signature
    elif action is A.REFUSE or (action is A.RECORD_CALLBACK and t.status is S.REWORK):
        start(t, T.REWORK, at, cal)  # finished again the same desk day, counted from the refusal or callback
    elif action is A.COORDINATE:
        for name in (T.COORDINATION_CONTACT, T.COORDINATION_REPLY):
            if name.value not in t.sla:
                start(t, name, at, cal)
        check = t.sla.get(T.COORDINATION_CHECK.value)
        if check is not None and check.open:
            check.due_at = _next_check(t, cal, at)  # the sheet's kind was named: its own interval from now on
    elif action is A.ROUTE and t.contractor_deadline is not None:
        same_day = t.sla.get(T.SAME_DAY.value)
        if same_day is not None and same_day.open:
            same_day.due_at = t.contractor_deadline  # warranty work is due by the contractual deadline,
            same_day.paused_seconds = 0  # an instant agreed with the contractor, which no earlier wait moves
    elif action is A.PAUSE:
        t.paused_since = at
    elif action is A.RESUME:
        resume(t, at, cal)
    if t.status in FINAL_STATUSES:
        end_all(t, at, cal)


def _running(t: Ticket, *names: TargetName) -> bool:
    return any(n.value in t.sla and t.sla[n.value].open for n in names)


def _dispatched(t: Ticket, at: datetime, cal: DeskCalendar) -> None:
    """A dispatch starts the first-response and same-day targets unless they still run (an unmet target's
    breach stands; a re-dispatch after a reopening starts them afresh); a booked appointment stands."""
    booked = t.appointment_at if t.appointment_at is not None and t.appointment_at > at else None
    if not _running(t, T.SAME_DAY, T.REWORK):
        start(t, T.SAME_DAY, at, cal)
    if booked is not None and t.kind is not TicketKind.COMPLAINT:
        if not _running(t, T.APPOINTMENT):
            start(t, T.APPOINTMENT, at, cal, due=booked)
            _move_paused(t, at, booked, cal)  # the work waits for the resident until the booked time
    else:
        first = first_response(t)
        if first is not None and not _running(t, *FIRST_RESPONSE):
            start(t, first, at, cal)


def _appointment_booked(t: Ticket, at: datetime, cal: DeskCalendar) -> None:
    """The appointment gets its own target (on site at the booked time); the wait until then is a pause."""
    booked = t.appointment_at
    assert booked is not None
    if t.dispatched_at is None:
        return  # booked before dispatch: the dispatch starts its target (see `_dispatched`)
    start(t, T.APPOINTMENT, at, cal, due=booked)  # a rebooking replaces the earlier time
    _move_paused(t, at, booked, cal)


# ---- pauses ---------------------------------------------------------------------------------------


def pause_shift(target: SlaTarget, begin: datetime, end: datetime, cal: DeskCalendar) -> timedelta:
    """How far a pause from `begin` to `end` moves this target's due: wall time, or the desk time inside it."""
    rule = rule_of(target.name)
    if rule is None or not rule.pauses:
        return timedelta(0)
    begin = max(aware_utc(begin), aware_utc(target.started_at))
    if end <= begin:
        return timedelta(0)
    due = due_of(target)
    if isinstance(rule.clock, sla.WallClock):
        return end - begin
    inside = cal.desk_time_between(begin, end)
    # Desk-time targets run on by the desk time they lost, so a moved due stays inside desk hours.
    return cal.add_desk_time(due, inside) - due if inside else timedelta(0)


def _pausable(target: SlaTarget, begin: datetime) -> bool:
    """Running, not yet breached, and not already overdue when the pause began."""
    rule = rule_of(target.name)
    return rule is not None and rule.pauses and target.open and not target.breached and due_of(target) > begin


def _move_paused(t: Ticket, begin: datetime, end: datetime, cal: DeskCalendar) -> None:
    for target in t.sla.values():
        if _pausable(target, begin):
            target.paused_seconds += math.ceil(pause_shift(target, begin, end, cal).total_seconds())
    t.paused_seconds += math.ceil((end - begin).total_seconds())


def resume(t: Ticket, at: datetime, cal: DeskCalendar) -> None:
    """End the "resident away" pause: every target it paused moves by the wall or desk time inside it."""
    begin = t.paused_since
    if begin is None:
        return
    _move_paused(t, begin, at, cal)
    t.paused_since = None


def _running_pause(t: Ticket, target: SlaTarget, at: datetime, cal: DeskCalendar) -> int:
    """The pause still running at `at`, in seconds this target's due has moved so far."""
    if t.paused_since is None or not _pausable(target, t.paused_since):
        return 0
    return math.ceil(pause_shift(target, t.paused_since, at, cal).total_seconds())


def paused(t: Ticket, target: SlaTarget) -> bool:
    """Whether the resident-away pause holds this target's clock now (it fires only after the pause ends)."""
    return t.paused_since is not None and _pausable(target, t.paused_since)


# ---- the end of a ticket ------------------------------------------------------------------------------


def end_all(t: Ticket, at: datetime, cal: DeskCalendar) -> None:
    """No target stays open on a closed ticket: each ends at the close (its met_at is the ticket's closed_at);
    a deadline already past is breached by how late the close came, the rest end on time."""
    resume(t, at, cal)
    for target in t.sla.values():
        if not target.open:
            continue
        rule = rule_of(target.name)
        if rule is not None and rule.fires is Fires.BREACH and not target.breached and due_of(target) < at:
            target.breached = True
            target.breach_seconds = math.ceil((at - due_of(target)).total_seconds())
        target.met_at = at


# ---- what the workflow runs ---------------------------------------------------------------------------


def started_by_workflow(t: Ticket, cal: DeskCalendar, now: datetime) -> list[SlaTarget]:
    """Targets that start when the workflow reaches a state, not on an action: the ones the ticket lacks."""
    wanted: list[SlaTarget] = []

    def add(name: TargetName, begin: datetime, *, again: bool = False) -> None:
        if name.value not in t.sla or (again and resumes(t, name.value)):
            wanted.append(SlaTarget(name=name.value, started_at=begin, due_at=sla.due_at(name, begin, cal)))

    if t.status in (S.RECEIVED, S.CLASSIFIED) and t.kind in (
        TicketKind.INQUIRY,
        TicketKind.SUGGESTION,
        TicketKind.COMPLAINT,
    ):
        add(T.DESK_REPLY, t.created_at)
    if t.status in RULES[T.BUTLER_REPORT].runs_in and t.kind is not TicketKind.COMPLAINT:
        # From the dispatch; from now when the work is back in hand (a refused sign-off, an unsatisfied callback).
        add(T.BUTLER_REPORT, now if T.BUTLER_REPORT.value in t.sla else t.dispatched_at or now, again=True)
    if t.coordination_opened_at is not None and t.status in WORKING:
        if T.COORDINATION_CHECK.value not in t.sla:
            opened = t.coordination_opened_at
            wanted.append(
                SlaTarget(name=T.COORDINATION_CHECK.value, started_at=opened, due_at=_next_check(t, cal, opened))
            )
        add(T.COORDINATION_UPDATE, t.coordination_opened_at)
    return wanted


def resumes(t: Ticket, name: str) -> bool:
    """A recurring reminder that stopped with the work starts again when the work is back in hand."""
    rule = rule_of(name)
    target = t.sla.get(name)
    return (
        rule is not None
        and rule.fires is Fires.REMIND
        and target is not None
        and not target.open
        and t.status in rule.runs_in
        and t.status not in FINAL_STATUSES
    )


def check_every(t: Ticket) -> int:
    """Days between the desk's progress checks of a coordination sheet: 3 for communication sheets (and a
    sheet of no stated kind, as DOMAIN.md counts), 7 for the other kinds (followed up at least weekly)."""
    if t.coordination_kind in (None, CoordinationKind.COMMUNICATION):
        return sla.COORD_PROGRESS_CHECK.days
    return sla.COORD_OTHER_CHECK.days


def _next_check(t: Ticket, cal: DeskCalendar, after: datetime) -> datetime:
    """The first progress check of the sheet's interval, counted from its opening, that falls after `after`."""
    opened = t.coordination_opened_at or after
    every, n = check_every(t), 1
    while cal.calendar_reminder(opened, every, n) <= after:
        n += 1
    return cal.calendar_reminder(opened, every, n)


def firing(t: Ticket) -> list[tuple[SlaTarget, Rule]]:
    """The open targets whose due fires in the ticket's status (held ones wait for the pause to end)."""
    found: list[tuple[SlaTarget, Rule]] = []
    for target in t.sla.values():
        rule = rule_of(target.name)
        if rule is None or not target.open or t.status not in rule.runs_in or paused(t, target):
            continue
        if rule.fires is Fires.BREACH and target.breached:
            continue
        if rule.name in RECURRING and not _reminder_applies(t, rule.name):
            continue
        found.append((target, rule))
    return found


def _reminder_applies(t: Ticket, name: TargetName) -> bool:
    if name is T.BUTLER_REPORT:
        return t.kind is not TicketKind.COMPLAINT
    return t.coordination_opened_at is not None


def next_reminder(t: Ticket, target: SlaTarget, cal: DeskCalendar) -> datetime:
    """A recurring reminder's next due after the one that fired (every 4 desk hours; every 3 or 5 days)."""
    previous = target.due_at
    if target.name == T.BUTLER_REPORT.value:
        # Every 4 desk hours for as long as the job is open, coordination sheets included.
        return cal.add_desk_time(previous, sla.BUTLER_REPORT.duration)
    opened = t.coordination_opened_at or target.started_at
    check = target.name == T.COORDINATION_CHECK.value
    every = check_every(t) if check else sla.COORD_RESIDENT_UPDATE.days
    n = 1
    while cal.calendar_reminder(opened, every, n) <= previous:
        n += 1
    return cal.calendar_reminder(opened, every, n)


__all__ = [
    "FIRST_RESPONSE",
    "RECURRING",
    "RULES",
    "WORKING",
    "Fires",
    "Rule",
    "check_every",
    "due_of",
    "end_all",
    "firing",
    "first_response",
    "meet",
    "next_reminder",
    "on_action",
    "pause_shift",
    "paused",
    "resume",
    "resumes",
    "rule_of",
    "start",
    "started_by_workflow",
]
