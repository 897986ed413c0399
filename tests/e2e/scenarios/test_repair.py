"""Repairs (报修) end to end: free, paid with a quote, refused at sign-off, called back unsatisfied.

Every due below is written by hand from DOMAIN.md's timer rules, as the property's wall clock (Asia/Shanghai);
every SMS is the exact text its recipient reads.
"""

from __future__ import annotations

import pytest

from tests.e2e.scenarios.harness import Harness

pytestmark = [pytest.mark.e2e, pytest.mark.enable_socket]
# The scenarios follow each other on the stack's clock: a Wednesday and a Thursday at the desk.
STACK_START = "2026-12-02 08:00"

TECHNICIAN = "staff-zhou-qiang"


def test_a_free_repair_with_a_late_technician_is_escalated_and_closes_at_a_satisfied_sign_off(desk: Harness) -> None:
    # Given a resident reports a leak from the app at 09:00, and the desk dispatches it at once
    resident, completed_sms, day = "resident", "工单{n}已完工，请验收签字。", "2026-12-02"
    desk.at(f"{day} 09:00")
    ticket = desk.report(resident, kind="repair", description="厨房水槽下水管漏水 the kitchen sink pipe leaks")
    n = ticket["number"]
    assert ticket["status"] == "received"
    desk.act("desk", ticket, "classify", category="plumbing 水管", paid=False, department="engineering")
    desk.act("desk", ticket, "dispatch", department="engineering", assignee_id=TECHNICIAN)

    # Then: on site within 15 minutes, finished by the desk's close (21:00), the butler reports every 4 desk hours
    dispatched = desk.ticket(ticket)
    assert dispatched["status"] == "dispatched"
    assert desk.targets(dispatched) == {
        "on_site": f"due {day} 09:15, open",
        "same_day": f"due {day} 21:00, open",
        "butler_report": f"due {day} 13:00, open",
    }
    assert desk.sms(n) == {"technician": [f"新工单{n}已派给您，请尽快接单。"]}

    # When nobody is on site at 09:15: the breach is recorded and dispatcher and desk are told
    desk.at(f"{day} 09:16")
    late = desk.wait_for(ticket, lambda t: t["sla"]["on_site"]["breached"], "the on-site breach")
    assert desk.targets(late)["on_site"] == f"due {day} 09:15, breached"
    overdue = f"工单{n}超时未到场，请与业主预约上门时间。"
    assert desk.sms(n) == {
        "technician": [f"新工单{n}已派给您，请尽快接单。"],
        "dispatcher": [overdue],
        "desk": [overdue],
    }

    # When the technician accepts and arrives at minute 17: he is on site, two minutes late; the work goes on
    desk.at(f"{day} 09:17")
    desk.act("technician", ticket, "accept")
    desk.act("technician", ticket, "arrive", note="到场 on site")
    assert desk.ticket(ticket)["status"] == "on_site"
    desk.act("technician", ticket, "start")
    desk.at(f"{day} 10:30")
    desk.act(
        "technician",
        ticket,
        "complete",
        materials=[{"name": "PPR 弯头 elbow 20mm", "quantity": 1, "unit_price_cents": 800}],
        notes="更换破裂弯头 replaced the cracked elbow",
    )
    completed = desk.ticket(ticket)
    assert completed["status"] == "completed"
    assert desk.targets(completed) == {
        "on_site": f"due {day} 09:15, met 09:17, breached by 2 min",
        "same_day": f"due {day} 21:00, met 10:30",
        "butler_report": f"due {day} 13:00, met 10:30",
    }

    # When the resident signs off satisfied: a free job rated satisfied needs no callback, and it closes
    desk.at(f"{day} 10:40")
    desk.act(resident, ticket, "sign_off", rating=5, note="修好了 fixed, thanks")
    closed = desk.wait_for_status(ticket, "closed", user=resident)
    assert "callback" not in closed["sla"]
    assert desk.sms(n) == {
        "technician": [f"新工单{n}已派给您，请尽快接单。"],
        "dispatcher": [overdue],
        "desk": [overdue],
        resident: [completed_sms.format(n=n)],
    }


