"""Request budgets of issue 7, counted with a botocore hook on the warm path: deterministic, never timed."""

from __future__ import annotations

import pytest

from tests.integration.api.flows import act, create, ticket_at

ACTION = {"GetItem": 1, "TransactWriteItems": 1}


def _warm(api, world, *who) -> None:
    """A warm sandbox has met its callers and properties (the directory cache); cold costs are not budgets."""
    for name in who:
        api.get("/tickets", world[name])


def test_reading_one_ticket_is_one_getitem(api, world, clock, ddb):
    tid = create(api, world)["id"]
    _warm(api, world, "desk", "zhang")
    for who in ("desk", "zhang"):
        with ddb.measure() as counts:
            assert api.get(f"/tickets/{tid}", world[who]).status == 200
        assert counts == {"GetItem": 1}, who


@pytest.mark.parametrize(
    ("who", "query"),
    [
        ("desk", None),
        ("desk", {"status": "received"}),
        ("desk", {"kind": "repair", "created_from": "2026-11-23T00:00:00Z"}),
        ("desk", {"assignee": "tech"}),
        ("tech", {"mine": "true"}),
        ("zhang", {"kind": "repair"}),
        ("callcentre", {"property_id": "SUN"}),
    ],
)
def test_a_list_page_is_one_query(api, world, clock, ddb, who, query):
    for _ in range(3):
        create(api, world)
    _warm(api, world, who)
    with ddb.measure() as counts:
        first = api.get("/tickets", world[who], query={"limit": "2", **(query or {})})
    assert first.status == 200 and counts == {"Query": 1}, (first.body, counts)
    if first.body["cursor"]:
        with ddb.measure() as counts:
            api.get("/tickets", world[who], query={"limit": "2", "cursor": first.body["cursor"], **(query or {})})
        assert counts == {"Query": 1}


def test_my_work_page_is_one_query(api, world, clock, ddb):
    ticket_at(api, world, "free_repair", "dispatched", clock=clock)
    _warm(api, world, "tech")
    with ddb.measure() as counts:
        assert len(api.get("/me/work", world["tech"]).body["items"]) == 1
    assert counts == {"Query": 1}


@pytest.mark.parametrize(
    ("who", "action", "body"),
    [
        ("desk", "classify", {"paid": False}),
        ("zhang", "urge", None),
        ("zhang", "comment", {"text": "在吗"}),
        ("desk", "void", {"reason": "重复工单"}),
    ],
)
def test_an_action_is_a_read_and_one_transaction(api, world, clock, ddb, who, action, body):
    tid = create(api, world)["id"]
    _warm(api, world, who)
    act(api, world, who, tid, "comment", {"text": "warm the property"})
    with ddb.measure() as counts:
        reply = act(api, world, who, tid, action, body)
    assert reply.status == 200, reply.body
    assert counts == ACTION


def test_every_step_of_a_life_is_two_requests(api, world, clock, ddb):
    # Given a warm sandbox; When a free repair walks its whole life; Then each step costs GetItem + one transaction
    from tests.integration.api.flows import FREE_REPAIR

    tid = create(api, world)["id"]
    _warm(api, world, "desk", "tech", "zhang")
    act(api, world, "desk", tid, "comment", {"text": "warm"})
    for who, action, body, _ in FREE_REPAIR:
        clock.advance(minutes=5)
        with ddb.measure() as counts:
            assert act(api, world, who, tid, action, body).status == 200
        assert counts == ACTION, action


def test_refused_action_costs_one_read(api, world, clock, ddb):
    tid = create(api, world)["id"]
    _warm(api, world, "tech")
    act(api, world, "tech", tid, "comment", {"text": "warm"})
    with ddb.measure() as counts:
        assert act(api, world, "tech", tid, "complete").status == 409
    assert counts == {"GetItem": 1}


