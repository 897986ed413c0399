"""SMS intake (短信报事) end to end: a known resident's new matters become new, linked tickets and a survey digit
answers the callback; an unknown number is asked who it is and the desk identifies it.

Every due below is written by hand from DOMAIN.md's timer rules, as the property's wall clock (Asia/Shanghai);
every SMS is the exact text its recipient reads.
"""

from __future__ import annotations

from typing import Any

import pytest

from local import seed
from tests.e2e.scenarios.harness import Harness
from tests.e2e.scenarios.phones import list_the_property_number, text

pytestmark = [pytest.mark.e2e, pytest.mark.enable_socket]

STACK_START = "2026-12-01 08:30"  # a Tuesday
ALEX = seed.phone("resident-en")


def _mine(desk: Harness, resident: str) -> dict[str, dict[str, Any]]:
    """The resident's own tickets by description, as the app lists them."""
    return {t["description"]: t for t in desk.call(resident, "GET", "/tickets")["items"]}


def test_a_known_residents_new_matters_are_new_linked_tickets_and_a_survey_digit_answers_the_callback(
    desk: Harness,
) -> None:
    # Given the manager lists the property's SMS number, and Alex Morgan (en) texts it at 09:00
    list_the_property_number(desk)
    desk.at("2026-12-01 09:00")
    text(desk, ALEX, "The bathroom sink is blocked")
    # Then it is his ticket, for his unit, and he is told its number
    sink = _mine(desk, "resident-en")["The bathroom sink is blocked"]
    n1 = sink["number"]
    assert {k: sink[k] for k in ("kind", "channel", "status", "resident_id", "unit_id", "building_id")} == {
        "kind": "repair",
        "channel": "sms",
        "status": "received",
        "resident_id": "res-alex-morgan",
        "unit_id": "sun-2-0802",
        "building_id": "sun-b2",
    }
    assert (sink["contact_name"], sink["language"], sink["linked_ticket_id"]) == ("Alex Morgan", "en", None)
    assert desk.sms(n1) == {
        "resident-en": [f"We received your report. Your ticket number is {n1}. We will arrange it shortly."]
    }

    # When he texts a new matter at 09:10 while that ticket is open
    desk.at("2026-12-01 09:10")
    text(desk, ALEX, "Complaint: the dog next door is noisy all night")
    # Then it is a new ticket of its own, linked to the open one, which only notes the link
    mine = _mine(desk, "resident-en")
    dog = mine["Complaint: the dog next door is noisy all night"]
    n2 = dog["number"]
    assert (dog["kind"], dog["status"], dog["linked_ticket_id"]) == ("complaint", "received", sink["id"])
    assert len(mine) == 2
    trail = desk.call("desk", "GET", f"/tickets/{sink['id']}/events")["events"]
    assert [(e["action"], e["note"]) for e in trail] == [("create", None), ("linked", f"新报事 new matter {n2}")]
    assert desk.sms(n2) == {
        "resident-en": [f"We received your report. Your ticket number is {n2}. We will arrange it shortly."]
    }

    # When security deals with the complaint by 09:40: Alex is asked to rate it
    desk.at("2026-12-01 09:20")
    desk.act("desk", dog, "classify", category="噪音 noise")
    desk.act("desk", dog, "dispatch", departments=["security"])
    desk.at("2026-12-01 09:40")
    desk.act("manager", dog, "resolve_subtask", department="security", outcome="done", note="已提醒邻居管好宠物")
    survey = f"Ticket {n2} is done. Please reply 1-5 to rate our service (5 = very satisfied)."
    assert desk.targets(desk.ticket(dog))["callback"] == "due 2026-12-02 09:40, open"

    # When he answers the survey with a digit at 10:00: it is the callback of the complaint, not a new matter
    desk.at("2026-12-01 10:00")
    text(desk, ALEX, "4")
    closed = desk.wait_for_status(dog, "closed", user="resident-en")
    assert closed["satisfaction"] == 4
    assert desk.targets(closed)["callback"] == "due 2026-12-02 09:40, met 2026-12-01 10:00"
    assert len(_mine(desk, "resident-en")) == 2
    assert desk.ticket(sink)["status"] == "received"
    assert desk.sms(n2) == {
        "resident-en": [
            f"We received your report. Your ticket number is {n2}. We will arrange it shortly.",
            survey,
            f"Thank you for rating ticket {n2} 4/5; your callback answer is recorded.",
        ]
    }


@pytest.mark.parametrize(
    ("sender", "first", "asked", "second", "added", "identified", "seen"),
    [
        (
            "+8613900000099",
            "2号楼电梯门关不上",
            "已收到您的消息（工单号 {n}）。我们查不到这个号码，请回复您的楼栋、房号和姓名，例如：3栋 1202 王先生。",
            "我是2号楼0102的张伟",
            "已将您的补充信息记录到工单 {n}。",
            {"unit_id": "sun-2-0102", "contact_name": "张伟"},
            {"resident_id": None, "unit_id": "sun-2-0102", "building_id": "sun-b2", "contact_name": "张伟"},
        ),
        (
            "+447700900123",
            "The gate by building 1 does not close",
            "We received your message (ticket {n}) but do not know this number. "
            "Please reply with your building, unit and name, e.g. Building 3, 1202, Mr Wang.",
            "I am Alex Morgan, building 2, flat 0802",
            "We added your message to ticket {n}.",
            {"resident_id": "res-alex-morgan"},
            {
                "resident_id": "res-alex-morgan",
                "unit_id": "sun-2-0802",
                "building_id": "sun-b2",
                "contact_name": "Alex Morgan",
            },
        ),
    ],
    ids=["unit-zh", "resident-en"],
)
def test_an_unknown_number_is_asked_who_it_is_and_the_desk_identifies_it(
    desk: Harness,
    sender: str,
    first: str,
    asked: str,
    second: str,
    added: str,
    identified: dict[str, str],
    seen: dict[str, str | None],
) -> None:
    # Given a number nobody in the directory has texts the property
    desk.at("2026-12-01 11:00" if sender.startswith("+86") else "2026-12-01 11:30")
    text(desk, sender, first)
    # Then its ticket waits for identification, and the sender is asked who and where they are
    waiting = desk.call("desk", "GET", "/tickets?property_id=prop-sun&status=needs_identification")["items"]
    [ticket] = [t for t in waiting if t["description"] == first]
    n = ticket["number"]
    assert (ticket["channel"], ticket["resident_id"], ticket["unit_id"]) == ("sms", None, None)
    assert desk.sms(n) == {sender: [asked.format(n=n)]}

    # When the sender answers: the answer is kept on that ticket for the desk, not a new ticket
    text(desk, sender, second)
    assert desk.ticket(ticket)["status"] == "needs_identification"
    trail = desk.call("desk", "GET", f"/tickets/{ticket['id']}/events")["events"]
    assert [(e["action"], e["note"]) for e in trail] == [("create", None), ("comment", f"SMS: {second}")]
    assert desk.sms(n) == {sender: [asked.format(n=n), added.format(n=n)]}

    # When the desk identifies the sender from that answer
    desk.act("desk", ticket, "identify", **identified)
    # Then the ticket has its resident and unit, and is received like any other
    known = desk.ticket(ticket)
    assert known["status"] == "received"
    assert {k: known[k] for k in seen} == seen
