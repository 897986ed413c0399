"""Every lifecycle action through the API: its happy path, and its 409 from a wrong status."""

from __future__ import annotations

import pytest

from propdesk.models.enums import Action, Status
from tests.integration.api.flows import SCENARIOS, act, create, ticket_at


@pytest.mark.parametrize("scenario", list(SCENARIOS))
def test_scenario_walks_every_step_and_audits_it(api, world, clock, scenario):
    # Given a resident's new ticket of the scenario's kind
    kind, steps = SCENARIOS[scenario]
    ticket = create(api, world, kind)
    version = ticket["version"]
    # When each role takes its step in turn
    for who, action, body, after in steps:
        clock.advance(minutes=5)
        reply = act(api, world, who, ticket["id"], action, body)
        # Then each step is accepted, lands in the expected status and bumps the version by one
        assert reply.status == 200, (action, reply.body)
        assert reply.body["status"] == after, action
        assert reply.body["version"] == version + 1, action
        version = reply.body["version"]
    # And the audit trail records every step in order, with who, role and from -> to
    trail = api.get(f"/tickets/{ticket['id']}/events", world["desk"]).body["events"]
    assert [e["action"] for e in trail] == ["create"] + [s[1] for s in steps]
    assert [e["actor_id"] for e in trail[1:]] == [s[0] for s in steps]
    assert [e["to_status"] for e in trail[1:]] == [s[3] for s in steps]
    assert all(e["from_status"] for e in trail[1:])


def test_scenarios_cover_every_action_route():
    # Given the scripted scenarios; Then together they take every action that has a route
    taken = {step[1] for _, steps in SCENARIOS.values() for step in steps}
    # attach: its own route; identify, pause and resume: their own tests below; the butler's report and the
    # supervisor's time decisions: tests/integration/books/test_zones_people.py (they need zones and a supervisor)
    routed = {a.value for a in Action} - {"attach", "identify", "pause", "resume"}
    routed -= {"report_progress", "request_time", "decide_time"}
    assert routed <= taken


def test_scenarios_reach_every_status_but_identification():
    reached = {step[3] for _, steps in SCENARIOS.values() for step in steps} | {"received"}
    assert reached == {s.value for s in Status} - {"needs_identification"}


def test_identify_an_sms_sender(api, world, clock):
    # Given a ticket from an unknown SMS sender (the intake channel creates it as the system)
    from propdesk.models.enums import Channel, TicketKind
    from routes.deps import ticket_service

    api.get("/openapi.json")  # the module is loaded
    ticket = ticket_service().create_from_channel(
        "SUN", TicketKind.REPAIR, Channel.SMS, {"description": "漏水"}, Status.NEEDS_IDENTIFICATION
    )
    # When the desk identifies the sender
    reply = act(api, world, "desk", ticket.id, "identify", {"note": "是101的张先生"})
    # Then the ticket is received like any other
    assert reply.status == 200, reply.body
    assert reply.body["status"] == "received"
    # And urging it before identification was not allowed
    again = ticket_service().create_from_channel(
        "SUN", TicketKind.REPAIR, Channel.SMS, {"description": "x"}, Status.NEEDS_IDENTIFICATION
    )
    assert act(api, world, "zhang", again.id, "urge").status == 404  # not linked to zhang yet
    assert act(api, world, "desk", again.id, "urge").status == 409


