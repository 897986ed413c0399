"""Phone numbers the desk types without a country code are stored in E.164 by the property's country."""

from __future__ import annotations


def resident(record_id: str, phone: str) -> dict[str, str]:
    return {"id": record_id, "unit_id": "U101", "name": "王芳", "phone": phone}


def test_a_national_mobile_number_is_stored_with_the_property_country_code(api, world):
    reply = api.post("/properties/SUN/residents", world["manager"], resident("res-wang", "13800000009"))
    assert reply.status == 201, reply.body
    assert reply.body["phone"] == "+8613800000009"
    spaced = api.post("/properties/SUN/residents", world["manager"], resident("res-li", "138 0000 0010"))
    assert spaced.status == 201 and spaced.body["phone"] == "+8613800000010"


def test_a_number_that_cannot_exist_is_refused_and_nothing_is_written(api, world):
    reply = api.post("/properties/SUN/residents", world["manager"], resident("res-short", "12345"))
    assert reply.status == 400
    assert reply.body["error"] == "invalid_request"
    assert reply.body["details"] == [
        {
            "field": "phone",
            "problem": "not a valid phone number in CN; give it as dialled there or as +<country code><number>",
        }
    ]
    listed = api.get("/properties/SUN/residents", world["manager"]).body
    assert "res-short" not in [r["id"] for r in listed]


def test_a_property_abroad_reads_numbers_in_its_own_country(api, world):
    hk = {"id": "prop-hk", "code": "HKG", "name": "海景轩 Harbour View", "timezone": "Asia/Hong_Kong", "country": "HK"}
    assert api.post("/properties", world["groupmanager"], hk).status == 201
    assert api.post("/properties/prop-hk/buildings", world["groupmanager"], {"id": "B1", "name": "1座"}).status == 201
    unit = {"id": "U101", "building_id": "B1", "number": "101"}
    assert api.post("/properties/prop-hk/units", world["groupmanager"], unit).status == 201
    reply = api.post("/properties/prop-hk/residents", world["groupmanager"], resident("res-chan", "9123 4567"))
    assert reply.status == 201, reply.body
    assert reply.body["phone"] == "+85291234567"
    staff = {"id": "staff-hk", "name": "陈大文", "role": "technician", "phone": "6123 4567"}
    assert api.post("/properties/prop-hk/staff", world["groupmanager"], staff).body["phone"] == "+85261234567"


def test_the_contact_number_the_desk_records_on_a_ticket_is_read_in_the_property_country(api, world, clock):
    from routes.deps import ticket_service

    def stored_contact(reply) -> str | None:
        """The number on the ticket in the table, where replies and notices are sent."""
        return ticket_service().tickets.get(reply.body["id"]).contact_phone

    body = {"kind": "repair", "channel": "phone", "description": "漏水", "resident_id": "zhang"}
    reply = api.post("/properties/SUN/tickets", world["desk"], {**body, "contact_phone": "13800000009"})
    assert reply.status == 201, reply.body
    assert stored_contact(reply) == "+8613800000009"
    spaced = api.post("/properties/SUN/tickets", world["desk"], {**body, "contact_phone": "+86 138 0000 0010"})
    assert spaced.status == 201 and stored_contact(spaced) == "+8613800000010"
    refused = api.post("/properties/SUN/tickets", world["desk"], {**body, "contact_phone": "12345"})
    assert refused.status == 400
    assert refused.body["details"] == [
        {
            "field": "contact_phone",
            "problem": "not a valid phone number in CN; give it as dialled there or as +<country code><number>",
        }
    ]
