"""Timers on the real state machine, moved by the test's clock: on-site escalation, coordination sheets, pauses."""

from __future__ import annotations

from datetime import timedelta

import pytest

pytestmark = pytest.mark.workflow


def _dispatched(flow, world, clock, **create):
    """A repair classified and dispatched to `tech` five minutes after it was reported (10:05 Shanghai)."""
    desk = world["desk"]
    tid = flow.create(world["zhang"], **({"description": "卫生间漏水"} | create))
    clock.advance(minutes=5)
    flow.act(tid, desk, "classify", {"paid": False, "department": "engineering"})
    flow.act(tid, desk, "dispatch", {"assignee_id": "tech", "department": "engineering"})
    return tid


def test_a_late_accept_and_arrival_are_taken_and_the_breach_and_its_alert_stand(flow, world, clock):
    desk, tech = world["desk"], world["tech"]
    tid = _dispatched(flow, world, clock)
    dispatched = clock.current
    # Given nobody on site 15 minutes after dispatch: the alert went out
    clock.advance(minutes=16)
    flow.wait_notice(tid, "on_site_overdue")
    flow.idle(tid)
    # When the technician accepts at minute 16 and is on site at minute 17
    accepted = flow.act(tid, tech, "accept")
    clock.current = dispatched + timedelta(minutes=17)
    arrived = flow.act(tid, tech, "arrive")
    # Then both are taken: he is on site, late, and the breach and the alert already sent stand
    assert accepted["status"] == "accepted" and arrived["status"] == "on_site"
    ticket = flow.ticket(tid)
    assert ticket.sla["on_site"].breached is True
    assert ticket.sla["on_site"].met_at == dispatched + timedelta(minutes=17)
    assert len(flow.notices(tid, "on_site_overdue")) == 1
    # And the workflow follows: it waits for the work, not for an appointment
    assert flow.waiting(tid) == ["quote", "complete"]
    trail = [e.action for e in flow.timeline(tid) if e.action in ("accept", "arrive", "timer")]
    assert trail == ["timer", "accept", "arrive"]
    del desk


def test_on_site_timeout_alerts_then_escalates_then_appointment_moves_the_target(flow, world, clock):
    desk, tech = world["desk"], world["tech"]
    tid = _dispatched(flow, world, clock)
    dispatched = clock.current
    assert flow.waiting(tid) == ["arrive", "book_appointment"]
    # When nobody is on site 15 minutes after dispatch
    clock.advance(minutes=16)
    [alert] = flow.wait_notice(tid, "on_site_overdue")
    # Then the dispatcher and the desk are alerted, the target is breached, and an appointment is asked for
    assert alert["level"] == 1 and alert["audience"] == ["dispatcher", "desk"]
    assert flow.waiting(tid) == ["book_appointment"]
    assert flow.ticket(tid).sla["on_site"].breached is True
    # Another 15 minutes without an appointment: the manager hears of it (level 2)
    clock.advance(minutes=15)
    [escalation] = flow.wait_notice(tid, "escalation")
    assert escalation["level"] == 2 and escalation["audience"] == ["manager"]
    # The desk books an appointment: the on-site target moves to the booked time, the step re-opens
    appointment = dispatched + timedelta(hours=3)
    flow.act(tid, desk, "book_appointment", {"appointment_at": appointment.isoformat()})
    ticket = flow.ticket(tid)
    assert flow.waiting(tid) == ["arrive", "book_appointment"]
    assert ticket.sla["on_site"].due_at == appointment and ticket.sla["on_site"].breached is False
    assert ticket.sla["same_day"].paused_seconds > 0
    assert flow.notices(tid, "appointment_booked")
    # The technician comes at the appointment: accepted and on site in time
    clock.current = appointment - timedelta(minutes=5)
    flow.act(tid, tech, "accept")
    flow.act(tid, tech, "arrive")
    ticket = flow.ticket(tid)
    assert ticket.status == "on_site" and ticket.sla["on_site"].breached is False
    execution = flow.execution(tid)
    assert flow.states(execution).count("Timer") == 2  # the alert and the escalation


def test_missed_day_becomes_a_coordination_sheet_with_reminders(flow, world, clock):
    tech = world["tech"]
    tid = _dispatched(flow, world, clock)
    clock.advance(minutes=5)
    flow.act(tid, tech, "accept")
    flow.act(tid, tech, "arrive")
    flow.act(tid, tech, "start")
    same_day = flow.ticket(tid).sla["same_day"].due_at  # 21:00 Shanghai
    # When the desk day closes with the work unfinished
    flow.run_until(tid, same_day + timedelta(minutes=1))
    ticket = flow.wait_until(
        "the coordination sheet", lambda: (t := flow.ticket(tid)).status == "coordination" and t, tid
    )
    # Then the order became a coordination sheet through the lifecycle, as the system
    assert ticket.sla["same_day"].breached is True
    assert ticket.coordination_opened_at == same_day
    coordinate = [e for e in flow.timeline(tid) if e.action == "coordinate"]
    assert coordinate and coordinate[0].actor_role == "system"
    assert {"coordination_contact", "coordination_reply"} <= set(ticket.sla)
    # Over two weeks: contact and reply targets breach, checks every 3 days, updates every 5 days
    flow.run_until(tid, same_day + timedelta(days=14))
    kinds = [n["kind"] for n in flow.notices(tid)]
    assert kinds.count("coordination_check") == 4  # days 3, 6, 9, 12
    assert kinds.count("coordination_update") == 2  # days 5, 10
    assert "coordination_contact_due" in kinds and "coordination_reply_due" in kinds
    assert "butler_report_due" in kinds
    ticket = flow.ticket(tid)
    assert ticket.sla["coordination_contact"].breached and ticket.sla["coordination_reply"].breached
    # Then the work is completed, signed off and closed
    flow.act(tid, tech, "complete", {"notes": "更换了管道"})
    flow.act(tid, world["zhang"], "sign_off", {"rating": 5})
    flow.wait_ended(tid)
    ticket = flow.ticket(tid)
    assert ticket.status == "closed"
    assert ticket.sla["same_day"].met_at is not None and ticket.sla["same_day"].breach_seconds > 13 * 86_400
    recurring = ("butler_report", "coordination_check", "coordination_update")
    assert not any(ticket.sla[name].open for name in recurring)


