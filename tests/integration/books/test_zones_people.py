"""People and their decisions, through the public API, the real workflow and the notifier, as each phone reads it.

Property SUN (Asia/Shanghai, desk 08:00-21:00): building B1 is 王管家's zone (butler), building B2 陈管家's
(butler2); 赵主管 is the supervisor. The test clock starts on Monday 23 Nov 2026 at 10:00 local (02:00 UTC).
Every expected text and time is written out by hand from DOMAIN.md.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from propdesk.dal.directory import DirectoryStore
from propdesk.models.directory import Staff
from tests.support.seed import user

pytestmark = pytest.mark.workflow

BUTLER, BUTLER2, SUPERVISOR, MANAGER = "+8613700000011", "+8613700000012", "+8613700000013", "+8613700000004"
ZHANG, SMITH = "+8613800000001", "+8613800000002"


@pytest.fixture
def people(api, world, flow, phones):
    manager = world["manager"]
    assert api.post("/properties/SUN/buildings", manager, body={"id": "B2", "name": "2栋"}).status == 201
    assert (
        api.post("/properties/SUN/units", manager, body={"id": "U201", "building_id": "B2", "number": "201"}).status
        == 201
    )
    for sid, name, role, phone in (
        ("butler2", "陈管家", "butler", BUTLER2),
        ("boss", "赵主管", "supervisor", SUPERVISOR),
    ):
        body = {"id": sid, "name": name, "role": role, "phone": phone, "user_sub": f"sub-{sid}"}
        assert api.post("/properties/SUN/staff", manager, body=body).status == 201, body
        world.users[sid] = user(f"sub-{sid}", role)
    store = DirectoryStore(flow.physical["DirectoryTable"])
    butler = store.get(Staff, "SUN", "butler")
    store.put(butler.model_copy(update={"phone": BUTLER}), create=False)
    for zone_id, staff_id, building in (("north", "butler", "B1"), ("south", "butler2", "B2")):
        body = {"name": f"{building}区", "staff_id": staff_id, "building_ids": [building]}
        assert api.put(f"/properties/SUN/zones/{zone_id}", manager, body=body).status == 200
    return world


def _sent_to(messages, phone):
    return [text for to, text in messages if to == phone]


def test_the_zones_butler_is_asked_for_progress_and_the_desk_sees_the_last_report(api, people, flow, clock, phones):
    desk, tech = people["desk"], people["tech"]
    # Given a repair in building B2 (陈管家's zone), dispatched at 10:00 and the technician on site at once
    body = {"kind": "repair", "channel": "visit", "description": "201 卫生间漏水", "unit_id": "U201"}
    tid = flow.create_for(desk, **body)
    number = flow.ticket(tid).number
    flow.act(tid, desk, "classify", {"paid": False})
    flow.act(tid, desk, "dispatch", {"assignee_id": "tech", "department": "engineering"})
    flow.act(tid, tech, "accept")
    flow.act(tid, tech, "arrive")
    phones.new()
    # When 4 desk hours pass without a report (14:00)
    flow.run_until(tid, datetime(2026, 11, 23, 6, 1, tzinfo=UTC))
    told = phones.new()
    # Then only the zone's butler is asked, not every butler
    assert _sent_to(told, BUTLER2) == [f"工单{number}：请向前台报告进度。"]
    assert _sent_to(told, BUTLER) == []

    # When 陈管家 reports at 14:30, half an hour after the report fell due
    clock.current = datetime(2026, 11, 23, 6, 30, tzinfo=UTC)
    report = {"done": "已与业主确认漏点，维修工在换密封圈", "next": "17:00 前回报是否完工"}
    refused = api.post(f"/tickets/{tid}/actions/report_progress", people["tech"], body=report)
    assert refused.status == 409 and refused.body["error"] == "action_not_allowed"
    flow.act(tid, people["butler2"], "report_progress", report)
    # Then the desk sees the last report on the ticket, and the next one is due at 18:30 (4 desk hours on)
    seen = api.get(f"/tickets/{tid}", desk).body
    assert seen["last_report"] == {
        "done": "已与业主确认漏点，维修工在换密封圈",
        "next": "17:00 前回报是否完工",
        "by": "butler2",
        "at": "2026-11-23T06:30:00Z",
        "on_time": False,
    }
    assert seen["sla"]["butler_report"]["due_at"] == "2026-11-23T10:30:00Z"  # 18:30 in Shanghai
    assert flow.current_plan(tid)["fires"][0] == {"at": "2026-11-23T10:30:00Z", "timer": "butler_report", "level": 0}


def test_a_major_complaint_goes_to_the_manager_at_once_and_only_the_manager_or_a_supervisor_calls_back(
    api, people, flow, clock, phones
):
    desk = people["desk"]
    # Given a complaint from 张伟 (U101, building B1: 王管家's zone)
    tid = flow.create_for(desk, kind="complaint", channel="phone", description="保安当众辱骂业主", resident_id="zhang")
    number = flow.ticket(tid).number
    phones.new()
    # A repair has no severity
    repair = api.post(
        "/properties/SUN/tickets",
        desk,
        body={"kind": "repair", "channel": "phone", "description": "灯坏了", "unit_id": "U101"},
    )
    refused = api.post(f"/tickets/{repair.body['id']}/actions/classify", desk, body={"severity": "major"})
    assert refused.status == 400
    assert refused.body["details"] == [{"field": "severity", "problem": "a repair has no severity"}]

    # When the desk judges it major
    flow.act(tid, desk, "classify", {"severity": "major", "department": "security"})
    told = phones.new()
    # Then the manager has its form at once, and so has the butler of its unit; not the other butler
    form = f"重大投诉{number}：保安当众辱骂业主。请经理即时处理，回访由经理或主管进行。"
    assert _sent_to(told, MANAGER) == [form]
    assert _sent_to(told, BUTLER) == [form]
    assert _sent_to(told, BUTLER2) == []
    assert api.get(f"/tickets/{tid}", desk).body["severity"] == "major"

    # When its department has done its part
    flow.act(tid, desk, "dispatch", {"department": "security"})
    flow.act(tid, people["manager"], "resolve_subtask", {"department": "security", "outcome": "done"})
    assert _sent_to(phones.new(), ZHANG) == []  # no SMS survey: the callback is made in person
    # Then the desk may not make its callback; the manager may
    callback = {"satisfaction": 4, "notes": "经理当面致歉，业主接受"}
    by_desk = api.post(f"/tickets/{tid}/actions/record_callback", desk, body=callback)
    assert by_desk.status == 409 and by_desk.body["error"] == "action_not_allowed"
    assert "record_callback" not in api.get(f"/tickets/{tid}", desk).body["allowed_actions"]
    assert "record_callback" in api.get(f"/tickets/{tid}", people["boss"]).body["allowed_actions"]
    flow.act(tid, people["manager"], "record_callback", callback)
    assert api.get(f"/tickets/{tid}", desk).body["status"] == "closed"  # satisfied: the workflow closes it


def test_a_residents_demand_for_a_time_is_the_supervisors_decision_and_the_resident_is_told(
    api, people, flow, clock, phones
):
    desk = people["desk"]
    # Given John Smith (English) asks for a visit on Saturday 28 Nov at 19:30
    tid = flow.create(people["smith"], description="The balcony door does not close")
    number = flow.ticket(tid).number
    flow.act(tid, desk, "classify", {"paid": False})
    phones.new()
    flow.act(tid, desk, "request_time", {"wanted_at": "2026-11-28T19:30:00+08:00", "note": "only home on Saturday"})
    # Then the supervisor is asked to decide
    assert _sent_to(phones.new(), SUPERVISOR) == [f"工单{number}：业主要求2026年11月28日 19:30上门，请主管审批。"]
    # And the desk cannot promise a time meanwhile, nor decide it
    promise = api.post(
        f"/tickets/{tid}/actions/book_appointment", desk, body={"appointment_at": "2026-11-28T19:30:00+08:00"}
    )
    assert promise.status == 409
    assert promise.body["error"] == "conflict"
    assert promise.body["details"] == [
        {"field": "appointment_at", "problem": "awaiting the supervisor's decision on the wanted time"}
    ]
    decide = {"decision": "approve"}
    by_desk = api.post(f"/tickets/{tid}/actions/decide_time", desk, body=decide)
    assert by_desk.status == 409 and by_desk.body["error"] == "action_not_allowed"
    bad = api.post(f"/tickets/{tid}/actions/decide_time", people["boss"], body={"decision": "propose"})
    assert bad.status == 422

    # When the supervisor proposes 18:00 instead
    flow.act(tid, people["boss"], "decide_time", {"decision": "propose", "proposed_at": "2026-11-28T18:00:00+08:00"})
    # Then Mr Smith is told in English, and the visit is booked for 18:00
    assert _sent_to(phones.new(), SMITH) == [
        f"Ticket {number}: 28 Nov 2026, 19:30 cannot be arranged; we propose 28 Nov 2026, 18:00 instead."
        " Please contact the desk if it does not suit you."
    ]
    seen = api.get(f"/tickets/{tid}", desk).body
    assert seen["appointment_at"] == "2026-11-28T18:00:00+08:00"
    assert seen["time_demand"]["status"] == "proposed" and seen["time_demand"]["decided_by"] == "boss"
