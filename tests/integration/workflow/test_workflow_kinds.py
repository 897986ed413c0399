"""Warranty work, complaints, quick tasks, inquiries, rework and void, on the real state machine."""

from __future__ import annotations

from datetime import timedelta

import boto3
import pytest

pytestmark = pytest.mark.workflow


def test_warranty_is_routed_to_a_contractor_with_the_residents_consent(flow, world, clock):
    desk, warranty, contractor, zhang = world["desk"], world["warranty"], world["contractor"], world["zhang"]
    tid = flow.create_for(desk, kind="warranty", channel="phone", description="墙体裂缝", resident_id="zhang")
    flow.act(tid, desk, "classify", {"department": "engineering"})
    flow.act(tid, desk, "dispatch", {"assignee_id": "warranty", "department": "engineering"})
    ticket = flow.ticket(tid)
    # Accept and inspect within 30 minutes
    assert ticket.sla["accept_inspect"].due_at == clock.current + timedelta(minutes=30)
    clock.advance(minutes=20)
    flow.act(tid, warranty, "accept")
    flow.act(tid, warranty, "arrive")
    assert flow.waiting(tid) == ["route"]
    # Routed to the responsible contractor with the contractual deadline
    deadline = clock.current + timedelta(days=10)
    flow.act(tid, warranty, "route", {"contractor_id": "contractor", "deadline": deadline.isoformat()})
    ticket = flow.ticket(tid)
    assert flow.waiting(tid) == ["consent"] and ticket.assignee_id == "contractor"
    assert ticket.sla["same_day"].due_at == deadline  # the contract's deadline replaces the same day
    assert {n["kind"] for n in flow.notices(tid)} >= {"routed_to_contractor", "consent_requested"}
    # The resident consents to the repair plan; the contractor repairs before the deadline
    clock.advance(hours=2)
    flow.act(tid, zhang, "consent")
    flow.run_until(tid, clock.current + timedelta(days=2))  # butler reports meanwhile, nothing breached
    flow.act(tid, contractor, "start")
    flow.act(tid, contractor, "complete", {"notes": "裂缝已修补"})
    assert flow.waiting(tid) == ["reinspect", "refuse"]  # 复验 before the resident signs
    flow.act(tid, warranty, "reinspect")
    flow.act(tid, zhang, "sign_off", {"rating": 5})
    described = flow.wait_ended(tid)
    ticket = flow.ticket(tid)
    assert ticket.status == "closed"
    assert ticket.sla["accept_inspect"].breached is False and ticket.sla["same_day"].breached is False
    assert flow.notices(tid, "same_day_missed") == []
    assert flow.states(described["executionArn"])[-1] == "Closed"


def test_invalid_complaint_is_closed_without_callback(flow, world, clock):
    callcentre, desk = world["callcentre"], world["desk"]
    tid = flow.create_for(
        callcentre, kind="complaint", channel="call_centre", description="邻居装修噪音", resident_id="zhang"
    )
    assert flow.waiting(tid) == ["dispatch"]
    assert "desk_reply" in flow.ticket(tid).sla
    flow.act(tid, desk, "mark_invalid", {"reason": "业主自家装修引起, 不属物业范围"})
    described = flow.wait_ended(tid)
    ticket = flow.ticket(tid)
    assert ticket.status == "invalid" and ticket.invalid_reason.startswith("业主自家装修")
    assert "callback" not in ticket.sla
    assert flow.states(described["executionArn"])[-1] == "Closed"
    assert '"Error": "TicketClosed"' in described["output"]
    [ended] = [e for e in flow.timeline(tid) if e.action == "workflow_ended"]
    assert ended.data["error"] == "TicketClosed"


