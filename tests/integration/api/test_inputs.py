"""Bad inputs of every kind: always a 4xx with a JSON body naming the field, nothing written, never a 500."""

from __future__ import annotations

import pytest

from tests.integration.api.flows import act, create

GOOD = {"kind": "repair", "description": "厨房水管漏水"}

# name -> (request body or raw text, status, the field the details must name)
BAD_CREATES = {
    "malformed json": ("{not json", 400, None),
    "json array": ("[1, 2]", 422, "body"),
    "wrong type": ({**GOOD, "description": 123}, 422, "body.description"),
    "missing field": ({"kind": "repair"}, 422, "body.description"),
    "unknown field": ({**GOOD, "colour": "red"}, 422, "body.colour"),
    "staff-only paid": ({**GOOD, "paid": True}, 422, "body.paid"),
    "staff-only assignee": ({**GOOD, "assignee_id": "tech"}, 422, "body.assignee_id"),
    "staff-only channel": ({**GOOD, "channel": "phone"}, 422, "body.channel"),
    "staff-only resident": ({**GOOD, "resident_id": "smith"}, 422, "body.resident_id"),
    "staff-only status": ({**GOOD, "status": "closed"}, 422, "body.status"),
    "over-long text": ({**GOOD, "description": "漏" * 2001}, 422, "body.description"),
    "blank text": ({**GOOD, "description": "   "}, 422, "body.description"),
    "over-long title": ({**GOOD, "title": "x" * 201}, 422, "body.title"),
    "bad enum": ({**GOOD, "kind": "plumbing"}, 422, "body.kind"),
    "kind a resident cannot report": ({**GOOD, "kind": "quick_task"}, 422, "body.kind"),
    "impossible date": ({**GOOD, "preferred_time": "2026-02-30T10:00:00+08:00"}, 422, "body.preferred_time"),
    "naive datetime": ({**GOOD, "preferred_time": "2026-12-01T10:00:00"}, 422, "body.preferred_time"),
    "not a date": ({**GOOD, "preferred_time": "tomorrow"}, 422, "body.preferred_time"),
    "null body": ("null", 422, "body"),
}


def _nothing_written(api, world) -> None:
    """No ticket exists, and no ticket number was consumed: the next ticket is the day's first."""
    assert api.get("/tickets", world["desk"]).body["items"] == []
    assert create(api, world)["number"] == "SUN-20261123-0001"


@pytest.mark.parametrize(("name", "case"), BAD_CREATES.items(), ids=list(BAD_CREATES))
def test_bad_create_is_4xx_naming_the_field(api, world, clock, name, case):
    # Given a resident; When they send a bad body
    body, status, field = case
    kwargs = {"raw_body": body} if isinstance(body, str) else {"body": body}
    reply = api.call("POST", "/tickets", world["zhang"], **kwargs)
    # Then it is a 4xx with a JSON error body naming the field
    assert reply.status == status, reply.body
    assert set(reply.body) == {"error", "message", "details"}
    if field:
        assert field in {d["field"] for d in reply.body["details"]}, reply.body
        assert field in reply.body["message"]
    # And nothing was written
    _nothing_written(api, world)


STAFF = {"kind": "repair", "channel": "phone", "description": "漏水", "resident_id": "zhang"}
BAD_STAFF_CREATES = {
    # A national number is read in the property's country (test_phones.py); one that cannot exist is not.
    "phone that cannot exist": ({**STAFF, "contact_phone": "12345"}, 400, "contact_phone"),
    "phone with letters": ({**STAFF, "contact_phone": "138-CALL-ME"}, 422, "body.contact_phone"),
    "in-unit without who": ({"kind": "repair", "channel": "phone", "description": "x"}, 422, "body"),
    "sms is the webhook's": ({**STAFF, "channel": "sms"}, 422, "body"),
    "bad channel": ({**STAFF, "channel": "fax"}, 422, "body.channel"),
    "unknown resident": ({**STAFF, "resident_id": "ghost"}, 400, "resident_id"),
    "another property's resident": ({**STAFF, "resident_id": "moonres"}, 400, "resident_id"),
    "unknown unit": ({**STAFF, "resident_id": None, "unit_id": "U999"}, 400, "unit_id"),
    "bad id characters": ({**STAFF, "resident_id": "zhang; drop"}, 422, "body.resident_id"),
}


