"""The duty log (值班记录) through the public API: every contact on the record, by day, reviewed by the manager."""

from __future__ import annotations

import sys
from datetime import timedelta
from typing import Any

import pytest

from propdesk.dal.directory import DirectoryStore
from propdesk.models.directory import Staff
from propdesk.models.enums import Department, Role
from tests.integration.books.duty_fixtures import Account, Day, account, today
from tests.support.seed import user

__all__ = ["account", "today"]  # the module's shared moto account, and a day of each test's own

CONTACTS = "/properties/SUN/duty/contacts"


@pytest.fixture
def api(account: Account) -> Any:
    return account.api


@pytest.fixture
def world(account: Account) -> Any:
    return account.world


@pytest.fixture(scope="module")
def night(account: Account) -> dict[str, Any]:
    """The control room's duty officer of SUN (中控室值班员), signed in like any staff member."""
    DirectoryStore(account.physical["DirectoryTable"]).put(
        Staff(
            id="nightwatch",
            property_id="SUN",
            name="值班员",
            role=Role.CONTROL_ROOM,
            department=Department.SECURITY,
            user_sub="sub-nightwatch",
        ),
        create=True,
    )
    return user("sub-nightwatch", "control_room")


def log(day: Day, property_id: str = "SUN") -> str:
    return f"/properties/{property_id}/duty/{day.label}"


def answered_call(**extra: Any) -> dict[str, Any]:
    return {
        "channel": "phone",
        "request": "问明天停水几点恢复",
        "outcome": "answered",
        "answer": "明天 9:00-12:00 检修二次供水，12:00 恢复",
        "resident_id": "zhang",
        **extra,
    }


def test_a_call_answered_at_once_is_on_that_days_log(api, world, today):
    # Given the desk answers a resident's call on the spot
    reply = api.post(CONTACTS, world["desk"], body=answered_call())
    assert reply.status == 201, reply.body

    # When the desk reads today's log
    day = api.get(log(today), world["desk"])

    # Then the call is there with who took it, the resident and unit, what was asked and the answer
    assert day.status == 200, day.body
    [contact] = day.body["contacts"]
    assert contact["at"].startswith(f"{today.label}T02:00:00")  # 10:00 in Shanghai
    assert (contact["channel"], contact["outcome"], contact["shift"]) == ("phone", "answered", "desk")
    assert (contact["taken_by"], contact["taken_by_role"]) == ("desk", "desk_agent")
    assert (contact["resident_id"], contact["unit_id"], contact["contact_name"]) == ("zhang", "U101", "张伟")
    assert contact["request"] == "问明天停水几点恢复"
    assert contact["answer"] == "明天 9:00-12:00 检修二次供水，12:00 恢复"
    assert day.body["review"] is None


def test_a_ticket_recorded_from_a_call_leaves_one_contact_naming_it(api, world, today):
    # Given the desk records a phone report as a ticket, the one way a call that opens a ticket is recorded
    body = {"kind": "repair", "channel": "phone", "description": "卫生间漏水", "resident_id": "zhang"}
    ticket = api.post("/properties/SUN/tickets", world["desk"], body=body)
    assert ticket.status == 201, ticket.body

    # When the log of the day is read
    contacts = api.get(log(today), world["desk"]).body["contacts"]

    # Then the call is one contact, whose outcome names the ticket it opened
    assert len(contacts) == 1
    [contact] = contacts
    assert contact["outcome"] == "ticket_created"
    assert (contact["ticket_id"], contact["ticket_number"]) == (ticket.body["id"], ticket.body["number"])
    assert (contact["channel"], contact["taken_by"], contact["request"]) == ("phone", "desk", "卫生间漏水")


def test_a_residents_report_in_the_app_is_a_contact_too(api, world, today):
    reply = api.post("/tickets", world["zhang"], body={"kind": "repair", "description": "门锁坏了"})
    assert reply.status == 201, reply.body

    [contact] = api.get(log(today), world["desk"]).body["contacts"]

    assert (contact["channel"], contact["outcome"], contact["ticket_number"]) == (
        "app",
        "ticket_created",
        reply.body["number"],
    )
    assert (contact["taken_by"], contact["taken_by_role"]) == ("zhang", "resident")