def test_a_paid_repair_waits_for_the_residents_yes_to_its_quote_and_is_called_back_within_24_hours(
    desk: Harness,
) -> None:
    # Given an English-speaking resident's broken lock, a paid job, dispatched at 11:00
    desk.at("2026-12-02 11:00")
    ticket = desk.report("resident-en", kind="repair", description="The front door lock is broken")
    n = ticket["number"]
    desk.act("desk", ticket, "classify", category="lock 门锁", paid=True, department="engineering")
    desk.act("desk", ticket, "dispatch", department="engineering", assignee_id=TECHNICIAN)
    desk.at("2026-12-02 11:10")
    desk.act("technician", ticket, "accept")
    desk.act("technician", ticket, "arrive")

    # When the technician quotes 120.50 yuan: the resident is asked in English, and no work starts before a yes
    desk.act("technician", ticket, "quote", amount_cents=12050, note="new lock cylinder 更换锁芯")
    assert desk.ticket(ticket)["status"] == "quoted"
    desk.act("technician", ticket, "start", expect=409)
    assert desk.sms(n) == {
        "technician": [f"新工单{n}已派给您，请尽快接单。"],
        "resident-en": [f"Ticket {n}: the quote is CNY 120.50. Reply YES to accept or NO to decline."],
    }
    desk.at("2026-12-02 11:20")
    desk.act("resident-en", ticket, "approve_quote")
    desk.act("technician", ticket, "start")
    desk.at("2026-12-02 12:00")
    desk.act("technician", ticket, "complete", fee_cents=12050, notes="lock cylinder replaced 已更换锁芯")

    # When the resident signs off satisfied at 12:30: a paid job is always called back, within 24 hours of completion
    desk.at("2026-12-02 12:30")
    desk.act("resident-en", ticket, "sign_off", rating=5)
    signed = desk.ticket(ticket)
    assert signed["status"] == "signed_off"
    assert signed["fee_cents"] == 12050
    assert desk.targets(signed) == {
        "on_site": "due 2026-12-02 11:15, met 11:10",
        "same_day": "due 2026-12-02 21:00, met 12:00",
        "butler_report": "due 2026-12-02 15:00, met 12:00",
        "callback": "due 2026-12-03 12:00, open",
    }

    # Then the desk's callback the next morning closes it
    desk.at("2026-12-03 09:30")
    desk.act("desk", ticket, "record_callback", satisfaction=5, notes="very happy 非常满意")
    closed = desk.wait_for_status(ticket, "closed")
    assert desk.targets(closed)["callback"] == "due 2026-12-03 12:00, met 09:30"
    assert desk.sms(n) == {
        "technician": [f"新工单{n}已派给您，请尽快接单。"],
        "resident-en": [
            f"Ticket {n}: the quote is CNY 120.50. Reply YES to accept or NO to decline.",
            f"Ticket {n} is finished; please inspect and sign off.",
            f"Ticket {n} is done. Please reply 1-5 to rate our service (5 = very satisfied).",
        ],
    }


def test_a_refused_sign_off_sends_the_job_back_to_rework_the_same_day(desk: Harness) -> None:
    # Given a free repair finished at 11:00
    desk.at("2026-12-03 10:00")
    ticket = desk.report("resident", kind="repair", description="卫生间灯不亮")
    n = ticket["number"]
    desk.act("desk", ticket, "classify", category="electrical 电气", paid=False, department="engineering")
    desk.act("desk", ticket, "dispatch", department="engineering", assignee_id=TECHNICIAN)
    desk.at("2026-12-03 10:05")
    for action in ("accept", "arrive", "start"):
        desk.act("technician", ticket, action)
    desk.at("2026-12-03 11:00")
    desk.act("technician", ticket, "complete", notes="更换灯泡")

    # When the resident refuses to sign at 11:20: the job goes back to the technician, due again by the desk's close
    desk.at("2026-12-03 11:20")
    desk.act("resident", ticket, "refuse", reason="灯还是不亮")
    rework = desk.ticket(ticket)
    assert rework["status"] == "rework"
    assert desk.targets(rework)["rework"] == "due 2026-12-03 21:00, open"
    refused = f"工单{n}验收未通过，请返工。"
    assert desk.sms(n) == {
        "technician": [f"新工单{n}已派给您，请尽快接单。", refused],
        "dispatcher": [refused],
        "resident": [f"工单{n}已完工，请验收签字。"],
    }

    # Then the technician comes back, finishes at 12:30, and the resident signs it off satisfied: closed
    desk.at("2026-12-03 11:40")
    desk.act("technician", ticket, "arrive")
    desk.act("technician", ticket, "start")
    desk.at("2026-12-03 12:30")
    desk.act("technician", ticket, "complete", notes="更换镇流器")
    desk.at("2026-12-03 12:45")
    desk.act("resident", ticket, "sign_off", rating=5)
    closed = desk.wait_for_status(ticket, "closed")
    assert desk.targets(closed) == {
        "on_site": "due 2026-12-03 10:15, met 10:05",
        "same_day": "due 2026-12-03 21:00, met 11:00",
        "butler_report": "due 2026-12-03 15:20, met 12:30",  # reports resumed with the rework, from 11:20
        "rework": "due 2026-12-03 21:00, met 12:30",
    }
    assert desk.sms(n) == {
        "technician": [f"新工单{n}已派给您，请尽快接单。", refused],
        "dispatcher": [refused],
        "resident": [f"工单{n}已完工，请验收签字。", f"工单{n}已完工，请验收签字。"],
    }


