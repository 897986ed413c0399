"""A manager runs the directory (others are refused); attachments are presigned on S3 and recorded."""

from __future__ import annotations

from datetime import time

import boto3
import pytest

from tests.integration.api.flows import act, create


def _names(reply) -> list[str]:
    assert reply.status == 200, reply.body
    return sorted(r["id"] for r in reply.body)


def test_manager_keeps_the_directory(api, world, clock):
    manager = world["manager"]
    # Given SUN's manager; When they create a building, a unit in it, a resident and a staff member
    assert api.post("/properties/SUN/buildings", manager, body={"id": "B2", "name": "2栋"}).status == 201
    unit = {"id": "U201", "building_id": "B2", "number": "201", "contract_signed": True}
    assert api.post("/properties/SUN/units", manager, body=unit).status == 201
    resident = {"id": "wang", "unit_id": "U201", "name": "王芳", "phone": "+8613900000009", "user_sub": "sub-wang"}
    created = api.post("/properties/SUN/residents", manager, body=resident)
    assert created.status == 201 and created.body["property_id"] == "SUN"
    staff = {"id": "gardener", "name": "Gardener", "role": "technician", "department": "greening"}
    assert api.post("/properties/SUN/staff", manager, body=staff).status == 201
    # Then each list holds them
    assert "B2" in _names(api.get("/properties/SUN/buildings", manager))
    assert "U201" in _names(api.get("/properties/SUN/units", world["desk"]))
    assert "wang" in _names(api.get("/properties/SUN/residents", manager))
    assert "gardener" in _names(api.get("/properties/SUN/staff", manager))
    # And an update changes the record, and the new resident can use the app at once
    moved = api.put("/properties/SUN/residents/wang", manager, body={**resident, "language": "en"})
    assert moved.status == 200 and moved.body["language"] == "en"
    wang = {"sub": "sub-wang", "groups": ["resident"]}
    reply = api.post("/tickets", wang, body={"description": "灯坏了"})
    assert reply.status == 201 and reply.body["unit_id"] == "U201" and reply.body["building_id"] == "B2"
    # And creating the same id twice is a conflict; updating a missing one too
    assert api.post("/properties/SUN/buildings", manager, body={"id": "B2", "name": "again"}).status == 409
    assert api.put("/properties/SUN/buildings/B9", manager, body={"id": "B9", "name": "x"}).status == 409


def test_properties(api, world, clock):
    group = world["groupmanager"]
    # Given the group manager; When they create a property and update its desk hours
    prop = {"id": "STAR", "code": "STAR", "name": "星河湾"}
    assert api.post("/properties", group, body=prop).status == 201
    updated = api.put("/properties/STAR", group, body={**prop, "desk_opens": "07:30:00"})
    assert updated.status == 200 and updated.body["desk_opens"] == "07:30:00"
    # Then the group sees every property, site staff only theirs
    assert [p["id"] for p in api.get("/properties", group).body] == ["MOON", "STAR", "SUN"]
    assert [p["id"] for p in api.get("/properties", world["desk"]).body] == ["SUN"]
    assert api.get("/properties/SUN", world["desk"]).body["code"] == "SUN"
    assert api.get("/properties/MOON", world["desk"]).status == 404
    # And a site manager may update their property but not create one
    assert api.post("/properties", world["manager"], body={**prop, "id": "X1", "code": "XX"}).status == 403
    renamed = api.put("/properties/SUN", world["manager"], body={"id": "SUN", "code": "SUN", "name": "阳光花园二期"})
    assert renamed.status == 200
    # And an unknown timezone, a backwards desk day, or a body/path id mismatch is refused
    bad_tz = api.post("/properties", group, body={**prop, "id": "T1", "timezone": "Mars/Olympus"})
    assert bad_tz.status == 422 and "body.timezone" in bad_tz.body["message"]
    backwards = {**prop, "id": "T2", "desk_opens": "22:00:00"}
    assert api.post("/properties", group, body=backwards).status == 422
    mismatch = api.put("/properties/SUN", group, body={**prop, "id": "STAR"})
    assert mismatch.status == 400 and mismatch.body["details"][0]["field"] == "id"