def test_a_thirty_day_coordination_sheet_stays_under_a_thousand_history_events(flow, world, clock):
    tech = world["tech"]
    tid = _dispatched(flow, world, clock)
    flow.act(tid, tech, "accept")
    flow.act(tid, tech, "arrive")
    same_day = flow.ticket(tid).sla["same_day"].due_at
    flow.run_until(tid, same_day + timedelta(days=30, hours=12))
    flow.act(tid, tech, "start")
    flow.act(tid, tech, "complete", {"notes": "done"})
    flow.act(tid, world["zhang"], "sign_off", {"rating": 5})
    described = flow.wait_ended(tid)
    events = flow.history(described["executionArn"])
    kinds = [n["kind"] for n in flow.notices(tid)]
    assert kinds.count("coordination_check") == 10 and kinds.count("coordination_update") == 6
    transitions = flow.transitions(described["executionArn"])
    print(f"30-day coordination sheet: {len(events)} history events, {transitions} transitions")
    assert len(events) < 1000


def test_a_paused_clock_moves_the_same_day_target(flow, world, clock):
    desk, tech = world["desk"], world["tech"]
    tid = _dispatched(flow, world, clock)
    due = flow.ticket(tid).sla["same_day"].due_at
    # The resident is only home at 14:00: the appointment pauses the running targets
    appointment = clock.current + timedelta(hours=4)
    flow.act(tid, desk, "book_appointment", {"appointment_at": appointment.isoformat()})
    paused = int((appointment - clock.current).total_seconds())
    ticket = flow.ticket(tid)
    assert ticket.sla["same_day"].paused_seconds == paused and ticket.paused_seconds == paused
    clock.current = appointment - timedelta(minutes=1)
    flow.act(tid, tech, "accept")
    flow.act(tid, tech, "arrive")
    flow.act(tid, tech, "start")
    # At the original close nothing is missed yet: the due moved by the paused time
    flow.run_until(tid, due + timedelta(minutes=30))
    assert flow.notices(tid, "same_day_missed") == []
    assert flow.ticket(tid).status == "in_progress"
    flow.run_until(tid, due + timedelta(seconds=paused + 60))
    [missed] = flow.wait_notice(tid, "same_day_missed")
    assert missed["at"].startswith((due + timedelta(seconds=paused)).strftime("%Y-%m-%dT%H:%M"))
    assert flow.ticket(tid).status == "coordination"


def test_two_failed_plans_in_a_week_call_a_joint_meeting(flow, world, clock):
    desk, tech = world["desk"], world["tech"]
    tid = _dispatched(flow, world, clock)
    for action in ("accept", "arrive", "start"):
        flow.act(tid, tech, action)
    same_day = flow.ticket(tid).sla["same_day"].due_at
    flow.run_until(tid, same_day + timedelta(hours=11))  # the sheet opened at 21:00; now 08:00 next day
    assert flow.ticket(tid).status == "coordination"
    # The desk replies to the resident and engineering agrees a visit: both sheet targets met in time
    flow.act(tid, desk, "comment", {"text": "已电话答复业主, 工程部明天上门"})
    flow.act(tid, desk, "book_appointment", {"appointment_at": (clock.current + timedelta(days=1)).isoformat()})
    ticket = flow.ticket(tid)
    assert ticket.sla["coordination_reply"].met_at and not ticket.sla["coordination_reply"].breached
    assert ticket.sla["coordination_contact"].met_at and not ticket.sla["coordination_contact"].breached
    assert flow.notices(tid, "joint_meeting") == []
    # The plan fails twice within the week: each new appointment replaces a failed plan
    for days in (2, 4):
        flow.run_until(tid, same_day + timedelta(days=days, hours=11))
        flow.act(tid, desk, "book_appointment", {"appointment_at": (clock.current + timedelta(days=1)).isoformat()})
    [meeting] = flow.notices(tid, "joint_meeting")
    assert meeting["level"] == 2 and meeting["audience"] == ["desk", "dispatcher", "manager"]
    assert meeting["params"]["failed_plans"] == 2
    assert flow.notices(tid, "coordination_reply_due") == [] and flow.notices(tid, "coordination_contact_due") == []