@pytest.mark.parametrize(("name", "case"), BAD_STAFF_CREATES.items(), ids=list(BAD_STAFF_CREATES))
def test_bad_staff_create_is_4xx_naming_the_field(api, world, clock, name, case):
    body, status, field = case
    reply = api.post("/properties/SUN/tickets", world["desk"], body=body)
    assert reply.status == status, reply.body
    assert field in {d["field"] for d in reply.body["details"]}, reply.body
    _nothing_written(api, world)


BAD_ACTIONS = {
    "wrong type": ("classify", {"paid": "maybe"}, 422, "body.paid"),
    "unknown field": ("classify", {"priority": "high"}, 422, "body.priority"),
    "bad enum": ("classify", {"department": "plumbing"}, 422, "body.department"),
    "over-long note": ("classify", {"note": "x" * 1001}, 422, "body.note"),
    "missing body": ("void", None, 422, "body"),
    "short reason": ("void", {"reason": "x"}, 422, "body.reason"),
    "malformed json": ("comment", "{", 400, None),
    "empty dispatch": ("dispatch", {}, 422, "body"),
    "naive appointment": ("book_appointment", {"appointment_at": "2026-11-24T10:00:00"}, 422, "body.appointment_at"),
    "impossible appointment": (
        "book_appointment",
        {"appointment_at": "2026-02-30T10:00:00Z"},
        422,
        "body.appointment_at",
    ),
    "rating out of range": ("record_callback", {"satisfaction": 6}, 422, "body.satisfaction"),
    "negative quote": ("quote", {"amount_cents": -5}, 422, "body.amount_cents"),
    "float quote": ("quote", {"amount_cents": 1.5}, 422, "body.amount_cents"),
}


@pytest.mark.parametrize(("name", "case"), BAD_ACTIONS.items(), ids=list(BAD_ACTIONS))
def test_bad_action_body_is_4xx_and_changes_nothing(api, world, clock, name, case):
    # Given a received ticket
    action, body, status, field = case
    ticket = create(api, world)
    # When the desk sends a bad body for an action
    kwargs = {"raw_body": body} if isinstance(body, str) else {"body": body}
    reply = api.call("POST", f"/tickets/{ticket['id']}/actions/{action}", world["desk"], **kwargs)
    # Then it is refused naming the field, and the ticket and its trail are unchanged
    assert reply.status == status, reply.body
    if field:
        assert field in {d["field"] for d in reply.body["details"]}, reply.body
    assert api.get(f"/tickets/{ticket['id']}", world["desk"]).body["version"] == ticket["version"]
    assert len(api.get(f"/tickets/{ticket['id']}/events", world["desk"]).body["events"]) == 1


BAD_QUERIES = {
    "bad status": ({"status": "nope"}, 422, "query.status"),
    "bad kind": ({"kind": "plumbing"}, 422, "query.kind"),
    "limit zero": ({"limit": "0"}, 422, "query.limit"),
    "limit too big": ({"limit": "1000"}, 422, "query.limit"),
    "limit not a number": ({"limit": "ten"}, 422, "query.limit"),
    "naive created_from": ({"created_from": "2026-11-23T10:00:00"}, 422, "query.created_from"),
    "impossible created_to": ({"created_to": "2026-02-30T10:00:00Z"}, 422, "query.created_to"),
    "range backwards": (
        {"created_from": "2026-11-24T00:00:00Z", "created_to": "2026-11-23T00:00:00Z"},
        400,
        "created_from",
    ),
    "garbage cursor": ({"cursor": "not-a-cursor"}, 400, "cursor"),
    "cursor of json junk": ({"cursor": "eyJhIjoxfQ"}, 400, "cursor"),  # {"a":1}
    "cursor of a list": ({"cursor": "WzEsMl0"}, 400, "cursor"),  # [1,2]
}


