"""Bodies and values a careless or hostile client sends: always a 4xx in the one error shape, nothing written."""

from __future__ import annotations

import pytest

from tests.integration.api.flows import act, create

GOOD = b'{"kind": "repair", "description": "\xe5\x8e\xa8\xe6\x88\xbf\xe6\xbc\x8f\xe6\xb0\xb4"}'  # 厨房漏水

# name -> (raw bytes, headers, status, error)
BAD_BYTES = {
    "invalid UTF-8": (b'{"description": "\xff\xfe\xfd"}', {}, 400, "malformed_body"),
    "overlong UTF-8 slash": (b'{"description": "\xc0\xaf\xc0\xaf"}', {}, 400, "malformed_body"),
    "lone surrogate in UTF-8": (b'{"description": "\xed\xa0\x80"}', {}, 400, "malformed_body"),
    "UTF-16 declared as JSON": ('{"description": "漏水"}'.encode("utf-16"), {}, 400, "malformed_body"),
    "UTF-16 declared as such": (
        '{"description": "漏水"}'.encode("utf-16"),
        {"content-type": "application/json; charset=utf-16"},
        415,
        "unsupported_media_type",
    ),
    "multipart with a boundary": (
        b'--xyz\r\nContent-Disposition: form-data; name="description"\r\n\r\nleak\r\n--xyz--\r\n',
        {"content-type": "multipart/form-data; boundary=xyz"},
        415,
        "unsupported_media_type",
    ),
    "multipart without a boundary": (
        b"--xyz\r\n\r\nleak\r\n--xyz--\r\n",
        {"content-type": "multipart/form-data"},
        415,
        "unsupported_media_type",
    ),
    "a form": (b"kind=repair&description=leak", {"content-type": "application/x-www-form-urlencoded"}, 415, None),
    "plain text": (GOOD, {"content-type": "text/plain"}, 415, "unsupported_media_type"),
    "no content type": (GOOD, {"content-type": None}, 415, "unsupported_media_type"),
    "NaN": (b'{"description": "x", "preferred_time": NaN}', {}, 400, "malformed_json"),
    "nested too deep": (b'{"description": ' + b"[" * 100_000 + b"]" * 100_000 + b"}", {}, 413, "body_too_large"),
    "nested deep, under the size limit": (b"[" * 30_000 + b"]" * 30_000, {}, 400, "malformed_json"),
    "a top-level array": (b'[["kind", "repair"], ["description", "x"]]', {}, 422, "validation_failed"),
}

ROUTES = {
    "ticket": ("POST", "/tickets", "zhang"),
    "staff ticket": ("POST", "/properties/SUN/tickets", "desk"),
    "directory": ("POST", "/properties/SUN/buildings", "manager"),
    "property": ("PUT", "/properties/SUN", "manager"),
}


def _nothing_written(api, world) -> None:
    assert api.get("/tickets", world["desk"]).body["items"] == []
    assert [b["id"] for b in api.get("/properties/SUN/buildings", world["manager"]).body] == ["B1"]


@pytest.mark.parametrize("route", ROUTES, ids=list(ROUTES))
@pytest.mark.parametrize(("name", "case"), BAD_BYTES.items(), ids=list(BAD_BYTES))
def test_bad_bytes_are_4xx_in_the_error_shape(api, world, clock, route, name, case):
    # Given a caller of each body route; When the body is not a UTF-8 JSON object
    raw, headers, status, error = case
    method, path, who = ROUTES[route]
    reply = api.call(method, path, world[who], raw_bytes=raw, headers=headers)
    # Then a 4xx in the one error shape, and nothing was written
    assert reply.status == status, reply.body
    assert set(reply.body) == {"error", "message", "details"}
    if error:
        assert reply.body["error"] == error
    _nothing_written(api, world)


@pytest.mark.parametrize(("name", "case"), BAD_BYTES.items(), ids=list(BAD_BYTES))
def test_bad_bytes_on_an_action_change_nothing(api, world, clock, name, case):
    raw, headers, status, _ = case
    ticket = create(api, world)
    reply = api.call("POST", f"/tickets/{ticket['id']}/actions/comment", world["desk"], raw_bytes=raw, headers=headers)
    assert reply.status == status and set(reply.body) == {"error", "message", "details"}
    assert len(api.get(f"/tickets/{ticket['id']}/events", world["desk"]).body["events"]) == 1


def test_an_action_body_of_nulls_is_refused(api, world, clock):
    ticket = create(api, world)
    for raw in ("[null,null]", "[]", '"urge"', "0"):
        reply = api.call("POST", f"/tickets/{ticket['id']}/actions/urge", world["zhang"], raw_body=raw)
        assert reply.status == 422 and reply.body["details"][0]["field"] == "body", (raw, reply.body)
    assert api.get(f"/tickets/{ticket['id']}", world["desk"]).body["urge_count"] == 0


def test_a_json_body_with_a_charset_is_read(api, world, clock):
    reply = api.call(
        "POST", "/tickets", world["zhang"], raw_bytes=GOOD, headers={"content-type": "application/json; charset=UTF-8"}
    )
    assert reply.status == 201 and reply.body["description"] == "厨房漏水"


def test_trace_and_other_methods_answer_json(api, world):
    for method in ("TRACE", "CONNECT", "PATCH", "DELETE"):
        reply = api.call(method, "/tickets", world["desk"])
        assert reply.status in (404, 405), (method, reply.status)
        assert set(reply.body) == {"error", "message", "details"}


