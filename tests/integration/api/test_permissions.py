"""The permission matrix: every role against its own, another resident's and another property's ticket."""

from __future__ import annotations

import pytest

from tests.integration.api.flows import act, create

# who -> can they see zhang's SUN repair (unassigned, just received)?
SEES_ZHANGS_TICKET = {
    "zhang": True,  # own ticket
    "smith": False,  # another resident of the same property
    "moonres": False,  # a resident of another property
    "desk": True,
    "dispatcher": True,
    "tech": True,
    "tech2": True,
    "butler": True,
    "warranty": True,
    "contractor": False,  # only what is routed to them
    "manager": True,
    "cleaner": True,
    "callcentre": True,  # group level: every property
    "groupmanager": True,
    "moondesk": False,  # staff of another property
    "moontech": False,
}


@pytest.fixture
def zhangs_ticket(api, world, clock):
    return create(api, world, "repair", description="卫生间漏水 13800000001")


@pytest.mark.parametrize(("who", "sees"), SEES_ZHANGS_TICKET.items())
def test_permission_matrix(api, world, zhangs_ticket, who, sees):
    # Given zhang's ticket; When each role reads it, its audit trail, lists tickets and comments on it
    tid = zhangs_ticket["id"]
    one = api.get(f"/tickets/{tid}", world[who])
    trail = api.get(f"/tickets/{tid}/events", world[who])
    group = who in ("callcentre", "groupmanager")
    listing = api.get("/tickets", world[who], query={"property_id": "SUN"} if group else None)
    comment = act(api, world, who, tid, "comment", {"text": "看一下"})
    missing = act(api, world, who, "t_doesnotexist", "comment", {"text": "看一下"})
    assert listing.status == 200, listing.body
    listed = tid in [t["id"] for t in listing.body["items"]]
    if sees:
        # Then those who may see it read it, find it listed, and may comment
        assert one.status == 200 and one.body["id"] == tid
        assert trail.status == 200 and trail.body["events"][0]["action"] == "create"
        assert comment.status == 200, comment.body
        assert listed
    else:
        # Then for everyone else it does not exist: 404 with no data, exactly like a missing ticket
        for reply in (one, trail, comment):
            assert reply.status == 404
            assert set(reply.body) == {"error", "message", "details"}
            assert "漏水" not in str(reply.body) and "SUN-" not in str(reply.body)
        assert comment.body["error"] == missing.body["error"]
        assert not listed
        assert api.get(f"/tickets/{tid}", world["desk"]).body["version"] == zhangs_ticket["version"]


def test_the_contractor_sees_what_is_routed_to_them(api, world, clock):
    # Given a warranty job routed to the contractor
    from tests.integration.api.flows import ticket_at

    ticket = ticket_at(api, world, "warranty", "routed", clock=clock)
    # Then the contractor reads it, and their list and work hold it
    assert api.get(f"/tickets/{ticket['id']}", world["contractor"]).status == 200
    assert [t["id"] for t in api.get("/tickets", world["contractor"]).body["items"]] == [ticket["id"]]
    assert [t["id"] for t in api.get("/me/work", world["contractor"]).body["items"]] == [ticket["id"]]


def test_another_propertys_ticket_is_404_for_sun_staff(api, world, clock):
    # Given a MOON resident's ticket
    moon = create(api, world, "repair", who="moonres")
    assert moon["number"].startswith("MON-")
    # When SUN's staff reach for it
    for who in ("desk", "manager", "tech", "dispatcher", "zhang"):
        assert api.get(f"/tickets/{moon['id']}", world[who]).status == 404
    # Then only MOON's staff and the group see it
    for who in ("moondesk", "moontech", "callcentre", "groupmanager", "moonres"):
        assert api.get(f"/tickets/{moon['id']}", world[who]).status == 200


@pytest.mark.parametrize(
    ("who", "path", "status"),
    [
        ("zhang", "/properties/SUN/tickets", 403),  # residents use POST /tickets
        ("moonres", "/properties/SUN/tickets", 404),  # and never see another property
        ("moondesk", "/properties/SUN/tickets", 404),
        ("tech", "/properties/SUN/tickets", 403),
        ("contractor", "/properties/SUN/tickets", 403),
        ("desk", "/tickets", 404),  # staff record on behalf of a resident on the property route
    ],
)
def test_creating_on_a_route_not_meant_for_the_role(api, world, clock, who, path, status):
    # Given a valid body for the route; When a role it is not for posts it
    body = {"kind": "repair", "channel": "phone", "description": "漏水", "resident_id": "zhang"}
    if path == "/tickets":
        body = {"description": "漏水"}
    reply = api.post(path, world[who], body=body)
    # Then it is refused, and nothing was written
    assert reply.status == status, reply.body
    assert api.get("/tickets", world["desk"]).body["items"] == []


