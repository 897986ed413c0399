"""Nothing of one property or one resident reaches another: ids that collide on purpose, keys reused,
people named in actions, the directory's phone numbers and the audit trail's internals."""

from __future__ import annotations

import pytest

from propdesk.dal.directory import DirectoryStore
from propdesk.dal.tickets import TicketStore
from propdesk.models.directory import Resident, Staff
from propdesk.models.enums import Department, Role
from propdesk.models.ticket import TicketEvent
from tests.integration.api.flows import act, create, ticket_at
from tests.support.seed import user


@pytest.fixture
def twins(aws, world):
    """People of MOON whose ids equal those of SUN's people: a resident, a technician and a contractor."""
    store = DirectoryStore(aws["DirectoryTable"])
    store.put(
        Resident(
            id="zhang", property_id="MOON", unit_id="U102", name="张月", phone="+8613900000009", user_sub="sub-mz"
        ),
        create=True,
    )
    for sid, role in (("tech", Role.TECHNICIAN), ("contractor", Role.CONTRACTOR), ("desk", Role.DESK_AGENT)):
        store.put(
            Staff(
                id=sid,
                property_id="MOON",
                name=f"Moon {sid}",
                role=role,
                department=Department.ENGINEERING,
                user_sub=f"sub-moon-{sid}",
            ),
            create=True,
        )
    world.users.update(
        moonzhang=user("sub-mz", "resident"),
        moontechtwin=user("sub-moon-tech", "technician"),
        mooncontractortwin=user("sub-moon-contractor", "contractor"),
        moondesktwin=user("sub-moon-desk", "desk_agent"),
    )
    return world


# ---- idempotency keys are the caller's own -------------------------------------------------------


def test_one_idempotency_key_from_two_residents_makes_two_tickets(api, twins, clock):
    # Given two residents whose ids collide (zhang of SUN and zhang of MOON)
    body = {"kind": "repair", "description": "厨房水管漏水"}
    headers = {"Idempotency-Key": "leak-0001-same"}
    # When both send the same key with the same body
    sun = api.post("/tickets", twins["zhang"], body=body, headers=headers)
    moon = api.post("/tickets", twins["moonzhang"], body=body, headers=headers)
    # Then each gets a ticket of their own, with their own property and name
    assert sun.status == 201 and moon.status == 201, (sun.body, moon.body)
    assert sun.body["number"] == "SUN-20261123-0001" and sun.body["contact_name"] == "张伟"
    assert moon.body["number"] == "MON-20261123-0001" and moon.body["contact_name"] == "张月"
    # And a replay still answers each with their own
    again = api.post("/tickets", twins["moonzhang"], body=body, headers=headers)
    assert again.body["number"] == "MON-20261123-0001"


def test_one_idempotency_key_on_two_routes_makes_two_tickets(api, world, clock):
    # Given a desk agent who used a key to record a matter on behalf of zhang
    headers = {"Idempotency-Key": "desk-key-0001"}
    staff_body = {"kind": "repair", "channel": "phone", "description": "门锁坏了", "resident_id": "zhang"}
    first = api.post("/properties/SUN/tickets", world["desk"], body=staff_body, headers=headers)
    # When zhang uses the same key on his own route
    second = api.post("/tickets", world["zhang"], body={"description": "门锁坏了"}, headers=headers)
    # Then two tickets exist
    assert first.status == 201 and second.status == 201
    assert first.body["number"] == "SUN-20261123-0001" and second.body["number"] == "SUN-20261123-0002"


# ---- colliding ids never widen a list -------------------------------------------------------------

LIST_FILTERS = {
    "none": {},
    "mine": {"mine": "true"},
    "status": {"status": "dispatched"},
    "kind": {"kind": "repair"},
    "assignee": {"assignee": "tech"},
    "created": {"created_from": "2026-11-01T00:00:00+08:00", "created_to": "2026-12-01T00:00:00+08:00"},
    "property": {"property_id": "MOON"},
}


