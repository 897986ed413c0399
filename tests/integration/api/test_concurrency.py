"""Two actions racing on one ticket: one wins, one gets 409, the version moves by one, the trail is complete."""

from __future__ import annotations

import threading

import pytest

from propdesk.dal.tickets import TicketStore
from tests.integration.api.flows import act, create, ticket_at


def _race(api, world, monkeypatch, tid, first, second):
    """Run two act() calls whose reads both happen before either write (a barrier after the read)."""
    barrier = threading.Barrier(2, timeout=10)
    real_get = TicketStore.get
    first_reads: set[int] = set()

    def get_then_wait(self, ticket_id):
        ticket = real_get(self, ticket_id)
        if threading.get_ident() not in first_reads:  # the loser's re-read after its conflict goes straight on
            first_reads.add(threading.get_ident())
            barrier.wait()
        return ticket

    # DynamoDB serialises conditional writes on one item; moto does not, so the writes take turns here.
    write_lock = threading.Lock()
    real_update = TicketStore.update

    def update_in_turn(self, ticket, events):
        with write_lock:
            return real_update(self, ticket, events)

    monkeypatch.setattr(TicketStore, "get", get_then_wait)
    monkeypatch.setattr(TicketStore, "update", update_in_turn)
    replies = {}

    def run(name, call):
        replies[name] = act(api, world, *call[:1], tid, *call[1:])

    threads = [threading.Thread(target=run, args=(n, c)) for n, c in (("a", first), ("b", second))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    monkeypatch.setattr(TicketStore, "get", real_get)
    monkeypatch.setattr(TicketStore, "update", real_update)
    return replies["a"], replies["b"]


@pytest.mark.parametrize(
    ("first", "second"),
    [
        (("desk", "urge", None), ("zhang", "urge", None)),  # same action twice
        (("desk", "void", {"reason": "重复工单"}), ("desk", "classify", {"category": "lock"})),  # conflicting moves
        (("zhang", "comment", {"text": "在吗"}), ("desk", "comment", {"text": "马上到"})),
    ],
)
def test_two_concurrent_actions_one_wins(api, world, clock, monkeypatch, first, second):
    # Given a received ticket at version 1
    ticket = create(api, world)
    assert ticket["version"] == 1
    # When two actions read it at the same time and both try to write
    a, b = _race(api, world, monkeypatch, ticket["id"], first, second)
    # Then exactly one succeeds and the other is a 409 concurrent update
    statuses = sorted([a.status, b.status])
    assert statuses == [200, 409], (a.body, b.body)
    loser = a if a.status == 409 else b
    assert loser.error == "concurrent_update"
    # And the refusal names the version the loser had and the one the winner made
    [version] = [d for d in loser.body["details"] if d["field"] == "version"]
    assert (version["had"], version["current"]) == (1, 2)
    # And the version went up by exactly one, with exactly one audit event for it
    now = api.get(f"/tickets/{ticket['id']}", world["desk"]).body
    assert now["version"] == 2
    trail = api.get(f"/tickets/{ticket['id']}/events", world["desk"]).body["events"]
    winner = a if a.status == 200 else b
    assert len(trail) == 2 and trail[0]["action"] == "create"
    assert trail[1]["to_status"] == winner.body["status"]
    # And the loser can retry against the new version (it may now be allowed or not, but never lost)
    who, action, body = first if loser is a else second
    retry = act(api, world, who, ticket["id"], action, body)
    assert retry.status in (200, 409)
    assert retry.status == 409 or retry.body["version"] == 3


def test_a_stale_read_never_overwrites(api, world, clock, monkeypatch):
    # Given a ticket, and a store that keeps returning the read taken before anyone acted
    ticket = ticket_at(api, world, "free_repair", "classified", clock=clock)
    from routes.deps import ticket_service

    store = ticket_service().tickets
    snapshot = store.get(ticket["id"])
    monkeypatch.setattr(store, "get", lambda _tid: snapshot)
    # When dispatch succeeds and a second dispatch comes from the same stale read
    first = act(api, world, "desk", ticket["id"], "dispatch", {"assignee_id": "tech"})
    second = act(api, world, "dispatcher", ticket["id"], "dispatch", {"assignee_id": "tech2"})
    monkeypatch.undo()
    # Then the second is refused and the first dispatch stands
    assert first.status == 200 and second.status == 409, second.body
    now = api.get(f"/tickets/{ticket['id']}", world["desk"]).body
    assert (now["assignee_id"], now["version"]) == ("tech", ticket["version"] + 1)
    actions = [e["action"] for e in api.get(f"/tickets/{ticket['id']}/events", world["desk"]).body["events"]]
    assert actions == ["create", "classify", "dispatch"]


def test_a_workflow_write_between_read_and_write_is_not_a_conflict(api, world, clock, monkeypatch):
    # Given a dispatched ticket, and the workflow recording a timer on it right after the technician's read
    ticket = ticket_at(api, world, "free_repair", "dispatched", clock=clock)
    from routes.deps import ticket_service

    store = ticket_service().tickets
    real_get = store.get
    timer_written: list[int] = []

    def read_then_timer_writes(ticket_id):
        read = real_get(ticket_id)
        if not timer_written:
            by_workflow = read.model_copy(deep=True)
            by_workflow.urge_count += 7  # any change the workflow makes, without a person's action
            timer_written.append(store.update(by_workflow, []).version)
        return read

    monkeypatch.setattr(store, "get", read_then_timer_writes)
    # When the technician accepts
    reply = act(api, world, "tech", ticket["id"], "accept")
    monkeypatch.undo()
    # Then he is not refused: the accept is decided again on what the workflow wrote, and both stand
    assert reply.status == 200, reply.body
    now = api.get(f"/tickets/{ticket['id']}", world["desk"]).body
    assert now["status"] == "accepted" and now["version"] == ticket["version"] + 2
    assert now["urge_count"] == 7
    actions = [e["action"] for e in api.get(f"/tickets/{ticket['id']}/events", world["desk"]).body["events"]]
    assert actions == ["create", "classify", "dispatch", "accept"]


def test_a_ticket_stored_with_the_retired_workflow_fields_still_reads_and_acts(api, world, clock):
    # Given a ticket written before the workflow kept its own item (token and steps on the ticket)
    import json

    import boto3

    from routes.deps import settings

    ticket = ticket_at(api, world, "free_repair", "dispatched", clock=clock)
    ddb = boto3.client("dynamodb", region_name="us-east-1")
    key = {"pk": {"S": f"TICKET#{ticket['id']}"}, "sk": {"S": "TICKET"}}
    item = ddb.get_item(TableName=settings().tickets_table, Key=key)["Item"]
    doc = json.loads(item["doc"]["S"])
    doc.update(task_token="tok", awaiting=["arrive"], expired_steps={"accept": doc["created_at"]}, workflow="arn:x")
    item["doc"] = {"S": json.dumps(doc)}
    ddb.put_item(TableName=settings().tickets_table, Item=item)
    # When the technician reads it and accepts (a step that had "expired")
    assert api.get(f"/tickets/{ticket['id']}", world["tech"]).status == 200
    reply = act(api, world, "tech", ticket["id"], "accept")
    # Then it is taken
    assert reply.status == 200 and reply.body["status"] == "accepted"