def test_an_unsatisfied_callback_sends_the_job_back_and_only_a_satisfied_callback_closes_it(desk: Harness) -> None:
    # Given a free repair finished at 14:00 and signed off with a rating of 3 (not satisfied)
    desk.at("2026-12-03 13:00")
    ticket = desk.report("resident", kind="repair", description="阳台推拉门卡住")
    n = ticket["number"]
    desk.act("desk", ticket, "classify", category="door 门窗", paid=False, department="engineering")
    desk.act("desk", ticket, "dispatch", department="engineering", assignee_id=TECHNICIAN)
    desk.at("2026-12-03 13:05")
    for action in ("accept", "arrive", "start"):
        desk.act("technician", ticket, action)
    desk.at("2026-12-03 14:00")
    desk.act("technician", ticket, "complete", notes="调整滑轮")
    desk.at("2026-12-03 14:30")
    desk.act("resident", ticket, "sign_off", rating=3)

    # Then a callback is due within 24 hours of completion, and the resident is asked to rate the job
    signed = desk.ticket(ticket)
    assert signed["status"] == "signed_off"
    assert desk.targets(signed)["callback"] == "due 2026-12-04 14:00, open"
    survey = f"工单{n}已完成，请回复1-5为本次服务评分（5为非常满意）。"
    assert desk.sms(n)["resident"] == [f"工单{n}已完工，请验收签字。", survey]

    # When the desk calls back at 16:00 and the resident is unsatisfied (2): rework, due by the desk's close
    desk.at("2026-12-03 16:00")
    desk.act("desk", ticket, "record_callback", satisfaction=2, notes="门还是卡")
    rework = desk.ticket(ticket)
    assert rework["status"] == "rework"
    assert desk.targets(rework)["rework"] == "due 2026-12-03 21:00, open"
    unsatisfied = f"工单{n}回访业主不满意（评分2分），请返工。"
    assert desk.sms(n)["technician"] == [f"新工单{n}已派给您，请尽快接单。", unsatisfied]
    assert desk.sms(n)["dispatcher"] == [unsatisfied]

    # When the rework is finished at 18:00 and signed off: the callback is due 24 hours after this last completion
    desk.at("2026-12-03 17:00")
    desk.act("technician", ticket, "arrive")
    desk.act("technician", ticket, "start")
    desk.at("2026-12-03 18:00")
    desk.act("technician", ticket, "complete", notes="更换滑轮")
    desk.at("2026-12-03 18:10")
    desk.act("resident", ticket, "sign_off", rating=4)
    again = desk.ticket(ticket)
    assert again["status"] == "signed_off"
    assert desk.targets(again)["callback"] == "due 2026-12-04 18:00, open"

    # Then a satisfied callback the next morning closes it
    desk.at("2026-12-04 10:00")
    desk.act("desk", ticket, "record_callback", satisfaction=5)
    closed = desk.wait_for_status(ticket, "closed")
    assert desk.targets(closed) == {
        "on_site": "due 2026-12-03 13:15, met 13:05",
        "same_day": "due 2026-12-03 21:00, met 14:00",
        "butler_report": "due 2026-12-03 20:00, met 18:00",  # reports resumed with the rework, from 16:00
        "rework": "due 2026-12-03 21:00, met 18:00",
        "callback": "due 2026-12-04 18:00, met 10:00",
    }
    assert desk.sms(n) == {
        "technician": [f"新工单{n}已派给您，请尽快接单。", unsatisfied],
        "dispatcher": [unsatisfied],
        "resident": [f"工单{n}已完工，请验收签字。", survey, f"工单{n}已完工，请验收签字。", survey],
    }
