"""The deterministic budgets of issue 7: DynamoDB requests per read and per action, no Scan, cost per 1,000 tickets.

Counts only, never wall-clock times (timings are `make bench` and `make bench-coldstart`).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bench.capacity import CapacityMeter, Usage, indexes_from_template
from tests.integration.api.flows import SCENARIOS, act, create
from tests.support import infra
from tests.support.requests import DynamoDBRequests


@pytest.fixture(autouse=True)
def ddb() -> Iterator[DynamoDBRequests]:
    """Installed before any client exists (autouse fixtures run first); no test may Scan."""
    counter = DynamoDBRequests()
    counter.install()
    yield counter
    counter.uninstall()
    assert counter.total_seen["Scan"] == 0, f"a Scan was made: {dict(counter.total_seen)}"


@pytest.fixture(autouse=True)
def meter() -> Iterator[CapacityMeter]:
    capacity = CapacityMeter(indexes_from_template(infra.template().resources))
    capacity.install()
    yield capacity
    capacity.uninstall()


@pytest.fixture
def warm(api, world):
    """A warm sandbox: every user's principal is cached, as on the second request to a Lambda."""
    for who in world.users:
        api.get("/tickets/warm-up-0000", world[who])
    return api


READS = [
    ("GET", "/tickets/{id}", "zhang", None),
    ("GET", "/tickets/{id}", "desk", None),
    ("GET", "/tickets", "zhang", None),
    ("GET", "/tickets", "desk", None),
    ("GET", "/tickets", "desk", {"status": "dispatched"}),
    ("GET", "/tickets", "desk", {"assignee": "tech"}),
    ("GET", "/tickets", "tech", {"mine": "true"}),
    ("GET", "/me/work", "tech", None),
]


@pytest.mark.parametrize(("method", "path", "who", "query"), READS)
def test_reading_one_ticket_or_one_page_takes_one_request(warm, world, clock, ddb, method, path, who, query):
    # Given a dispatched ticket in a warm sandbox
    ticket = create(warm, world)
    act(warm, world, "desk", ticket["id"], "dispatch", {"assignee_id": "tech"})
    # When the read is made
    with ddb.measure() as counts:
        reply = warm.call(method, path.format(id=ticket["id"]), world[who], query=query)
    # Then it answers with one DynamoDB request at most
    assert reply.status == 200, reply.body
    assert sum(counts.values()) <= 1, dict(counts)


@pytest.mark.parametrize("scenario", list(SCENARIOS))
def test_every_action_takes_a_read_and_one_transactional_write(warm, world, clock, ddb, scenario):
    # Given a new ticket of the scenario's kind
    kind, steps = SCENARIOS[scenario]
    ticket = create(warm, world, kind)
    # When each action of its life is taken
    for who, action, body, _after in steps:
        clock.advance(minutes=5)
        with ddb.measure() as counts:
            reply = act(warm, world, who, ticket["id"], action, body)
        # Then each takes at most 2 requests: one GetItem, one TransactWriteItems
        assert reply.status == 200, (action, reply.body)
        assert sum(counts.values()) <= 2, (action, dict(counts))
        assert counts["TransactWriteItems"] == 1, (action, dict(counts))


def test_idempotent_create_adds_only_the_idempotency_records_requests(warm, world, clock, ddb):
    body = {"kind": "repair", "description": "门锁坏了"}
    # Given the requests of a create without a key
    with ddb.measure() as plain:
        assert warm.post("/tickets", world["zhang"], body=body).status == 201
    # When the same create carries an Idempotency-Key, and is then replayed
    headers = {"Idempotency-Key": "budget-key-0001"}
    with ddb.measure() as keyed:
        assert warm.post("/tickets", world["zhang"], body=body, headers=headers).status == 201
    with ddb.measure() as replay:
        assert warm.post("/tickets", world["zhang"], body=body, headers=headers).status == 201
    # Then the key costs at most the idempotency record's two writes, and a replay touches only that record
    assert sum(keyed.values()) <= sum(plain.values()) + 2, (dict(plain), dict(keyed))
    assert sum(replay.values()) <= 1, dict(replay)
    assert "TransactWriteItems" not in replay


def test_no_scan_across_every_full_ticket_life(warm, world, clock, ddb):
    # Given every scenario walked to its end, with reads in between
    for kind, steps in SCENARIOS.values():
        ticket = create(warm, world, kind)
        for who, action, body, _after in steps:
            clock.advance(minutes=5)
            assert act(warm, world, who, ticket["id"], action, body).status == 200
            warm.get(f"/tickets/{ticket['id']}", world["desk"])
        warm.get(f"/tickets/{ticket['id']}/events", world["desk"])
        warm.get("/tickets", world["desk"])
    # Then not one Scan was made (the fixture checks it again at teardown)
    assert ddb.total_seen["Scan"] == 0


def test_a_thousand_tickets_cost_at_most_fifty_cents(warm, world, clock, meter):
    from bench.__main__ import life_usage
    from bench.cost import tickets_bill
    from bench.operations import Measured
    from bench.workflow import WorkflowMeasure

    # Given every scenario's whole life, counted in request units
    measured = Measured()
    for name, (kind, steps) in SCENARIOS.items():
        life = Usage()
        with meter.measure() as usage:
            ticket = create(warm, world, kind)
            for who, action, body, _after in steps:
                clock.advance(minutes=5)
                act(warm, world, who, ticket["id"], action, body)
        life.add(usage)
        measured.lives[name] = life
        measured.life_calls[name] = 1 + len(steps)
    # When 1,000 tickets of the month's mix are billed at list prices (transitions: the labelled assumption
    # unless the workflow tests measured them)
    usage, _source = life_usage(measured, WorkflowMeasure(False, "not measured in this test"))
    bill = tickets_bill(usage, 1000)
    # Then the infrastructure costs at most US$0.50 (SMS is a pass-through, billed apart)
    assert bill.total(sms=False) <= 0.50, [(line.item, round(line.usd, 4)) for line in bill.lines]


def test_the_audit_trail_page_takes_one_request(warm, world, clock, ddb):
    ticket = create(warm, world)
    with ddb.measure() as counts:
        assert warm.get(f"/tickets/{ticket['id']}/events", world["desk"]).status == 200
    assert sum(counts.values()) <= 1, dict(counts)


def test_recording_an_attachment_takes_at_most_two_requests(warm, world, clock, ddb):
    ticket = create(warm, world)
    with ddb.measure() as counts:
        reply = warm.post(
            f"/tickets/{ticket['id']}/attachments",
            world["zhang"],
            body={"purpose": "resident", "content_type": "image/jpeg"},
        )
    assert reply.status == 201, reply.body
    assert sum(counts.values()) <= 2, dict(counts)