def test_a_property_saved_through_another_api_container_is_read_back_as_saved(api, world, aws, clock):
    """Lambda runs the API in many containers, each with its own directory cache: a manager who saves the
    desk hours in one and reloads the settings in another must see what was saved."""
    from propdesk.dal.directory import DirectoryStore
    from propdesk.models.directory import Property

    manager = world["manager"]
    # Given this container has read SUN (its desk closes at 21:00)
    assert api.get("/properties/SUN", manager).body["desk_closes"] == "21:00:00"
    # When another container saves SUN with the desk closing at 20:00
    other = DirectoryStore(aws["DirectoryTable"])
    sun = other.get(Property, None, "SUN")
    assert sun is not None
    other.put(sun.model_copy(update={"desk_closes": time(20, 0)}), create=False)
    # Then reading SUN here answers 20:00 at once
    assert api.get("/properties/SUN", manager).body["desk_closes"] == "20:00:00"


@pytest.mark.parametrize(
    ("who", "status"),
    [("desk", 403), ("tech", 403), ("callcentre", 403), ("moondesk", 404), ("zhang", 403), ("contractor", 403)],
)
def test_only_managers_write_the_directory(api, world, clock, who, status):
    # When anyone but a manager of SUN writes SUN's directory; Then it is refused and nothing is written
    reply = api.post("/properties/SUN/buildings", world[who], body={"id": "B7", "name": "7栋"})
    assert reply.status == status, reply.body
    assert "B7" not in _names(api.get("/properties/SUN/buildings", world["manager"]))


def test_residents_do_not_read_the_directory(api, world):
    assert api.get("/properties/SUN/residents", world["zhang"]).status == 404
    assert api.get("/properties", world["zhang"]).status == 404
    assert api.get("/properties/SUN", world["zhang"]).status == 404
    assert api.get("/properties/MOON/residents", world["desk"]).status == 404


BAD_DIRECTORY = {
    # A national number is read in the property's country (tests/integration/api/test_phones.py); one too short is not.
    "national phone too short": ("residents", {"id": "r1", "unit_id": "U101", "name": "A", "phone": "13800"}, "phone"),
    "phone of letters": ("residents", {"id": "r1", "unit_id": "U101", "name": "A", "phone": "call me"}, "phone"),
    "phone too long": (
        "residents",
        {"id": "r1", "unit_id": "U101", "name": "A", "phone": "+8613800000001234"},
        "phone",
    ),
    "phone starting 0": ("residents", {"id": "r1", "unit_id": "U101", "name": "A", "phone": "+0613800000001"}, "phone"),
    "phone with dashes": ("residents", {"id": "r1", "unit_id": "U101", "name": "A", "phone": "+86-138-0000"}, "phone"),
    "unknown unit": ("residents", {"id": "r1", "unit_id": "U999", "name": "A", "phone": "+8613800000001"}, "unit_id"),
    "bad language": (
        "residents",
        {"id": "r1", "unit_id": "U101", "name": "A", "phone": "+8613800000001", "language": "fr"},
        "language",
    ),
    "unknown building": ("units", {"id": "U9", "building_id": "B9", "number": "9"}, "building_id"),
    "over-long number": ("units", {"id": "U9", "building_id": "B1", "number": "9" * 21}, "number"),
    "property in body": ("buildings", {"id": "B9", "name": "x", "property_id": "MOON"}, "property_id"),
    "resident as staff": ("staff", {"id": "s9", "name": "S", "role": "resident"}, "role"),
    "system as staff": ("staff", {"id": "s9", "name": "S", "role": "system"}, "role"),
    "bad staff phone": ("staff", {"id": "s9", "name": "S", "role": "technician", "phone": "12345"}, "phone"),
    "bad id": ("buildings", {"id": "B 9", "name": "x"}, "id"),
}


@pytest.mark.parametrize(("name", "case"), BAD_DIRECTORY.items(), ids=list(BAD_DIRECTORY))
def test_bad_directory_records_are_4xx_naming_the_field(api, world, name, case):
    # Given SUN's manager; When they send an invalid record
    segment, body, field = case
    before = _names(api.get(f"/properties/SUN/{segment}", world["manager"]))
    reply = api.post(f"/properties/SUN/{segment}", world["manager"], body=body)
    # Then it is a 4xx naming the field (never a 500), and nothing is written
    assert 400 <= reply.status < 500, reply.body
    assert any(d["field"].endswith(field) for d in reply.body["details"]), reply.body
    assert _names(api.get(f"/properties/SUN/{segment}", world["manager"])) == before


