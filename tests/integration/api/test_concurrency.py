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


# ---- many actions at once: one audit event per successful action -------------------------------------


@pytest.fixture
def serialised_dynamodb(monkeypatch):
    """The embedded emulator with DynamoDB's own guarantee: one write or transaction at a time per table.

    moto applies a transaction item by item and rolls back by restoring a copy of the whole table taken when
    it began, with no lock; see test_the_emulator_alone_invents_an_event_without_its_change for what that does.
    """
    from moto.dynamodb.models import DynamoDBBackend

    lock = threading.RLock()
    for name in ("transact_write_items", "put_item", "update_item", "delete_item"):
        original = getattr(DynamoDBBackend, name)

        def serialised(self, *args, _original=original, **kwargs):
            with lock:
                return _original(self, *args, **kwargs)

        monkeypatch.setattr(DynamoDBBackend, name, serialised)


def _urge_at_once(service, principal, tid, n):
    from propdesk.errors import ConcurrentUpdate
    from propdesk.logic.commands import NoteInput
    from propdesk.models.enums import Action

    barrier = threading.Barrier(n, timeout=30)
    outcomes = []

    def urge():
        barrier.wait()
        try:
            service.act(principal, tid, Action.URGE, NoteInput())
            outcomes.append("ok")
        except ConcurrentUpdate:
            outcomes.append("409")

    threads = [threading.Thread(target=urge) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return outcomes


def test_twenty_concurrent_urges_write_one_event_per_success(api, world, clock, serialised_dynamodb):
    # Given a ticket; When 20 urges arrive at once, five times over
    from routes.deps import directory_cache, ticket_service

    tid = create(api, world)["id"]
    service = ticket_service()
    desk = directory_cache().principal({"sub": "sub-desk", "cognito:groups": "[desk_agent]"})
    successes = 0
    for _batch in range(5):
        outcomes = _urge_at_once(service, desk, tid, 20)
        assert len(outcomes) == 20 and set(outcomes) <= {"ok", "409"}
        successes += outcomes.count("ok")
        # Then after every batch: one urge event per success, the count and the version agree
        ticket, events = service.tickets.with_events(tid)
        urges = [e for e in events if e.action == "urge"]
        assert len(urges) == successes == ticket.urge_count == ticket.version - 1
    assert successes >= 5  # at least one per batch got through


def test_an_action_writes_its_event_only_inside_the_tickets_conditional_transaction(api, world, clock, monkeypatch):
    # Given a ticket, and every DynamoDB write request recorded as sent
    import botocore.session

    sent: list[tuple[str, dict]] = []
    original = botocore.session.Session.create_client

    def create_client(session, *args, **kwargs):
        client = original(session, *args, **kwargs)
        client.meta.events.register(
            "provide-client-params.dynamodb", lambda params, model, **_: sent.append((model.name, params))
        )
        return client

    monkeypatch.setattr(botocore.session.Session, "create_client", create_client)
    from tests.support.api import reset_api_state

    reset_api_state()
    tid = create(api, world)["id"]
    sent.clear()
    # When the desk urges it
    assert act(api, world, "desk", tid, "urge").status == 200
    # Then the only write is one transaction: the ticket put on condition of the version read, and its event
    writes = [(name, params) for name, params in sent if name not in ("GetItem", "Query")]
    assert [name for name, _ in writes] == ["TransactWriteItems"], writes
    ticket_put, event_put = (item["Put"] for item in writes[0][1]["TransactItems"])
    assert ticket_put["Item"]["sk"] == {"S": "TICKET"} and ticket_put["Item"]["version"] == {"N": "2"}
    names, values = ticket_put["ExpressionAttributeNames"], ticket_put["ExpressionAttributeValues"]
    condition = ticket_put["ConditionExpression"]
    for placeholder, name in names.items():
        condition = condition.replace(placeholder, name)
    for placeholder, value in values.items():
        condition = condition.replace(placeholder, str(value))
    assert condition == "version = {'N': '1'}"
    assert (
        event_put["Item"]["sk"]["S"].startswith("EVENT#") and "attribute_not_exists" in event_put["ConditionExpression"]
    )


def test_the_emulator_alone_invents_an_event_without_its_change(api, aws, world, clock, monkeypatch):
    """Two transactions on one ticket, interleaved as moto allows: A starts (copies the table), B writes the
    ticket, A fails its version check and restores its copy, B writes its event. DynamoDB would have made B
    all or nothing; moto leaves B's event without B's change, and B was told it succeeded."""
    from moto.dynamodb import models as moto_models

    from propdesk.errors import ConcurrentUpdate
    from propdesk.models.enums import Role
    from propdesk.models.ticket import TicketEvent

    tid = create(api, world)["id"]
    store = TicketStore(aws["TicketsTable"])
    read = store.get(tid)
    a_copied, b_wrote_ticket, a_restored = threading.Event(), threading.Event(), threading.Event()
    real_get = moto_models.DynamoDBBackend.get_item
    real_put = moto_models.DynamoDBBackend.put_item

    def pause_then_get(self, *args, **kwargs):
        # In a transaction, moto reads each item after copying the table and before checking its condition.
        if threading.current_thread().name == "A":
            a_copied.set()
            b_wrote_ticket.wait(10)
        return real_get(self, *args, **kwargs)

    def put_then_pause(self, table_name, item_attrs, *args, **kwargs):
        result = real_put(self, table_name, item_attrs, *args, **kwargs)
        if threading.current_thread().name == "B" and item_attrs["sk"]["S"] == "TICKET":
            b_wrote_ticket.set()
            a_restored.wait(10)
        return result

    monkeypatch.setattr(moto_models.DynamoDBBackend, "get_item", pause_then_get)
    monkeypatch.setattr(moto_models.DynamoDBBackend, "put_item", put_then_pause)

    def urge(by: str, ticket):
        event = TicketEvent(ticket_id=tid, at=clock(), actor_id=by, actor_role=Role.DESK_AGENT, action="urge")
        return store.update(ticket.model_copy(update={"urge_count": ticket.urge_count + 1}), [event])

    results: dict[str, object] = {}

    def run(name, ticket):
        try:
            results[name] = urge(name, ticket)
        except ConcurrentUpdate as err:
            results[name] = err
        if name == "A":
            a_restored.set()

    stale = read.model_copy(update={"version": 0})  # A's check fails: it read an older version
    a = threading.Thread(target=run, args=("A", stale), name="A")
    a.start()
    a_copied.wait(10)
    b = threading.Thread(target=run, args=("B", read), name="B")
    b.start()
    a.join(20)
    b.join(20)
    monkeypatch.undo()
    # Then B was told it succeeded, A that it lost; but the ticket does not show B's urge while its event is there
    assert isinstance(results["A"], ConcurrentUpdate) and not isinstance(results["B"], Exception)
    ticket, events = store.with_events(tid)
    assert [e.actor_id for e in events if e.action == "urge"] == ["B"]
    assert (ticket.urge_count, ticket.version) == (0, 1)


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
