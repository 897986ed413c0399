"""The control room (中控室) takes the desk's calls at night: it finds the caller in the directory and records."""

from __future__ import annotations

import os

import pytest

from propdesk.dal.directory import DirectoryStore
from propdesk.models.directory import Staff
from propdesk.models.enums import Role
from tests.support.seed import user


@pytest.fixture
def night(api, world):
    DirectoryStore(os.environ["DIRECTORY_TABLE"]).put(
        Staff(id="night", property_id="SUN", name="值班员", role=Role.CONTROL_ROOM, user_sub="sub-night"), create=True
    )
    return user("sub-night", "control_room")


def test_the_control_room_finds_the_caller_and_records_the_call_as_a_ticket(api, world, night):
    # Given a call at night from 张伟: the control room looks him up by name
    residents = api.get("/properties/SUN/residents", night)
    assert residents.status == 200, residents.body
    zhang = next(r for r in residents.body if r["name"] == "张伟")
    assert zhang["phone"] == "+8613800000001"
    # and reads the staff list that names who holds each order
    assert "Tech" in [s["name"] for s in api.get("/properties/SUN/staff", night).body]
    # When it records his call
    body = {"kind": "repair", "channel": "phone", "description": "楼道灯不亮", "resident_id": zhang["id"]}
    created = api.post("/properties/SUN/tickets", night, body=body)
    # Then the ticket is his, for his unit
    assert created.status == 201, created.body
    recorded = created.body
    assert (recorded["contact_name"], recorded["unit_id"], recorded["status"]) == ("张伟", "U101", "received")
    # And another property's residents stay out of its reach
    assert api.get("/properties/MOON/residents", night).status == 404
