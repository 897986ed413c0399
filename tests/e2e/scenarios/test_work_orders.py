"""Work orders beyond a plain repair, end to end: warranty to a contractor, household service with an appointment
booked before dispatch, a quick task.

Every due below is written by hand from DOMAIN.md's timer rules, as the property's wall clock (Asia/Shanghai);
every SMS is the exact text its recipient reads.
"""

from __future__ import annotations

import pytest

from tests.e2e.scenarios.harness import Harness

pytestmark = [pytest.mark.e2e, pytest.mark.enable_socket]

TECHNICIAN = "staff-zhou-qiang"
WARRANTY_ENGINEER = "staff-wu-gang"
CONTRACTOR = "staff-zheng-jian"


def test_a_warranty_defect_is_inspected_the_next_day_repaired_by_the_contractor_and_reinspected(desk: Harness) -> None:
    # Given a resident reports a crack at 10:00, dispatched to the warranty engineer: accept & inspect in 30 minutes
    desk.at("2026-12-01 10:00")
    ticket = desk.report("resident", kind="warranty", description="客厅墙面开裂 a crack in the living-room wall")
    n = ticket["number"]
    desk.act("desk", ticket, "classify", category="wall 墙面", department="engineering")
    desk.act("desk", ticket, "dispatch", department="engineering", assignee_id=WARRANTY_ENGINEER)
    dispatched = desk.ticket(ticket)
    assert dispatched["status"] == "dispatched"
    assert desk.targets(dispatched) == {
        "accept_inspect": "due 2026-12-01 10:30, open",
        "same_day": "due 2026-12-01 21:00, open",
        "butler_report": "due 2026-12-01 14:00, open",
    }

    # When the engineer accepts at 10:10 and the desk books the visit: not the same day, the next day is allowed
    desk.at("2026-12-01 10:10")
    desk.act("warranty", ticket, "accept")
    refused = desk.act("desk", ticket, "book_appointment", appointment_at="2026-12-01T15:00:00+08:00", expect=422)
    assert refused["details"][0]["field"] == "appointment_at"
    desk.act("desk", ticket, "book_appointment", appointment_at="2026-12-02T10:00:00+08:00")

    # Then booking met accept & inspect, the visit has its own target, and the wait for it moves the same-day
    # due by the desk time inside it (10:10 -> next day 10:00 is 12 h 50 min of desk time: 21:00 -> 20:50)
    booked = desk.ticket(ticket)
    assert desk.targets(booked) == {
        "accept_inspect": "due 2026-12-01 10:30, met 10:10",
        "appointment": "due 2026-12-02 10:00, open",
        "same_day": "due 2026-12-02 20:50, open",
        "butler_report": "due 2026-12-01 14:00, open",
    }
    visit = f"工单{n}已预约上门时间：2026年12月2日 10:00。"
    assert desk.sms(n) == {"warranty": [f"新工单{n}已派给您，请尽快接单。", visit], "resident": [visit]}

    # When the engineer is on site at 09:55 next day and routes the repair to the contractor, due 5 Dec 18:00
    desk.at("2026-12-02 09:55")
    desk.act("warranty", ticket, "arrive")
    desk.act("warranty", ticket, "route", contractor_id=CONTRACTOR, deadline="2026-12-05T18:00:00+08:00")
    routed = desk.ticket(ticket)
    assert routed["status"] == "routed"
    assert desk.targets(routed)["appointment"] == "due 2026-12-02 10:00, met 09:55"
    assert desk.targets(routed)["same_day"] == "due 2026-12-05 18:00, open"

    # Then the resident consents to the plan, the contractor repairs, and the engineer re-inspects before sign-off
    desk.at("2026-12-02 10:05")
    desk.act("resident", ticket, "consent")
    assert desk.ticket(ticket)["status"] == "plan_agreed"
    desk.act("contractor", ticket, "start")
    desk.at("2026-12-02 12:30")
    desk.act("contractor", ticket, "complete", notes="墙面修补完成 crack filled and painted")
    desk.act("resident", ticket, "sign_off", rating=5, expect=409)
    desk.at("2026-12-02 14:00")
    desk.act("warranty", ticket, "reinspect", note="复验合格")
    assert desk.ticket(ticket)["status"] == "reinspected"
    desk.at("2026-12-02 14:30")
    desk.act("resident", ticket, "sign_off", rating=5)
    closed = desk.wait_for_status(ticket, "closed")
    assert desk.targets(closed) == {
        "accept_inspect": "due 2026-12-01 10:30, met 10:10",
        "appointment": "due 2026-12-02 10:00, met 09:55",
        "same_day": "due 2026-12-05 18:00, met 2026-12-02 12:30",
        "butler_report": "due 2026-12-02 13:00, met 12:30",
    }
    # The butler was asked for progress every 4 desk hours while the job was open: 14:00, 18:00, next day 09:00
    report = f"工单{n}：请向前台报告进度。"
    assert desk.sms(n) == {
        "warranty": [f"新工单{n}已派给您，请尽快接单。", visit, f"维保工单{n}施工单位已完工，请复验。"],
        "resident": [visit, f"工单{n}的维修方案待您确认，请联系前台或在App中确认。", f"工单{n}已完工，请验收签字。"],
        "butler": [report, report, report],
        "contractor": [f"维保工单{n}已转施工单位，完成期限2026年12月5日 18:00。"],
    }


