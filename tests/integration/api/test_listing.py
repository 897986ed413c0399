"""Listing with filters and the opaque cursor; my work due soonest first; the OpenAPI document and docs."""

from __future__ import annotations

import pytest

from tests.integration.api.flows import act, create, ticket_at


def _ids(reply) -> list[str]:
    assert reply.status == 200, reply.body
    return [t["id"] for t in reply.body["items"]]


def test_cursor_walks_every_page_once(api, world, clock):
    # Given five SUN tickets created a minute apart
    made = []
    for _ in range(5):
        clock.advance(minutes=1)
        made.append(create(api, world)["id"])
    # When the desk pages through them two at a time
    seen, cursor, pages = [], None, 0
    while True:
        query = {"limit": "2", **({"cursor": cursor} if cursor else {})}
        reply = api.get("/tickets", world["desk"], query=query)
        seen += _ids(reply)
        pages += 1
        cursor = reply.body["cursor"]
        if not cursor:
            break
    # Then every ticket appears exactly once, newest first, and the cursor is opaque
    assert seen == list(reversed(made))
    assert pages == 3
    # And a cursor of one listing is refused by another
    first = api.get("/tickets", world["desk"], query={"limit": "2"}).body["cursor"]
    other = api.get("/tickets", world["desk"], query={"status": "received", "cursor": first})
    assert other.status == 400 and other.body["details"][0]["field"] == "cursor"
    assert api.get("/tickets", world["moondesk"], query={"cursor": first}).status == 400


def test_filters(api, world, clock):
    # Given a repair dispatched to tech, a received repair, a complaint, and smith's inquiry
    dispatched = ticket_at(api, world, "free_repair", "dispatched", clock=clock)["id"]
    clock.advance(hours=1)
    received = create(api, world)["id"]
    complaint = create(api, world, "complaint")["id"]
    inquiry = create(api, world, "inquiry", who="smith")["id"]
    moon = create(api, world, who="moonres")["id"]
    desk = world["desk"]
    # Then each filter selects exactly its tickets
    assert set(_ids(api.get("/tickets", desk, query={"status": "received"}))) == {received, complaint, inquiry}
    assert _ids(api.get("/tickets", desk, query={"status": "dispatched"})) == [dispatched]
    assert set(_ids(api.get("/tickets", desk, query={"kind": "repair"}))) == {dispatched, received}
    assert _ids(api.get("/tickets", desk, query={"status": "received", "kind": "inquiry"})) == [inquiry]
    assert _ids(api.get("/tickets", desk, query={"assignee": "tech"})) == [dispatched]
    assert _ids(api.get("/tickets", world["tech"], query={"mine": "true"})) == [dispatched]
    assert _ids(api.get("/tickets", world["tech2"], query={"mine": "true"})) == []
    everything = _ids(api.get("/tickets", desk))
    assert set(everything) == {dispatched, received, complaint, inquiry} and moon not in everything
    # And the created range is inclusive of its ends, in any timezone
    since = {"created_from": "2026-11-23T11:00:00+08:00"}
    assert set(_ids(api.get("/tickets", desk, query=since))) == {received, complaint, inquiry}
    until = {"created_to": "2026-11-23T02:30:00Z"}
    assert _ids(api.get("/tickets", desk, query=until)) == [dispatched]
    both = {"created_from": "2026-11-23T01:00:00Z", "created_to": "2026-11-23T02:00:00Z"}
    assert _ids(api.get("/tickets", desk, query=both)) == [dispatched]
    # And a resident lists only their own tickets, with their filters
    assert set(_ids(api.get("/tickets", world["zhang"]))) == {dispatched, received, complaint}
    assert _ids(api.get("/tickets", world["zhang"], query={"kind": "complaint"})) == [complaint]
    assert _ids(api.get("/tickets", world["zhang"], query={"status": "dispatched"})) == [dispatched]
    assert _ids(api.get("/tickets", world["smith"])) == [inquiry]


def test_group_level_staff_name_the_property(api, world, clock):
    # Given tickets in both properties
    sun, moon = create(api, world)["id"], create(api, world, who="moonres")["id"]
    # When the call centre lists without a property; Then it must name one
    reply = api.get("/tickets", world["callcentre"])
    assert reply.status == 400 and reply.body["details"][0]["field"] == "property_id"
    # And it sees each property it names
    assert _ids(api.get("/tickets", world["callcentre"], query={"property_id": "SUN"})) == [sun]
    assert _ids(api.get("/tickets", world["groupmanager"], query={"property_id": "MOON"})) == [moon]
    # But property staff naming another property get 404
    assert api.get("/tickets", world["desk"], query={"property_id": "MOON"}).status == 404


