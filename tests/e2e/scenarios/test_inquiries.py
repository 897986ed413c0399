"""Inquiries and suggestions (咨询/建议) end to end: answered by the desk, escalated to the manager, adopted
and declined, each resident told in their own language.

Every due below is written by hand from DOMAIN.md's timer rules, as the property's wall clock (Asia/Shanghai);
every SMS is the exact text its recipient reads.
"""

from __future__ import annotations

import pytest

from tests.e2e.scenarios.harness import Harness

pytestmark = [pytest.mark.e2e, pytest.mark.enable_socket]

STACK_START = "2026-12-01 08:30"  # a Tuesday
# A second site manager who reads English, so that an escalation is seen in both languages.
ESCALATED = "Inquiry {n} could not be answered by the desk and is yours; reply to the resident by 2 Dec 2026, 11:00."
SAM = {
    "id": "staff-sam-carter",
    "name": "Sam Carter",
    "role": "manager",
    "department": "customer_service",
    "phone": "+8613800009901",
    "language": "en",
}


def _asked(desk: Harness, resident: str, kind: str, description: str) -> dict:
    """A resident's question from the app, once the desk's 24-hour reply target runs."""
    ticket = desk.report(resident, kind=kind, description=description)
    assert ticket["status"] == "received"
    return desk.wait_for(ticket, lambda t: "desk_reply" in t["sla"], "its reply target")


def test_an_inquiry_answered_by_the_desk_is_sent_to_the_resident(desk: Harness) -> None:
    # Given Alex Morgan (en) asks about the fee from the app at 09:00
    desk.at("2026-12-01 09:00")
    inquiry = _asked(desk, "resident-en", "inquiry", "How much is the monthly management fee for a 90 m2 flat?")
    n = inquiry["number"]
    assert desk.targets(inquiry) == {"desk_reply": "due 2026-12-02 09:00, open"}

    # When the desk answers from the book of answers at 09:10
    desk.at("2026-12-01 09:10")
    answer = "3.20 yuan per m2 a month: 288.00 yuan for 90 m2."
    desk.act("desk", inquiry, "answer", answer=answer)

    # Then the inquiry is closed in time and the resident reads the answer
    closed = desk.wait_for_status(inquiry, "closed", user="resident-en")
    assert desk.targets(closed) == {"desk_reply": "due 2026-12-02 09:00, met 2026-12-01 09:10"}
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
    desk.at("2026-12-01 10:00" if outcome == "adopted" else "2026-12-01 10:30")
    suggestion = _asked(desk, resident, "suggestion", description)
    n = suggestion["number"]

    # When the desk decides it, with the reason
    desk.act("desk", suggestion, "answer", answer=answer, outcome=outcome)

    # Then it is closed within the desk's reply time and the resident reads the outcome in their language
    closed = desk.wait_for_status(suggestion, "closed", user=resident)
    received = "10:00" if outcome == "adopted" else "10:30"
    assert desk.targets(closed) == {"desk_reply": f"due 2026-12-02 {received}, met 2026-12-01 {received}"}
    assert desk.sms(n) == {resident: [told.format(n=n)]}


def test_an_escalated_inquiry_stays_open_with_the_manager_until_the_manager_answers(desk: Harness) -> None:
    # Given the site has a second manager who reads English, and 王芳 asks about next year's fee at 11:00
    desk.call("manager", "POST", "/properties/prop-sun/staff", SAM, expect=201)
    desk.at("2026-12-01 11:00")
    inquiry = _asked(desk, "resident", "inquiry", "请问明年物业费是否上调？")
    n = inquiry["number"]

    # When the desk cannot answer and escalates it at 11:30
    desk.at("2026-12-01 11:30")
    desk.act("desk", inquiry, "answer", answer="前台无法确认明年的收费标准", outcome="escalated")

    # Then the manager owns it: still open, its reply target still running, each manager told in their language
    escalated = desk.ticket(inquiry)
    assert escalated["status"] == "escalated"
    assert desk.targets(escalated) == {"desk_reply": "due 2026-12-02 11:00, open"}
    assert "answer" in desk.ticket(inquiry, user="manager")["allowed_actions"]
    assert "answer" not in escalated["allowed_actions"]  # the desk handed it over
    assert desk.sms(n) == {
        "manager": [f"咨询{n}前台无法答复，已转经理处理，请于2026年12月2日 11:00前答复业主。"],
        SAM["phone"]: [ESCALATED.format(n=n)],
    }

    # When nobody has answered by 11:00 the next day: the breach is recorded and the desk is told
    desk.at("2026-12-02 11:01")
    late = desk.wait_for(inquiry, lambda t: t["sla"]["desk_reply"]["breached"], "the reply breach")
    assert late["status"] == "escalated"
    assert desk.targets(late) == {"desk_reply": "due 2026-12-02 11:00, breached"}

    # When the manager answers at 11:30: it closes, 30 minutes late, and the resident reads the answer
    desk.at("2026-12-02 11:30")
    desk.act("manager", inquiry, "answer", answer="明年物业费不上调，仍为每月每平方米3.20元。")
    closed = desk.wait_for_status(inquiry, "closed", user="resident")
    assert desk.targets(closed) == {"desk_reply": "due 2026-12-02 11:00, met 11:30, breached by 30 min"}
    assert desk.sms(n) == {
        "manager": [f"咨询{n}前台无法答复，已转经理处理，请于2026年12月2日 11:00前答复业主。"],
        SAM["phone"]: [ESCALATED.format(n=n)],
        "desk": [f"咨询{n}超时未答复。"],
        "resident": [f"您的咨询{n}答复：明年物业费不上调，仍为每月每平方米3.20元。"],
    }