def test_valid_complaint_waits_for_every_department_and_one_rejecting_does_not_block(flow, world, clock):
    callcentre, desk = world["callcentre"], world["desk"]
    tid = flow.create_for(
        callcentre, kind="complaint", channel="call_centre", description="电梯和楼道卫生", resident_id="zhang"
    )
    flow.act(tid, desk, "classify", {"department": "customer_service"})
    flow.act(tid, desk, "dispatch", {"departments": ["engineering", "cleaning"]})
    ticket = flow.ticket(tid)
    assert flow.waiting(tid) == ["resolve_subtask"] and len(ticket.subtasks) == 2
    # Judging the complaint valid and dispatching it is the desk's reply; complaints get no on-site target
    assert ticket.sla["desk_reply"].met_at == clock.current and not ticket.sla["desk_reply"].breached
    assert "on_site" not in ticket.sla and "accept_inspect" not in ticket.sla
    clock.advance(hours=2)
    flow.act(tid, desk, "resolve_subtask", {"department": "engineering", "outcome": "done"})
    ticket = flow.ticket(tid)
    assert ticket.status == "dispatched" and flow.waiting(tid) == ["resolve_subtask"]  # still one to go
    clock.advance(hours=1)
    flow.act(tid, desk, "resolve_subtask", {"department": "cleaning", "outcome": "rejected", "note": "不属保洁"})
    ticket = flow.ticket(tid)
    # Every sub-task is done or rejected: the callback is due
    assert ticket.status == "completed" and flow.waiting(tid) == ["record_callback"]
    assert ticket.sla["callback"].due_at == clock.current + timedelta(hours=24)
    clock.advance(hours=5)
    flow.act(tid, desk, "record_callback", {"satisfaction": 4})
    described = flow.wait_ended(tid)
    ticket = flow.ticket(tid)
    assert ticket.status == "closed" and ticket.sla["callback"].breached is False
    assert [s.status for s in ticket.subtasks] == ["done", "rejected"]
    assert flow.states(described["executionArn"]).count("Step") == 5


def test_refused_sign_off_goes_back_to_rework_with_its_own_due(flow, world, clock):
    desk, tech, zhang = world["desk"], world["tech"], world["zhang"]
    tid = flow.create(zhang, description="灯不亮")
    flow.act(tid, desk, "classify", {"paid": False})
    flow.act(tid, desk, "dispatch", {"assignee_id": "tech", "department": "engineering"})
    for action in ("accept", "arrive", "start"):
        flow.act(tid, tech, action)
    flow.act(tid, tech, "complete", {"notes": "换灯泡"})
    clock.advance(hours=1)
    flow.act(tid, zhang, "refuse", {"reason": "还是不亮"})
    ticket = flow.ticket(tid)
    assert ticket.status == "rework" and flow.waiting(tid) == ["complete"]
    assert ticket.sla["rework"].met_at is None and ticket.sla["rework"].due_at > clock.current
    assert flow.notices(tid, "rework")
    clock.advance(hours=1)
    flow.act(tid, tech, "start")
    flow.act(tid, tech, "complete", {"notes": "换了镇流器"})
    flow.act(tid, zhang, "sign_off", {"rating": 4})
    flow.wait_ended(tid)
    ticket = flow.ticket(tid)
    assert ticket.status == "closed"
    assert ticket.sla["rework"].met_at is not None and ticket.sla["rework"].breached is False


def test_void_in_the_middle_ends_the_execution_and_records_why(flow, world, clock):
    desk, tech = world["desk"], world["tech"]
    tid = flow.create(world["zhang"], description="门禁坏了")
    flow.act(tid, desk, "classify", {"paid": False})
    flow.act(tid, desk, "dispatch", {"assignee_id": "tech", "department": "engineering"})
    flow.act(tid, tech, "accept")
    flow.act(tid, desk, "void", {"reason": "业主重复报修, 见另一单"})
    described = flow.wait_ended(tid)
    assert flow.states(described["executionArn"])[-1] == "Voided"
    assert '"Error": "TicketVoided"' in described["output"]
    ticket = flow.ticket(tid)
    assert ticket.status == "voided"
    [ended] = [e for e in flow.timeline(tid) if e.action == "workflow_ended"]
    assert ended.data["error"] == "TicketVoided" and "业主重复报修" in ended.note
    # A late arrival is refused by the lifecycle; nothing changes
    flow.act(tid, tech, "arrive", status=409)


def test_quick_task_is_closed_at_once(flow, world, clock):
    tid = flow.create_for(world["desk"], kind="quick_task", channel="visit", description="开门放快递", area="public")
    described = flow.wait_ended(tid)
    ticket = flow.ticket(tid)
    assert ticket.status == "closed" and ticket.closed_at == ticket.created_at
    assert flow.transitions(described["executionArn"]) == 2


