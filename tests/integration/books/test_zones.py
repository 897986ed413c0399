"""Zones (责任区域) through the public API: the manager keeps them, staff read them, each keeper sees their zone.

The world: property SUN with building B1 (units U101, U102) and a butler; the tests add building B2 with unit
U201 and a second butler, so that a unit's matters belong to exactly one of them.
"""

from __future__ import annotations

import pytest

from tests.support.seed import user


@pytest.fixture
def zoned(api, world, clock):
    """Two butlers and a desk agent with zones: 王管家 (butler) keeps B1, 陈管家 (butler2) keeps B2, desk keeps both."""
    manager = world["manager"]
    assert api.post("/properties/SUN/buildings", manager, body={"id": "B2", "name": "2栋"}).status == 201
    unit = {"id": "U201", "building_id": "B2", "number": "201"}
    assert api.post("/properties/SUN/units", manager, body=unit).status == 201
    staff = {"id": "butler2", "name": "陈管家", "role": "butler", "department": "customer_service"}
    staff["user_sub"] = "sub-butler2"
    assert api.post("/properties/SUN/staff", manager, body=staff).status == 201
    world.users["butler2"] = user("sub-butler2", "butler")
    for zone_id, body in (
        ("north", {"name": "北区 1栋", "staff_id": "butler", "building_ids": ["B1"]}),
        ("south", {"name": "南区 2栋", "staff_id": "butler2", "building_ids": ["B2"]}),
        ("desk-all", {"name": "前台责任区", "staff_id": "desk", "building_ids": ["B1", "B2"]}),
    ):
        reply = api.put(f"/properties/SUN/zones/{zone_id}", manager, body=body)
        assert reply.status == 200, reply.body
    return world


def test_the_manager_assigns_zones_and_staff_read_them(api, zoned, clock):
    reply = api.get("/properties/SUN/zones", zoned["dispatcher"])
    assert reply.status == 200
    assert [(z["id"], z["staff_id"], z["role"], z["building_ids"]) for z in reply.body] == [
        ("desk-all", "desk", "desk_agent", ["B1", "B2"]),
        ("north", "butler", "butler", ["B1"]),
        ("south", "butler2", "butler", ["B2"]),
    ]
    north = api.get("/properties/SUN/zones/north", zoned["butler"]).body
    assert north["name"] == "北区 1栋"
    assert north["updated_by"] == "manager"
    assert north["updated_at"] == "2026-11-23T02:00:00Z"  # 10:00 in Shanghai, when the manager saved it


def test_my_zone_lists_the_open_matters_of_its_buildings_only(api, zoned, clock, ddb):
    desk = zoned["desk"]
    b1 = api.post(
        "/properties/SUN/tickets",
        desk,
        body={"kind": "repair", "channel": "phone", "description": "1栋漏水", "unit_id": "U101"},
    )
    b2 = api.post(
        "/properties/SUN/tickets",
        desk,
        body={"kind": "repair", "channel": "visit", "description": "2栋门锁坏了", "unit_id": "U201"},
    )
    done = api.post(
        "/properties/SUN/tickets",
        desk,
        body={"kind": "inquiry", "channel": "phone", "description": "2栋停水吗", "unit_id": "U201"},
    )
    assert {b1.status, b2.status, done.status} == {201}
    answer = {"answer": "明天不停水", "outcome": "answered"}
    assert api.post(f"/tickets/{done.body['id']}/actions/answer", desk, body=answer).status == 200

    api.get("/my-zone", zoned["butler2"])  # the caller is known now (the directory cache)
    ddb.reset()
    south = api.get("/my-zone", zoned["butler2"])
    assert south.status == 200
    assert south.body["zone"]["id"] == "south"
    assert [t["description"] for t in south.body["items"]] == ["2栋门锁坏了"]  # the answered inquiry is done
    assert dict(ddb.counts) == {"Query": 2}  # the property's zones, then its open tickets in B2

    north = api.get("/my-zone", zoned["butler"]).body
    assert [t["description"] for t in north["items"]] == ["1栋漏水"]
    desk_zone = api.get("/my-zone", desk).body
    assert sorted(t["description"] for t in desk_zone["items"]) == ["1栋漏水", "2栋门锁坏了"]


