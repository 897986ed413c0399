"""The morning-meeting list through the API: what the end-of-day sweep left, for the people who work it."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta

import pytest

from propdesk.dal.directory import DirectoryStore
from propdesk.dal.tickets import TicketStore
from propdesk.models.directory import Staff
from propdesk.models.enums import Department, Role, Status
from tests.integration.sweep.support import make_ticket, target
from tests.support.seed import user

AS_OF = datetime(2026, 11, 23, 13, 31, tzinfo=UTC)  # 21:31 in Shanghai: the desk closed at 21:00
SCHEDULED = "2026-11-23T13:30:00Z"
CLOSE = datetime(2026, 11, 23, 13, 0, tzinfo=UTC)  # 21:00 local
MORNING = "/properties/SUN/morning/2026-11-23"


@pytest.fixture
def night(jobs, world, clock):
    """A desk agent's order that missed its day, a dispatched one of the week before, and a control-room operator."""
    store = TicketStore(os.environ["TICKETS_TABLE"])
    DirectoryStore(os.environ["DIRECTORY_TABLE"]).put(
        Staff(id="night", property_id="SUN", name="Night", role=Role.CONTROL_ROOM, user_sub="sub-night"), create=True
    )
    world.users["night"] = user("sub-night", "control_room")
    missed = make_ticket(
        store,
        status=Status.IN_PROGRESS,
        created_at=CLOSE - timedelta(hours=11),  # 10:00 today
        department=Department.ENGINEERING,
        assignee_id="tech",
        sla={"same_day": target("same_day", CLOSE - timedelta(hours=11), CLOSE)},
    )
    waiting = make_ticket(
        store,
        status=Status.DISPATCHED,
        created_at=datetime(2026, 11, 17, 2, 0, tzinfo=UTC),  # 10:00 six days before
        department=Department.CLEANING,
        assignee_id="cleaner",
    )
    return missed, waiting


def test_the_desk_reads_last_nights_list_by_department_with_who_is_responsible(api, jobs, world, clock, night):
    missed, waiting = night
    # Given the sweep ran at 21:30
    clock.current = AS_OF
    jobs.fire_sweep(SCHEDULED)
    # When the desk opens the list of that evening
    reply = api.get(MORNING, world["desk"])
    # Then the day's unfinished orders are there by department, each with the person responsible and what broke
    assert reply.status == 200, reply.body
    listed = reply.body
    assert (listed["day"], listed["as_of"], listed["total"]) == ("2026-11-23", "2026-11-23T13:30:00+00:00", 2)
    assert [d["department"] for d in listed["departments"]] == ["cleaning", "engineering"]
    cleaning, engineering = (d["items"] for d in listed["departments"])
    assert [(i["number"], i["status"], i["responsible"], i["age_hours"]) for i in cleaning] == [
        (waiting.number, "dispatched", "cleaner", 155.5)  # six days and 11 h 30 min
    ]
    assert [(i["number"], i["status"], i["responsible"], i["breaches"], i["coordination"]) for i in engineering] == [
        (missed.number, "coordination", "tech", ["same_day"], True)
    ]
    # And the control room, the dispatcher and the manager read the same list
    for who in ("night", "dispatcher", "manager"):
        assert api.get(MORNING, world[who]).body == listed
    # And the days with a list say so, newest first
    assert api.get("/properties/SUN/morning", world["desk"]).body == {"days": ["2026-11-23"]}


def test_the_csv_is_a_short_lived_link_to_the_file_excel_opens(api, jobs, world, clock, night):
    clock.current = AS_OF
    jobs.fire_sweep(SCHEDULED)

    reply = api.get(MORNING, world["manager"], query={"format": "csv"})

    assert reply.status == 200, reply.body
    assert reply.body["format"] == "csv" and reply.body["expires_in"] == 900
    assert "meetings/SUN/2026-11-23.csv" in reply.body["url"]
    assert jobs.get_text("meetings/SUN/2026-11-23.csv").startswith("\ufeff部门 department,工单号 number")


def test_a_run_by_hand_answers_until_the_evenings_sweep_has_written_the_days_list(api, jobs, world, clock, night):
    missed, _ = night
    # Given the desk lead sweeps by hand at 11:22, before the day is over
    clock.current = datetime(2026, 11, 23, 3, 22, tzinfo=UTC)
    jobs.fire_sweep("2026-11-23T03:22:00Z")
    early = api.get(MORNING, world["desk"]).body
    # Then the day answers with that run, the order still at work
    assert (early["day"], early["total"]) == ("2026-11-23-manual-112200", 2)
    assert missed.number in [
        i["number"] for d in early["departments"] for i in d["items"] if i["status"] == "in_progress"
    ]
    # When the 21:30 sweep runs, the day's list is the evening's
    clock.current = AS_OF
    jobs.fire_sweep(SCHEDULED)
    assert api.get(MORNING, world["desk"]).body["day"] == "2026-11-23"
    assert api.get("/properties/SUN/morning", world["desk"]).body == {"days": ["2026-11-23"]}


def test_before_the_sweep_there_is_no_list_and_nobody_else_reads_one(api, jobs, world, clock, night):
    clock.current = AS_OF
    # Before any sweep: a 404 that says so, and no days
    reply = api.get(MORNING, world["desk"])
    assert reply.status == 404
    assert reply.body["message"] == "the sweep has not written a morning-meeting list of 2026-11-23 for SUN yet"
    assert api.get("/properties/SUN/morning", world["desk"]).body == {"days": []}
    jobs.fire_sweep(SCHEDULED)
    # Another property's desk finds no such property; the field and the residents are not the list's readers
    assert api.get(MORNING, world["moondesk"]).status == 404
    assert api.get("/properties/SUN/morning", world["moondesk"]).status == 404
    assert api.get("/properties/MOON/morning/2026-11-23", world["desk"]).status == 404
    for who in ("tech", "zhang", "butler"):
        assert api.get(MORNING, world[who]).status == 403, who
    # A day that is not a date is refused, naming the field
    bad = api.get("/properties/SUN/morning/2026-13-01", world["desk"])
    assert bad.status == 422
    assert [d["field"] for d in bad.body["details"]] == ["path.day"]
