"""Repairs (报修) end to end: free, paid with a quote, refused at sign-off, called back unsatisfied.

Every due below is written by hand from DOMAIN.md's timer rules, as the property's wall clock (Asia/Shanghai);
every SMS is the exact text its recipient reads.
"""

from __future__ import annotations

import pytest

from tests.e2e.scenarios.harness import Harness

pytestmark = [pytest.mark.e2e, pytest.mark.enable_socket]

TECHNICIAN = "staff-zhou-qiang"


@pytest.mark.parametrize(
    ("resident", "completed_sms"),
    [
        ("resident", "工单{n}已完工，请验收签字。"),
        ("resident-en", "Ticket {n} is finished; please inspect and sign off."),
    ],
)
def test_a_free_repair_with_a_late_technician_is_escalated_and_closes_at_a_satisfied_sign_off(
    desk: Harness, resident: str, completed_sms: str
) -> None:
    # Given a resident reports a leak from the app at 09:00, and the desk dispatches it at once
    day = "2026-12-01" if resident == "resident" else "2026-12-02"
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