def test_a_call_about_an_open_ticket_and_a_transferred_visit_keep_their_outcome(api, world, today):
    ticket = api.post("/tickets", world["zhang"], body={"kind": "repair", "description": "门锁坏了"}).body
    today.at(10, 30)
    urge = {"channel": "phone", "request": "催一下修锁", "outcome": "ticket_linked", "ticket_id": ticket["id"]}
    assert api.post(CONTACTS, world["desk"], body=urge).status == 201
    today.at(10, 35)
    visit = {
        "channel": "visit",
        "request": "要求查看小区监控录像",
        "outcome": "transferred",
        "transferred_to": "security",
        "contact_name": "访客",
    }
    assert api.post(CONTACTS, world["desk"], body=visit).status == 201

    contacts = api.get(log(today), world["desk"]).body["contacts"]

    # In the order they came in: the app report, the urge naming the ticket (and its resident), the visit
    assert [c["outcome"] for c in contacts] == ["ticket_created", "ticket_linked", "transferred"]
    assert (contacts[1]["ticket_number"], contacts[1]["resident_id"]) == (ticket["number"], "zhang")
    assert (contacts[2]["channel"], contacts[2]["transferred_to"], contacts[2]["unit_id"]) == (
        "visit",
        "security",
        None,
    )


def test_outside_desk_hours_the_control_room_takes_the_contacts(api, world, today, night):
    # Given 22:30 in Shanghai, after the desk closed at 21:00
    today.at(22, 30)
    call = {"channel": "phone", "request": "楼道灯不亮", "outcome": "transferred", "transferred_to": "engineering"}

    # When the control room records a call and opens a ticket for a leak
    assert api.post(CONTACTS, night, body=call).status == 201
    leak = {"kind": "repair", "channel": "phone", "description": "楼上漏水到我家", "resident_id": "smith"}
    ticket = api.post("/properties/SUN/tickets", night, body=leak)
    assert ticket.status == 201, ticket.body

    # Then both are the night shift's, taken by the control room, on that local day's log
    contacts = api.get(log(today), night).body["contacts"]
    assert [(c["shift"], c["taken_by_role"], c["outcome"]) for c in contacts] == [
        ("control_room", "control_room", "transferred"),
        ("control_room", "control_room", "ticket_created"),
    ]


def test_an_intake_contact_after_midnight_is_on_the_next_local_day(api, world, today):
    # 00:30 on Tuesday in Shanghai is still Monday in UTC: the log goes by the property's own day
    today.at(0, 30, days=1)
    assert api.post("/tickets", world["zhang"], body={"kind": "repair", "description": "停电了"}).status == 201

    assert api.get(log(today), world["desk"]).body["contacts"] == []
    [contact] = api.get(f"/properties/SUN/duty/{today.day + timedelta(days=1)}", world["desk"]).body["contacts"]
    assert contact["shift"] == "control_room"


def test_the_manager_reviews_the_day_once_with_a_note(api, world, today):
    assert api.post(CONTACTS, world["desk"], body=answered_call()).status == 201
    today.at(21, 30)  # after the desk closed

    # The desk may not review its own log
    refused = api.post(f"{log(today)}/review", world["desk"], body={"note": "已阅"})
    assert (refused.status, refused.error) == (403, "forbidden")

    reviewed = api.post(f"{log(today)}/review", world["manager"], body={"note": "记录完整，停水咨询较多，明早张贴通知"})
    assert reviewed.status == 201, reviewed.body
    again = api.post(f"{log(today)}/review", world["manager"], body={"note": "再看一次"})
    assert (again.status, again.error) == (409, "already_reviewed")

    review = api.get(log(today), world["desk"]).body["review"]
    assert review["note"] == "记录完整，停水咨询较多，明早张贴通知"
    assert (review["reviewed_by"], review["contacts_seen"]) == ("manager", 1)
    assert review["reviewed_at"].startswith(f"{today.label}T13:30:00")


def test_a_day_that_has_not_begun_cannot_be_reviewed(api, world, today):
    reply = api.post(
        f"/properties/SUN/duty/{today.day + timedelta(days=1)}/review", world["manager"], body={"note": "提前审阅"}
    )
    assert reply.status == 400
    assert reply.body["details"][0]["field"] == "day"


@pytest.mark.parametrize("who", ["tech", "dispatcher", "contractor", "zhang", "butler"])
def test_staff_outside_the_desk_and_residents_may_neither_write_nor_read_the_log(api, world, today, who):
    written = api.post(CONTACTS, world[who], body=answered_call())
    read = api.get(log(today), world[who])

    assert (written.status, read.status) == (403, 403)
    assert api.get(log(today), world["desk"]).body["contacts"] == []