def test_attachment_is_presigned_and_recorded(api, world, clock):
    # Given zhang's ticket
    ticket = create(api, world)
    # When zhang asks to upload a photo
    reply = api.post(
        f"/tickets/{ticket['id']}/attachments",
        world["zhang"],
        body={"purpose": "resident", "content_type": "image/jpeg"},
    )
    # Then a presigned PUT URL for the attachments bucket comes back
    assert reply.status == 201, reply.body
    key = reply.body["key"]
    assert key.startswith(f"tickets/{ticket['id']}/resident-") and key.endswith(".jpeg")
    assert "attachmentsbucket" in reply.body["upload_url"] and "X-Amz-Signature" in reply.body["upload_url"]
    # And the attachment is recorded on the ticket and in its trail
    got = api.get(f"/tickets/{ticket['id']}", world["desk"]).body
    assert [(a["key"], a["purpose"], a["uploaded_by"]) for a in got["attachments"]] == [(key, "resident", "zhang")]
    trail = api.get(f"/tickets/{ticket['id']}/events", world["desk"]).body["events"]
    assert trail[-1]["action"] == "attach" and trail[-1]["data"]["key"] == key
    # And the key names a real place in the bucket (moto accepts a put there)
    s3 = boto3.client("s3", region_name="us-east-1")
    s3.put_object(Bucket="attachmentsbucket", Key=key, Body=b"jpeg", ContentType="image/jpeg")
    assert s3.head_object(Bucket="attachmentsbucket", Key=key)["ContentType"] == "image/jpeg"


@pytest.mark.parametrize(
    ("who", "body", "status"),
    [
        ("smith", {"purpose": "resident", "content_type": "image/jpeg"}, 404),  # not their ticket
        ("zhang", {"purpose": "resident", "content_type": "application/pdf"}, 422),
        ("zhang", {"purpose": "selfie", "content_type": "image/png"}, 422),
        ("zhang", {"purpose": "resident"}, 422),
    ],
)
def test_attachment_refusals(api, world, clock, who, body, status):
    ticket = create(api, world)
    reply = api.post(f"/tickets/{ticket['id']}/attachments", world[who], body=body)
    assert reply.status == status, reply.body
    assert api.get(f"/tickets/{ticket['id']}", world["desk"]).body["attachments"] == []


def test_no_attachments_on_a_closed_ticket(api, world, clock):
    ticket = create(api, world)
    act(api, world, "desk", ticket["id"], "void", {"reason": "重复工单"})
    reply = api.post(
        f"/tickets/{ticket['id']}/attachments",
        world["zhang"],
        body={"purpose": "resident", "content_type": "image/png"},
    )
    assert reply.status == 409


def test_each_propertys_receiving_numbers_are_kept_by_its_manager_and_belong_to_one_property(api, world, clock):
    manager, groupmanager = world["manager"], world["groupmanager"]
    sun = api.get("/properties/SUN", manager).body
    # Given SUN's manager lists the property's SMS and phone numbers
    listed = api.put("/properties/SUN", manager, body={**sun, "numbers": ["+8610000000001", "+8610000000002"]})
    assert listed.status == 200 and listed.body["numbers"] == ["+8610000000001", "+8610000000002"]
    # When another property claims one of them, it is refused naming the field, and nothing is written
    moon = api.get("/properties/MOON", groupmanager).body
    taken = api.put("/properties/MOON", groupmanager, body={**moon, "numbers": ["+8610000000002"]})
    assert taken.status == 400 and taken.body["details"] == [
        {"field": "numbers", "problem": "+8610000000002 belongs to another property"}
    ]
    assert api.get("/properties/MOON", groupmanager).body["numbers"] == []
    # And a number SUN gives up can be listed by MOON
    assert api.put("/properties/SUN", manager, body={**sun, "numbers": ["+8610000000001"]}).status == 200
    moved = api.put("/properties/MOON", groupmanager, body={**moon, "numbers": ["+8610000000002"]})
    assert moved.status == 200 and moved.body["numbers"] == ["+8610000000002"]
    # A number that is not E.164, or listed twice, is a 4xx naming the field
    bad = api.put("/properties/SUN", manager, body={**sun, "numbers": ["010-1234"]})
    twice = api.put("/properties/SUN", manager, body={**sun, "numbers": ["+8610000000001", "+8610000000001"]})
    assert bad.status == twice.status == 422
    assert bad.body["details"][0]["field"].endswith("numbers.0") and twice.body["details"][0]["field"].endswith(
        "numbers"
    )
    # The desk may read the numbers but not change them
    assert api.put("/properties/SUN", world["desk"], body={**sun, "numbers": []}).status == 403
