"""The lifecycle table: reachability, roles per action, guards, kind-specific rows and the 409's words."""

from __future__ import annotations

from collections import deque
from datetime import UTC, datetime

import pytest

from propdesk import lifecycle
from propdesk.errors import ActionNotAllowed
from propdesk.lifecycle import TABLE, Guard, allowed_actions, callback_required, find_transition, transition_for
from propdesk.models.enums import FINAL_STATUSES, Action, Role, Status, TicketKind
from propdesk.models.ticket import Ticket

A, R, S, K = Action, Role, Status, TicketKind
NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)


def ticket(status: Status = S.RECEIVED, kind: TicketKind = K.REPAIR, **extra: object) -> Ticket:
    """A ticket in a given status and kind; nothing else matters to the table."""
    return Ticket(
        id="t_1",
        number="SUN-20261123-0001",
        property_id="SUN",
        kind=kind,
        channel="app",
        status=status,
        description="漏水",
        created_by="zhang",
        created_at=NOW,
        updated_at=NOW,
        **extra,
    )


def test_every_status_is_reachable_from_intake():
    # Given the statuses a ticket is born in; When every row may fire for its roles, kinds and either guard
    start = {S.RECEIVED, S.NEEDS_IDENTIFICATION}
    seen, queue = set(start), deque(start)
    while queue:
        status = queue.popleft()
        for row in TABLE:
            if status in row.sources and row.target is not None and row.target not in seen:
                seen.add(row.target)
                queue.append(row.target)
    # Then every status can be reached, so none is dead vocabulary
    assert seen | {S.COMPLETED} == set(Status)  # complaints complete through their last sub-task
    assert lifecycle.statuses_reachable(Action) | start == set(Status)


def test_every_open_status_has_a_way_out_and_final_statuses_only_reopen_or_comment():
    for status in Status:
        actions = {row.action for row in TABLE if status in row.sources and row.target not in (None, status)}
        if status in FINAL_STATUSES:
            assert actions <= {A.REOPEN}, status
        else:
            assert A.VOID in actions or status is S.NEEDS_IDENTIFICATION, status


def test_every_action_has_a_row():
    assert {row.action for row in TABLE} == set(Action)


# The roles that may take each action, from DOMAIN.md's people table (union over the action's rows).
DESK = {R.DESK_AGENT, R.CALLCENTRE_AGENT, R.MANAGER}
FIELD = {R.TECHNICIAN, R.CONTRACTOR, R.WARRANTY_ENGINEER}
EVERYONE = set(Role)
ROLES = {
    A.IDENTIFY: DESK,
    A.CLASSIFY: DESK | {R.DISPATCHER},
    A.DISPATCH: DESK | {R.DISPATCHER, R.WARRANTY_ENGINEER, R.SYSTEM},  # SYSTEM: a household plan's visit
    A.ACCEPT: FIELD | {R.DISPATCHER},
    A.ARRIVE: FIELD,
    A.BOOK_APPOINTMENT: DESK | {R.DISPATCHER, R.BUTLER, R.TECHNICIAN, R.CONTRACTOR},
    A.PAUSE: DESK,
    A.RESUME: DESK,
    A.QUOTE: {R.TECHNICIAN, R.DISPATCHER},
    A.APPROVE_QUOTE: DESK | {R.RESIDENT},
    A.REJECT_QUOTE: DESK | {R.RESIDENT},
    A.ROUTE: {R.WARRANTY_ENGINEER, R.MANAGER},
    A.CONSENT: DESK | {R.RESIDENT},
    A.START: FIELD,
    A.COMPLETE: FIELD,
    A.RESOLVE_SUBTASK: {
        R.DESK_AGENT,
        R.BUTLER,
        R.DISPATCHER,
        R.TECHNICIAN,
        R.WARRANTY_ENGINEER,
        R.MANAGER,
        R.TEAM_LEADER,
    },
    A.SIGN_OFF: DESK | {R.RESIDENT},
    A.REFUSE: DESK | {R.RESIDENT, R.WARRANTY_ENGINEER},  # the engineer's re-inspection can send work back
    A.REINSPECT: {R.WARRANTY_ENGINEER, R.MANAGER},
    # SYSTEM records an SMS survey answer; a supervisor (or the manager) calls back a major complaint.
    A.RECORD_CALLBACK: DESK | {R.SYSTEM, R.SUPERVISOR},
    A.ANSWER: DESK,
    A.ESCALATE: DESK,
    A.ADOPT: DESK,
    A.COORDINATE: DESK | {R.DISPATCHER, R.SYSTEM},
    A.CLOSE: DESK | {R.DISPATCHER, R.SYSTEM},
    A.VOID: DESK | {R.DISPATCHER, R.SYSTEM, R.RESIDENT},
    A.URGE: EVERYONE,
    A.REOPEN: DESK,
    A.MARK_INVALID: DESK | {R.WARRANTY_ENGINEER},  # a warranty request outside the warranty
    A.COMMENT: EVERYONE,
    A.ATTACH: EVERYONE,
    A.REPORT_PROGRESS: {R.BUTLER},  # the butler's own report to the desk
    A.REQUEST_TIME: DESK,  # the desk records the resident's demand ...
    A.DECIDE_TIME: {R.SUPERVISOR, R.MANAGER},  # ... and never promises it: a supervisor decides
}