def test_the_desk_pauses_and_resumes_the_clocks_with_a_reason(api, world, clock):
    # Given a free repair in progress (dispatched 10:10 Shanghai: its same-day due is 21:00)
    ticket = ticket_at(api, world, "free_repair", "in_progress", clock=clock)
    tid = ticket["id"]
    # A pause without a reason is refused, naming the field, and changes nothing
    refused = act(api, world, "desk", tid, "pause", {})
    assert refused.status == 422 and "reason" in str(refused.body["details"])
    # When the desk records that the resident is away, then that the resident is back an hour later
    paused = act(api, world, "desk", tid, "pause", {"reason": "业主出差，周五回来"})
    assert paused.status == 200 and paused.body["status"] == "in_progress"
    # A second pause while one runs is not allowed; neither is a technician's pause
    assert act(api, world, "desk", tid, "pause", {"reason": "又出门了"}).status == 409
    assert act(api, world, "tech", tid, "pause", {"reason": "业主不在"}).status == 409
    clock.advance(hours=1)
    resumed = act(api, world, "desk", tid, "resume", {"reason": "业主已回家"})
    assert resumed.status == 200
    # Then the same-day due moved by the hour of desk time inside the pause: 08:00 plus one hour the next day
    same_day = resumed.body["sla"]["same_day"]
    assert same_day["due_at"].startswith("2026-11-23T13:00:00")  # 21:00 in Shanghai
    assert same_day["paused_seconds"] == 12 * 3600  # to 09:00 on the 24th
    trail = api.get(f"/tickets/{tid}/events", world["desk"]).body["events"]
    assert [(e["action"], e["note"]) for e in trail[-2:]] == [("pause", "业主出差，周五回来"), ("resume", "业主已回家")]


def test_identify_sets_the_resident_and_unit_of_an_unknown_senders_ticket(api, world, clock):
    from propdesk.models.enums import Channel, TicketKind
    from routes.deps import ticket_service

    api.get("/openapi.json")  # the module is loaded
    fields = {"description": "楼上漏水", "contact_phone": "+8613900000009"}
    by_resident, by_unit, wrong = (
        ticket_service().create_from_channel("SUN", TicketKind.REPAIR, Channel.SMS, fields, Status.NEEDS_IDENTIFICATION)
        for _ in range(3)
    )
    # When the desk names the resident, the ticket is theirs: unit, building, name and language from the directory
    reply = act(api, world, "desk", by_resident.id, "identify", {"resident_id": "smith", "note": "换了新号码"})
    assert reply.status == 200, reply.body
    assert {k: reply.body[k] for k in ("status", "resident_id", "unit_id", "building_id", "contact_name")} == {
        "status": "received",
        "resident_id": "smith",
        "unit_id": "U102",
        "building_id": "B1",
        "contact_name": "John Smith",
    }
    assert api.get(f"/tickets/{by_resident.id}", world["smith"]).status == 200  # and the resident sees it
    # When the sender is a visitor of a unit, the desk names the unit and the person
    reply = act(api, world, "desk", by_unit.id, "identify", {"unit_id": "U101", "contact_name": "王师傅"})
    assert reply.status == 200, reply.body
    assert (reply.body["unit_id"], reply.body["building_id"], reply.body["contact_name"]) == ("U101", "B1", "王师傅")
    assert reply.body["resident_id"] is None
    # A resident of another property is a 400 naming the field, and nothing changes
    refused = act(api, world, "desk", wrong.id, "identify", {"resident_id": "moonres"})
    assert refused.status == 400 and refused.body["details"][0]["field"] == "resident_id"
    assert ticket_service().tickets.get(wrong.id).status == "needs_identification"


def test_quick_task_is_closed_by_the_desk_at_once(api, world, clock):
    # Given a desk agent recording a radio job (口头派工) for a public area
    body = {"kind": "quick_task", "channel": "visit", "description": "快递到了开门", "area": "public"}
    created = api.post("/properties/SUN/tickets", world["desk"], body=body)
    assert created.status == 201, created.body
    # When the desk closes it
    reply = act(api, world, "desk", created.body["id"], "close", {"reason": "已开门"})
    # Then it is closed
    assert reply.status == 200 and reply.body["status"] == "closed"