@pytest.mark.parametrize("who", ["moontechtwin", "mooncontractortwin"])
@pytest.mark.parametrize("flt", LIST_FILTERS, ids=list(LIST_FILTERS))
def test_a_twin_of_another_property_lists_none_of_its_tickets(api, twins, clock, who, flt):
    # Given SUN tickets dispatched to SUN's tech and routed to SUN's contractor
    dispatched = ticket_at(api, twins, "free_repair", "dispatched", clock=clock)
    routed = ticket_at(api, twins, "warranty", "routed", clock=clock)
    # When MOON's technician and contractor, whose ids are the same, list their work with every filter
    work = api.get("/me/work", twins[who])
    listing = api.get("/tickets", twins[who], query=LIST_FILTERS[flt])
    # Then not one SUN ticket is on any page
    assert work.status == 200 and work.body["items"] == []
    assert listing.status == 200, listing.body
    assert [t["property_id"] for t in listing.body["items"]] == []
    assert dispatched["id"] not in str(listing.body) and routed["id"] not in str(listing.body)


def test_a_twin_still_sees_the_work_of_his_own_property(api, twins, clock):
    # Given a MOON ticket dispatched to MOON's "tech", and a SUN ticket to SUN's "tech"
    ticket_at(api, twins, "free_repair", "dispatched", clock=clock)
    moon = api.post("/tickets", twins["moonres"], body={"description": "灯不亮"}).body
    assert act(api, twins, "moondesktwin", moon["id"], "classify", {"paid": False}).status == 200
    assert act(api, twins, "moondesktwin", moon["id"], "dispatch", {"assignee_id": "tech"}).status == 200
    # When each lists his work; Then each sees his own property's order only
    assert [t["number"] for t in api.get("/me/work", twins["moontechtwin"]).body["items"]] == [moon["number"]]
    assert [t["property_id"] for t in api.get("/me/work", twins["tech"]).body["items"]] == ["SUN"]


def test_a_resident_twin_lists_only_her_own_tickets(api, twins, clock):
    # Given tickets of zhang (SUN) and of zhang (MOON)
    for _ in range(3):
        create(api, twins)
    mine = api.post("/tickets", twins["moonzhang"], body={"description": "门铃坏了"}).body
    # When MOON's zhang lists a page of one: Then the first page already holds her ticket, and only it
    page = api.get("/tickets", twins["moonzhang"], query={"limit": "1"})
    assert [t["number"] for t in page.body["items"]] == [mine["number"]]
    assert (
        page.body["cursor"] is None
        or api.get("/tickets", twins["moonzhang"], query={"limit": "1", "cursor": page.body["cursor"]}).body["items"]
        == []
    )


# ---- an assignee is staff of the ticket's property --------------------------------------------------


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"assignee_id": "moontech"}, "assignee_id"),  # staff of another property
        ({"assignee_id": "nobody"}, "assignee_id"),  # no such person
        ({"assignee_id": "desk"}, "assignee_id"),  # staff of the property who does not take work orders
        ({"assignee_id": "zhang"}, "assignee_id"),  # a resident's id
    ],
)
def test_dispatch_to_someone_who_cannot_take_the_work_is_refused(api, world, clock, body, field):
    # Given a classified SUN repair
    tid = ticket_at(api, world, "free_repair", "classified", clock=clock)["id"]
    # When the desk dispatches it to someone outside the property's workers
    reply = act(api, world, "desk", tid, "dispatch", body)
    # Then it is a 400 naming the field; nothing changed; nobody's work list shows it
    assert reply.status == 400, reply.body
    assert reply.body["details"][0]["field"] == field
    assert api.get(f"/tickets/{tid}", world["desk"]).body["status"] == "classified"
    assert api.get("/me/work", world["moontech"]).body["items"] == []


