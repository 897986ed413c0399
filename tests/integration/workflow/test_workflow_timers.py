"""Timers on the real state machine, moved by the test's clock: on-site escalation, coordination sheets, pauses."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

pytestmark = pytest.mark.workflow
SHANGHAI = ZoneInfo("Asia/Shanghai")


def sh(day: int, hour: int, minute: int = 0) -> datetime:
    """A local wall-clock time in Shanghai, November 2026 (the 23rd is a Monday)."""
    return datetime(2026, 11, day, hour, minute, tzinfo=SHANGHAI)


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


def test_on_site_timeout_alerts_then_escalates_then_the_appointment_runs_its_own_target(flow, world, clock):
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
    # The desk books an appointment at 10:36 (31 minutes after the 10:05 dispatch): the on-site target is met,
    # late by 16 minutes, and the appointment runs its own target: on site at the booked time
    appointment = dispatched + timedelta(hours=3)
    flow.act(tid, desk, "book_appointment", {"appointment_at": appointment.isoformat()})
    ticket = flow.ticket(tid)
    assert flow.waiting(tid) == ["arrive", "book_appointment"]
    on_site = ticket.sla["on_site"]
    assert on_site.due_at == sh(23, 10, 20) and on_site.met_at == sh(23, 10, 36)
    assert on_site.breached is True and on_site.breach_seconds == 16 * 60
    assert ticket.sla["appointment"].due_at == sh(23, 13, 5)
    assert ticket.sla["same_day"].paused_seconds > 0
    assert flow.notices(tid, "appointment_booked")
    # The technician comes at the appointment: accepted and on site in time
    clock.current = appointment - timedelta(minutes=5)
    flow.act(tid, tech, "accept")
    flow.act(tid, tech, "arrive")
    ticket = flow.ticket(tid)
    assert ticket.status == "on_site" and ticket.sla["appointment"].met_at == sh(23, 13, 0)
    assert ticket.sla["appointment"].breached is False
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
    # The butler reports every 4 desk hours, coordination sheet included: 10 h 55 min of desk time on the 23rd
    # (from the 10:05 dispatch), 30 full desk days of 13 h, and 08:00-09:00 on 24 December: 401 h 55 min, 100 reports
    assert kinds.count("butler_report_due") == 100
    # Each execution stays under 1,000 history events: a long sheet continues in a new execution
    listed = flow.sfn.get_paginator("list_executions").paginate(stateMachineArn=flow.state_machine_arn)
    executions = [e["executionArn"] for page in listed for e in page["executions"] if e["name"].startswith(tid)]
    sizes = [len(flow.history(arn)) for arn in executions]
    transitions = sum(flow.transitions(arn) for arn in executions)
    print(f"30-day coordination sheet: {len(executions)} executions, {sizes} history events, {transitions} transitions")
    assert len(executions) >= 2 and max(sizes) < 1000
    assert len(events) < 1000


def test_a_continued_workflow_is_named_before_its_old_execution_ends(flow, world, clock, monkeypatch):
    """While the new execution plans its first step, the sweep finds it running and starts no third one."""
    import threading

    from propdesk.dal.tickets import TicketStore
    from propdesk.workflow import ensure_started, plan

    monkeypatch.setattr(plan, "RESTART_AFTER_TIMERS", 2)  # the history budget, small enough to reach today
    released = threading.Event()
    real_store_step = TicketStore.store_step

    def store_step(self, ticket_id, execution, token, version, step):
        if execution.rsplit(":", 1)[1].startswith(f"{ticket_id}-c"):
            released.wait(30)  # the new execution has started and not yet stored its first step
        return real_store_step(self, ticket_id, execution, token, version, step)

    monkeypatch.setattr(TicketStore, "store_step", store_step)
    tech = world["tech"]
    tid = _dispatched(flow, world, clock)
    flow.act(tid, tech, "accept")
    flow.act(tid, tech, "arrive")
    first = flow.execution(tid)
    # The butler's reports fall due at 14:05 and 18:05: two timer runs, then the workflow continues anew
    clock.current = sh(23, 18, 6)
    flow.wait_until("the first execution to hand over", lambda: flow.status(first) == "SUCCEEDED", tid)
    continued = flow.store.workflow(tid).execution
    assert continued != first and continued.rsplit(":", 1)[1].startswith(f"{tid}-c")
    # The sweep's reconciliation in that window finds the new execution running and starts nothing
    assert ensure_started(flow.ticket(tid)) is None
    listed = flow.sfn.list_executions(stateMachineArn=flow.state_machine_arn)["executions"]
    assert sorted(e["name"] for e in listed if e["name"].startswith(tid)) == [tid, continued.rsplit(":", 1)[1]]
    released.set()
    flow.wait_until("the new execution's first step", lambda: flow.store.workflow(tid).token, tid)
    flow.act(tid, tech, "start")
    flow.act(tid, tech, "complete", {"notes": "换了阀门"})
    flow.act(tid, world["zhang"], "sign_off", {"rating": 5})
    assert flow.wait_ended(tid)["executionArn"] == continued


def test_a_paused_clock_moves_the_same_day_target_by_the_desk_time_inside_the_pause(flow, world, clock):
    desk, tech = world["desk"], world["tech"]
    tid = _dispatched(flow, world, clock)
    assert flow.ticket(tid).sla["same_day"].due_at == sh(23, 21, 0)
    # The resident is only home at 14:05: the appointment booked at 10:05 pauses the running targets
    flow.act(tid, desk, "book_appointment", {"appointment_at": sh(23, 14, 5).isoformat()})
    ticket = flow.ticket(tid)
    # Four desk hours stood inside the pause, so the same-day due moves by four desk hours: the next day's
    # 12:00, never a night-time instant (21:00 plus four wall hours would be 01:00)
    same_day = ticket.sla["same_day"]
    assert same_day.due_at + timedelta(seconds=same_day.paused_seconds) == sh(24, 12, 0)
    assert ticket.paused_seconds == 4 * 3600
    clock.current = sh(23, 14, 0)
    flow.act(tid, tech, "accept")
    flow.act(tid, tech, "arrive")
    flow.act(tid, tech, "start")
    # At the original close nothing is missed yet
    flow.run_until(tid, sh(23, 21, 30))
    assert flow.notices(tid, "same_day_missed") == []
    assert flow.ticket(tid).status == "in_progress"
    flow.run_until(tid, sh(24, 12, 1))
    [missed] = flow.wait_notice(tid, "same_day_missed")
    assert missed["at"].startswith("2026-11-24T04:00")  # 12:00 in Shanghai
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


def test_an_appointment_booked_before_dispatch_is_honoured_and_not_escalated(flow, world, clock):
    desk, tech = world["desk"], world["tech"]
    tid = flow.create(world["zhang"], description="热水器不热")
    clock.advance(minutes=2)
    flow.act(tid, desk, "classify", {"paid": False, "department": "engineering"})
    # The resident is only home at 15:00: the desk books it before dispatching (10:02)
    flow.act(tid, desk, "book_appointment", {"appointment_at": sh(23, 15, 0).isoformat()})
    clock.advance(minutes=3)
    flow.act(tid, desk, "dispatch", {"assignee_id": "tech", "department": "engineering"})
    ticket = flow.ticket(tid)
    assert "on_site" not in ticket.sla and ticket.sla["appointment"].due_at == sh(23, 15, 0)
    # Sixteen minutes after dispatch nobody is told to book what is already booked
    flow.run_until(tid, sh(23, 10, 21))
    assert flow.notices(tid, "on_site_overdue") == []
    # Not on site at the booked time: the dispatcher and the desk hear of it at 15:00
    flow.run_until(tid, sh(23, 15, 1))
    [late] = flow.wait_notice(tid, "on_site_overdue")
    assert late["at"].startswith("2026-11-23T07:00") and late["params"]["timer"] == "appointment"
    flow.idle(tid)
    flow.act(tid, tech, "accept")
    flow.act(tid, tech, "arrive")
    appointment = flow.ticket(tid).sla["appointment"]
    assert appointment.breached and appointment.met_at == clock.current


def test_a_call_centre_agents_order_is_accepted_and_inspected_within_30_minutes(flow, world, clock):
    callcentre, desk, tech = world["callcentre"], world["desk"], world["tech"]
    # Recorded by the 400 hotline's agent, who chose the phone channel
    tid = flow.create_for(callcentre, kind="repair", channel="phone", description="楼道灯不亮", resident_id="zhang")
    clock.advance(minutes=5)
    flow.act(tid, desk, "classify", {"paid": False, "department": "engineering"})
    flow.act(tid, desk, "dispatch", {"assignee_id": "tech", "department": "engineering"})
    ticket = flow.ticket(tid)
    assert "on_site" not in ticket.sla and ticket.sla["accept_inspect"].due_at == sh(23, 10, 35)
    # Accepting is not inspecting: at 10:35 the order is still overdue
    clock.advance(minutes=10)
    flow.act(tid, tech, "accept")
    flow.run_until(tid, sh(23, 10, 36))
    [alert] = flow.wait_notice(tid, "accept_overdue")
    assert alert["audience"] == ["dispatcher", "desk"]
    assert flow.ticket(tid).sla["accept_inspect"].breached is True


def test_the_resident_away_pause_holds_the_same_day_target_until_the_desk_ends_it(flow, world, clock):
    desk, tech = world["desk"], world["tech"]
    tid = _dispatched(flow, world, clock)  # 10:05
    for action in ("accept", "arrive", "start"):
        flow.act(tid, tech, action)
    clock.current = sh(23, 10, 30)
    # The resident has to leave: the desk pauses the clocks with the reason
    flow.act(tid, desk, "pause", {"reason": "业主临时出差，明早回来"})
    assert flow.ticket(tid).paused_since == sh(23, 10, 30)
    # The day closes while the resident is away: nothing is missed, nothing becomes a coordination sheet
    flow.run_until(tid, sh(23, 21, 30))
    assert flow.notices(tid, "same_day_missed") == [] and flow.ticket(tid).status == "in_progress"
    # The resident is back at 09:00: the step hears it at once
    clock.current = sh(24, 9, 0)
    flow.act(tid, desk, "resume", {"reason": "业主已回家"})
    ticket = flow.ticket(tid)
    # 10.5 desk hours on the 23rd and one on the 24th stood inside the pause: 21:00 on the 23rd + 11.5 desk hours
    same_day = ticket.sla["same_day"]
    assert ticket.paused_since is None
    assert same_day.due_at + timedelta(seconds=same_day.paused_seconds) == sh(24, 19, 30)
    flow.run_until(tid, sh(24, 19, 31))
    [missed] = flow.wait_notice(tid, "same_day_missed")
    assert missed["at"].startswith("2026-11-24T11:30")  # 19:30 in Shanghai
    events = [(e.action, e.note) for e in flow.timeline(tid) if e.action in ("pause", "resume")]
    assert events == [("pause", "业主临时出差，明早回来"), ("resume", "业主已回家")]


def test_an_unmet_first_response_still_fires_after_the_day_closed_into_a_coordination_sheet(flow, world, clock):
    desk = world["desk"]
    clock.current = sh(23, 20, 45)
    tid = flow.create(world["zhang"], description="水管爆了")
    flow.act(tid, desk, "classify", {"paid": False, "department": "engineering"})
    clock.current = sh(23, 20, 50)
    flow.act(tid, desk, "dispatch", {"assignee_id": "tech", "department": "engineering"})
    ticket = flow.ticket(tid)
    assert ticket.sla["on_site"].due_at == sh(23, 21, 5) and ticket.sla["same_day"].due_at == sh(23, 21, 0)
    # At 21:00 the day closes first: the order becomes a coordination sheet
    flow.run_until(tid, sh(23, 21, 1))
    flow.wait_notice(tid, "same_day_missed")
    assert flow.ticket(tid).status == "coordination"
    # At 21:05 nobody is on site yet: the on-site target still fires and is recorded
    flow.run_until(tid, sh(23, 21, 6))
    [alert] = flow.wait_notice(tid, "on_site_overdue")
    assert alert["at"].startswith("2026-11-23T13:05")  # 21:05 in Shanghai
    ticket = flow.ticket(tid)
    assert ticket.sla["on_site"].breached is True and ticket.status == "coordination"


def test_a_breach_the_workflow_records_is_counted_for_the_dashboard(flow, world, clock, capsys):
    tid = _dispatched(flow, world, clock)
    capsys.readouterr()
    # When nobody is on site 15 minutes after dispatch
    clock.advance(minutes=16)
    flow.wait_notice(tid, "on_site_overdue")
    flow.idle(tid)
    # Then one TargetBreached metric names the on-site target, in the namespace the dashboard reads
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines() if '"TargetBreached"' in line]
    assert [(m["TargetBreached"], m["target"], m["service"]) for m in lines] == [([1.0], "on_site", "propdesk")]
    directives = lines[0]["_aws"]["CloudWatchMetrics"]
    assert directives == [
        {
            "Namespace": "PropDesk",
            "Dimensions": [["target", "service"]],
            "Metrics": [{"Name": "TargetBreached", "Unit": "Count"}],
        }
    ]