# action, who tries it, body, (scenario, status the ticket is in)
WRONG_STATUS = [
    ("identify", "desk", None, ("free_repair", "received")),
    ("classify", "desk", None, ("free_repair", "closed")),
    ("dispatch", "desk", {"assignee_id": "tech"}, ("free_repair", "received")),
    ("accept", "tech", None, ("free_repair", "classified")),
    ("arrive", "tech", None, ("free_repair", "dispatched")),
    ("book_appointment", "desk", {"appointment_at": "2026-11-24T15:00:00+08:00"}, ("free_repair", "on_site")),
    ("pause", "desk", {"reason": "业主出差"}, ("free_repair", "completed")),
    ("resume", "desk", {"reason": "业主回来了"}, ("free_repair", "in_progress")),  # no pause is running
    ("quote", "tech", {"amount_cents": 100}, ("free_repair", "accepted")),
    ("approve_quote", "zhang", None, ("paid_repair", "on_site")),
    ("reject_quote", "zhang", None, ("paid_repair", "quote_approved")),
    (
        "route",
        "warranty",
        {"contractor_id": "contractor", "deadline": "2026-12-10T18:00:00+08:00"},
        ("warranty", "accepted"),
    ),
    ("consent", "zhang", None, ("warranty", "on_site")),
    ("start", "tech", None, ("paid_repair", "on_site")),  # a paid job may not start before its quote is approved
    ("complete", "tech", None, ("free_repair", "on_site")),
    ("resolve_subtask", "desk", {"department": "engineering", "outcome": "done"}, ("complaint", "classified")),
    ("sign_off", "zhang", {"rating": 5}, ("free_repair", "in_progress")),
    ("refuse", "zhang", {"reason": "没修好"}, ("free_repair", "signed_off")),
    ("record_callback", "desk", {"satisfaction": 5}, ("free_repair", "completed")),
    ("answer", "desk", {"answer": "好的"}, ("inquiry", "closed")),
    ("coordinate", "desk", None, ("free_repair", "classified")),
    ("close", "desk", None, ("paid_repair", "signed_off")),  # paid: the callback is required first
    ("void", "desk", {"reason": "重复"}, ("free_repair", "closed")),
    ("urge", "zhang", None, ("free_repair", "closed")),
    ("reopen", "desk", {"reason": "再看看"}, ("free_repair", "signed_off")),
    ("mark_invalid", "desk", {"reason": "业主原因"}, ("complaint", "dispatched")),
    ("reinspect", "warranty", None, ("warranty", "in_progress")),
    ("escalate", "desk", {"answer": "需经理答复"}, ("escalated_inquiry", "escalated")),
    ("report_progress", "butler", {"done": "已完工", "next": "等回访"}, ("free_repair", "completed")),
    ("request_time", "desk", {"wanted_at": "2026-11-28T19:30:00+08:00"}, ("free_repair", "completed")),
    ("decide_time", "manager", {"decision": "approve"}, ("free_repair", "dispatched")),  # nothing demanded
    ("adopt", "desk", {"answer": "采纳"}, ("suggestion", "adopted")),
]


def test_wrong_status_table_covers_every_action_but_comment():
    # comment is allowed from every status, so no status makes it a 409
    assert {row[0] for row in WRONG_STATUS} == {a.value for a in Action} - {"comment", "attach"}


@pytest.mark.parametrize(("action", "who", "body", "where"), WRONG_STATUS, ids=[r[0] for r in WRONG_STATUS])
def test_action_from_a_wrong_status_is_409_naming_status_and_allowed(api, world, clock, action, who, body, where):
    # Given a ticket in a status where the action is not allowed
    ticket = ticket_at(api, world, *where, clock=clock)
    before = api.get(f"/tickets/{ticket['id']}", world[who]).body
    trail = len(api.get(f"/tickets/{ticket['id']}/events", world["desk"]).body["events"])
    # When the role tries it
    reply = act(api, world, who, ticket["id"], action, body)
    # Then 409 names the current status and the actions allowed now
    assert reply.status == 409, reply.body
    assert reply.error == "action_not_allowed"
    assert ticket["status"] in reply.body["message"]
    detail = reply.body["details"][0]
    assert detail["status"] == ticket["status"]
    assert detail["allowed"] == before["allowed_actions"]
    for allowed in before["allowed_actions"]:
        assert allowed in reply.body["message"]
    # And nothing was written
    after = api.get(f"/tickets/{ticket['id']}", world[who]).body
    assert after["version"] == before["version"]
    assert len(api.get(f"/tickets/{ticket['id']}/events", world["desk"]).body["events"]) == trail


