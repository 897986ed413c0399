"""The ticket is committed first and the workflow follows it: a crash at any point in between strands nothing.

Each test injects one crash on the way from a person's committed action to the workflow waiting in the
step planned from it, then walks the repair to its end: the workflow must follow every change, end
SUCCEEDED, and the audit trail must hold every action once, in order.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from propdesk.dal.tickets import TicketStore
from propdesk.workflow import engine
from propdesk.workflow.service import WorkflowService

pytestmark = pytest.mark.workflow


class InjectedCrash(Exception):
    """A crash injected by a test (the harness lets the state machine and the stream retry it)."""


def _once(real: Callable[..., Any], *, after: bool) -> Callable[..., Any]:
    """`real`, except that its first call crashes, before or after doing its work."""
    crashed: list[bool] = []

    def call(*args: Any, **kwargs: Any) -> Any:
        if crashed:
            return real(*args, **kwargs)
        crashed.append(True)
        if after:
            real(*args, **kwargs)
        raise InjectedCrash(f"{real.__name__} crashed {'after' if after else 'before'} its work")

    return call


def _free_repair(flow, world, clock, tid: str) -> None:
    """Walk a dispatched repair to its end and check what every person and the workflow see."""
    zhang, tech = world["zhang"], world["tech"]
    for who, action, body in [
        (tech, "arrive", None),
        (tech, "start", None),
        (tech, "complete", {"notes": "换了阀门"}),
        (zhang, "sign_off", {"rating": 5}),
    ]:
        clock.advance(minutes=5)
        flow.act(tid, who, action, body)
    described = flow.wait_ended(tid)
    assert described["status"] == "SUCCEEDED" and flow.ticket(tid).status == "closed"
    trail = [e.action for e in flow.timeline(tid) if e.action not in ("notice", "timer")]
    assert trail == ["create", "classify", "dispatch", "accept", "arrive", "start", "complete", "sign_off", "close"]


def _dispatched(flow, world, clock) -> str:
    desk = world["desk"]
    tid = flow.create(world["zhang"], description="阀门漏水")
    flow.act(tid, desk, "classify", {"paid": False, "department": "engineering"})
    flow.act(tid, desk, "dispatch", {"assignee_id": "tech", "department": "engineering"})
    return tid


def test_an_api_crash_after_its_commit_still_moves_the_workflow(flow, world, clock, monkeypatch):
    tid = _dispatched(flow, world, clock)
    # Given the API dies after its transaction committed, before it could answer
    with monkeypatch.context() as m:
        m.setattr(TicketStore, "update", _once(TicketStore.update, after=True))
        crashed = flow.api.post(f"/tickets/{tid}/actions/accept", world["tech"])
    # (the client sees the crash as an internal error, in the one error shape)
    assert crashed.status == 500 and crashed.body["error"] == "internal_error", crashed.body
    # Then the accept stands, the workflow hears of it from the stream, and the life goes on
    assert flow.ticket(tid).status == "accepted"
    assert flow.waiting(tid) == ["arrive", "book_appointment"]
    _free_repair(flow, world, clock, tid)


def test_a_failed_commit_tells_the_workflow_nothing(flow, world, clock, monkeypatch):
    tid = _dispatched(flow, world, clock)
    answered: list[str] = []
    real_answer = engine.answer_step
    monkeypatch.setattr(
        engine, "answer_step", lambda token, output: answered.append(token) or real_answer(token, output)
    )
    history = len(flow.history(str(flow.execution(tid))))
    # Given the API's transaction fails (a throttle, a timeout)
    with monkeypatch.context() as m:
        m.setattr(TicketStore, "update", _once(TicketStore.update, after=False))
        crashed = flow.api.post(f"/tickets/{tid}/actions/accept", world["tech"])
    assert crashed.status == 500 and crashed.body["error"] == "internal_error", crashed.body
    flow.settle()
    # Then nothing was written and the workflow was told nothing: it still waits where it waited
    assert flow.ticket(tid).status == "dispatched" and answered == []
    assert len(flow.history(str(flow.execution(tid)))) == history
    # And the retried accept goes through
    flow.act(tid, world["tech"], "accept")
    _free_repair(flow, world, clock, tid)


@pytest.mark.parametrize("after", [False, True], ids=["before_answering", "after_answering"])
def test_a_stream_handler_crash_is_finished_by_the_redelivery(flow, world, clock, monkeypatch, after):
    tid = _dispatched(flow, world, clock)
    # Given the stream function dies around its SendTaskSuccess for the arrival; the batch comes again
    with monkeypatch.context() as m:
        m.setattr(engine, "answer_step", _once(engine.answer_step, after=after))
        flow.act(tid, world["tech"], "accept")
        clock.advance(minutes=1)
        flow.act(tid, world["tech"], "arrive")
    # Then the workflow followed both actions
    assert flow.waiting(tid) == ["quote", "complete"]
    _free_repair_from_on_site(flow, world, clock, tid)


@pytest.mark.parametrize("after", [False, True], ids=["before_storing", "after_storing"])
def test_a_step_crash_around_storing_its_token_is_retried(flow, world, clock, monkeypatch, after):
    tid = _dispatched(flow, world, clock)
    # Given the step function dies around storing the next step's token; the state machine retries it
    with monkeypatch.context() as m:
        m.setattr(TicketStore, "store_step", _once(TicketStore.store_step, after=after))
        flow.act(tid, world["tech"], "accept")
        clock.advance(minutes=1)
        flow.act(tid, world["tech"], "arrive")
    # Then the workflow waits in the step planned from the arrival
    assert flow.waiting(tid) == ["quote", "complete"]
    _free_repair_from_on_site(flow, world, clock, tid)


def test_a_change_the_stream_never_delivered_is_caught_up_by_the_sweep(flow, world, clock, monkeypatch):
    from propdesk.workflow import ensure_started

    tid = _dispatched(flow, world, clock)
    # Given the stream record of the arrival is lost for good
    real = WorkflowService.on_ticket_change
    with monkeypatch.context() as m:
        m.setattr(
            WorkflowService,
            "on_ticket_change",
            lambda self, old, new, reason=None: (
                None if new and new.last_action == "arrive" else real(self, old, new, reason)
            ),
        )
        flow.act(tid, world["tech"], "accept")
        flow.act(tid, world["tech"], "arrive")
    assert flow.waiting(tid) == ["arrive", "book_appointment"]  # the workflow never heard of the arrival
    # When the end-of-day sweep reconciles the ticket
    assert ensure_started(flow.ticket(tid)) is None  # running: nothing new started
    # Then the waiting step is answered with the plan of the ticket as it stands
    flow.wait_until("the catch-up", lambda: flow.waiting(tid) == ["quote", "complete"], tid)
    _free_repair_from_on_site(flow, world, clock, tid)


def _free_repair_from_on_site(flow, world, clock, tid: str) -> None:
    zhang, tech = world["zhang"], world["tech"]
    for who, action, body in [(tech, "start", None), (tech, "complete", None), (zhang, "sign_off", {"rating": 5})]:
        clock.advance(minutes=5)
        flow.act(tid, who, action, body)
    described = flow.wait_ended(tid)
    assert described["status"] == "SUCCEEDED" and flow.ticket(tid).status == "closed"
    trail = [e.action for e in flow.timeline(tid) if e.action not in ("notice", "timer")]
    assert trail == ["create", "classify", "dispatch", "accept", "arrive", "start", "complete", "sign_off", "close"]
