"""The local runtime's DynamoDB under concurrent clients over HTTP: no acknowledged write is ever lost.

moto's server answers requests on many threads; without `serialise_dynamodb` a failed transaction restores
a snapshot of the table over a concurrent success, and readers crash on a table that grows under them.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from moto.server import ThreadedMotoServer

from local.moto_patches import serialise_dynamodb

pytestmark = [pytest.mark.e2e, pytest.mark.enable_socket]

CLIENTS = 8
ROUNDS = 40
TABLE = "tickets"
ROLLBACK_TABLE = "rollback"  # moto's backend outlives each server: a table of its own


@pytest.fixture
def moto_endpoint() -> Iterator[str]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    undo = serialise_dynamodb()  # as local.runtime does when it starts moto
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        undo()
        server.stop()


def _client(endpoint: str) -> Any:
    return boto3.client(
        "dynamodb",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=Config(retries={"max_attempts": 1}),  # a server error must show, not be retried away
    )


def test_concurrent_clients_lose_no_acknowledged_write(moto_endpoint: str) -> None:
    setup = _client(moto_endpoint)
    setup.create_table(
        TableName=TABLE,
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        AttributeDefinitions=[
            {"AttributeName": "pk", "AttributeType": "S"},
            {"AttributeName": "sk", "AttributeType": "S"},
        ],
        BillingMode="PAY_PER_REQUEST",
    )
    acknowledged: list[str] = []
    counted: list[int] = []
    server_errors: list[str] = []
    lock = threading.Lock()
    start = threading.Barrier(CLIENTS)

    def client_work(n: int) -> None:
        ddb = _client(moto_endpoint)
        start.wait()
        for r in range(ROUNDS):
            key = f"TICKET#{n}-{r}"
            try:
                if n % 2:
                    # A transaction bound to fail (as a lost optimistic lock does) beside the others' successes
                    with pytest.raises(ClientError, match="TransactionCanceledException"):
                        ddb.transact_write_items(
                            TransactItems=[
                                {
                                    "Put": {
                                        "TableName": TABLE,
                                        "Item": {"pk": {"S": key}, "sk": {"S": "TICKET"}},
                                        "ConditionExpression": "attribute_exists(pk)",
                                    }
                                }
                            ]
                        )
                else:
                    ddb.transact_write_items(
                        TransactItems=[
                            {"Put": {"TableName": TABLE, "Item": {"pk": {"S": key}, "sk": {"S": "TICKET"}}}},
                            {"Put": {"TableName": TABLE, "Item": {"pk": {"S": key}, "sk": {"S": "EVENT#1"}}}},
                        ]
                    )
                    with lock:
                        acknowledged.append(key)
                ddb.update_item(
                    TableName=TABLE,
                    Key={"pk": {"S": "COUNTER"}, "sk": {"S": "COUNTER"}},
                    UpdateExpression="ADD seq :one",
                    ExpressionAttributeValues={":one": {"N": "1"}},
                )
                with lock:
                    counted.append(1)
                ddb.query(
                    TableName=TABLE,
                    KeyConditionExpression="pk = :pk",
                    ExpressionAttributeValues={":pk": {"S": key}},
                )
            except ClientError as err:
                with lock:
                    server_errors.append(err.response["Error"]["Code"])

    threads = [threading.Thread(target=client_work, args=(n,)) for n in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    # Every write the server acknowledged is there; the counter counts every acknowledged increment
    assert server_errors == []
    assert len(acknowledged) == CLIENTS // 2 * ROUNDS
    lost = [
        key
        for key in acknowledged
        for sk in ("TICKET", "EVENT#1")
        if "Item" not in setup.get_item(TableName=TABLE, Key={"pk": {"S": key}, "sk": {"S": sk}}, ConsistentRead=True)
    ]
    assert lost == []
    counter = setup.get_item(TableName=TABLE, Key={"pk": {"S": "COUNTER"}, "sk": {"S": "COUNTER"}})
    assert int(counter["Item"]["seq"]["N"]) == len(counted) == CLIENTS * ROUNDS


def test_a_failed_transaction_undoes_its_own_writes_and_no_other(moto_endpoint: str) -> None:
    """The rollback snapshot holds the items a transaction writes; every other item stays as it stands."""
    ddb = _client(moto_endpoint)
    ddb.create_table(
        TableName=ROLLBACK_TABLE,
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        AttributeDefinitions=[
            {"AttributeName": "pk", "AttributeType": "S"},
            {"AttributeName": "sk", "AttributeType": "S"},
        ],
        BillingMode="PAY_PER_REQUEST",
    )
    for pk in ("T1", "T2"):
        ddb.put_item(TableName=ROLLBACK_TABLE, Item={"pk": {"S": pk}, "sk": {"S": "TICKET"}, "version": {"N": "1"}})
    # An update that lands, a new item, then a condition that fails: the whole transaction is undone
    with pytest.raises(ClientError, match="TransactionCanceledException"):
        ddb.transact_write_items(
            TransactItems=[
                {
                    "Update": {
                        "TableName": ROLLBACK_TABLE,
                        "Key": {"pk": {"S": "T1"}, "sk": {"S": "TICKET"}},
                        "UpdateExpression": "SET version = :two",
                        "ExpressionAttributeValues": {":two": {"N": "2"}},
                    }
                },
                {"Put": {"TableName": ROLLBACK_TABLE, "Item": {"pk": {"S": "T1"}, "sk": {"S": "EVENT#1"}}}},
                {
                    "Put": {
                        "TableName": ROLLBACK_TABLE,
                        "Item": {"pk": {"S": "T2"}, "sk": {"S": "TICKET"}, "version": {"N": "9"}},
                        "ConditionExpression": "version = :nine",
                        "ExpressionAttributeValues": {":nine": {"N": "9"}},
                    }
                },
            ]
        )
    items = ddb.scan(TableName=ROLLBACK_TABLE, ConsistentRead=True)["Items"]
    assert sorted((i["pk"]["S"], i["sk"]["S"], i["version"]["N"]) for i in items) == [
        ("T1", "TICKET", "1"),
        ("T2", "TICKET", "1"),
    ]
    # The table still takes writes and transactions after the rollback
    ddb.transact_write_items(
        TransactItems=[{"Put": {"TableName": ROLLBACK_TABLE, "Item": {"pk": {"S": "T3"}, "sk": {"S": "TICKET"}}}}]
    )
    assert ddb.scan(TableName=ROLLBACK_TABLE, Select="COUNT")["Count"] == 3