@pytest.mark.parametrize(("name", "case"), BAD_QUERIES.items(), ids=list(BAD_QUERIES))
def test_bad_listing_query_is_4xx_naming_the_parameter(api, world, clock, name, case):
    query, status, field = case
    reply = api.get("/tickets", world["desk"], query=query)
    assert reply.status == status, reply.body
    assert field in {d["field"] for d in reply.body["details"]}, reply.body


def test_tampered_cursors_are_400_not_500(api, world, clock):
    # Given a real cursor of a SUN listing
    import base64
    import json

    for _ in range(3):
        create(api, world)
    page = api.get("/tickets", world["desk"], query={"limit": "1"}).body
    data = json.loads(base64.urlsafe_b64decode(page["cursor"] + "=" * (-len(page["cursor"]) % 4)))

    def encode(obj) -> str:
        return base64.urlsafe_b64encode(json.dumps(obj).encode()).decode().rstrip("=")

    tampered = {
        "other property": {**data, "k": {**data["k"], "property_id": {"S": "MOON"}}},
        "other index": {**data, "i": "by-resident"},
        "number type": {**data, "k": {**data["k"], "pk": {"N": "1"}}},
        "key not a string": {**data, "k": {**data["k"], "sk": {"S": 5}}},
        "extra attribute": {**data, "k": {**data["k"], "doc": {"S": "x"}}},
        "missing table key": {**data, "k": {k: v for k, v in data["k"].items() if k != "pk"}},
        "key is a list": {**data, "k": [1]},
    }
    for name, obj in tampered.items():
        # When the cursor is tampered with; Then it is a 400 naming the cursor, never a 500
        reply = api.get("/tickets", world["desk"], query={"limit": "1", "cursor": encode(obj)})
        assert reply.status == 400, (name, reply.body)
        assert reply.body["details"][0]["field"] == "cursor", name


def test_a_huge_body_is_413(api, world):
    reply = api.call("POST", "/tickets", world["zhang"], raw_body='{"description": "' + "x" * 100_000 + '"}')
    assert reply.status == 413 and reply.error == "body_too_large"


def test_unknown_route_and_action_are_404(api, world, clock):
    ticket = create(api, world)
    assert api.get("/nothing-here", world["desk"]).status == 404
    assert act(api, world, "desk", ticket["id"], "teleport").status == 404
    bad_id = api.get("/tickets/bad id!", world["desk"])
    assert bad_id.status == 422 and bad_id.body["details"][0]["field"] == "path.ticket_id"


def test_base64_encoded_bodies_are_read(api, world, clock):
    reply = api.call("POST", "/tickets", world["zhang"], body={"description": "漏水"}, base64_body=True)
    assert reply.status == 201, reply.body


@pytest.mark.parametrize(
    ("action", "body", "field"),
    [
        ("urge", {"assignee_id": "tech"}, "body.assignee_id"),
        ("sign_off", {"rating": 5, "fee_cents": 0}, "body.fee_cents"),
        ("comment", {"text": "hi", "status": "closed"}, "body.status"),
        ("void", {"reason": "不要了", "paid": True}, "body.paid"),
    ],
)
def test_a_resident_cannot_smuggle_staff_fields_into_an_action(api, world, clock, action, body, field):
    # Given zhang's received ticket; When zhang adds a staff-only field to an action's body
    ticket = create(api, world)
    reply = act(api, world, "zhang", ticket["id"], action, body)
    # Then it is a 422 naming the field, and the ticket is unchanged
    assert reply.status == 422 and field in reply.body["message"], reply.body
    after = api.get(f"/tickets/{ticket['id']}", world["zhang"]).body
    assert after["version"] == ticket["version"] and after["status"] == "received" and after["fee_cents"] is None