@pytest.mark.parametrize(
    ("who", "action", "body"),
    [
        ("zhang", "classify", {"category": "x"}),  # a resident cannot classify
        ("tech", "classify", None),  # nor can a technician
        ("butler", "dispatch", {"assignee_id": "tech"}),
        ("contractor", "void", {"reason": "不做了"}),
    ],
)
def test_a_role_outside_the_row_gets_409_or_404(api, world, clock, who, action, body):
    # Given a received repair
    ticket = create(api, world)
    # When a role that the table does not list for the action tries it
    reply = act(api, world, who, ticket["id"], action, body)
    # Then it is refused: 409 for roles that can see the ticket, 404 for one that cannot (the contractor)
    assert reply.status == (404 if who == "contractor" else 409), reply.body
    assert api.get(f"/tickets/{ticket['id']}", world["desk"]).body["version"] == ticket["version"]


def test_an_unassigned_technician_cannot_take_anothers_order(api, world, clock):
    # Given an order dispatched to tech
    ticket = ticket_at(api, world, "free_repair", "dispatched", clock=clock)
    # When tech2 tries to accept it
    reply = act(api, world, "tech2", ticket["id"], "accept")
    # Then it is as if the ticket did not exist for them
    assert reply.status == 404
    assert act(api, world, "tech", ticket["id"], "accept").status == 200


def test_a_paid_job_needs_its_fee(api, world, clock):
    # Given a paid job whose quote was approved and work started
    ticket = ticket_at(api, world, "paid_repair", "in_progress", clock=clock)
    # When it completes with a fee of zero
    reply = act(api, world, "tech", ticket["id"], "complete", {"fee_cents": 0})
    # Then the fee is required (the quote is not silently replaced by nothing)
    assert reply.status == 400 and reply.body["details"][0]["field"] == "fee_cents"


def test_appointment_in_the_past_is_refused(api, world, clock):
    ticket = ticket_at(api, world, "free_repair", "dispatched", clock=clock)
    reply = act(api, world, "desk", ticket["id"], "book_appointment", {"appointment_at": "2026-11-01T10:00:00+08:00"})
    assert reply.status == 400 and reply.body["details"][0]["field"] == "appointment_at"


def test_several_departments_are_for_complaints_only(api, world, clock):
    ticket = ticket_at(api, world, "free_repair", "classified", clock=clock)
    reply = act(api, world, "desk", ticket["id"], "dispatch", {"departments": ["engineering", "cleaning"]})
    assert reply.status == 400 and reply.body["details"][0]["field"] == "departments"


def test_a_complaint_dispatched_to_one_department_can_still_be_completed(api, world, clock):
    # Given a valid complaint dispatched to a single department (not a list)
    ticket = ticket_at(api, world, "complaint", "classified", clock=clock)
    assert act(api, world, "desk", ticket["id"], "dispatch", {"department": "engineering"}).status == 200
    # When that department resolves its part
    reply = act(
        api, world, "dispatcher", ticket["id"], "resolve_subtask", {"department": "engineering", "outcome": "done"}
    )
    # Then the complaint is completed and waits for its callback (it must never be stuck)
    assert reply.status == 200, reply.body
    assert reply.body["status"] == "completed"


