"""The emulator the tests and the local stack run on answers a Query as DynamoDB does, reading one partition.

moto sorts every item of a table to answer a Query on the table's own key; `query_one_partition` makes it read
only the partition asked for, so that a ticket's read does not grow with the number of tickets. The answers
must stay exactly DynamoDB's: key order, both directions, key conditions, pages, an empty partition.
"""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from moto.dynamodb.models.table import Table

EVENTS = "emulator-events"
SINGLE = "emulator-single"


@pytest.fixture
def ddb(aws: dict[str, str]) -> Any:
    client = boto3.client("dynamodb", region_name="us-east-1")
    client.create_table(
        TableName=EVENTS,
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        AttributeDefinitions=[
            {"AttributeName": "pk", "AttributeType": "S"},
            {"AttributeName": "sk", "AttributeType": "S"},
            {"AttributeName": "ipk", "AttributeType": "S"},
        ],
        GlobalSecondaryIndexes=[
            {
                "IndexName": "by-ipk",
                "KeySchema": [{"AttributeName": "ipk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
                "Projection": {"ProjectionType": "ALL"},
            }
        ],
        BillingMode="PAY_PER_REQUEST",
    )
    client.create_table(
        TableName=SINGLE,
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    # Three tickets' partitions, each written out of order; two items carry an index key
    for pk, sks in {
        "TICKET#b": ["EVENT#03", "TICKET", "EVENT#01", "WORKFLOW", "EVENT#02"],
        "TICKET#a": ["TICKET", "EVENT#01"],
        "TICKET#c": ["EVENT#01", "TICKET"],
    }.items():
        for sk in sks:
            item = {"pk": {"S": pk}, "sk": {"S": sk}}
            if sk == "TICKET" and pk != "TICKET#b":
                item["ipk"] = {"S": "open"}
            client.put_item(TableName=EVENTS, Item=item)
    client.put_item(TableName=SINGLE, Item={"pk": {"S": "PROPERTY#SUN"}, "name": {"S": "阳光花园"}})
    client.put_item(TableName=SINGLE, Item={"pk": {"S": "PROPERTY#MOON"}, "name": {"S": "月亮湾"}})
    return client


def _sks(ddb: Any, **query: Any) -> list[str]:
    items = ddb.query(TableName=EVENTS, **query)["Items"]
    return [f"{i['pk']['S']} {i['sk']['S']}" for i in items]


def _in(pk: str) -> dict[str, Any]:
    return {"KeyConditionExpression": "pk = :pk", "ExpressionAttributeValues": {":pk": {"S": pk}}}


def test_a_query_answers_one_partition_in_key_order_both_ways_and_by_key_condition(ddb: Any) -> None:
    assert _sks(ddb, **_in("TICKET#b")) == [
        "TICKET#b EVENT#01",
        "TICKET#b EVENT#02",
        "TICKET#b EVENT#03",
        "TICKET#b TICKET",
        "TICKET#b WORKFLOW",
    ]
    assert _sks(ddb, **_in("TICKET#a"), ScanIndexForward=False) == ["TICKET#a TICKET", "TICKET#a EVENT#01"]
    events = {
        "KeyConditionExpression": "pk = :pk AND begins_with(sk, :e)",
        "ExpressionAttributeValues": {":pk": {"S": "TICKET#b"}, ":e": {"S": "EVENT#"}},
    }
    assert _sks(ddb, **events) == ["TICKET#b EVENT#01", "TICKET#b EVENT#02", "TICKET#b EVENT#03"]
    # An index still finds its items across every partition
    index = {"KeyConditionExpression": "ipk = :o", "ExpressionAttributeValues": {":o": {"S": "open"}}}
    assert _sks(ddb, IndexName="by-ipk", **index) == ["TICKET#a TICKET", "TICKET#c TICKET"]
    # A table keyed by its hash alone answers its one item
    single = ddb.query(
        TableName=SINGLE,
        KeyConditionExpression="pk = :pk",
        ExpressionAttributeValues={":pk": {"S": "PROPERTY#MOON"}},
    )["Items"]
    assert [i["name"]["S"] for i in single] == ["月亮湾"]


def test_a_query_pages_through_its_partition_and_an_unknown_key_finds_nothing_and_writes_nothing(ddb: Any) -> None:
    seen: list[str] = []
    start: dict[str, Any] | None = None
    pages = 0
    while True:
        page = ddb.query(
            TableName=EVENTS, Limit=2, **_in("TICKET#b"), **({"ExclusiveStartKey": start} if start else {})
        )
        seen += [i["sk"]["S"] for i in page["Items"]]
        pages += 1
        start = page.get("LastEvaluatedKey")
        if not start:
            break
    assert seen == ["EVENT#01", "EVENT#02", "EVENT#03", "TICKET", "WORKFLOW"]
    assert pages == 3
    assert _sks(ddb, **_in("TICKET#zzz")) == []
    assert ddb.scan(TableName=EVENTS, Select="COUNT")["Count"] == 9


def test_a_query_on_the_tables_key_reads_only_its_partition(ddb: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    read: list[int] = []
    listed = Table.all_items

    def counted(self: Any) -> Any:
        items = listed(self)
        read.append(len(items))
        return items

    monkeypatch.setattr(Table, "all_items", counted)
    assert len(_sks(ddb, **_in("TICKET#c"))) == 2
    # The two items of that partition, not the nine of the table
    assert read == [2]


def test_an_execution_that_is_still_starting_is_described_as_running(aws: dict[str, str]) -> None:
    """moto lists a new execution before StartExecution has given it its status; a reader meanwhile (the workflow
    asking whether a ticket's execution runs) must hear RUNNING, as from Step Functions, not crash."""
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.stepfunctions.parser.models import stepfunctions_parser_backends

    from local.moto_patches import tolerate_starting_executions

    undo = tolerate_starting_executions()
    try:
        sfn = boto3.client("stepfunctions", region_name="us-east-1")
        definition = '{"StartAt": "Hold", "States": {"Hold": {"Type": "Wait", "Seconds": 3600, "End": true}}}'
        machine = sfn.create_state_machine(
            name="emulator-starting", definition=definition, roleArn="arn:aws:iam::123456789012:role/x"
        )["stateMachineArn"]
        arn = sfn.start_execution(stateMachineArn=machine, name="t_starting")["executionArn"]
        [execution] = [
            e
            for e in stepfunctions_parser_backends[DEFAULT_ACCOUNT_ID]["us-east-1"]._get_executions()
            if e.exec_arn == arn
        ]
        started = execution.exec_status
        execution.exec_status = None  # the moment between being listed and being started
        try:
            assert sfn.describe_execution(executionArn=arn)["status"] == "RUNNING"
        finally:
            execution.exec_status = started
        sfn.stop_execution(executionArn=arn)
    finally:
        undo()