def test_inquiry_unanswered_in_the_desk_reply_time_escalates(flow, world, clock):
    desk = world["desk"]
    tid = flow.create_for(desk, kind="inquiry", channel="phone", description="物业费怎么交", resident_id="zhang")
    ticket = flow.ticket(tid)
    assert flow.waiting(tid) == ["answer", "escalate"]
    assert ticket.sla["desk_reply"].due_at == ticket.created_at + timedelta(hours=24)
    flow.run_until(tid, ticket.created_at + timedelta(hours=49))
    [overdue] = flow.notices(tid, "reply_overdue")
    [escalated] = flow.notices(tid, "escalation")
    assert (overdue["level"], escalated["level"], escalated["audience"]) == (1, 2, ["manager"])
    flow.act(tid, desk, "answer", {"answer": "可在APP缴纳"})
    flow.wait_ended(tid)
    ticket = flow.ticket(tid)
    assert ticket.status == "closed" and ticket.sla["desk_reply"].breached is True
    assert ticket.sla["desk_reply"].breach_seconds == 25 * 3600


def test_unanswered_quote_is_reminded_then_expires(flow, world, clock):
    desk, tech = world["desk"], world["tech"]
    tid = flow.create(world["zhang"], description="更换水龙头")
    flow.act(tid, desk, "classify", {"paid": True})
    flow.act(tid, desk, "dispatch", {"assignee_id": "tech", "department": "engineering"})
    flow.act(tid, tech, "accept")
    flow.act(tid, tech, "arrive")
    quoted = clock.current
    flow.act(tid, tech, "quote", {"amount_cents": 12000})
    assert flow.waiting(tid) == ["approve_quote", "reject_quote"]
    flow.run_until(tid, quoted + timedelta(days=8))
    described = flow.wait_ended(tid)
    ticket = flow.ticket(tid)
    assert ticket.status == "closed"
    kinds = [n["kind"] for n in flow.notices(tid)]
    assert kinds.index("quote_reminder") < kinds.index("quote_expired")
    [close] = [e for e in flow.timeline(tid) if e.action == "close"]
    assert close.actor_role == "system" and close.note == "quote expired"
    assert close.at == quoted + timedelta(days=7)
    assert flow.states(described["executionArn"])[-1] == "Closed"


def test_overdue_callback_goes_to_the_manager(flow, world, clock):
    desk, tech, zhang = world["desk"], world["tech"], world["zhang"]
    tid = flow.create(zhang, description="窗户关不上")
    flow.act(tid, desk, "classify", {"paid": False})
    flow.act(tid, desk, "dispatch", {"assignee_id": "tech", "department": "engineering"})
    for action in ("accept", "arrive", "start"):
        flow.act(tid, tech, action)
    flow.act(tid, tech, "complete")
    flow.act(tid, zhang, "sign_off")  # no rating: a callback is due
    due = flow.ticket(tid).sla["callback"].due_at
    flow.run_until(tid, due + timedelta(hours=2))
    [overdue] = flow.notices(tid, "callback_overdue")
    assert overdue["level"] == 2 and overdue["audience"] == ["manager"]
    flow.act(tid, desk, "record_callback", {"satisfaction": 5})
    flow.wait_ended(tid)
    ticket = flow.ticket(tid)
    assert ticket.status == "closed" and ticket.sla["callback"].breached is True
    assert ticket.sla["callback"].breach_seconds == 2 * 3600


def test_ensure_started_is_idempotent_and_restarts_an_orphan(flow, world, clock):
    from propdesk.workflow import ensure_started

    tid = flow.create(world["zhang"], description="楼道灯坏")
    ticket = flow.ticket(tid)
    running = flow.execution(tid)
    assert flow.store.workflow(tid).execution == running
    assert ensure_started(ticket) is None  # already running: nothing started
    # An orphan: the execution its workflow item names is gone (the sweep finds these)
    boto3.client("dynamodb", region_name="us-east-1").update_item(
        TableName=flow.physical["TicketsTable"],
        Key={"pk": {"S": f"TICKET#{tid}"}, "sk": {"S": "WORKFLOW"}},
        UpdateExpression="SET execution = :gone",
        ExpressionAttributeValues={":gone": {"S": running + "-gone"}},
    )
    restarted = ensure_started(ticket)
    assert restarted and restarted.endswith(f":{tid}-v{ticket.version}")
    assert ensure_started(ticket) in (None, restarted)  # idempotent by name: never a second one
    assert len(flow.sfn.list_executions(stateMachineArn=flow.state_machine_arn)["executions"]) == 2
    assert flow.status(restarted) == "RUNNING"