def test_another_propertys_log_is_not_found_and_never_mixes(api, world, today):
    assert api.post(CONTACTS, world["desk"], body=answered_call()).status == 201
    moon = {"channel": "visit", "request": "咨询车位", "outcome": "answered", "answer": "车位已满"}
    assert api.post("/properties/MOON/duty/contacts", world["moondesk"], body=moon).status == 201

    assert api.get(log(today), world["moondesk"]).status == 404
    assert api.post(CONTACTS, world["moondesk"], body=answered_call()).status == 404
    assert api.post(f"{log(today)}/review", world["moondesk"], body={"note": "已阅"}).status == 404
    assert [c["request"] for c in api.get(log(today, "MOON"), world["moondesk"]).body["contacts"]] == ["咨询车位"]
    # The group's call centre keeps the log of any property
    assert [c["request"] for c in api.get(log(today), world["callcentre"]).body["contacts"]] == ["问明天停水几点恢复"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"answer": None}, "answer"),
        ({"outcome": "ticket_linked"}, "ticket_id"),
        ({"outcome": "transferred"}, "transferred_to"),
        ({"outcome": "ticket_created"}, "body.outcome"),
        ({"channel": "sms"}, "body.channel"),
        ({"resident_id": "moonres"}, "resident_id"),
        ({"outcome": "ticket_linked", "ticket_id": "t_unknown"}, "ticket_id"),
        ({"at": "2099-01-01T11:00:00+08:00"}, "at"),
        ({"request": ""}, "body.request"),
    ],
)
def test_a_contact_missing_what_its_outcome_needs_is_refused_naming_the_field(api, world, today, change, field):
    body = {k: v for k, v in answered_call(**change).items() if v is not None}

    reply = api.post(CONTACTS, world["desk"], body=body)

    assert 400 <= reply.status < 500 and reply.status != 404, reply.body
    assert set(reply.body) == {"error", "message", "details"}
    assert field in [d["field"] for d in reply.body["details"]]
    assert api.get(log(today), world["desk"]).body["contacts"] == []


def test_the_demo_property_has_a_day_of_duty_log(account, api, today):
    from local import seed as demo

    # Given the local stack's demo seed, written this morning
    demo.seed(account.physical["DirectoryTable"], None, account.physical["BooksTable"])
    manager = user(demo.demo_sub("manager"), "manager")

    # When its manager opens yesterday's log
    yesterday = today.day - timedelta(days=1)
    reply = api.get(f"/properties/{demo.PROPERTY_ID}/duty/{yesterday}", manager)

    # Then a newcomer sees a day: calls, visits, a self-inspection, the night, the handover and the review
    assert reply.status == 200, reply.body
    day = reply.body
    assert [c["channel"] for c in day["contacts"]] == [
        "phone",
        "visit",
        "self_inspection",
        "call_centre",
        "visit",
        "phone",
    ]
    assert [c["shift"] for c in day["contacts"]][-1] == "control_room"
    assert [(h["from_shift"], h["to_shift"]) for h in day["handovers"]] == [("desk", "control_room")]
    assert day["review"]["reviewed_by"] == "staff-liu-yang"


def test_a_retried_contact_with_its_idempotency_key_is_recorded_once(api, world, today):
    headers = {"Idempotency-Key": f"contact-{today.label}-0001"}

    first = api.post(CONTACTS, world["desk"], body=answered_call(), headers=headers)
    again = api.post(CONTACTS, world["desk"], body=answered_call(), headers=headers)

    assert (first.status, again.status) == (201, 201)
    assert again.body["id"] == first.body["id"]
    assert len(api.get(log(today), world["desk"]).body["contacts"]) == 1


def test_a_days_log_is_read_with_one_query(api, world, today):
    from tests.support.requests import DynamoDBRequests

    # Given a day with contacts, a handover-free evening and a review, read once (a warm sandbox)
    for hour in (9, 11, 15):
        today.at(hour)
        assert api.post(CONTACTS, world["desk"], body=answered_call()).status == 201
    today.at(21, 30)
    assert api.post(f"{log(today)}/review", world["manager"], body={"note": "已阅"}).status == 201
    api.get(log(today), world["desk"])
    counter = DynamoDBRequests()
    counter.install()
    sys.modules["routes.deps"].duty_store.cache_clear()  # its client is made now, and counted
    try:
        # When the desk reads the day
        with counter.measure() as counts:
            reply = api.get(log(today), world["desk"])
    finally:
        counter.uninstall()

    # Then the contacts and the review came back from one Query, and no Scan
    assert reply.status == 200 and len(reply.body["contacts"]) == 3 and reply.body["review"] is not None
    assert dict(counts) == {"Query": 1}


@pytest.mark.parametrize("day", ["yesterday", "2026-13-01", "20261123"])
def test_a_day_that_is_not_a_date_is_refused_naming_it(api, world, today, day):
    reply = api.get(f"/properties/SUN/duty/{day}", world["desk"])

    assert reply.status == 422, reply.body
    assert [d["field"] for d in reply.body["details"]] == ["path.day"]