def test_desk_records_on_behalf_of_a_resident(api, world, clock):
    # Given a phone call from zhang
    body = {"kind": "repair", "channel": "phone", "description": "停电了", "resident_id": "zhang"}
    reply = api.post("/properties/SUN/tickets", world["desk"], body=body)
    # Then the ticket is zhang's, in his unit, and zhang can read it
    assert reply.status == 201, reply.body
    assert (reply.body["resident_id"], reply.body["unit_id"], reply.body["channel"]) == ("zhang", "U101", "phone")
    assert api.get(f"/tickets/{reply.body['id']}", world["zhang"]).status == 200


def test_call_centre_complaints_need_a_signed_contract(api, world, clock):
    # Given smith's unit U102 has no signed contract (未签约) and zhang's U101 has
    base = {"kind": "complaint", "channel": "call_centre", "description": "噪音扰民"}
    refused = api.post("/properties/SUN/tickets", world["callcentre"], body={**base, "resident_id": "smith"})
    accepted = api.post("/properties/SUN/tickets", world["callcentre"], body={**base, "resident_id": "zhang"})
    # Then only the signed unit's complaint is recorded
    assert refused.status == 400 and refused.body["details"][0]["field"] == "unit_id"
    assert accepted.status == 201


def test_the_contract_rule_binds_the_call_centre_agent_whatever_channel_they_choose(api, world, clock):
    base = {"kind": "complaint", "description": "保安态度差", "resident_id": "smith"}  # U102: not signed
    by_phone = api.post("/properties/SUN/tickets", world["callcentre"], body={**base, "channel": "phone"})
    by_visit = api.post("/properties/SUN/tickets", world["callcentre"], body={**base, "channel": "visit"})
    # The property's own desk records a resident's complaint from any unit
    at_desk = api.post("/properties/SUN/tickets", world["desk"], body={**base, "channel": "visit"})
    assert by_phone.status == by_visit.status == 400
    assert by_phone.body["details"] == [{"field": "unit_id", "problem": "contract not signed (未签约)"}]
    assert at_desk.status == 201
    listed = api.get("/tickets", world["desk"], query={"kind": "complaint"}).body["items"]
    assert [t["id"] for t in listed] == [at_desk.body["id"]]  # nothing was written for the refused two


@pytest.mark.parametrize(
    ("claims", "status", "error"),
    [
        (None, 401, "unauthenticated"),  # no authorizer claims at all
        ({"sub": "sub-desk", "groups": "[janitor]"}, 403, "forbidden"),  # a group that is no PropDesk role
        ({"sub": "sub-nobody", "groups": "[desk_agent]"}, 403, "forbidden"),  # a role, but not in the directory
        ({"sub": "sub-zhang", "groups": "[desk_agent]"}, 403, "forbidden"),  # a resident claiming a staff role
        ({"sub": "", "groups": "[desk_agent]"}, 401, "unauthenticated"),
    ],
)
def test_who_is_asking(api, world, claims, status, error):
    # When a request arrives with these claims; Then it is refused before anything is read
    reply = api.get("/tickets", claims)
    assert reply.status == status and reply.error == error


@pytest.mark.parametrize(
    "groups", [["desk_agent"], "[desk_agent]", "desk_agent", "janitor,desk_agent", '["desk_agent"]']
)
def test_every_shape_of_the_groups_claim(api, world, groups):
    # Given the groups claim in each shape API Gateway delivers; Then the desk agent is recognised
    assert api.get("/tickets", {"sub": "sub-desk", "groups": groups}).status == 200


def test_ids_reused_across_properties_do_not_leak(api, world, clock):
    # Given MOON's desk registers a resident whose id is also "zhang" (ids are unique per property only)
    moon_manager = {"sub": "sub-moonmanager", "groups": ["manager"]}
    from propdesk.dal.directory import DirectoryStore
    from propdesk.models.directory import Staff

    DirectoryStore("DirectoryTable").put(
        Staff(id="moonmanager", property_id="MOON", name="M", role="manager", user_sub="sub-moonmanager"), create=True
    )
    body = {"id": "zhang", "unit_id": "U102", "name": "张三", "phone": "+8613800000099", "user_sub": "sub-zhang-moon"}
    assert api.post("/properties/MOON/residents", moon_manager, body=body).status == 201
    sun_ticket = create(api, world)
    moon_zhang = {"sub": "sub-zhang-moon", "groups": ["resident"]}
    # When MOON's zhang reads and lists; Then SUN zhang's ticket stays invisible
    assert api.get(f"/tickets/{sun_ticket['id']}", moon_zhang).status == 404
    assert api.get("/tickets", moon_zhang).body["items"] == []
    assert act(api, world, "zhang", sun_ticket["id"], "urge").status == 200