@pytest.mark.parametrize("action", list(Action))
def test_roles_per_action(action):
    # Given the table; Then exactly the expected roles may take the action (from some status)
    roles = set().union(*(row.roles for row in TABLE if row.action is action))
    assert roles == ROLES[action]


@pytest.mark.parametrize("role", [r for r in Role if r not in (R.RESIDENT, R.SYSTEM)])
def test_residents_never_do_staff_work(role):
    staff_only = {A.CLASSIFY, A.DISPATCH, A.ACCEPT, A.ARRIVE, A.QUOTE, A.START, A.COMPLETE, A.RECORD_CALLBACK}
    for row in TABLE:
        if row.action in staff_only:
            assert R.RESIDENT not in row.roles, row
    assert role in ROLES[A.URGE]


def test_the_409_names_the_status_and_the_allowed_actions():
    # Given a received repair; When a technician tries to complete it
    with pytest.raises(ActionNotAllowed) as caught:
        transition_for(ticket(S.RECEIVED), A.COMPLETE, R.TECHNICIAN)
    err = caught.value
    # Then the error is a 409 naming the status, the action, the role and what is allowed now
    assert err.status == 409 and err.code == "action_not_allowed"
    assert "cannot complete a ticket that is received" in err.message
    assert "allowed now: urge, comment, attach" in err.message
    assert err.details == [
        {"field": "status", "status": "received", "action": "complete", "allowed": ["urge", "comment", "attach"]}
    ]


def test_the_409_of_a_final_status_says_what_is_left():
    with pytest.raises(ActionNotAllowed) as caught:
        transition_for(ticket(S.VOIDED), A.URGE, R.RESIDENT)
    assert "voided" in caught.value.message and caught.value.details[0]["allowed"] == ["comment"]


@pytest.mark.parametrize(
    ("status", "kind", "role", "expected"),
    [
        (S.RECEIVED, K.REPAIR, R.DESK_AGENT, ["classify", "void", "urge", "comment", "attach"]),
        (S.RECEIVED, K.QUICK_TASK, R.DESK_AGENT, ["classify", "close", "void", "urge", "comment", "attach"]),
        (S.RECEIVED, K.INQUIRY, R.RESIDENT, ["void", "urge", "comment", "attach"]),
        (S.DISPATCHED, K.REPAIR, R.TECHNICIAN, ["accept", "book_appointment", "urge", "comment", "attach"]),
        (S.COMPLETED, K.REPAIR, R.RESIDENT, ["sign_off", "refuse", "urge", "comment", "attach"]),
        (S.CLOSED, K.REPAIR, R.DESK_AGENT, ["reopen", "comment"]),
    ],
)
def test_allowed_actions_in_table_order(status, kind, role, expected):
    assert [a.value for a in allowed_actions(ticket(status, kind), role)] == expected


def test_free_guard_lets_free_work_start_on_site():
    # Given a repair on site; Then a free one may start, a paid one must be quoted first
    assert transition_for(ticket(S.ON_SITE, paid=False), A.START, R.TECHNICIAN).guard is Guard.FREE
    with pytest.raises(ActionNotAllowed):
        transition_for(ticket(S.ON_SITE, paid=True), A.START, R.TECHNICIAN)
    assert transition_for(ticket(S.QUOTE_APPROVED, paid=True), A.START, R.TECHNICIAN).target is S.IN_PROGRESS


@pytest.mark.parametrize(
    ("kind", "paid", "rating", "callback_all", "required"),
    [
        (K.REPAIR, False, 5, False, False),  # free and satisfied: no callback
        (K.REPAIR, False, 4, False, False),
        (K.REPAIR, False, 3, False, True),  # not satisfied
        (K.REPAIR, False, None, False, True),  # no rating
        (K.REPAIR, True, 5, False, True),  # paid: always
        (K.REPAIR, False, 5, True, True),  # the site calls back everything
        (K.COMPLAINT, False, 5, False, True),  # complaints: always
        (K.HOUSEHOLD_SERVICE, True, 5, False, True),
    ],
)
def test_callback_not_required_guard(kind, paid, rating, callback_all, required):
    # Given a signed-off job; Then it closes without a callback exactly when none is required
    t = ticket(S.SIGNED_OFF, kind, paid=paid, rating=rating)
    assert callback_required(t, callback_all) is required
    row = find_transition(t, A.CLOSE, R.DESK_AGENT, callback_all)
    assert (row is None) is required
    if row is not None:
        assert row.guard is Guard.CALLBACK_NOT_REQUIRED
    assert find_transition(t, A.RECORD_CALLBACK, R.DESK_AGENT, callback_all) is not None