def test_dispatch_across_properties_leaks_nothing_to_the_other_desk(api, twins, clock):
    # Given a MOON ticket; When MOON's desk dispatches it to SUN's dispatcher id
    moon = api.post("/tickets", twins["moonres"], body={"description": "电梯异响，13800000003"}).body
    act(api, twins, "moondesk", moon["id"], "classify", {"paid": False})
    reply = act(api, twins, "moondesk", moon["id"], "dispatch", {"assignee_id": "dispatcher"})
    # Then it is refused, and SUN's dispatcher's list does not hold it
    assert reply.status == 400
    assert "电梯" not in str(api.get("/me/work", twins["dispatcher"]).body)


def test_route_and_coordinate_name_staff_of_the_property(api, world, clock):
    on_site = ticket_at(api, world, "warranty", "on_site", clock=clock)["id"]
    deadline = "2026-12-10T18:00:00+08:00"
    assert act(api, world, "warranty", on_site, "route", {"contractor_id": "tech", "deadline": deadline}).status == 400
    assert act(api, world, "warranty", on_site, "route", {"contractor_id": "ghost", "deadline": deadline}).status == 400
    ok = act(api, world, "warranty", on_site, "route", {"contractor_id": "contractor", "deadline": deadline})
    assert ok.status == 200, ok.body
    dispatched = ticket_at(api, world, "free_repair", "dispatched", clock=clock)["id"]
    assert act(api, world, "desk", dispatched, "coordinate", {"owner_id": "moontech"}).status == 400


# ---- the directory's phone numbers are for the desk --------------------------------------------------


@pytest.mark.parametrize("who", ["tech", "warranty", "contractor", "butler", "cleaner"])
@pytest.mark.parametrize("segment", ["residents", "staff"])
def test_field_roles_do_not_read_the_directory_of_people(api, world, clock, who, segment):
    reply = api.get(f"/properties/SUN/{segment}", world[who])
    assert reply.status == 403, reply.body
    assert "+86" not in str(reply.body)


@pytest.mark.parametrize("who", ["desk", "manager", "callcentre"])
def test_the_desk_reads_the_directory_of_people(api, world, clock, who):
    assert "+8613800000001" in str(api.get("/properties/SUN/residents", world[who]).body)


def test_a_technician_reads_the_contact_through_his_ticket(api, world, clock):
    tid = ticket_at(api, world, "free_repair", "dispatched", clock=clock)["id"]
    assert api.get(f"/tickets/{tid}", world["tech"]).body["contact_name"] == "张伟"


# ---- the resident's audit trail holds no internals ----------------------------------------------------


def test_the_residents_audit_trail_shows_steps_not_internal_identifiers(api, aws, world, clock):
    # Given a dispatched ticket whose workflow ended and was recorded on the timeline, as the workflow does
    ticket = ticket_at(api, world, "free_repair", "dispatched", clock=clock)
    arn = "arn:aws:states:us-east-1:123456789012:execution:propdesk-ticket:" + ticket["id"]
    TicketStore(aws["TicketsTable"]).add_timeline(
        TicketEvent(
            ticket_id=ticket["id"],
            at=clock(),
            actor_id="workflow",
            actor_role=Role.SYSTEM,
            action="workflow_ended",
            note="voided",
            data={"error": "TicketVoided", "execution": arn},
        ),
        suffix="workflow_ended",
    )
    # When the resident and the desk read the trail
    mine = api.get(f"/tickets/{ticket['id']}/events", world["zhang"]).body["events"]
    desk = api.get(f"/tickets/{ticket['id']}/events", world["desk"]).body["events"]
    # Then the resident sees each step by role, with no ARN and no staff id; the desk sees everything
    assert [(e["action"], e["actor_id"]) for e in mine] == [
        ("create", "zhang"),
        ("classify", "desk_agent"),
        ("dispatch", "desk_agent"),
    ]
    assert "arn:" not in str(mine) and "tech" not in str([e["data"] for e in mine])
    assert arn in str(desk)