def test_allowed_actions_follow_a_site_that_calls_back_everything(api, world, clock):
    # Given SUN calls back 100% of jobs, and a free job signed off as very satisfied
    prop = {"id": "SUN", "code": "SUN", "name": "阳光花园", "settings": {"callback_all": True}}
    assert api.put("/properties/SUN", world["manager"], body=prop).status == 200
    ticket = ticket_at(api, world, "free_repair", "signed_off", clock=clock)
    # Then closing without a callback is refused, and the view does not offer it either
    assert act(api, world, "desk", ticket["id"], "close").status == 409
    assert "close" not in api.get(f"/tickets/{ticket['id']}", world["desk"]).body["allowed_actions"]


def test_a_new_matter_raised_during_a_callback_is_a_new_ticket_linked_to_the_one_called_back(api, world, clock):
    from tests.integration.api.flows import ticket_at

    called_back = ticket_at(api, world, "free_repair", "signed_off", clock)
    moon = api.post(
        "/properties/MOON/tickets",
        world["moondesk"],
        body={"kind": "repair", "channel": "phone", "description": "x", "resident_id": "moonres"},
    ).body
    matter = {"kind": "repair", "channel": "phone", "description": "回访时反映阳台门关不严", "resident_id": "zhang"}
    # When the desk records the new matter from the callback
    new = api.post("/properties/SUN/tickets", world["desk"], body={**matter, "linked_ticket_id": called_back["id"]})
    # Then it is a ticket of its own, linked to the old one, which is unchanged
    assert new.status == 201, new.body
    assert new.body["linked_ticket_id"] == called_back["id"] and new.body["id"] != called_back["id"]
    old = api.get(f"/tickets/{called_back['id']}", world["desk"]).body
    assert (old["status"], old["description"]) == ("signed_off", called_back["description"])
    # And a link to another property's ticket is refused, naming the field
    refused = api.post("/properties/SUN/tickets", world["desk"], body={**matter, "linked_ticket_id": moon["id"]})
    assert refused.status == 400 and refused.body["details"][0]["field"] == "linked_ticket_id"


def test_the_call_centre_has_a_queue_of_returned_complaints_with_their_reasons(api, world, clock):
    base = {"kind": "complaint", "channel": "call_centre", "resident_id": "zhang"}
    returned = api.post("/properties/SUN/tickets", world["callcentre"], body={**base, "description": "邻居装修"}).body
    kept = api.post("/properties/SUN/tickets", world["callcentre"], body={**base, "description": "电梯常坏"}).body
    assert act(api, world, "desk", returned["id"], "mark_invalid", {"reason": "业主自家装修引起"}).status == 200
    # When the call-centre agent reads the property's returned complaints
    query = {"property_id": "SUN", "status": "invalid", "kind": "complaint"}
    page = api.get("/tickets", world["callcentre"], query=query)
    # Then the queue holds the returned one with its written reason, and not the one still being handled
    assert page.status == 200, page.body
    assert [(t["id"], t["invalid_reason"]) for t in page.body["items"]] == [(returned["id"], "业主自家装修引起")]
    assert kept["id"] not in [t["id"] for t in page.body["items"]]


def test_a_warranty_visit_is_booked_for_the_next_day_or_later(api, world, clock):
    from tests.integration.api.flows import ticket_at

    warranty = ticket_at(api, world, "warranty", "dispatched", clock)  # it is 10:00 on 23 November in Shanghai
    today = act(api, world, "desk", warranty["id"], "book_appointment", {"appointment_at": "2026-11-23T18:00:00+08:00"})
    assert today.status == 400 and today.body["details"] == [
        {"field": "appointment_at", "problem": "earlier than the next day"}
    ]
    tomorrow = {"appointment_at": "2026-11-24T09:00:00+08:00"}
    booked = act(api, world, "desk", warranty["id"], "book_appointment", tomorrow)
    assert booked.status == 200 and booked.body["appointment_at"] == "2026-11-24T09:00:00+08:00"
    # A repair may still be visited the same day
    repair = ticket_at(api, world, "free_repair", "dispatched", clock)
    same_day = {"appointment_at": "2026-11-23T18:00:00+08:00"}
    assert act(api, world, "desk", repair["id"], "book_appointment", same_day).status == 200
