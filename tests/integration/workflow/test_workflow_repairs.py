"""Repairs through their whole life on the real state machine: happy paths, callbacks and their budgets."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

pytestmark = pytest.mark.workflow

FREE_BUDGET = 10  # state transitions of a free repair's happy path (issue 4/7)
PAID_BUDGET = 14
SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_free_repair_rated_satisfied_closes_without_callback(flow, world, clock):
    # Given a resident's leak and the desk dispatching it
    zhang, desk, tech = world["zhang"], world["desk"], world["tech"]
    tid = flow.create(zhang, description="厨房水管漏水")
    assert flow.waiting(tid) == ["dispatch"]
    # When the work walks its happy path, each step answered in time
    for who, action, body in [
        (desk, "classify", {"category": "plumbing", "paid": False, "department": "engineering"}),
        (desk, "dispatch", {"assignee_id": "tech", "department": "engineering"}),
        (tech, "accept", None),
        (tech, "arrive", None),
        (tech, "start", None),
        (tech, "complete", {"notes": "换了水管"}),
        (zhang, "sign_off", {"rating": 5}),
    ]:
        clock.advance(minutes=5)
        flow.act(tid, who, action, body)
    # Then the workflow closes it as the system: no callback for a satisfied free job
    described = flow.wait_ended(tid)
    ticket = flow.ticket(tid)
    assert ticket.status == "closed"
    assert ticket.sla["on_site"].breached is False and ticket.sla["on_site"].met_at is not None
    assert ticket.sla["same_day"].breached is False
    assert "callback" not in ticket.sla
    trail = [(e.action, e.actor_id) for e in flow.timeline(tid) if e.action != "notice"]
    assert trail[-1] == ("close", "workflow")
    assert {n["kind"] for n in flow.notices(tid)} >= {"dispatched", "completed"}
    assert {n["kind"] for n in flow.sent()} >= {"dispatched", "completed"}
    # And the budget: at most 10 billed transitions
    execution = described["executionArn"]
    assert flow.states(execution)[-1] == "Closed"
    assert flow.transitions(execution) <= FREE_BUDGET, flow.states(execution)


def test_free_repair_rated_unsatisfied_needs_callback(flow, world, clock):
    zhang, desk, tech = world["zhang"], world["desk"], world["tech"]
    tid = flow.create(zhang, description="门锁坏了")
    for who, action, body in [
        (desk, "classify", {"paid": False}),
        (desk, "dispatch", {"assignee_id": "tech", "department": "engineering"}),
        (tech, "accept", None),
        (tech, "arrive", None),
        (tech, "start", None),
        (tech, "complete", {"notes": "修好了"}),
        (zhang, "sign_off", {"rating": 2}),
    ]:
        clock.advance(minutes=5)
        flow.act(tid, who, action, body)
    # The callback is due within 24 hours: the workflow waits for it
    ticket = flow.ticket(tid)
    assert ticket.status == "signed_off" and flow.waiting(tid) == ["record_callback"]
    # Completed at 10:30 and signed off at 10:35 (Shanghai): the callback counts from completion
    assert ticket.sla["callback"].due_at == datetime(2026, 11, 24, 10, 30, tzinfo=SHANGHAI)
    clock.advance(hours=3)
    flow.act(tid, desk, "record_callback", {"satisfaction": 4, "notes": "满意"})
    described = flow.wait_ended(tid)
    ticket = flow.ticket(tid)
    assert ticket.status == "closed" and ticket.satisfaction == 4
    assert ticket.sla["callback"].met_at is not None and ticket.sla["callback"].breached is False
    assert flow.transitions(described["executionArn"]) <= FREE_BUDGET + 1


def test_paid_repair_happy_path_within_budget(flow, world, clock):
    zhang, desk, tech = world["zhang"], world["desk"], world["tech"]
    tid = flow.create(zhang, description="热水器更换")
    for who, action, body in [
        (desk, "classify", {"paid": True}),
        (desk, "dispatch", {"assignee_id": "tech", "department": "engineering"}),
        (tech, "accept", None),
        (tech, "arrive", None),
        (tech, "quote", {"amount_cents": 35000}),
        (zhang, "approve_quote", None),
        (tech, "start", None),
        (tech, "complete", {"notes": "已更换"}),
        (zhang, "sign_off", {"rating": 5}),
        (desk, "record_callback", {"satisfaction": 5}),
    ]:
        clock.advance(minutes=5)
        flow.act(tid, who, action, body)
    described = flow.wait_ended(tid)
    ticket = flow.ticket(tid)
    assert ticket.status == "closed" and ticket.paid and ticket.fee_cents == 35000
    assert ticket.sla["callback"].breached is False
    assert {n["kind"] for n in flow.notices(tid)} >= {"dispatched", "quote_to_approve", "completed"}
    execution = described["executionArn"]
    assert flow.transitions(execution) <= PAID_BUDGET, flow.states(execution)


def test_an_action_landing_while_a_step_is_planned_is_not_lost(flow, world, clock, monkeypatch):
    """Actions commit while the next step is being stored: the step finds them and plans again at once."""
    from propdesk.workflow.service import WorkflowService

    zhang, desk, tech = world["zhang"], world["desk"], world["tech"]
    tid = flow.create(zhang, description="水管爆裂")
    flow.act(tid, desk, "classify", {"paid": False})
    store_step = WorkflowService.await_step
    landed = []

    def slow_store(self, ticket_id, token, execution, step, version):
        if step.name == "on_site" and not landed:
            # Given the technician accepts and arrives, and the stream passes both on, while the on-site
            # step planned from the dispatch is still being stored
            landed.append(True)
            clock.advance(minutes=1)
            for action in ("accept", "arrive"):
                assert flow.api.post(f"/tickets/{ticket_id}/actions/{action}", tech).status == 200
            flow.settle()
        return store_step(self, ticket_id, token, execution, step, version)

    monkeypatch.setattr(WorkflowService, "await_step", slow_store)
    flow.act(tid, desk, "dispatch", {"assignee_id": "tech", "department": "engineering"})
    # Then the workflow plans again from the ticket instead of waiting for an arrival that already happened
    ticket = flow.ticket(tid)
    assert ticket.status == "on_site" and flow.waiting(tid) == ["quote", "complete"]
    assert ticket.sla["on_site"].met_at is not None
    flow.act(tid, tech, "start")
    flow.act(tid, tech, "complete")
    flow.act(tid, zhang, "sign_off", {"rating": 5})
    described = flow.wait_ended(tid)
    assert "Timer" not in flow.states(described["executionArn"])


def test_a_workflow_started_late_plans_from_the_ticket_as_it_is_now(flow, world, clock):
    """The stream lags: the ticket was dispatched before its execution started; the first step re-plans."""
    desk = world["desk"]
    flow.hold_stream()
    created = flow.api.post("/tickets", world["zhang"], body={"description": "暖气不热"})
    tid = created.body["id"]
    # No execution yet, so these go straight through the API
    for action, body in (("classify", {"paid": False}), ("dispatch", {"assignee_id": "tech"})):
        assert flow.api.post(f"/tickets/{tid}/actions/{action}", desk, body=body).status == 200
    flow.release_stream()
    flow.idle(tid)
    assert flow.waiting(tid) == ["arrive", "book_appointment"]
    assert flow.states(flow.execution(tid)) == ["Step", "Step"]  # the first step re-planned itself
    assert flow.notices(tid, "on_site_overdue") == []  # a re-plan fires nothing early


def test_an_unsatisfied_callback_sends_the_repair_back_and_only_a_satisfied_one_closes_it(flow, world, clock):
    zhang, desk, tech = world["zhang"], world["desk"], world["tech"]
    tid = flow.create(zhang, description="厨房下水道堵了")
    for who, action, body in [
        (desk, "classify", {"paid": False}),
        (desk, "dispatch", {"assignee_id": "tech", "department": "engineering"}),
        (tech, "accept", None),
        (tech, "arrive", None),
        (tech, "start", None),
        (tech, "complete", {"notes": "疏通了"}),  # 10:30
        (zhang, "sign_off", {"rating": 2}),
    ]:
        clock.advance(minutes=5)
        flow.act(tid, who, action, body)
    # The callback at 14:00 finds the resident unsatisfied: the job goes back to rework, not to the archive
    clock.current = datetime(2026, 11, 23, 14, 0, tzinfo=SHANGHAI)
    flow.act(tid, desk, "record_callback", {"satisfaction": 2, "notes": "还是慢"})
    ticket = flow.ticket(tid)
    assert ticket.status == "rework" and ticket.is_open
    assert ticket.sla["rework"].due_at == datetime(2026, 11, 23, 21, 0, tzinfo=SHANGHAI)
    # Done again and signed off as satisfied: a later callback is still due, 24 h after the new completion
    clock.current = datetime(2026, 11, 23, 16, 0, tzinfo=SHANGHAI)
    flow.act(tid, tech, "start")
    flow.act(tid, tech, "complete", {"notes": "换了存水弯"})
    flow.act(tid, zhang, "sign_off", {"rating": 5})
    ticket = flow.ticket(tid)
    assert ticket.status == "signed_off" and flow.waiting(tid) == ["record_callback"]
    assert ticket.sla["callback"].due_at == datetime(2026, 11, 24, 16, 0, tzinfo=SHANGHAI)
    clock.current = datetime(2026, 11, 24, 10, 0, tzinfo=SHANGHAI)
    flow.act(tid, desk, "record_callback", {"satisfaction": 5, "notes": "满意"})
    flow.wait_ended(tid)
    ticket = flow.ticket(tid)
    assert ticket.status == "closed" and ticket.sla["callback"].breached is False