def test_recorded_costs_of_the_other_routes(api, world, clock, ddb):
    """Not budgets of issue 7, but pinned so a change in cost is a visible change in this test."""
    _warm(api, world, "zhang", "desk")
    create(api, world)  # the property is now cached too
    with ddb.measure() as create_cost:
        tid = create(api, world)["id"]
    with ddb.measure() as idempotent_cost:
        headers = {"Idempotency-Key": "budget-key-0001"}
        api.post("/tickets", world["zhang"], body={"description": "停电"}, headers=headers)
    with ddb.measure() as replay_cost:
        api.post("/tickets", world["zhang"], body={"description": "停电"}, headers=headers)
    with ddb.measure() as trail_cost:
        api.get(f"/tickets/{tid}/events", world["desk"])
    with ddb.measure() as attach_cost:
        api.post(
            f"/tickets/{tid}/attachments", world["zhang"], body={"purpose": "resident", "content_type": "image/jpeg"}
        )
    # resident, unit, the resident's hourly ticket limit, the number counter, transaction (the property is cached)
    assert create_cost == {"GetItem": 2, "UpdateItem": 2, "TransactWriteItems": 1}
    assert idempotent_cost == {"GetItem": 2, "UpdateItem": 3, "TransactWriteItems": 1, "PutItem": 1}
    assert replay_cost == {"PutItem": 1}  # the failed conditional put returns the stored answer
    assert trail_cost == {"Query": 1}  # the ticket and its events share a partition
    assert attach_cost == {"GetItem": 1, "TransactWriteItems": 1}  # an action like any other


def test_cold_caller_costs_one_directory_query_and_one_property_read(api, world, clock, ddb):
    tid = create(api, world)["id"]
    from routes.deps import directory_cache

    directory_cache().clear()
    with ddb.measure() as counts:
        api.get(f"/tickets/{tid}", world["desk"])
    # the caller (Query by-user), the ticket, and the property whose rules decide the allowed actions; all cached after
    assert counts == {"Query": 1, "GetItem": 2}


def test_idempotency_store_is_built_once_per_sandbox(api, world, clock, monkeypatch):
    # Given a warm sandbox that counts how often the idempotency persistence layer is built
    import aws_lambda_powertools.utilities.idempotency as idempotency  # routes import it on first use

    built = []
    real = idempotency.DynamoDBPersistenceLayer

    def counting(*args, **kwargs):
        built.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(idempotency, "DynamoDBPersistenceLayer", counting)
    # When two idempotent creates arrive; Then the layer (and its boto3 client) is built once
    for key in ("sandbox-key-0001", "sandbox-key-0002"):
        reply = api.post("/tickets", world["zhang"], body={"description": "停电"}, headers={"Idempotency-Key": key})
        assert reply.status == 201
    assert len(built) == 1


def test_a_plain_api_cold_start_never_imports_boto3():
    # Given a fresh interpreter with the API's code and layer on its path; When it imports the handler
    import subprocess
    import sys

    from tests.support.api import ROOT

    code = "import sys, app; print('boto3' in sys.modules, 's3transfer' in sys.modules)"
    env = {
        "PYTHONPATH": f"{ROOT / 'layers' / 'core'}:{ROOT / 'functions' / 'api'}",
        "TICKETS_TABLE": "t",
        "DIRECTORY_TABLE": "d",
        "PATH": "/usr/bin:/bin",
    }
    argv = [sys.executable, "-c", code]
    out = subprocess.run(argv, env=env, capture_output=True, text=True, check=True).stdout  # noqa: S603 - our own program
    # Then neither boto3 nor s3transfer is loaded: PynamoDB talks to botocore, idempotency loads on first use
    assert out.split() == ["False", "False"], out


def test_the_counter_sees_every_client_and_every_scan(api, world, ddb):
    # Given a client built after the hook was installed; When it scans; Then the scan is counted
    import boto3

    client = boto3.client("dynamodb", region_name="us-east-1")
    with ddb.measure() as counts:
        client.scan(TableName="DirectoryTable", Limit=1)
        client.get_item(TableName="DirectoryTable", Key={"pk": {"S": "GROUP"}, "sk": {"S": "PROPERTY#SUN"}})
    assert counts == {"Scan": 1, "GetItem": 1}
    ddb.total_seen["Scan"] = 0  # this test's own scan is not a finding
