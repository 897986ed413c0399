"""Complaints, inquiries and suggestions (投诉, 咨询, 建议) end to end: a valid complaint across departments with one
rejecting its part, an invalid one back to the call centre, an inquiry answered and one escalated to the manager,
suggestions adopted and declined; each person told in their own language.

Every due below is written by hand from DOMAIN.md's timer rules, as the property's wall clock (Asia/Shanghai);
every SMS is the exact text its recipient reads.
"""

from __future__ import annotations

import pytest

from tests.e2e.scenarios.harness import Harness, local_time

pytestmark = [pytest.mark.e2e, pytest.mark.enable_socket]

STACK_START = "2026-12-01 08:30"  # a Tuesday: complaints in the morning, questions in the afternoon
ESCALATED = "Inquiry {n} could not be answered by the desk and is yours; reply to the resident by 2 Dec 2026, 17:30."
# A second site manager who reads English, so that an escalation is seen in both languages.
SAM = {
    "id": "staff-sam-carter",
    "name": "Sam Carter",
    "role": "manager",
    "department": "customer_service",
    "phone": "+8613800009901",
    "language": "en",
}


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


def _asked(desk: Harness, resident: str, kind: str, description: str) -> dict:
    """A resident's question from the app, once the desk's 24-hour reply target runs."""
    ticket = desk.report(resident, kind=kind, description=description)
    assert ticket["status"] == "received"
    return desk.wait_for(ticket, lambda t: "desk_reply" in t["sla"], "its reply target")


def test_an_inquiry_answered_by_the_desk_is_sent_to_the_resident(desk: Harness) -> None:
    # Given Alex Morgan (en) asks about the fee from the app at 16:00
    desk.at("2026-12-01 16:00")
    inquiry = _asked(desk, "resident-en", "inquiry", "How much is the monthly management fee for a 90 m2 flat?")
    n = inquiry["number"]
    assert desk.targets(inquiry) == {"desk_reply": "due 2026-12-02 16:00, open"}

    # When the desk answers from the book of answers at 16:10
    desk.at("2026-12-01 16:10")
    answer = "3.20 yuan per m2 a month: 288.00 yuan for 90 m2."
    desk.act("desk", inquiry, "answer", answer=answer)

    # Then the inquiry is closed in time and the resident reads the answer
    closed = desk.wait_for_status(inquiry, "closed", user="resident-en")
    assert desk.targets(closed) == {"desk_reply": "due 2026-12-02 16:00, met 2026-12-01 16:10"}
    assert desk.sms(n) == {"resident-en": [f"Answer to your inquiry {n}: {answer}"]}


@pytest.mark.parametrize(
    ("resident", "description", "outcome", "answer", "told"),
    [
        (
            "resident",
            "建议在2号楼门口增设快递柜",
            "adopted",
            "本月内在2号楼门口增设快递柜",
            "感谢您的建议（{n}），我们已采纳：本月内在2号楼门口增设快递柜",
        ),
        (
            "resident-en",
            "Please put bike racks by building 2",
            "declined",
            "the space by building 2 is a fire lane and must stay clear",
            "Thank you for your suggestion ({n}); we cannot adopt it because: "
            "the space by building 2 is a fire lane and must stay clear",
        ),
    ],
    ids=["adopted-zh", "declined-en"],
)
def test_a_suggestions_outcome_is_told_to_the_resident(
    desk: Harness, resident: str, description: str, outcome: str, answer: str, told: str
) -> None:
    # Given a resident's suggestion from the app
    desk.at("2026-12-01 16:30" if outcome == "adopted" else "2026-12-01 17:00")
    suggestion = _asked(desk, resident, "suggestion", description)
    n = suggestion["number"]

    # When the desk decides it, with the reason
    desk.act("desk", suggestion, "answer", answer=answer, outcome=outcome)

    # Then it is decided within the desk's reply time and the resident reads the outcome in their language;
    # a declined one is closed, an adopted one stays open until it is carried out
    decided = desk.wait_for_status(suggestion, "adopted" if outcome == "adopted" else "closed", user=resident)
    received = "16:30" if outcome == "adopted" else "17:00"
    assert desk.targets(decided) == {"desk_reply": f"due 2026-12-02 {received}, met 2026-12-01 {received}"}
    assert desk.sms(n) == {resident: [told.format(n=n)]}
    if outcome != "adopted":
        return

    # When the parcel lockers are in, the desk records it done: it closes and the resident is told
    desk.act("desk", suggestion, "answer", answer="快递柜已在2号楼门口安装启用", outcome="done")
    desk.wait_for_status(suggestion, "closed", user=resident)
    assert desk.sms(n) == {resident: [told.format(n=n), f"您的建议（{n}）已落实：快递柜已在2号楼门口安装启用"]}


def test_an_escalated_inquiry_stays_open_with_the_manager_until_the_manager_answers(desk: Harness) -> None:
    # Given the site has a second manager who reads English, and 王芳 asks about next year's fee at 17:30
    desk.call("manager", "POST", "/properties/prop-sun/staff", SAM, expect=201)
    desk.at("2026-12-01 17:30")
    inquiry = _asked(desk, "resident", "inquiry", "请问明年物业费是否上调？")
    n = inquiry["number"]

    # When the desk cannot answer and escalates it at 18:00
    desk.at("2026-12-01 18:00")
    desk.act("desk", inquiry, "answer", answer="前台无法确认明年的收费标准", outcome="escalated")

    # Then the manager owns it: still open, its reply target still running, each manager told in their language
    escalated = desk.ticket(inquiry)
    assert escalated["status"] == "escalated"
    assert desk.targets(escalated) == {"desk_reply": "due 2026-12-02 17:30, open"}
    assert "answer" in desk.ticket(inquiry, user="manager")["allowed_actions"]
    assert "answer" not in escalated["allowed_actions"]  # the desk handed it over
    assert desk.sms(n) == {
        "manager": [f"咨询{n}前台无法答复，已转经理处理，请于2026年12月2日 17:30前答复业主。"],
        SAM["phone"]: [ESCALATED.format(n=n)],
    }

    # When nobody has answered by 17:30 the next day: the breach is recorded and the desk is told
    desk.at("2026-12-02 17:31")
    late = desk.wait_for(inquiry, lambda t: t["sla"]["desk_reply"]["breached"], "the reply breach")
    assert late["status"] == "escalated"
    assert desk.targets(late) == {"desk_reply": "due 2026-12-02 17:30, breached"}

    # When the manager answers at 18:00: it closes, 30 minutes late, and the resident reads the answer
    desk.at("2026-12-02 18:00")
    desk.act("manager", inquiry, "answer", answer="明年物业费不上调，仍为每月每平方米3.20元。")
    closed = desk.wait_for_status(inquiry, "closed", user="resident")
    assert desk.targets(closed) == {"desk_reply": "due 2026-12-02 17:30, met 18:00, breached by 30 min"}
    assert desk.sms(n) == {
        "manager": [f"咨询{n}前台无法答复，已转经理处理，请于2026年12月2日 17:30前答复业主。"],
        SAM["phone"]: [ESCALATED.format(n=n)],
        "desk": [f"咨询{n}超时未答复。"],
        "resident": [f"您的咨询{n}答复：明年物业费不上调，仍为每月每平方米3.20元。"],
    }
