"""Complaints (投诉) end to end: valid across departments with one rejecting its part, and invalid, back to the
call centre.

Every due below is written by hand from DOMAIN.md's timer rules, as the property's wall clock (Asia/Shanghai);
every SMS is the exact text its recipient reads.
"""

from __future__ import annotations

import pytest

from tests.e2e.scenarios.harness import Harness, local_time

pytestmark = [pytest.mark.e2e, pytest.mark.enable_socket]

STACK_START = "2026-12-01 08:30"  # a Tuesday


def test_a_complaint_across_two_departments_is_called_back_once_both_parts_are_done_one_rejected(
    desk: Harness,
) -> None:
    # Given Alex Morgan (en) complains from the app at 09:00
    desk.at("2026-12-01 09:00")
    complaint = desk.report(
        "resident-en", kind="complaint", description="Loud TV from the flat above every night after 23:00"
    )
    n = complaint["number"]
    assert complaint["status"] == "received"
    # Then the desk owes the resident an answer within 24 hours; a complaint has no on-site target
    received = desk.wait_for(complaint, lambda t: "desk_reply" in t["sla"], "its reply target")
    assert desk.targets(received) == {"desk_reply": "due 2026-12-02 09:00, open"}

    # When the desk judges it valid at 09:05 and sends it to security and cleaning
    desk.at("2026-12-01 09:05")
    desk.act("desk", complaint, "classify", category="噪音 noise")
    desk.act("desk", complaint, "dispatch", departments=["security", "cleaning"])
    # Then each department has its part due at the desk's close, and the desk's reply is made
    dispatched = desk.ticket(complaint)
    assert dispatched["status"] == "dispatched"
    assert [(s["department"], s["status"]) for s in dispatched["subtasks"]] == [
        ("security", "open"),
        ("cleaning", "open"),
    ]
    assert {s["department"]: local_time(s["due_at"]) for s in dispatched["subtasks"]} == {
        "security": "2026-12-01 21:00",
        "cleaning": "2026-12-01 21:00",
    }
    assert desk.targets(dispatched) == {
        "desk_reply": "due 2026-12-02 09:00, met 2026-12-01 09:05",
        "same_day": "due 2026-12-01 21:00, open",
    }

    # When cleaning rejects its part at 10:00: the complaint waits for security, and nobody is asked to rate yet
    desk.at("2026-12-01 10:00")
    desk.act("desk", complaint, "resolve_subtask", department="cleaning", outcome="rejected", note="噪音不属于环境部")
    assert desk.ticket(complaint)["status"] == "dispatched"
    assert desk.sms(n) == {}

    # When security finishes its part at 11:00: the complaint is done and the resident is asked to rate it
    desk.at("2026-12-01 11:00")
    desk.act("manager", complaint, "resolve_subtask", department="security", outcome="done", note="秩序部已上门劝导")
    done = desk.ticket(complaint)
    assert done["status"] == "completed"
    assert [(s["department"], s["status"], s["note"]) for s in done["subtasks"]] == [
        ("security", "done", "秩序部已上门劝导"),
        ("cleaning", "rejected", "噪音不属于环境部"),
    ]
    assert desk.targets(done) == {
        "desk_reply": "due 2026-12-02 09:00, met 2026-12-01 09:05",
        "same_day": "due 2026-12-01 21:00, met 11:00",
        "callback": "due 2026-12-02 11:00, open",
    }
    survey = f"Ticket {n} is done. Please reply 1-5 to rate our service (5 = very satisfied)."
    assert desk.sms(n) == {"resident-en": [survey]}

    # When the desk calls back at 14:00: the resident is satisfied, and raises a new matter on the call
    desk.at("2026-12-01 14:00")
    desk.act("desk", complaint, "record_callback", satisfaction=5, notes="resident satisfied 业主满意")
    matter = desk.call(
        "desk",
        "POST",
        "/properties/prop-sun/tickets",
        {
            "kind": "repair",
            "channel": "phone",
            "resident_id": "res-alex-morgan",
            "description": "The hallway light outside 2-0802 flickers",
            "linked_ticket_id": complaint["id"],
        },
        expect=201,
    )
    # Then the new matter is a ticket of its own, linked to the complaint; the complaint closes
    assert (matter["kind"], matter["status"], matter["linked_ticket_id"]) == ("repair", "received", complaint["id"])
    assert matter["number"] != n
    closed = desk.wait_for_status(complaint, "closed", user="resident-en")
    assert closed["description"] == "Loud TV from the flat above every night after 23:00"
    assert closed["satisfaction"] == 5
    assert desk.targets(closed) == {
        "desk_reply": "due 2026-12-02 09:00, met 2026-12-01 09:05",
        "same_day": "due 2026-12-01 21:00, met 11:00",
        "callback": "due 2026-12-02 11:00, met 2026-12-01 14:00",
    }
    assert desk.sms(n) == {"resident-en": [survey]}


