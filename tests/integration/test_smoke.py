from __future__ import annotations


def test_resident_creates_and_reads_a_ticket(api, world, clock):
    # Given a resident of SUN
    zhang = world["zhang"]
    # When they report a leak
    created = api.post("/tickets", zhang, body={"description": "厨房水管漏水", "kind": "repair"})
    # Then a numbered ticket exists for their unit
    assert created.status == 201, created.body
    assert created.body["number"] == "SUN-20261123-0001"
    assert created.body["unit_id"] == "U101"
    got = api.get(f"/tickets/{created.body['id']}", zhang)
    assert got.status == 200
    assert got.body["status"] == "received"


def test_free_repair_walks_its_whole_life(api, world, clock):
    zhang, desk, tech = world["zhang"], world["desk"], world["tech"]
    tid = api.post("/tickets", zhang, body={"description": "门锁坏了"}).body["id"]
    steps = [
        (desk, "classify", {"category": "lock", "paid": False, "department": "engineering"}),
        (desk, "dispatch", {"assignee_id": "tech", "department": "engineering"}),
        (tech, "accept", None),
        (tech, "arrive", {"note": "在现场"}),
        (tech, "start", None),
        (tech, "complete", {"notes": "换了锁芯"}),
        (zhang, "sign_off", {"rating": 5}),
        (desk, "close", None),
    ]
    for who, action, body in steps:
        clock.advance(minutes=5)
        reply = api.post(f"/tickets/{tid}/actions/{action}", who, body=body)
        assert reply.status == 200, (action, reply.body)
    assert reply.body["status"] == "closed"
    assert reply.body["sla"]["on_site"]["breached"] is False
    trail = api.get(f"/tickets/{tid}/events", desk).body["events"]
    assert [e["action"] for e in trail] == ["create"] + [s[1] for s in steps]


def test_bad_body_is_a_422_naming_the_field(api, world):
    reply = api.post("/tickets", world["zhang"], body={"description": "x" * 3000, "colour": "red"})
    assert reply.status == 422
    fields = {d["field"] for d in reply.body["details"]}
    assert "body.description" in fields and "body.colour" in fields
    bad_json = api.call("POST", "/tickets", world["zhang"], raw_body="{not json")
    assert bad_json.status == 400 and bad_json.error == "malformed_json"
