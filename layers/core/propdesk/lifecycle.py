"""The lifecycle table: which role may take which action from which status, and where it leads.

This is the ONE place that decides whether an action is allowed. Every change of
a ticket, from the API, the workflow, the intake channels or the sweep, asks
`transition_for` first. DOMAIN.md: 受理 receive -> 分类 classify -> 分派 dispatch
-> 处理 handle -> 回访 callback -> 归档 archive -> 完结 close.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from propdesk.errors import ActionNotAllowed
from propdesk.models.enums import FINAL_STATUSES, Action, Role, Severity, Status, TicketKind
from propdesk.models.ticket import Ticket

S = Status
A = Action
K = TicketKind
R = Role


class Guard(StrEnum):
    """A condition on the ticket beyond its status and kind."""

    FREE = "free"  # unpaid work, or work priced before the order, may start without a quote
    CALLBACK_NOT_REQUIRED = "callback_not_required"
    UNSATISFIED = "unsatisfied"  # the last callback found the resident unsatisfied
    CLOCKS_RUNNING = "clocks_running"  # no "resident away" pause is running
    CLOCKS_PAUSED = "clocks_paused"  # a "resident away" pause is running
    MAJOR = "major"  # a major complaint: its callback is the manager's or a supervisor's
    NOT_MAJOR = "not_major"
    TIME_DEMANDED = "time_demanded"  # a resident's demand for a time waits for the supervisor


@dataclass(frozen=True, slots=True)
class Transition:
    action: Action
    sources: frozenset[Status]
    target: Status | None  # None: the status stays (comments, urges, appointments...)
    roles: frozenset[Role]
    kinds: frozenset[TicketKind] | None = None  # None: every kind
    guard: Guard | None = None
    unsatisfied: Status | None = None  # a callback: where an unsatisfied resident sends the job instead


def _s(*statuses: Status) -> frozenset[Status]:
    return frozenset(statuses)


def _r(*roles: Role) -> frozenset[Role]:
    return frozenset(roles)


def _k(*kinds: TicketKind) -> frozenset[TicketKind]:
    return frozenset(kinds)


OPEN = frozenset(Status) - FINAL_STATUSES
ALL_STATUSES = frozenset(Status)
# Dispatched work that is still being handled (an order can miss its day from any of these).
HANDLING = _s(
    S.DISPATCHED,
    S.ACCEPTED,
    S.ON_SITE,
    S.QUOTE_APPROVED,
    S.ROUTED,
    S.PLAN_AGREED,
    S.IN_PROGRESS,
    S.REWORK,
)
DESK = _r(R.DESK_AGENT, R.CALLCENTRE_AGENT, R.MANAGER)
FIELD = _r(R.TECHNICIAN, R.CONTRACTOR, R.WARRANTY_ENGINEER)
# The site office's register roles (clerk, finance, the gate) do no work on tickets.
EVERY_STAFF = frozenset(Role) - {R.RESIDENT, R.SYSTEM, R.OFFICE_CLERK, R.FINANCE, R.SECURITY}
EVERYONE = frozenset(Role)
WORK_KINDS = _k(K.REPAIR, K.WARRANTY, K.HOUSEHOLD_SERVICE, K.COMPLAINT, K.QUICK_TASK)
PAYABLE = _k(K.REPAIR, K.HOUSEHOLD_SERVICE)
SIGNABLE = _k(K.REPAIR, K.WARRANTY, K.HOUSEHOLD_SERVICE)
PAUSABLE = SIGNABLE  # work done at the resident's home waits for the resident
QUESTIONS = _k(K.INQUIRY, K.SUGGESTION)
APPOINTABLE = _s(S.CLASSIFIED, S.DISPATCHED, S.ACCEPTED, S.REWORK, S.COORDINATION)  # a visit may still be booked

TABLE: tuple[Transition, ...] = (
    Transition(A.IDENTIFY, _s(S.NEEDS_IDENTIFICATION), S.RECEIVED, DESK),
    Transition(A.CLASSIFY, _s(S.RECEIVED, S.CLASSIFIED), S.CLASSIFIED, DESK | _r(R.DISPATCHER)),
    Transition(
        A.DISPATCH,
        _s(S.CLASSIFIED, S.DISPATCHED, S.ACCEPTED, S.REWORK, S.COORDINATION),
        S.DISPATCHED,
        DESK | _r(R.DISPATCHER, R.WARRANTY_ENGINEER),
        kinds=WORK_KINDS,
    ),
    # A monthly household plan's visit is dispatched to the plan's team by the job that issues it.
    Transition(A.DISPATCH, _s(S.CLASSIFIED), S.DISPATCHED, _r(R.SYSTEM), kinds=_k(K.HOUSEHOLD_SERVICE)),
    Transition(A.ACCEPT, _s(S.DISPATCHED), S.ACCEPTED, FIELD | _r(R.DISPATCHER), kinds=WORK_KINDS),
    Transition(
        A.ARRIVE,
        _s(S.ACCEPTED, S.REWORK, S.COORDINATION),
        S.ON_SITE,
        FIELD,
        kinds=WORK_KINDS - {K.COMPLAINT},
    ),
    Transition(
        A.BOOK_APPOINTMENT,
        _s(S.CLASSIFIED, S.DISPATCHED, S.ACCEPTED, S.REWORK, S.COORDINATION),
        None,
        DESK | _r(R.DISPATCHER, R.BUTLER, R.TECHNICIAN, R.CONTRACTOR),
        kinds=WORK_KINDS,
    ),
    # The resident is away: the desk pauses the clocks of the work and ends the pause, each with a reason.
    Transition(A.PAUSE, HANDLING | {S.COORDINATION}, None, DESK, kinds=PAUSABLE, guard=Guard.CLOCKS_RUNNING),
    Transition(A.RESUME, HANDLING | {S.COORDINATION}, None, DESK, kinds=PAUSABLE, guard=Guard.CLOCKS_PAUSED),
    Transition(A.QUOTE, _s(S.ON_SITE, S.QUOTED), S.QUOTED, _r(R.TECHNICIAN, R.DISPATCHER), kinds=PAYABLE),
    Transition(A.APPROVE_QUOTE, _s(S.QUOTED), S.QUOTE_APPROVED, DESK | _r(R.RESIDENT), kinds=PAYABLE),
    Transition(A.REJECT_QUOTE, _s(S.QUOTED), S.CLOSED, DESK | _r(R.RESIDENT), kinds=PAYABLE),
    Transition(
        A.ROUTE,
        _s(S.ON_SITE, S.ROUTED),
        S.ROUTED,
        _r(R.WARRANTY_ENGINEER, R.MANAGER),
        kinds=_k(K.WARRANTY),
    ),
    Transition(A.CONSENT, _s(S.ROUTED), S.PLAN_AGREED, DESK | _r(R.RESIDENT), kinds=_k(K.WARRANTY)),
    Transition(
        A.START,
        _s(S.ON_SITE),
        S.IN_PROGRESS,
        FIELD,
        kinds=_k(K.REPAIR, K.HOUSEHOLD_SERVICE, K.QUICK_TASK),
        guard=Guard.FREE,
    ),
    Transition(
        A.START,
        _s(S.QUOTE_APPROVED, S.PLAN_AGREED, S.REWORK, S.COORDINATION),
        S.IN_PROGRESS,
        FIELD,
        kinds=WORK_KINDS - {K.COMPLAINT},
    ),
    Transition(
        A.COMPLETE,
        _s(S.IN_PROGRESS, S.COORDINATION),
        S.COMPLETED,
        FIELD,
        kinds=WORK_KINDS - {K.COMPLAINT},
    ),
    Transition(
        A.RESOLVE_SUBTASK,
        _s(S.DISPATCHED, S.ACCEPTED, S.IN_PROGRESS, S.COORDINATION),
        None,  # the last resolved sub-task completes the complaint (see logic.actions)
        EVERY_STAFF - {R.CONTRACTOR, R.CALLCENTRE_AGENT, R.SUPERVISOR, R.CONTROL_ROOM},  # the departments and the desk
        kinds=_k(K.COMPLAINT),
    ),
    Transition(
        A.SIGN_OFF,
        _s(S.COMPLETED),
        S.SIGNED_OFF,
        DESK | _r(R.RESIDENT),
        kinds=SIGNABLE - {K.WARRANTY} | _k(K.QUICK_TASK),
    ),
    Transition(
        A.REFUSE, _s(S.COMPLETED), S.REWORK, DESK | _r(R.RESIDENT), kinds=SIGNABLE - {K.WARRANTY} | _k(K.QUICK_TASK)
    ),
    # Warranty: the warranty engineer re-inspects the contractor's work (复验) before the resident signs off;
    # work that fails the re-inspection goes back to the contractor.
    Transition(A.REINSPECT, _s(S.COMPLETED), S.REINSPECTED, _r(R.WARRANTY_ENGINEER, R.MANAGER), kinds=_k(K.WARRANTY)),
    Transition(A.REFUSE, _s(S.COMPLETED), S.REWORK, _r(R.WARRANTY_ENGINEER, R.MANAGER), kinds=_k(K.WARRANTY)),
    Transition(A.SIGN_OFF, _s(S.REINSPECTED), S.SIGNED_OFF, DESK | _r(R.RESIDENT), kinds=_k(K.WARRANTY)),
    Transition(A.REFUSE, _s(S.REINSPECTED), S.REWORK, DESK | _r(R.RESIDENT), kinds=_k(K.WARRANTY)),
    # SYSTEM: the resident answered the callback survey by SMS; the desk calls back otherwise.
    # An unsatisfied callback sends a job back to rework; a complaint stays with the manager (see CLOSE below).
    Transition(A.RECORD_CALLBACK, _s(S.SIGNED_OFF), S.CALLBACK_DONE, DESK | _r(R.SYSTEM), unsatisfied=S.REWORK),
    Transition(
        A.RECORD_CALLBACK,
        _s(S.COMPLETED),
        S.CALLBACK_DONE,
        DESK | _r(R.SYSTEM),
        kinds=_k(K.COMPLAINT),
        guard=Guard.NOT_MAJOR,
        unsatisfied=S.COMPLETED,
    ),
    # A major complaint is called back by the manager or a supervisor, never by the desk or an SMS survey.
    Transition(
        A.RECORD_CALLBACK,
        _s(S.COMPLETED),
        S.CALLBACK_DONE,
        _r(R.MANAGER, R.SUPERVISOR),
        kinds=_k(K.COMPLAINT),
        guard=Guard.MAJOR,
        unsatisfied=S.COMPLETED,
    ),
    Transition(A.ANSWER, _s(S.RECEIVED, S.CLASSIFIED), S.CLOSED, DESK, kinds=QUESTIONS),
    # Escalated: the manager owns it now; it stays open, its reply target running, until the manager answers.
    Transition(A.ESCALATE, _s(S.RECEIVED, S.CLASSIFIED), S.ESCALATED, DESK, kinds=QUESTIONS),
    Transition(A.ANSWER, _s(S.ESCALATED), S.CLOSED, _r(R.MANAGER), kinds=QUESTIONS),
    # An adopted suggestion stays open until it is carried out; its answer then tells the resident it is done.
    Transition(A.ADOPT, _s(S.RECEIVED, S.CLASSIFIED), S.ADOPTED, DESK, kinds=_k(K.SUGGESTION)),
    Transition(A.ADOPT, _s(S.ESCALATED), S.ADOPTED, _r(R.MANAGER), kinds=_k(K.SUGGESTION)),
    Transition(A.ANSWER, _s(S.ADOPTED), S.CLOSED, DESK, kinds=_k(K.SUGGESTION)),
    Transition(A.COORDINATE, HANDLING, S.COORDINATION, DESK | _r(R.DISPATCHER, R.SYSTEM), kinds=WORK_KINDS),
    # The desk names the kind of a sheet the workflow or the sweep opened (its follow-up interval depends on it).
    Transition(A.COORDINATE, _s(S.COORDINATION), S.COORDINATION, DESK | _r(R.DISPATCHER), kinds=WORK_KINDS),
    Transition(A.CLOSE, _s(S.CALLBACK_DONE), S.CLOSED, DESK | _r(R.SYSTEM)),
    # After an unsatisfied callback only a satisfied later one, or the manager with a reason, closes the job.
    Transition(A.CLOSE, _s(S.COMPLETED, S.REWORK), S.CLOSED, _r(R.MANAGER), guard=Guard.UNSATISFIED),
    Transition(
        A.CLOSE,
        _s(S.SIGNED_OFF),
        S.CLOSED,
        DESK | _r(R.SYSTEM),
        guard=Guard.CALLBACK_NOT_REQUIRED,
    ),
    Transition(
        A.CLOSE,
        _s(S.RECEIVED, S.CLASSIFIED),
        S.CLOSED,
        DESK | _r(R.DISPATCHER, R.SYSTEM),  # the workflow closes a quick task at once
        kinds=_k(K.QUICK_TASK),
    ),
    # Stale orders the end-of-day sweep closes with a reason.
    Transition(
        A.CLOSE,
        _s(S.QUOTED, S.NEEDS_IDENTIFICATION, S.DISPATCHED),
        S.CLOSED,
        _r(R.SYSTEM, R.MANAGER),
    ),
    Transition(A.VOID, OPEN, S.VOIDED, DESK | _r(R.DISPATCHER, R.SYSTEM)),
    Transition(A.VOID, _s(S.RECEIVED, S.CLASSIFIED), S.VOIDED, _r(R.RESIDENT)),
    Transition(A.URGE, OPEN - {S.NEEDS_IDENTIFICATION}, None, EVERYONE),
    Transition(A.REOPEN, _s(S.CLOSED, S.INVALID), S.RECEIVED, DESK),
    Transition(A.MARK_INVALID, _s(S.RECEIVED, S.CLASSIFIED), S.INVALID, DESK, kinds=_k(K.COMPLAINT)),
    # A warranty request caused by the resident or outside the warranty's scope, returned with a written reason.
    Transition(
        A.MARK_INVALID,
        _s(S.RECEIVED, S.CLASSIFIED, S.DISPATCHED, S.ACCEPTED, S.ON_SITE),
        S.INVALID,
        DESK | _r(R.WARRANTY_ENGINEER),
        kinds=_k(K.WARRANTY),
    ),
    Transition(A.COMMENT, ALL_STATUSES, None, EVERYONE),
    Transition(A.ATTACH, OPEN, None, EVERYONE),
    # The butler reports progress to the desk every 4 desk hours while the job is open (管家汇报).
    Transition(A.REPORT_PROGRESS, HANDLING | {S.COORDINATION}, None, _r(R.BUTLER), kinds=WORK_KINDS - {K.COMPLAINT}),
    # A resident's demand for a specific time: the desk records it, only a supervisor (or the manager) decides.
    Transition(A.REQUEST_TIME, APPOINTABLE, None, DESK, kinds=WORK_KINDS - {K.COMPLAINT}),
    Transition(
        A.DECIDE_TIME,
        APPOINTABLE,
        None,
        _r(R.SUPERVISOR, R.MANAGER),
        kinds=WORK_KINDS - {K.COMPLAINT},
        guard=Guard.TIME_DEMANDED,
    ),
)

_INDEX: dict[tuple[Action, Status], list[Transition]] = {}
for _row in TABLE:
    for _status in _row.sources:
        _INDEX.setdefault((_row.action, _status), []).append(_row)


def callback_required(ticket: Ticket, callback_all: bool) -> bool:
    """DOMAIN.md: 100% for paid jobs; free jobs unless the resident rated them satisfied."""
    if ticket.kind is TicketKind.COMPLAINT:
        return True
    if ticket.paid or callback_all or unsatisfied(ticket):
        return True
    return ticket.rating is None or ticket.rating < SATISFIED


def unsatisfied(ticket: Ticket) -> bool:
    """The last callback found the resident unsatisfied: the job is not done until a later one is satisfied."""
    return ticket.satisfaction is not None and ticket.satisfaction < SATISFIED


SATISFIED = 4  # ratings are 1-5; 4 (满意) and 5 (非常满意) count as satisfied


def _guard_holds(guard: Guard | None, ticket: Ticket, callback_all: bool) -> bool:
    if guard is None:
        return True
    if guard is Guard.FREE:
        return not ticket.paid or ticket.price_agreed
    if guard is Guard.UNSATISFIED:
        return unsatisfied(ticket)
    if guard is Guard.CLOCKS_RUNNING:
        return ticket.paused_since is None
    if guard is Guard.CLOCKS_PAUSED:
        return ticket.paused_since is not None
    if guard is Guard.MAJOR or guard is Guard.NOT_MAJOR:
        return (ticket.severity is Severity.MAJOR) is (guard is Guard.MAJOR)
    if guard is Guard.TIME_DEMANDED:
        return ticket.time_demand is not None and ticket.time_demand.status == "pending"
    return not callback_required(ticket, callback_all)


def _matches(row: Transition, ticket: Ticket, role: Role, callback_all: bool) -> bool:
    return (
        role in row.roles
        and (row.kinds is None or ticket.kind in row.kinds)
        and _guard_holds(row.guard, ticket, callback_all)
    )


def find_transition(ticket: Ticket, action: Action, role: Role, callback_all: bool = False) -> Transition | None:
    for row in _INDEX.get((action, ticket.status), ()):
        if _matches(row, ticket, role, callback_all):
            return row
    return None


def allowed_actions(ticket: Ticket, role: Role, callback_all: bool = False) -> list[Action]:
    """Every action this role may take on this ticket now, in the table's order."""
    seen: dict[Action, None] = {}
    for row in TABLE:
        if ticket.status in row.sources and _matches(row, ticket, role, callback_all):
            seen.setdefault(row.action)
    return list(seen)


def transition_for(ticket: Ticket, action: Action, role: Role, callback_all: bool = False) -> Transition:
    """The transition to apply, or ActionNotAllowed naming the status and what is allowed."""
    row = find_transition(ticket, action, role, callback_all)
    if row is None:
        allowed = allowed_actions(ticket, role, callback_all)
        raise ActionNotAllowed(
            f"cannot {action.value} a ticket that is {ticket.status.value}"
            f" (as {role.value}); allowed now: {', '.join(allowed) or 'nothing'}",
            details=[
                {
                    "field": "status",
                    "status": ticket.status.value,
                    "action": action.value,
                    "allowed": [a.value for a in allowed],
                }
            ],
        )
    return row


def statuses_reachable(actions: Iterable[Action]) -> set[Status]:
    """Targets of the given actions; used by tests to prove every status is reachable."""
    wanted = set(actions)
    return {row.target for row in TABLE if row.action in wanted and row.target is not None}
