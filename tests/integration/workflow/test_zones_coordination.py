"""Coordination sheets by kind: a communication sheet (沟通类协调单) is checked every 3 days, the others weekly.

The test clock starts on Monday 23 Nov 2026 at 10:00 in Shanghai (02:00 UTC); due times are written by hand.
"""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.workflow


def test_a_sheets_kind_sets_how_often_the_desk_checks_its_progress(flow, api, world, clock):
    desk, tech = world["desk"], world["tech"]
    # Given a repair dispatched at 10:00 that turns out to need the resident's agreement on a plan
    tid = flow.create(world["zhang"], description="外墙渗水到卧室")
    flow.act(tid, desk, "classify", {"paid": False})
    flow.act(tid, desk, "dispatch", {"assignee_id": "tech", "department": "engineering"})
    flow.act(tid, tech, "accept")
    clock.advance(minutes=5)
    # When the desk opens an engineering sheet at 10:05
    flow.act(tid, desk, "coordinate", {"kind": "engineering", "note": "需搭架子施工"})
    sheet = api.get(f"/tickets/{tid}", desk).body
    # Then its progress is checked a week on: Monday 30 Nov, 10:05
    assert sheet["coordination_kind"] == "engineering"
    assert sheet["sla"]["coordination_check"]["due_at"] == "2026-11-30T02:05:00Z"

    # When the desk finds at 11:00 that it is about agreeing with the resident (a communication sheet)
    clock.advance(minutes=55)
    flow.act(tid, desk, "coordinate", {"kind": "communication"})
    sheet = api.get(f"/tickets/{tid}", desk).body
    # Then it is checked every 3 days from its opening: Thursday 26 Nov, 10:05, and the workflow waits for that
    assert sheet["status"] == "coordination"
    assert sheet["sla"]["coordination_check"]["due_at"] == "2026-11-26T02:05:00Z"
    fires = {f["timer"]: f["at"] for f in flow.current_plan(tid)["fires"]}
    assert fires["coordination_check"] == "2026-11-26T02:05:00Z"
    # And the resident is still told every 5 days, whatever the kind: Saturday 28 Nov, 10:05
    assert sheet["sla"]["coordination_update"]["due_at"] == "2026-11-28T02:05:00Z"