def test_a_warranty_request_caused_by_the_resident_is_returned_as_invalid_with_its_reason(desk: Harness) -> None:
    desk.at("2026-12-03 09:00")
    ticket = desk.report("resident", kind="warranty", description="卧室门框变形")
    n = ticket["number"]
    desk.act("desk", ticket, "classify", category="door frame 门框", department="engineering")
    desk.act("desk", ticket, "dispatch", department="engineering", assignee_id=WARRANTY_ENGINEER)
    desk.at("2026-12-03 09:20")
    desk.act("warranty", ticket, "accept")
    desk.act("warranty", ticket, "arrive")
    desk.act("warranty", ticket, "mark_invalid", reason="住户自行改装造成，不在保修范围")
    invalid = desk.wait_for_status(ticket, "invalid")
    assert invalid["invalid_reason"] == "住户自行改装造成，不在保修范围"
    assert desk.targets(invalid) == {
        "accept_inspect": "due 2026-12-03 09:30, met 09:20",
        "same_day": "due 2026-12-03 21:00, met 09:20",
        "butler_report": "due 2026-12-03 13:00, met 09:20",
    }
    assert desk.sms(n) == {
        "warranty": [f"新工单{n}已派给您，请尽快接单。"],
        "resident": [f"工单{n}不属于维保范围，原因：住户自行改装造成，不在保修范围。如有疑问请联系前台。"],
    }


def test_a_household_service_booked_before_dispatch_is_held_to_its_appointment_not_to_15_minutes(
    desk: Harness,
) -> None:
    # Given an English-speaking resident asks for a deep cleaning; the desk books 14:00 with them before dispatch
    desk.at("2026-12-03 10:00")
    ticket = desk.report("resident-en", kind="household_service", description="Move-in deep cleaning of the flat")
    n = ticket["number"]
    desk.act("desk", ticket, "classify", category="deep cleaning 开荒保洁", paid=True, department="cleaning")
    desk.act("desk", ticket, "book_appointment", appointment_at="2026-12-03T14:00:00+08:00")
    desk.at("2026-12-03 10:05")
    desk.act("desk", ticket, "dispatch", department="cleaning", assignee_id=TECHNICIAN)

    # Then the visit is due at the appointment, with no 15-minute target, and the wait until it moves the
    # same-day due by the desk time inside it (10:05 -> 14:00 is 3 h 55 min: 21:00 -> next day 11:55)
    dispatched = desk.ticket(ticket)
    assert desk.targets(dispatched) == {
        "appointment": "due 2026-12-03 14:00, open",
        "same_day": "due 2026-12-04 11:55, open",
        "butler_report": "due 2026-12-03 14:05, open",
    }
    booked = f"Ticket {n}: visit booked for 3 Dec 2026, 14:00."
    desk.at("2026-12-03 10:30")
    assert desk.sms(n) == {"resident-en": [booked], "technician": [f"新工单{n}已派给您，请尽快接单。"]}

    # When the cleaner is on site at 13:58 and the price is agreed there (300 yuan): the work starts after a yes
    desk.at("2026-12-03 13:58")
    desk.act("technician", ticket, "accept")
    desk.act("technician", ticket, "arrive")
    desk.act("technician", ticket, "quote", amount_cents=30000)
    desk.act("resident-en", ticket, "approve_quote")
    desk.act("technician", ticket, "start")
    desk.at("2026-12-03 16:00")
    desk.act("technician", ticket, "complete", fee_cents=30000)
    desk.at("2026-12-03 16:10")
    desk.act("resident-en", ticket, "sign_off", rating=5)

    # Then, paid, it is called back within 24 hours of completion, and the desk's callback closes it
    signed = desk.ticket(ticket)
    assert signed["status"] == "signed_off"
    assert desk.targets(signed)["callback"] == "due 2026-12-04 16:00, open"
    desk.at("2026-12-04 09:00")
    desk.act("desk", ticket, "record_callback", satisfaction=5)
    closed = desk.wait_for_status(ticket, "closed")
    assert desk.targets(closed) == {
        "appointment": "due 2026-12-03 14:00, met 13:58",
        "same_day": "due 2026-12-04 11:55, met 2026-12-03 16:00",
        "butler_report": "due 2026-12-03 18:05, met 16:00",
        "callback": "due 2026-12-04 16:00, met 09:00",
    }
    assert desk.sms(n) == {
        "resident-en": [
            booked,
            f"Ticket {n}: the quote is CNY 300.00. Reply YES to accept or NO to decline.",
            f"Ticket {n} is finished; please inspect and sign off.",
            f"Ticket {n} is done. Please reply 1-5 to rate our service (5 = very satisfied).",
        ],
        "technician": [f"新工单{n}已派给您，请尽快接单。"],
        "butler": [f"工单{n}：请向前台报告进度。"],  # at 14:05, while the cleaning went on
    }


def test_a_quick_task_is_recorded_done_and_closed_by_the_desk_at_once(desk: Harness) -> None:
    desk.at("2026-12-04 10:00")
    ticket = desk.record(
        "desk",
        kind="quick_task",
        channel="visit",
        area="public",
        building_id="sun-b1",
        description="1号楼门口有快递，请秩序部开门 open the gate of building 1 for a delivery",
    )
    closed = desk.wait_for_status(ticket, "closed")
    assert closed["channel"] == "visit"
    assert desk.targets(closed) == {}
    assert desk.sms(ticket["number"]) == {}