def test_an_invalid_complaint_goes_back_to_the_call_centre_agent_with_the_reason(desk: Harness) -> None:
    # Given the call centre (400) records 王芳's complaint at 15:00
    desk.at("2026-12-01 15:00")
    complaint = desk.call(
        "callcentre",
        "POST",
        "/properties/prop-sun/tickets",
        {
            "kind": "complaint",
            "channel": "call_centre",
            "resident_id": "res-wang-fang",
            "description": "投诉楼上装修噪音，周六上午九点就开始施工",
        },
        expect=201,
    )
    n = complaint["number"]
    received = desk.wait_for(complaint, lambda t: "desk_reply" in t["sla"], "its reply target")
    assert desk.targets(received) == {"desk_reply": "due 2026-12-02 15:00, open"}

    # When the desk judges it invalid at 15:20, with a written reason
    desk.at("2026-12-01 15:20")
    reason = "经核查，装修在物业规定的施工时间内进行，不属于违规"
    desk.act("desk", complaint, "mark_invalid", reason=reason)

    # Then it is returned: no callback is due, the agent who recorded it is told why, the resident is not asked
    returned = desk.ticket(complaint)
    assert (returned["status"], returned["invalid_reason"]) == ("invalid", reason)
    assert desk.targets(returned) == {"desk_reply": "due 2026-12-02 15:00, met 2026-12-01 15:20"}
    assert desk.sms(n) == {"callcentre": [f"投诉{n}经判定为无效投诉，退回呼叫中心，原因：{reason}"]}
    # And it waits in the call centre's queue of returned complaints, with its reason
    queue = desk.call("callcentre", "GET", "/tickets?property_id=prop-sun&kind=complaint&status=invalid")
    assert [(t["number"], t["invalid_reason"]) for t in queue["items"]] == [(n, reason)]


def test_the_call_centre_cannot_record_a_complaint_for_a_unit_without_a_signed_contract(desk: Harness) -> None:
    # Given a unit whose contract is not signed (未签约)
    desk.call(
        "manager",
        "POST",
        "/properties/prop-sun/units",
        {"id": "sun-2-0901", "building_id": "sun-b2", "number": "0901", "contract_signed": False},
        expect=201,
    )
    before = desk.call("callcentre", "GET", "/tickets?property_id=prop-sun&kind=complaint")["items"]
    # When a call-centre agent records a complaint for it, whichever channel the agent picks
    for channel in ("call_centre", "phone"):
        refused = desk.call(
            "callcentre",
            "POST",
            "/properties/prop-sun/tickets",
            {"kind": "complaint", "channel": channel, "unit_id": "sun-2-0901", "description": "投诉电梯噪音"},
            expect=400,
        )
        # Then it is refused, naming the unit, and nothing is recorded
        assert refused["error"] == "invalid_request"
        assert refused["details"] == [{"field": "unit_id", "problem": "contract not signed (未签约)"}]
    assert desk.call("callcentre", "GET", "/tickets?property_id=prop-sun&kind=complaint")["items"] == before
