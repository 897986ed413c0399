"""The end-of-day sweep on moto: outcomes ticket by ticket, idempotency, a crash mid-way, paging across invocations."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta

import boto3
import pytest

from propdesk.dal.directory import DirectoryStore
from propdesk.dal.tickets import TicketStore
from propdesk.models.directory import Property, PropertySettings, Staff
from propdesk.models.enums import Channel, Department, Status, TicketKind
from propdesk.ports.notices import publish
from propdesk.sweep.checkpoint import CheckpointStore
from propdesk.sweep.runner import SweepRunner
from propdesk.workflow.plan import Fire, Step
from propdesk.workflow.timers import fire
from tests.integration.sweep.support import Context, make_ticket, target
from tests.support.api import LambdaContext, load_function
from tests.support.events import sms_sent, sqs_records
from tests.support.infra import REGION, function_environment

AS_OF = datetime(2026, 11, 23, 13, 30, tzinfo=UTC)  # 21:30 in Shanghai, the schedule's time (after the close)
SCHEDULED = "2026-11-23T13:30:00Z"
TODAY_CLOSE = datetime(2026, 11, 23, 13, 0, tzinfo=UTC)  # 21:00 local: the desk day's close
DAY = timedelta(days=1)


@pytest.fixture
def store(jobs) -> TicketStore:
    return TicketStore(os.environ["TICKETS_TABLE"])


def _same_day(due: datetime) -> dict:
    return {"same_day": target("same_day", due - timedelta(hours=5), due)}


def seed_evening(store: TicketStore) -> dict[str, str]:
    """One ticket per rule, and the ones that must be left alone."""
    morning = AS_OF - timedelta(hours=10)
    t = {}
    t["missed"] = make_ticket(
        store,
        status=Status.IN_PROGRESS,
        created_at=morning,
        department=Department.ENGINEERING,
        assignee_id="tech",
        sla=_same_day(TODAY_CLOSE),
    ).id
    t["missed_unassigned"] = make_ticket(
        store,
        status=Status.ACCEPTED,
        created_at=morning - DAY,
        department=Department.ENGINEERING,
        sla=_same_day(TODAY_CLOSE - DAY),
    ).id
    t["public_area_not_yet"] = make_ticket(
        store,
        status=Status.IN_PROGRESS,
        created_at=morning,
        department=Department.CLEANING,
        assignee_id="cleaner",
        sla=_same_day(TODAY_CLOSE + 2 * DAY),
    ).id
    t["quote_stale"] = make_ticket(
        store,
        status=Status.QUOTED,
        created_at=AS_OF - 9 * DAY,
        updated_at=AS_OF - 7 * DAY - timedelta(minutes=1),
        paid=True,
        quote_cents=8000,
        department=Department.ENGINEERING,
        assignee_id="tech",
    ).id
    t["quote_fresh"] = make_ticket(
        store,
        status=Status.QUOTED,
        created_at=AS_OF - 3 * DAY,
        updated_at=AS_OF - 2 * DAY,
        paid=True,
        quote_cents=5000,
        department=Department.ENGINEERING,
        assignee_id="tech2",
    ).id
    t["sms_stale"] = make_ticket(
        store, status=Status.NEEDS_IDENTIFICATION, channel=Channel.SMS, created_at=AS_OF - 3 * DAY - timedelta(hours=1)
    ).id
    t["sms_fresh"] = make_ticket(
        store, status=Status.NEEDS_IDENTIFICATION, channel=Channel.SMS, created_at=AS_OF - DAY
    ).id
    t["appointment_stale"] = make_ticket(
        store,
        status=Status.DISPATCHED,
        kind=TicketKind.HOUSEHOLD_SERVICE,
        created_at=AS_OF - 6 * DAY,
        department=Department.CLEANING,
        appointment_at=AS_OF - 4 * DAY,
        sla=_same_day(AS_OF - 5 * DAY),
    ).id
    t["completed_waiting_sign_off"] = make_ticket(
        store,
        status=Status.COMPLETED,
        created_at=morning,
        completed_at=AS_OF - timedelta(hours=1),
        department=Department.ENGINEERING,
        assignee_id="tech",
        sla={"same_day": target("same_day", morning, TODAY_CLOSE, met=AS_OF - timedelta(hours=1))},
    ).id
    t["closed"] = make_ticket(store, status=Status.CLOSED, created_at=AS_OF - 2 * DAY, closed_at=AS_OF - DAY).id
    t["moon_quote_stale"] = make_ticket(
        store,
        property_id="MOON",
        status=Status.QUOTED,
        created_at=AS_OF - 4 * DAY,
        updated_at=AS_OF - 2 * DAY - timedelta(minutes=1),
        paid=True,
        quote_cents=3000,
    ).id
    return t


def _moon_quotes_expire_in_two_days() -> None:
    directory = DirectoryStore(os.environ["DIRECTORY_TABLE"])
    moon = directory.get(Property, None, "MOON")
    assert moon is not None
    directory.put(moon.model_copy(update={"settings": PropertySettings(quote_expiry_days=2)}), create=False)


def test_the_evening_sweep_decides_ticket_by_ticket(jobs, world, clock, store):
    # Given an evening's open orders in two properties, MOON closing quotes after 2 days instead of 7
    _moon_quotes_expire_in_two_days()
    t = seed_evening(store)
    clock.current = AS_OF + timedelta(minutes=1)

    # When the 21:30 schedule fires and the queue is worked off
    started = jobs.fire_sweep(SCHEDULED)

    # Then both properties were swept
    assert sorted(started["tasks"]) == ["MOON", "SUN"]
    status = {name: store.get(tid).status for name, tid in t.items()}
    assert status == {
        "missed": Status.COORDINATION,
        "missed_unassigned": Status.COORDINATION,
        "public_area_not_yet": Status.IN_PROGRESS,
        "quote_stale": Status.CLOSED,
        "quote_fresh": Status.QUOTED,
        "sms_stale": Status.CLOSED,
        "sms_fresh": Status.NEEDS_IDENTIFICATION,
        "appointment_stale": Status.CLOSED,
        "completed_waiting_sign_off": Status.COMPLETED,
        "closed": Status.CLOSED,
        "moon_quote_stale": Status.CLOSED,
    }
    # Coordination sheets have an owner (the assignee, else the department's dispatcher) and new due times
    missed, unassigned = store.get(t["missed"]), store.get(t["missed_unassigned"])
    assert missed.assignee_id == "tech" and unassigned.assignee_id == "dispatcher"
    for sheet in (missed, unassigned):
        assert sheet.coordination_opened_at == clock.current
        assert {"coordination_contact", "coordination_reply"} <= set(sheet.sla)
        assert sheet.sla["coordination_contact"].due_at > clock.current
    # Stale orders carry their reason on the audit trail
    closes = {name: store.events(t[name])[-1] for name in ("quote_stale", "sms_stale", "appointment_stale")}
    assert all(e.action == "close" and e.actor_id == "system" for e in closes.values())
    assert "7" in closes["quote_stale"].note and "quote" in closes["quote_stale"].note
    assert "SMS" in closes["sms_stale"].note and "appointment" in closes["appointment_stale"].note
    # The residents are told: one notice per changed order, nothing for the others
    notices = {(n["kind"], n["ticket_id"]): n for n in jobs.notices()}
    assert set(notices) == {
        ("same_day_missed", t["missed"]),
        ("same_day_missed", t["missed_unassigned"]),
        ("stale_closed", t["quote_stale"]),
        ("stale_closed", t["sms_stale"]),
        ("stale_closed", t["appointment_stale"]),
        ("stale_closed", t["moon_quote_stale"]),
    }
    assert notices["same_day_missed", t["missed"]]["params"]["due"]["coordination_contact"]
    assert notices["stale_closed", t["moon_quote_stale"]]["params"]["days"] == 2
    # The morning-meeting list: every unfinished SUN order, grouped by department, with who and what is due
    meeting = jobs.get_json("meetings/SUN/2026-11-23.json")
    by_dept = {d["department"]: [i["ticket_id"] for i in d["items"]] for d in meeting["departments"]}
    assert by_dept == {
        "cleaning": [t["public_area_not_yet"]],
        # soonest due first; orders with nothing due follow
        "engineering": [t["missed_unassigned"], t["missed"], t["quote_fresh"], t["completed_waiting_sign_off"]],
        "unassigned": [t["sms_fresh"]],
    }
    assert meeting["total"] == 6
    row = next(i for d in meeting["departments"] for i in d["items"] if i["ticket_id"] == t["missed_unassigned"])
    assert row["responsible"] == "dispatcher" and row["breaches"] == ["same_day"] and row["coordination"] is True
    assert row["age_hours"] == 34.0
    csv_text = jobs.get_text("meetings/SUN/2026-11-23.csv")
    assert csv_text.startswith("\ufeff部门 department") and len(csv_text.strip().splitlines()) == 7


def test_a_second_run_of_the_same_day_changes_nothing(jobs, world, clock, store):
    t = seed_evening(store)
    clock.current = AS_OF + timedelta(minutes=1)
    jobs.fire_sweep(SCHEDULED)
    versions = {tid: store.get(tid).version for tid in t.values()}
    events = {tid: len(store.events(tid)) for tid in t.values()}
    meeting = jobs.get_text("meetings/SUN/2026-11-23.json")
    jobs.notices()

    clock.advance(minutes=20)
    again = jobs.fire_sweep(SCHEDULED)

    assert again["tasks"] == []
    assert {tid: store.get(tid).version for tid in t.values()} == versions
    assert {tid: len(store.events(tid)) for tid in t.values()} == events
    assert jobs.notices() == []
    assert jobs.get_text("meetings/SUN/2026-11-23.json") == meeting


def _many_missed(store: TicketStore, n: int) -> list[str]:
    return [
        make_ticket(
            store,
            status=Status.IN_PROGRESS,
            created_at=AS_OF - timedelta(hours=9, minutes=i),
            department=Department.ENGINEERING,
            assignee_id="tech",
            sla=_same_day(TODAY_CLOSE - timedelta(minutes=i)),
        ).id
        for i in range(n)
    ]


def test_a_crash_mid_sweep_loses_nothing_and_the_redelivery_finishes(jobs, world, clock, store, monkeypatch):
    # Given 25 missed orders swept 10 to a page
    monkeypatch.setenv("SWEEP_PAGE_SIZE", "10")
    ids = _many_missed(store, 25)
    clock.current = AS_OF + timedelta(minutes=1)
    real = SweepRunner.sweep_one
    calls = {"n": 0}

    def crash_after_13(self, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 14:
            raise RuntimeError("injected crash after 13 tickets")
        return real(self, *args, **kwargs)

    monkeypatch.setattr(SweepRunner, "sweep_one", crash_after_13)

    # When the worker dies on the 14th ticket (in the second page)
    with pytest.raises(RuntimeError, match="injected crash"):
        jobs.fire_sweep(SCHEDULED)
    cp = CheckpointStore(os.environ["TICKETS_TABLE"]).get("SUN", "2026-11-23")
    assert cp is not None and cp.page == 1 and not cp.done  # the first page is recorded, the second is not

    # Then SQS redelivers the message, and the rerun completes every order exactly once
    jobs.drain()
    assert all(store.get(tid).status is Status.COORDINATION for tid in ids)
    assert all(len([e for e in store.events(tid) if e.action == "coordinate"]) == 1 for tid in ids)
    notices = jobs.notices()
    # The crashed page's three finished orders are told again under the same ids: the notifier tells once.
    assert {n["ticket_id"] for n in notices} == set(ids)
    assert len({n["id"] for n in notices}) == 25
    meeting = jobs.get_json("meetings/SUN/2026-11-23.json")
    listed = [i["ticket_id"] for d in meeting["departments"] for i in d["items"]]
    assert sorted(listed) == sorted(ids) and meeting["total"] == 25
    cp = CheckpointStore(os.environ["TICKETS_TABLE"]).get("SUN", "2026-11-23")
    assert cp.done and cp.counts["coordinated"] == 22 and cp.counts["coordination_retold"] == 3


def test_a_large_property_is_swept_in_pages_across_invocations(jobs, world, clock, store, monkeypatch):
    # Given 23 open orders, pages of 5, and a worker whose time is always nearly up
    monkeypatch.setenv("SWEEP_PAGE_SIZE", "5")
    ids = _many_missed(store, 23)
    clock.current = AS_OF + timedelta(minutes=1)
    jobs.sweep.lambda_handler({"job": "sweep", "scheduled_at": SCHEDULED}, Context())

    # When each invocation may only do one page before handing over
    jobs.drain(Context(remaining_ms=60_000))

    # Then five pages took five SUN invocations (plus MOON's one), and the work is complete
    assert jobs.invocations == 6
    assert all(store.get(tid).status is Status.COORDINATION for tid in ids)
    assert jobs.get_json("meetings/SUN/2026-11-23.json")["total"] == 23


def test_open_tickets_are_handed_to_the_workflow_restarter(jobs, world, clock, store):
    t = seed_evening(store)
    clock.current = AS_OF + timedelta(minutes=1)
    restarted: list[str] = []
    runner = jobs.sweep.runner()
    runner.restart = lambda ticket: restarted.append(ticket.id) or True

    jobs.fire_sweep(SCHEDULED)

    still_open = {tid for tid in t.values() if store.get(tid).is_open}
    assert set(restarted) == still_open
    cp = CheckpointStore(os.environ["TICKETS_TABLE"]).get("SUN", "2026-11-23")
    assert cp.counts["restarted"] == len({tid for tid in still_open if tid.startswith("t_sun")})


def test_a_sweep_fired_by_hand_never_acts_before_the_day_closes_nor_cancels_the_scheduled_one(
    jobs, world, clock, store
):
    # Given an order due at 21:00 today, and a desk lead who fires the sweep by hand at 11:22
    tonight = make_ticket(
        store,
        status=Status.IN_PROGRESS,
        created_at=AS_OF - timedelta(hours=5),
        department=Department.ENGINEERING,
        assignee_id="tech",
        sla=_same_day(TODAY_CLOSE),
    ).id
    clock.current = datetime(2026, 11, 23, 3, 22, tzinfo=UTC)  # 11:22 in Shanghai
    manual = jobs.sweep.lambda_handler({"job": "sweep"}, Context())
    jobs.drain()
    # Then the order is left to its day, and the hand-run's list is its own
    assert sorted(manual["tasks"]) == ["MOON", "SUN"]
    assert store.get(tonight).status is Status.IN_PROGRESS and jobs.notices() == []
    assert jobs.get_json("meetings/SUN/2026-11-23-manual-112200.json")["total"] == 1
    assert CheckpointStore(os.environ["TICKETS_TABLE"]).get("SUN", "2026-11-23") is None
    # When the schedule fires after the desk closed, it still sweeps the day
    clock.current = AS_OF + timedelta(minutes=1)
    scheduled = jobs.fire_sweep(SCHEDULED)
    assert sorted(scheduled["tasks"]) == ["MOON", "SUN"]
    assert store.get(tonight).status is Status.COORDINATION
    assert [n["kind"] for n in jobs.notices()] == ["same_day_missed"]


def test_a_sweep_fired_with_the_schedules_input_before_the_close_is_a_run_of_its_own(jobs, world, clock, store):
    # Given an order due at 21:00 today, and the schedule fired by hand at 11:22 (`python -m local fire`)
    tonight = make_ticket(
        store,
        status=Status.IN_PROGRESS,
        created_at=AS_OF - timedelta(hours=5),
        department=Department.ENGINEERING,
        assignee_id="tech",
        sla=_same_day(TODAY_CLOSE),
    ).id
    clock.current = datetime(2026, 11, 23, 3, 22, tzinfo=UTC)  # 11:22 in Shanghai
    early = jobs.fire_sweep("2026-11-23T03:22:00Z")
    # Then it leaves the order to its day and keeps its own list, not the day's
    assert sorted(early["tasks"]) == ["MOON", "SUN"]
    assert store.get(tonight).status is Status.IN_PROGRESS and jobs.notices() == []
    assert jobs.get_json("meetings/SUN/2026-11-23-manual-112200.json")["total"] == 1
    assert CheckpointStore(os.environ["TICKETS_TABLE"]).get("SUN", "2026-11-23") is None
    # When the schedule fires at 21:30, the day is swept
    clock.current = AS_OF + timedelta(minutes=1)
    assert sorted(jobs.fire_sweep(SCHEDULED)["tasks"]) == ["MOON", "SUN"]
    assert store.get(tonight).status is Status.COORDINATION


def test_the_assignee_is_told_once_when_the_sweep_and_the_same_day_timer_both_see_the_missed_day(
    jobs, world, clock, store, monkeypatch
):
    directory = DirectoryStore(os.environ["DIRECTORY_TABLE"])
    tech = directory.get(Staff, "SUN", "tech")
    directory.put(tech.model_copy(update={"phone": "+8613700000001"}), create=False)
    missed = make_ticket(
        store,
        status=Status.IN_PROGRESS,
        created_at=AS_OF - timedelta(hours=5),
        department=Department.ENGINEERING,
        assignee_id="tech",
        resident_id="zhang",
        sla=_same_day(TODAY_CLOSE),
    )
    # Given the sweep turned the order into a coordination sheet (its workflow's timer had not run yet)
    clock.current = AS_OF + timedelta(minutes=1)
    jobs.fire_sweep(SCHEDULED)
    sheet = store.get(missed.id)
    # And the same-day timer then fires on the sheet, as the workflow does at the day's close
    prop = directory.get(Property, None, "SUN")
    step = Step(name="coordination", since=AS_OF, fires=[Fire(at=TODAY_CLOSE, timer="same_day")], timeout_seconds=1)
    timer_notices = fire(sheet, prop, step, clock.current).notices
    # When both notices reach the notifier
    for key, value in function_environment("NotifierFunction", {**jobs.queues, "TicketsTable": "TicketsTable"}).items():
        monkeypatch.setenv(key, value)
    notifier = load_function("notifier")
    notifier.settings.cache_clear()
    notifier.sandbox.cache_clear()
    sqs = boto3.client("sqs", region_name=REGION)
    publish(timer_notices, jobs.queues["NoticesQueue"])
    got = sqs.receive_message(QueueUrl=jobs.queues["NoticesQueue"], MaxNumberOfMessages=10, AttributeNames=["All"])
    assert len(got["Messages"]) == 2
    result = notifier.lambda_handler({"Records": sqs_records(got, "arn:aws:sqs:us-east-1:1:n")}, LambdaContext())
    notifier.sandbox.cache_clear()
    # Then the technician's phone shows "未能当日完成" once, and the resident's once
    assert result == {"batchItemFailures": []}
    texts = sorted(sms_sent())
    assert texts == [
        ("+8613700000001", f"工单{missed.number}未能当日完成，已转协调单跟进。"),
        ("+8613800000001", f"工单{missed.number}未能当日完成，已转协调单跟进。"),
    ]