# ---- strict types: JSON's own types only -----------------------------------------------------------

STRICT = {
    "flag as 0": (
        "PUT",
        "/properties/SUN/units/U101",
        {"id": "U101", "building_id": "B1", "number": "101", "contract_signed": 0},
        "body.contract_signed",
    ),
    "flag as text": (
        "PUT",
        "/properties/SUN/units/U101",
        {"id": "U101", "building_id": "B1", "number": "101", "contract_signed": "true"},
        "body.contract_signed",
    ),
    "blank user_sub on a resident": (
        "POST",
        "/properties/SUN/residents",
        {"id": "r9", "unit_id": "U101", "name": "王", "phone": "+8613800000099", "user_sub": "   "},
        "body.user_sub",
    ),
    "empty user_sub on a resident": (
        "POST",
        "/properties/SUN/residents",
        {"id": "r9", "unit_id": "U101", "name": "王", "phone": "+8613800000099", "user_sub": ""},
        "body.user_sub",
    ),
    "empty user_sub on staff": (
        "POST",
        "/properties/SUN/staff",
        {"id": "s9", "name": "王", "role": "technician", "user_sub": ""},
        "body.user_sub",
    ),
    "desk hours with an offset": (
        "PUT",
        "/properties/SUN",
        {"id": "SUN", "code": "SUN", "name": "阳光花园", "desk_opens": "08:00:00+08:00"},
        "body.desk_opens",
    ),
    "desk hours as seconds": (
        "PUT",
        "/properties/SUN",
        {"id": "SUN", "code": "SUN", "name": "阳光花园", "desk_opens": 28800},
        "body.desk_opens",
    ),
    "holiday as a number": (
        "PUT",
        "/properties/SUN",
        {"id": "SUN", "code": "SUN", "name": "阳光花园", "holidays": [1790000000]},
        "body.holidays.0",
    ),
    "a cap as text": (
        "PUT",
        "/properties/SUN",
        {"id": "SUN", "code": "SUN", "name": "阳光花园", "settings": {"daily_sms_cap": "5"}},
        "body.settings.daily_sms_cap",
    ),
}


@pytest.mark.parametrize(("name", "case"), STRICT.items(), ids=list(STRICT))
def test_inputs_take_json_types_strictly(api, world, clock, name, case):
    method, path, body, field = case
    reply = api.call(method, path, world["manager"], body=body)
    assert reply.status == 422, reply.body
    assert field in {d["field"] for d in reply.body["details"]}, reply.body
    prop = api.get("/properties/SUN", world["manager"]).body
    assert prop["desk_opens"] == "08:00:00" and prop["settings"]["daily_sms_cap"] == 500
    assert "r9" not in str(api.get("/properties/SUN/residents", world["manager"]).body)


STRICT_ACTIONS = {
    "paid as 0": ("classify", {"paid": 0}, "body.paid"),
    "rating as text": ("record_callback", {"satisfaction": "4"}, "body.satisfaction"),
    "quote as a float": ("quote", {"amount_cents": 12000.0}, "body.amount_cents"),
    "appointment as epoch": ("book_appointment", {"appointment_at": 1795989792}, "body.appointment_at"),
    "appointment as numeric text": ("book_appointment", {"appointment_at": "1795989792"}, "body.appointment_at"),
    "quantity as text": ("complete", {"materials": [{"name": "锁芯", "quantity": "1"}]}, "body.materials.0.quantity"),
}


@pytest.mark.parametrize(("name", "case"), STRICT_ACTIONS.items(), ids=list(STRICT_ACTIONS))
def test_action_inputs_take_json_types_strictly(api, world, clock, name, case):
    action, body, field = case
    ticket = create(api, world)
    reply = act(api, world, "desk", ticket["id"], action, body)
    assert reply.status == 422, reply.body
    assert field in {d["field"] for d in reply.body["details"]}, reply.body


@pytest.mark.parametrize("value", ["0.5", "1795989792", "tomorrow", "2026-11-23"])
def test_a_listing_time_is_iso_text_with_an_offset(api, world, clock, value):
    reply = api.get("/tickets", world["desk"], query={"created_from": value})
    assert reply.status == 422 and reply.body["details"][0]["field"] == "query.created_from", reply.body


def test_desk_hours_read_back_as_they_are_written(api, world, clock):
    # Given the manager sets desk hours in the documented form; When the property is read back; Then they match
    body = {"id": "SUN", "code": "SUN", "name": "阳光花园", "desk_opens": "07:30", "desk_closes": "20:00"}
    assert api.put("/properties/SUN", world["manager"], body=body).status == 200
    prop = api.get("/properties/SUN", world["manager"]).body
    assert (prop["desk_opens"], prop["desk_closes"]) == ("07:30:00", "20:00:00")
    schema = api.get("/openapi.json", world["manager"]).body["components"]["schemas"]["Property"]
    assert "format" not in schema["properties"]["desk_opens"]  # no offset is required of a wall-clock time


def test_a_cursor_with_empty_keys_is_400(api, world, clock):
    import base64
    import json

    key = {"pk": {"S": ""}, "sk": {"S": ""}, "property_id": {"S": "SUN"}, "created_at": {"S": ""}}
    raw = json.dumps({"i": "by-property-created", "k": key}).encode()
    cursor = base64.urlsafe_b64encode(raw).decode().rstrip("=")
    reply = api.get("/tickets", world["desk"], query={"cursor": cursor})
    assert reply.status == 400 and reply.body["details"][0]["field"] == "cursor"