def test_my_work_is_due_soonest_first(api, world, clock):
    # Given three orders dispatched to tech at different times (on site within 15 minutes of each)
    first = ticket_at(api, world, "free_repair", "classified", clock=clock)["id"]
    second = ticket_at(api, world, "free_repair", "classified", clock=clock)["id"]
    third = ticket_at(api, world, "free_repair", "classified", clock=clock)["id"]
    for tid in (third, first, second):
        clock.advance(minutes=1)
        assert act(api, world, "desk", tid, "dispatch", {"assignee_id": "tech"}).status == 200
    # When tech reads their work
    work = _ids(api.get("/me/work", world["tech"]))
    # Then the soonest due comes first
    assert work == [third, first, second]
    # And once tech is on site at `third`, its next due is the end of the day: it moves last
    act(api, world, "tech", third, "accept")
    act(api, world, "tech", third, "arrive")
    assert _ids(api.get("/me/work", world["tech"])) == [first, second, third]
    # And closed work leaves the list; pages hold to the limit
    act(api, world, "desk", first, "void", {"reason": "重复工单"})
    page = api.get("/me/work", world["tech"], query={"limit": "1"})
    assert _ids(page) == [second] and page.body["cursor"]
    rest = api.get("/me/work", world["tech"], query={"limit": "1", "cursor": page.body["cursor"]})
    assert _ids(rest) == [third]
    # And residents have no work list
    assert api.get("/me/work", world["zhang"]).status == 404


def test_openapi_and_docs_need_no_claims(api):
    # When anyone fetches the API document and Swagger UI without a token
    doc = api.get("/openapi.json")
    docs = api.get("/docs")
    # Then both are served, and the document lists every action route
    assert doc.status == 200 and doc.body["info"]["title"] == "PropDesk API"
    assert "/tickets/{ticket_id}/actions/dispatch" in doc.body["paths"]
    assert docs.status == 200


@pytest.mark.parametrize("who", ["zhang", "desk"])
def test_idempotent_create(api, world, clock, who):
    # Given a create with an Idempotency-Key
    if who == "zhang":
        path, body = "/tickets", {"description": "漏水", "kind": "repair"}
    else:
        path, body = (
            "/properties/SUN/tickets",
            {"kind": "repair", "channel": "phone", "description": "漏水", "unit_id": "U101"},
        )
    headers = {"Idempotency-Key": "key-0001-abcdef"}
    # When it is sent twice
    first = api.post(path, world[who], body=body, headers=headers)
    clock.advance(seconds=30)
    second = api.post(path, world[who], body=body, headers=headers)
    # Then one ticket exists and both answers are the same ticket
    assert first.status == second.status == 201, (first.body, second.body)
    assert first.body == second.body
    assert _ids(api.get("/tickets", world["desk"])) == [first.body["id"]]
    # And the same key with another body is refused, writing nothing
    other = api.post(path, world[who], body={**body, "description": "停电"}, headers=headers)
    assert other.status == 422 and other.error == "idempotency_key_reused"
    assert _ids(api.get("/tickets", world["desk"])) == [first.body["id"]]
    # And another key creates another ticket
    third = api.post(path, world[who], body=body, headers={"Idempotency-Key": "key-0002-abcdef"})
    assert third.status == 201 and third.body["id"] != first.body["id"]
    # And a malformed key is a 422 naming the header
    bad = api.post(path, world[who], body=body, headers={"Idempotency-Key": "short"})
    assert bad.status == 422 and "idempotency-key" in bad.body["message"]


def test_numbers_count_per_property_and_day(api, world, clock):
    # Given tickets on two properties, and one after local midnight (16:00 UTC = 00:00 Shanghai)
    numbers = [create(api, world)["number"], create(api, world)["number"], create(api, world, who="moonres")["number"]]
    clock.advance(hours=13, minutes=59)
    before_midnight = create(api, world)["number"]
    clock.advance(minutes=2)
    after_midnight = create(api, world)["number"]
    # Then each property's day counts from one
    assert numbers == ["SUN-20261123-0001", "SUN-20261123-0002", "MON-20261123-0001"]
    assert before_midnight == "SUN-20261123-0003"
    assert after_midnight == "SUN-20261124-0001"
