"""Amazon Connect contact-flow function: flat string answers, null endpoints, idempotent on ContactId + action."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import boto3
import pytest

from local.template import Template
from tests.support import infra
from tests.support.api import LambdaContext, load_function

EVENTS = Path(__file__).resolve().parents[3] / "events"


def sample(name: str) -> dict[str, Any]:
    return json.loads((EVENTS / f"connect-contact-flow-{name}.json").read_text())


@pytest.fixture
def connect(function_env, world, clock):
    function_env("ConnectFunction")
    module = load_function("connect")
    module.settings.cache_clear()
    module.sandbox.cache_clear()
    yield module
    module.settings.cache_clear()
    module.sandbox.cache_clear()


def invoke(module: Any, event: dict[str, Any]) -> dict[str, Any]:
    answer = module.lambda_handler(event, LambdaContext())
    assert isinstance(answer, dict)
    assert all(isinstance(k, str) and isinstance(v, str) for k, v in answer.items()), answer  # Connect's contract
    return answer


def tickets() -> list[dict[str, Any]]:
    items = boto3.client("dynamodb").scan(TableName="TicketsTable")["Items"]
    return [i for i in items if i["sk"]["S"] == "TICKET"]


def test_lookup_of_a_known_caller_without_tickets(connect):
    answer = invoke(connect, sample("lookup"))
    assert answer == {"result": "ok", "known": "true", "language": "zh-CN", "openTickets": "0", "residentName": "张伟"}


def test_create_records_a_ticket_and_a_later_lookup_finds_it(connect):
    created = invoke(connect, sample("create"))
    assert created["result"] == "ok" and created["ticketNumber"] == "SUN-20261123-0001"
    assert created["ticketSpoken"] == "S U N 2 0 2 6 1 1 2 3 0 0 0 1"
    [item] = tickets()
    assert item["kind"]["S"] == "repair" and item["resident_id"]["S"] == "zhang"
    assert json.loads(item["doc"]["S"])["channel"] == "call_centre"

    found = invoke(connect, sample("lookup"))
    assert found["openTickets"] == "1" and found["latestTicketNumber"] == "SUN-20261123-0001"
    assert found["latestTicketStatus"] == "received"


def test_connect_retries_of_create_make_one_ticket(connect):
    first = invoke(connect, sample("create"))
    for _ in range(3):  # Connect retries a failed or slow invocation up to three times
        assert invoke(connect, sample("create")) == first
    assert len(tickets()) == 1


def test_a_null_customer_endpoint_is_tolerated(connect):
    event = sample("anonymous")
    assert event["Details"]["ContactData"]["CustomerEndpoint"] is None

    lookup = copy.deepcopy(event)
    lookup["Details"]["Parameters"] = {"action": "lookup"}
    assert invoke(connect, lookup) == {"result": "ok", "known": "false", "language": "zh-CN", "openTickets": "0"}

    created = invoke(connect, event)
    assert created["status"] == "needs_identification"


def test_kind_from_a_menu_key_and_unknown_actions(connect):
    event = sample("create")
    event["Details"]["Parameters"] = {"action": "create", "kind": "2", "description": "物业态度差"}
    invoke(connect, event)
    assert tickets()[0]["kind"]["S"] == "complaint"

    event["Details"]["Parameters"] = {"action": "dance"}
    assert invoke(connect, event)["result"] == "error"


def test_the_template_lets_only_the_configured_connect_instance_invoke():
    instance = "arn:aws:connect:us-east-1:123456789012:instance/9308c2a1-9bc6-4cea-8290-6c0b4a6d38fa"
    tpl = Template.from_file(
        infra.ROOT / "template.yaml", region="us-east-1", parameters={"ConnectInstanceArn": instance}
    )
    resources = tpl.resources
    assert "ConnectInvokePermission" not in infra.template().resources  # no instance configured: nobody may invoke
    permission = resources["ConnectInvokePermission"]
    assert permission["Condition"] == "HasConnectInstance"
    props = permission["Properties"]
    assert props["Principal"] == "connect.amazonaws.com"
    assert props["SourceArn"] == {"Ref": "ConnectInstanceArn"}
    assert props["SourceAccount"] == {"Ref": "AWS::AccountId"}
    assert resources["ConnectFunction"]["Properties"]["Timeout"] < 8


def test_dynamodb_requests_per_contact_flow_call(connect, ddb_requests):
    invoke(connect, sample("lookup"))  # cold
    lookup = sum(ddb_requests.values())
    ddb_requests.clear()
    invoke(connect, sample("create"))
    create = dict(ddb_requests)
    print("DDB per Connect call: lookup", lookup, "create", create)
    # Lookup: the number called (GetItem, then cached), the caller (Query), their open tickets (Query).
    assert "Scan" not in create and lookup <= 3 and sum(create.values()) <= 8


def test_a_retry_while_the_first_call_still_runs_is_told_busy_and_writes_nothing(connect, monkeypatch):
    import threading

    service = connect.sandbox().service
    original = service.create
    entered, release = threading.Event(), threading.Event()

    def slow_create(*args: Any, **kwargs: Any) -> Any:
        entered.set()
        assert release.wait(10)
        return original(*args, **kwargs)

    monkeypatch.setattr(service, "create", slow_create)
    answers: list[dict[str, Any]] = []
    first = threading.Thread(target=lambda: answers.append(invoke(connect, sample("create"))))
    first.start()
    assert entered.wait(10)
    busy = invoke(connect, sample("create"))
    release.set()
    first.join(10)

    assert busy["result"] == "busy"
    assert answers[0]["result"] == "ok" and len(tickets()) == 1
    assert invoke(connect, sample("create")) == answers[0]
