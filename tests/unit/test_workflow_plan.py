"""The workflow's step table and timers, pure: which step comes next, when it times out, what a fire does."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from propdesk.models.directory import Property, PropertySettings
from propdesk.models.enums import Action, Channel, Status, TicketKind
from propdesk.models.ticket import SlaTarget, SubTask, Ticket
from propdesk.workflow.plan import AUTO_CLOSE, END, IDLE_SECONDS, Step, next_step
from propdesk.workflow.timers import fire

ROOT = Path(__file__).resolve().parents[2]
NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # Monday 10:00 in Shanghai
PROP = Property(id="SUN", code="SUN", name="Sunshine")


def ticket(**fields: object) -> Ticket:
    base: dict[str, object] = {
        "id": "t_1",
        "number": "SUN-20261123-0001",
        "property_id": "SUN",
        "kind": TicketKind.REPAIR,
        "channel": Channel.APP,
        "status": Status.RECEIVED,
        "description": "漏水",
        "created_by": "zhang",
        "created_at": NOW,
        "updated_at": NOW,
    }
    return Ticket.model_validate(base | fields)


def target(name: str, due: datetime, **fields: object) -> SlaTarget:
    return SlaTarget.model_validate({"name": name, "started_at": NOW, "due_at": due} | fields)


def dispatched(**fields: object) -> Ticket:
    base: dict[str, object] = {
        "status": Status.DISPATCHED,
        "assignee_id": "tech",
        "dispatched_at": NOW,
        "sla": {
            "on_site": target("on_site", NOW + timedelta(minutes=15)),
            "same_day": target("same_day", datetime(2026, 11, 23, 13, 0, tzinfo=UTC)),
        },
    }
    return ticket(**(base | fields))


@pytest.mark.parametrize(
    ("fields", "name", "awaiting"),
    [
        ({}, "dispatch", [Action.DISPATCH]),
        ({"kind": TicketKind.INQUIRY}, "answer", [Action.ANSWER, Action.ESCALATE]),
        ({"kind": TicketKind.INQUIRY, "status": Status.ESCALATED}, "answer", [Action.ANSWER]),  # the manager's
        ({"kind": TicketKind.COMPLAINT}, "triage", [Action.DISPATCH]),
        ({"kind": TicketKind.QUICK_TASK}, AUTO_CLOSE, []),
        ({"status": Status.QUOTED}, "quote_approval", [Action.APPROVE_QUOTE, Action.REJECT_QUOTE]),
        ({"status": Status.ON_SITE}, "work", [Action.QUOTE, Action.COMPLETE]),
        ({"status": Status.ON_SITE, "kind": TicketKind.WARRANTY}, "route", [Action.ROUTE]),
        ({"status": Status.ROUTED, "kind": TicketKind.WARRANTY}, "consent", [Action.CONSENT]),
        ({"status": Status.COMPLETED}, "sign_off", [Action.SIGN_OFF, Action.REFUSE]),
        ({"status": Status.COMPLETED, "kind": TicketKind.WARRANTY}, "reinspect", [Action.REINSPECT, Action.REFUSE]),
        ({"status": Status.REINSPECTED, "kind": TicketKind.WARRANTY}, "sign_off", [Action.SIGN_OFF, Action.REFUSE]),
        ({"status": Status.SIGNED_OFF, "rating": 5}, AUTO_CLOSE, []),
        ({"status": Status.SIGNED_OFF, "rating": 3}, "callback", [Action.RECORD_CALLBACK]),
        ({"status": Status.SIGNED_OFF, "rating": 5, "paid": True}, "callback", [Action.RECORD_CALLBACK]),
        ({"status": Status.CALLBACK_DONE}, AUTO_CLOSE, []),
        ({"status": Status.VOIDED}, END, []),
    ],
)
def test_the_step_follows_kind_and_status(fields, name, awaiting):
    step = next_step(ticket(**fields), PROP, NOW)
    assert (step.name, step.awaiting) == (name, awaiting)


def test_callback_all_makes_every_signed_off_job_wait_for_its_callback():
    prop = PROP.model_copy(update={"settings": PropertySettings(callback_all=True)})
    assert next_step(ticket(status=Status.SIGNED_OFF, rating=5), prop, NOW).name == "callback"


def test_on_site_step_times_out_at_the_on_site_due_and_carries_the_butler_report():
    step = next_step(dispatched(), PROP, NOW)
    assert step.name == "on_site" and step.awaiting == [Action.ARRIVE, Action.BOOK_APPOINTMENT]
    assert step.timeout_seconds == 15 * 60
    assert [f.timer for f in step.fires] == ["on_site", "butler_report", "same_day"]
    assert [s.name for s in step.starts] == ["butler_report"]
    assert step.starts[0].due_at == NOW + timedelta(hours=4)  # 4 desk hours from a 10:00 dispatch


def test_a_step_without_a_timer_replans_weekly():
    step = next_step(ticket(status=Status.COMPLETED), PROP, NOW)
    assert step.fires == [] and step.timeout_seconds == IDLE_SECONDS


def test_an_overdue_target_fires_at_once():
    t = dispatched()
    step = next_step(t, PROP, NOW + timedelta(hours=1))
    assert step.fires[0].timer == "on_site" and step.timeout_seconds == 1


def test_on_site_fire_breaches_and_alerts_dispatcher_and_desk():
    t = dispatched()
    step = next_step(t, PROP, NOW)
    at = NOW + timedelta(minutes=15)
    out = fire(t, PROP, step, at)
    assert out.ticket.sla["on_site"].breached and out.ticket.sla["on_site"].breach_seconds == 0
    [notice] = out.notices
    assert (notice.kind, notice.level, notice.audience) == ("on_site_overdue", 1, ["dispatcher", "desk"])
    assert notice.id == f"t_1:on_site:{int(at.timestamp())}"  # deterministic: a retried fire tells once
    # Run again on the changed ticket: nothing is done twice
    assert fire(out.ticket, PROP, step, at).events == []
    # The next step waits for the appointment and climbs to the manager 15 minutes later
    following = next_step(out.ticket, PROP, at, step, fired_at=at)
    assert following.name == "appointment" and following.awaiting == [Action.BOOK_APPOINTMENT]
    assert following.fires[0].timer == "appointment_escalation" and following.fires[0].level == 2
    assert following.fires[0].at == at + timedelta(minutes=15)


def test_missed_same_day_opens_a_coordination_sheet_as_the_system():
    t = dispatched(status=Status.IN_PROGRESS)
    t.sla["on_site"].met_at = NOW
    due = t.sla["same_day"].due_at
    step = next_step(t, PROP, due - timedelta(minutes=1))
    step = step.model_copy(update={"fires": [f for f in step.fires if f.timer == "same_day"]})
    out = fire(t, PROP, step, due)
    assert out.ticket.status is Status.COORDINATION and out.ticket.coordination_opened_at == due
    assert [e.action for e in out.events] == ["timer", "coordinate"]
    assert out.events[1].actor_role == "system"
    # The resident is told as when the end-of-day sweep opens the sheet
    assert [(n.kind, n.audience) for n in out.notices] == [
        ("same_day_missed", ["assignee", "dispatcher", "desk", "resident"])
    ]
    following = next_step(out.ticket, PROP, due, step, fired_at=due)
    assert following.name == "coordination"
    assert {s.name for s in following.starts} >= {"coordination_check", "coordination_update"}
    check = next(s for s in following.starts if s.name == "coordination_check")
    assert check.due_at == datetime(2026, 11, 27, 0, 0, tzinfo=UTC)  # 3 days on, moved to the 08:00 opening


def test_a_pause_moves_a_deadline_fire():
    t = dispatched(status=Status.IN_PROGRESS)
    t.sla["on_site"].met_at = NOW
    t.sla["same_day"].paused_seconds = 3600
    step = next_step(t, PROP, NOW)
    same_day = next(f for f in step.fires if f.timer == "same_day")
    assert same_day.at == t.sla["same_day"].due_at + timedelta(hours=1)


def test_a_target_held_by_the_resident_away_pause_does_not_fire_and_the_step_hears_the_resume():
    # Dispatched 10:00 Shanghai, on site due 10:15; the desk paused the clocks at 10:05
    t = dispatched(paused_since=NOW + timedelta(minutes=5))
    step = next_step(t, PROP, NOW + timedelta(minutes=5))
    assert step.awaiting == [Action.ARRIVE, Action.BOOK_APPOINTMENT, Action.RESUME]
    assert "on_site" not in [f.timer for f in step.fires] and "same_day" not in [f.timer for f in step.fires]
    # A fire planned before the pause finds the target held: nothing is breached, nobody is told
    planned = next_step(dispatched(), PROP, NOW)
    out = fire(t, PROP, planned, NOW + timedelta(minutes=15))
    assert out.events == [] and out.notices == [] and not out.ticket.sla["on_site"].breached


def test_quote_is_reminded_after_a_day_and_expires_after_the_propertys_days():
    t = ticket(status=Status.QUOTED, paid=True, quote_cents=1000)
    step = next_step(t, PROP, NOW)
    # The job is open while the quote waits: the butler still reports every 4 desk hours (10:00 -> 14:00)
    assert [(f.timer, f.at) for f in step.fires] == [
        ("butler_report", NOW + timedelta(hours=4)),
        ("quote_reminder", NOW + timedelta(days=1)),
        ("quote_expiry", NOW + timedelta(days=7)),
    ]
    out = fire(t, PROP, step.model_copy(update={"fires": step.fires[2:]}), NOW + timedelta(days=7))
    assert out.ticket.status is Status.CLOSED and out.events[-1].note == "quote expired"


def test_complaint_subtasks_escalate_by_department():
    t = ticket(
        kind=TicketKind.COMPLAINT,
        status=Status.DISPATCHED,
        subtasks=[SubTask(department="engineering", due_at=NOW + timedelta(hours=5))],
    )
    step = next_step(t, PROP, NOW)
    assert step.name == "subtasks"
    assert [(f.timer, f.level) for f in step.fires[:2]] == [("subtask:engineering", 1), ("subtask:engineering", 2)]


def test_step_round_trips_through_json():
    step = next_step(dispatched(), PROP, NOW)
    assert Step.model_validate(json.loads(step.model_dump_json())) == step


def test_the_state_machine_keeps_the_workflow_rules():
    """JSONPath only, timeouts from the input, no heartbeats on callback tasks, timeouts caught."""
    definition = json.loads((ROOT / "statemachines" / "ticket.asl.json").read_text())
    assert definition.get("QueryLanguage", "JSONPath") == "JSONPath"
    tasks = {name: s for name, s in definition["States"].items() if s["Type"] == "Task"}
    callbacks = [s for s in tasks.values() if s["Resource"].endswith(".waitForTaskToken")]
    assert callbacks
    for state in callbacks:
        assert "TimeoutSecondsPath" in state and "TimeoutSeconds" not in state
        assert "HeartbeatSeconds" not in state and "HeartbeatSecondsPath" not in state
        assert any("States.Timeout" in c["ErrorEquals"] for c in state["Catch"])


def test_a_reminder_for_an_answered_step_is_not_sent():
    quoted = ticket(status=Status.QUOTED, paid=True, quote_cents=1000)
    step = next_step(quoted, PROP, NOW)
    approved = quoted.model_copy(update={"status": Status.QUOTE_APPROVED})
    out = fire(approved, PROP, step, NOW + timedelta(days=1))
    assert out.events == [] and out.notices == []


def test_a_warranty_order_not_accepted_in_30_minutes_alerts_dispatcher_and_desk():
    t = dispatched(kind=TicketKind.WARRANTY)
    t.sla = {"accept_inspect": target("accept_inspect", NOW + timedelta(minutes=30))}
    step = next_step(t, PROP, NOW)
    assert step.fires[0].timer == "accept_inspect" and step.timeout_seconds == 30 * 60
    out = fire(t, PROP, step, NOW + timedelta(minutes=31))
    assert out.ticket.sla["accept_inspect"].breach_seconds == 60
    assert [n.kind for n in out.notices] == ["accept_overdue"]


def test_an_execution_continues_as_a_new_one_after_sixty_timer_runs():
    # A coordination sheet's reminders keep firing for weeks; each timer run is counted on the plan
    t = dispatched(status=Status.COORDINATION, coordination_opened_at=NOW)
    step = next_step(t, PROP, NOW)
    for run in range(1, 61):
        step = next_step(t, PROP, NOW, step, fired_at=NOW)
        assert step.timer_runs == run and step.restart is (run == 60)
    # A person's answer plans afresh from the ticket and is not a timer run
    assert next_step(t, PROP, NOW).timer_runs == 0
    # An execution that knows when it started continues as new after 14 days, answers or not
    assert not next_step(t, PROP, NOW, execution_started=NOW - timedelta(days=13, hours=23)).restart
    assert next_step(t, PROP, NOW, execution_started=NOW - timedelta(days=14)).restart


def test_the_state_machine_of_an_execution():
    from propdesk.workflow.engine import state_machine_of

    execution = "arn:aws:states:ap-east-1:123456789012:execution:propdesk-ticket-prod:t_1-c42"
    assert state_machine_of(execution) == "arn:aws:states:ap-east-1:123456789012:stateMachine:propdesk-ticket-prod"
    with pytest.raises(ValueError, match="not an execution"):
        state_machine_of("arn:aws:states:ap-east-1:123456789012:stateMachine:propdesk-ticket-prod")


def test_a_quote_waiting_for_the_residents_answer_keeps_the_butlers_report_due():
    # DOMAIN.md: the butler reports every 4 desk hours while the job is open; a quoted job is open
    quoted = dispatched(status=Status.QUOTED, paid=True, quote_cents=1000)
    quoted.sla["butler_report"] = target("butler_report", NOW + timedelta(hours=4))
    step = next_step(quoted, PROP, NOW)
    assert step.stops == []
    assert "butler_report" in [f.timer for f in step.fires]
    completed = quoted.model_copy(update={"status": Status.COMPLETED})
    assert next_step(completed, PROP, NOW).stops == ["butler_report"]


def test_the_butlers_report_starts_again_from_a_refused_sign_off():
    # The work stopped the reminder at completion; a refusal puts the work back in hand, reports resume from it
    t = dispatched(status=Status.REWORK)
    t.sla["butler_report"] = target("butler_report", NOW + timedelta(hours=4), met_at=NOW + timedelta(hours=1))
    refused = NOW + timedelta(hours=2)  # 12:00 in Shanghai
    step = next_step(t, PROP, refused)
    assert [(s.name, s.started_at, s.due_at) for s in step.starts] == [
        ("butler_report", refused, refused + timedelta(hours=4))
    ]
