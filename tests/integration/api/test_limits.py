"""Limits a resident cannot exceed: settings of the property, answered 429 with Retry-After, nothing written."""

from __future__ import annotations

from tests.integration.api.flows import create

PHOTO = {"purpose": "resident", "content_type": "image/jpeg"}


def _set(api, world, **settings) -> None:
    prop = api.get("/properties/SUN", world["manager"]).body
    prop["settings"].update(settings)
    assert api.put("/properties/SUN", world["manager"], body=prop).status == 200


def test_a_resident_creates_at_most_the_propertys_tickets_per_hour(api, world, clock):
    # Given the default of 10 tickets per resident per hour; clock at 10:00 local (02:00 UTC)
    replies = [api.post("/tickets", world["zhang"], body={"description": f"漏水 {n}"}) for n in range(12)]
    # Then ten are created, and the rest are 429 with Retry-After until the next hour (03:00 UTC)
    assert [r.status for r in replies] == [201] * 10 + [429] * 2
    refused = replies[-1]
    assert refused.body["error"] == "limit_exceeded" and set(refused.body) == {"error", "message", "details"}
    assert refused.headers["Retry-After"] == "3600"
    assert len(api.get("/tickets", world["desk"], query={"limit": "100"}).body["items"]) == 10
    # And another resident is not held by zhang's limit; and an hour later zhang may report again
    assert api.post("/tickets", world["smith"], body={"description": "停电"}).status == 201
    clock.advance(minutes=60)
    assert api.post("/tickets", world["zhang"], body={"description": "又漏了"}).status == 201


def test_the_limit_is_a_setting_of_the_property_and_retry_after_counts_down(api, world, clock):
    _set(api, world, tickets_per_resident_hour=2)
    clock.advance(minutes=45)  # 10:45 local
    statuses = [api.post("/tickets", world["zhang"], body={"description": "门锁"}).status for _ in range(3)]
    assert statuses == [201, 201, 429]
    assert api.post("/tickets", world["zhang"], body={"description": "门锁"}).headers["Retry-After"] == "900"


def test_a_replayed_idempotency_key_does_not_use_the_limit(api, world, clock):
    _set(api, world, tickets_per_resident_hour=1)
    headers = {"Idempotency-Key": "limit-key-0001"}
    first = api.post("/tickets", world["zhang"], body={"description": "漏水"}, headers=headers)
    again = api.post("/tickets", world["zhang"], body={"description": "漏水"}, headers=headers)
    assert (first.status, again.status) == (201, 201) and first.body["id"] == again.body["id"]


def test_attachments_per_ticket_a_day(api, world, clock):
    # Given a ticket and a limit of 3 attachments a day
    _set(api, world, attachments_per_ticket_day=3)
    tid = create(api, world)["id"]
    # When 4 upload URLs are asked for, 10 minutes apart
    replies = []
    for _ in range(4):
        replies.append(api.post(f"/tickets/{tid}/attachments", world["zhang"], body=PHOTO))
        clock.advance(minutes=10)
    # Then the fourth is 429, to be retried when the first leaves the 24 hours (24 h - 30 min from now)
    assert [r.status for r in replies] == [201, 201, 201, 429]
    assert int(replies[-1].headers["Retry-After"]) == 24 * 3600 - 30 * 60 + 1
    assert len(api.get(f"/tickets/{tid}", world["desk"]).body["attachments"]) == 3
    clock.advance(hours=24)
    assert api.post(f"/tickets/{tid}/attachments", world["zhang"], body=PHOTO).status == 201


def test_a_page_holds_at_most_the_propertys_page_size(api, world, clock):
    _set(api, world, max_page_size=2)
    for _ in range(3):
        create(api, world)
    for who in ("zhang", "desk"):
        page = api.get("/tickets", world[who], query={"limit": "50"}).body
        assert len(page["items"]) == 2 and page["cursor"], who