@pytest.mark.parametrize(
    ("action", "status", "role", "kinds"),
    [
        (A.MARK_INVALID, S.RECEIVED, R.DESK_AGENT, {K.COMPLAINT, K.WARRANTY}),
        (A.MARK_INVALID, S.ON_SITE, R.WARRANTY_ENGINEER, {K.WARRANTY}),
        (A.REINSPECT, S.COMPLETED, R.WARRANTY_ENGINEER, {K.WARRANTY}),
        (A.SIGN_OFF, S.REINSPECTED, R.RESIDENT, {K.WARRANTY}),
        (A.ESCALATE, S.CLASSIFIED, R.DESK_AGENT, {K.INQUIRY, K.SUGGESTION}),
        (A.ANSWER, S.ESCALATED, R.MANAGER, {K.INQUIRY, K.SUGGESTION}),
        (A.RESOLVE_SUBTASK, S.DISPATCHED, R.DISPATCHER, {K.COMPLAINT}),
        (A.RECORD_CALLBACK, S.COMPLETED, R.DESK_AGENT, {K.COMPLAINT}),
        (A.QUOTE, S.ON_SITE, R.TECHNICIAN, {K.REPAIR, K.HOUSEHOLD_SERVICE}),
        (A.ROUTE, S.ON_SITE, R.WARRANTY_ENGINEER, {K.WARRANTY}),
        (A.CONSENT, S.ROUTED, R.RESIDENT, {K.WARRANTY}),
        (A.ANSWER, S.RECEIVED, R.DESK_AGENT, {K.INQUIRY, K.SUGGESTION}),
        (A.CLOSE, S.RECEIVED, R.DESK_AGENT, {K.QUICK_TASK}),
        (A.ARRIVE, S.ACCEPTED, R.TECHNICIAN, {K.REPAIR, K.WARRANTY, K.HOUSEHOLD_SERVICE, K.QUICK_TASK}),
        (
            A.DISPATCH,
            S.CLASSIFIED,
            R.DESK_AGENT,
            {K.REPAIR, K.WARRANTY, K.HOUSEHOLD_SERVICE, K.COMPLAINT, K.QUICK_TASK},
        ),
        (A.COMPLETE, S.IN_PROGRESS, R.TECHNICIAN, {K.REPAIR, K.WARRANTY, K.HOUSEHOLD_SERVICE, K.QUICK_TASK}),
        # Warranty work is signed off only after the warranty engineer's re-inspection (复验)
        (A.SIGN_OFF, S.COMPLETED, R.RESIDENT, {K.REPAIR, K.HOUSEHOLD_SERVICE, K.QUICK_TASK}),
    ],
)
def test_kind_specific_rows(action, status, role, kinds):
    # Given a ticket of each kind in the row's status; Then only the listed kinds may take the action
    for kind in TicketKind:
        row = find_transition(ticket(status, kind), action, role)
        assert (row is not None) is (kind in kinds), kind


def test_an_invalid_complaint_needs_no_callback_and_can_be_reopened():
    t = transition_for(ticket(S.CLASSIFIED, K.COMPLAINT), A.MARK_INVALID, R.CALLCENTRE_AGENT)
    assert t.target is S.INVALID
    assert transition_for(ticket(S.INVALID, K.COMPLAINT), A.REOPEN, R.DESK_AGENT).target is S.RECEIVED
    assert find_transition(ticket(S.INVALID, K.COMPLAINT), A.RECORD_CALLBACK, R.DESK_AGENT) is None


@pytest.mark.parametrize("status", sorted(set(Status) - FINAL_STATUSES - {S.NEEDS_IDENTIFICATION}))
def test_anyone_may_urge_an_open_ticket(status):
    for role in Role:
        assert find_transition(ticket(status), A.URGE, role) is not None


@pytest.mark.parametrize("status", sorted(FINAL_STATUSES))
def test_nothing_but_comments_and_reopening_after_the_end(status):
    for role in Role:
        allowed = set(allowed_actions(ticket(status), role))
        assert allowed <= {A.COMMENT, A.REOPEN}


def test_residents_void_only_before_dispatch():
    assert transition_for(ticket(S.CLASSIFIED), A.VOID, R.RESIDENT).target is S.VOIDED
    with pytest.raises(ActionNotAllowed):
        transition_for(ticket(S.DISPATCHED), A.VOID, R.RESIDENT)


def test_statuses_reachable_of_a_few_actions():
    assert lifecycle.statuses_reachable([A.VOID, A.URGE]) == {S.VOIDED}