def test_a_person_without_a_zone_and_roles_that_keep_none_are_told_so(api, world, clock):
    assert api.get("/my-zone", world["butler"]).status == 404  # no zone assigned yet
    refused = api.get("/my-zone", world["tech"])
    assert refused.status == 403 and refused.body["error"] == "forbidden"


def test_only_the_manager_of_the_property_writes_zones(api, zoned, clock):
    body = {"name": "北区", "staff_id": "butler", "building_ids": ["B1"]}
    for who in ("desk", "butler", "dispatcher"):
        reply = api.put("/properties/SUN/zones/north", zoned[who], body=body)
        assert reply.status == 403, who
        assert reply.body["error"] == "forbidden"
    assert api.call("DELETE", "/properties/SUN/zones/north", zoned["desk"]).status == 403
    # Another property's manager, desk and residents do not see SUN's zones at all.
    moon = user("sub-moonmanager", "manager")
    assert api.get("/properties/SUN/zones", zoned["moondesk"]).status == 404
    assert api.get("/properties/SUN/zones/north", zoned["moondesk"]).status == 404
    assert api.put("/properties/SUN/zones/north", moon, body=body).status in (401, 403, 404)
    assert api.get("/properties/SUN/zones", zoned["zhang"]).status == 404
    assert api.get("/my-zone", zoned["zhang"]).status == 403
    assert api.get("/properties/SUN/zones/north", zoned["butler"]).body["name"] == "北区 1栋"  # unchanged


def test_a_zone_names_a_keeper_and_buildings_of_its_own_property(api, zoned, clock):
    manager = zoned["manager"]
    cases = [
        ({"name": "东区", "staff_id": "tech", "building_ids": ["B1"]}, "staff_id", "role technician keeps no zone"),
        ({"name": "东区", "staff_id": "nobody", "building_ids": ["B1"]}, "staff_id", "unknown"),
        ({"name": "东区", "staff_id": "moondesk", "building_ids": ["B1"]}, "staff_id", "unknown"),
        ({"name": "东区", "staff_id": "butler", "building_ids": ["B9"]}, "building_ids", "unknown building B9"),
        (
            {"name": "东区", "staff_id": "butler", "building_ids": ["B2"]},
            "building_ids",
            "building B2 is in zone south",
        ),
    ]
    for body, field, problem in cases:
        reply = api.put("/properties/SUN/zones/east", manager, body=body)
        assert reply.status == 400, body
        assert reply.body["error"] == "invalid_request"
        assert {"field": field, "problem": problem} in reply.body["details"]
    empty = api.put(
        "/properties/SUN/zones/east", manager, body={"name": "东区", "staff_id": "butler", "building_ids": []}
    )
    assert empty.status == 422 and empty.body["details"][0]["field"] == "body.building_ids"
    assert [z["id"] for z in api.get("/properties/SUN/zones", manager).body] == ["desk-all", "north", "south"]


def test_the_manager_moves_a_building_to_another_butler(api, zoned, clock):
    manager = zoned["manager"]
    assert api.call("DELETE", "/properties/SUN/zones/south", manager).status == 204
    moved = api.put(
        "/properties/SUN/zones/north",
        manager,
        body={"name": "全区", "staff_id": "butler", "building_ids": ["B1", "B2"]},
    )
    assert moved.status == 200 and moved.body["building_ids"] == ["B1", "B2"]
    assert api.get("/properties/SUN/zones/south", manager).status == 404
    assert api.call("DELETE", "/properties/SUN/zones/south", manager).status == 404
