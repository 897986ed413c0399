"""Latency of API routes against a minimal handler making the same raw boto3 calls on the same moto backend.

The floor for a route is what its DynamoDB requests alone cost on this backend: a function that makes exactly
the route's requests (by operation, on the same tables) with a plain boto3 client and nothing else. The ratio
route/floor is what our code (Powertools routing and validation, pydantic models, PynamoDB) adds on top.
"""

from __future__ import annotations

import statistics
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bench.capacity import CapacityMeter, indexes_from_template
from bench.operations import Driver, warm
from bench.sandbox import moto_sandbox


@dataclass(frozen=True, slots=True)
class Latency:
    route: str
    requests: str
    route_ms: float
    floor_ms: float

    @property
    def ratio(self) -> float:
        return self.route_ms / self.floor_ms if self.floor_ms else float("nan")


def _median_ms(call: Callable[[], Any], runs: int) -> float:
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


class Floor:
    """Raw boto3 requests on the same tables, shaped like the route's own."""

    def __init__(self, ticket_id: str) -> None:
        import boto3

        self.client = boto3.client("dynamodb", region_name="us-east-1")
        self.key = {"pk": {"S": f"TICKET#{ticket_id}"}, "sk": {"S": "TICKET"}}

    def GetItem(self) -> None:  # noqa: N802 - named after the DynamoDB operation it stands for
        self.client.get_item(TableName="TicketsTable", Key=self.key, ConsistentRead=True)

    def Query(self) -> None:  # noqa: N802
        self.client.query(
            TableName="TicketsTable",
            IndexName="by-resident",
            KeyConditionExpression="resident_id = :r",
            ExpressionAttributeValues={":r": {"S": "zhang"}},
            Limit=25,
        )

    def UpdateItem(self) -> None:  # noqa: N802
        self.client.update_item(
            TableName="TicketsTable",
            Key={"pk": {"S": "COUNTER#bench"}, "sk": {"S": "COUNTER"}},
            UpdateExpression="ADD seq :one",
            ExpressionAttributeValues={":one": {"N": "1"}},
        )

    def PutItem(self) -> None:  # noqa: N802
        item = {"pk": {"S": f"BENCH#{uuid.uuid4()}"}, "sk": {"S": "X"}}
        self.client.put_item(TableName="TicketsTable", Item=item)

    def TransactWriteItems(self) -> None:  # noqa: N802
        pk = f"BENCH#{uuid.uuid4()}"
        self.client.transact_write_items(
            TransactItems=[
                {"Put": {"TableName": "TicketsTable", "Item": {"pk": {"S": pk}, "sk": {"S": "A"}}}},
                {"Put": {"TableName": "TicketsTable", "Item": {"pk": {"S": pk}, "sk": {"S": "B"}}}},
            ]
        )

    def run(self, requests: Counter[str]) -> None:
        for operation, count in requests.items():
            for _ in range(count):
                getattr(self, operation)()


def measure(runs: int = 15) -> list[Latency]:
    from tests.support import infra

    results: list[Latency] = []
    with moto_sandbox() as box:
        meter = CapacityMeter(indexes_from_template(infra.template().resources))
        meter.install()  # before any client exists, so that every client carries the hooks
        driver = Driver(box, meter)
        warm(driver)
        world, api = box.world, driver.api
        ticket = api.post("/tickets", world["zhang"], body={"kind": "repair", "description": "延迟"}).body
        tid = ticket["id"]
        api.post(f"/tickets/{tid}/actions/dispatch", world["desk"], body={"assignee_id": "tech"})
        floor = Floor(tid)
        routes: list[tuple[str, Callable[[], Any]]] = [
            ("GET /tickets/<ticket_id>", lambda: api.get(f"/tickets/{tid}", world["desk"])),
            ("GET /tickets (resident)", lambda: api.get("/tickets", world["zhang"])),
            (
                "GET /tickets (desk, by status)",
                lambda: api.get("/tickets", world["desk"], query={"status": "received"}),
            ),
            ("GET /me/work", lambda: api.get("/me/work", world["tech"])),
            ("GET /tickets/<ticket_id>/events", lambda: api.get(f"/tickets/{tid}/events", world["desk"])),
            (
                "POST /tickets",
                lambda: api.post("/tickets", world["zhang"], body={"kind": "repair", "description": "x"}),
            ),
            (
                "POST .../actions/comment",
                lambda: api.post(f"/tickets/{tid}/actions/comment", world["desk"], body={"text": "跟进"}),
            ),
            ("POST .../actions/urge", lambda: api.post(f"/tickets/{tid}/actions/urge", world["zhang"], body=None)),
            ("GET /openapi.json", lambda: api.get("/openapi.json")),
        ]
        counts: dict[str, Counter[str]] = {}
        for name, call in routes:
            with meter.measure() as usage:
                call()
            counts[name] = Counter(usage.requests)
        meter.enabled = False
        meter.uninstall()
        for name, call in routes:
            call()  # warm this route's own validators
            route_ms = _median_ms(call, runs)
            floor_ms = _median_ms(lambda c=counts[name]: floor.run(c), runs) if counts[name] else 0.0
            label = ", ".join(f"{op} {n}" for op, n in sorted(counts[name].items())) or "none"
            results.append(Latency(name, label, route_ms, floor_ms))
    return results
