"""Shared by the sweep and reports tests: queues from the template, the two functions in-process, ticket factories."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import boto3

from propdesk.dal.tickets import TicketStore
from propdesk.models.enums import Channel, Role, Status, TicketKind
from propdesk.models.ticket import SlaTarget, Ticket, TicketEvent
from tests.support import infra
from tests.support.api import load_function

QUEUES = ("SweepQueue", "SweepDeadLetterQueue", "NoticesQueue", "SchedulesDeadLetterQueue")


def create_queues() -> dict[str, str]:
    sqs = boto3.client("sqs", region_name=infra.REGION)
    return {name: sqs.create_queue(QueueName=name)["QueueUrl"] for name in QUEUES}


def reset_warm_state() -> None:
    """A new test is a new sandbox: forget cached clients, settings and services."""
    from propdesk.ports import notices
    from propdesk.reports import storage

    for fn in (notices._client, storage._client):
        fn.cache_clear()
    for module_name, names in (
        ("propdesk_fn_sweep", ("runner", "_queue", "household")),
        ("sweep_settings", ("settings",)),
        ("propdesk_fn_reports", ("builder", "directory")),
        ("reports_settings", ("settings",)),
        ("routes.reports", ("reports_bucket",)),
    ):
        module = sys.modules.get(module_name)
        for name in names if module else ():
            getattr(module, name).cache_clear()


class Context:
    """A Lambda context whose remaining time the test controls."""

    function_name = "SweepFunction"
    memory_limit_in_mb = 512
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:SweepFunction"
    aws_request_id = "req"

    def __init__(self, remaining_ms: int = 300_000) -> None:
        self.remaining_ms = remaining_ms

    def get_remaining_time_in_millis(self) -> int:
        return self.remaining_ms


@dataclass
class Jobs:
    queues: dict[str, str]
    bucket: str
    invocations: int = 0
    failures: list[str] = field(default_factory=list)

    @property
    def sweep(self) -> Any:
        return load_function("sweep")

    @property
    def reports(self) -> Any:
        return load_function("reports")

    def fire_sweep(self, scheduled_at: str) -> dict[str, Any]:
        """What EventBridge Scheduler sends at 21:30, then every queued page worked off."""
        started = self.sweep.lambda_handler({"job": "sweep", "scheduled_at": scheduled_at}, Context())
        self.drain()
        return dict(started)

    def drain(self, context: Context | None = None, max_rounds: int = 500) -> None:
        """Deliver the sweep queue to the function like the SQS event source: delete on success, redeliver on error."""
        sqs = boto3.client("sqs", region_name=infra.REGION)
        url = self.queues["SweepQueue"]
        for _ in range(max_rounds):
            got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=1).get("Messages", [])
            if not got:
                return
            message = got[0]
            event = {"Records": [{"messageId": message["MessageId"], "body": message["Body"]}]}
            self.invocations += 1
            try:
                self.sweep.lambda_handler(event, context or Context())
            except Exception as err:
                self.failures.append(repr(err))
                sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"], VisibilityTimeout=0)
                raise
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
        raise AssertionError("the sweep queue never emptied")

    def notices(self) -> list[dict[str, Any]]:
        sqs = boto3.client("sqs", region_name=infra.REGION)
        found: list[dict[str, Any]] = []
        while True:
            got = sqs.receive_message(QueueUrl=self.queues["NoticesQueue"], MaxNumberOfMessages=10).get("Messages", [])
            if not got:
                return found
            for message in got:
                found.append(json.loads(message["Body"]))
                sqs.delete_message(QueueUrl=self.queues["NoticesQueue"], ReceiptHandle=message["ReceiptHandle"])

    def get_json(self, key: str) -> Any:
        body = boto3.client("s3", region_name=infra.REGION).get_object(Bucket=self.bucket, Key=key)["Body"]
        return json.loads(body.read())

    def get_text(self, key: str) -> str:
        body = boto3.client("s3", region_name=infra.REGION).get_object(Bucket=self.bucket, Key=key)["Body"]
        return str(body.read().decode("utf-8"))


_counter = iter(range(1, 10_000_000))


def make_ticket(
    store: TicketStore,
    *,
    property_id: str = "SUN",
    status: Status = Status.RECEIVED,
    kind: TicketKind = TicketKind.REPAIR,
    channel: Channel = Channel.APP,
    created_at: datetime,
    updated_at: datetime | None = None,
    sla: dict[str, SlaTarget] | None = None,
    **fields: Any,
) -> Ticket:
    """A ticket written straight to the table in the state a test needs, with its create event."""
    n = next(_counter)
    ticket = Ticket(
        id=f"t_{property_id.lower()}_{n:07d}",
        number=f"{property_id}-{created_at:%Y%m%d}-{n:04d}",
        property_id=property_id,
        kind=kind,
        channel=channel,
        status=status,
        description="测试工单 test ticket",
        created_by="seed",
        created_at=created_at,
        updated_at=updated_at or created_at,
        sla=sla or {},
        **fields,
    )
    event = TicketEvent(ticket_id=ticket.id, at=created_at, actor_id="seed", actor_role=Role.SYSTEM, action="create")
    return store.create(ticket, event)


def target(
    name: str, started: datetime, due: datetime, met: datetime | None = None, paused_seconds: int = 0
) -> SlaTarget:
    """A target as the workflow records it: met late when met after its pause-adjusted due time."""
    late = 0 if met is None else int((met - due).total_seconds()) - paused_seconds
    return SlaTarget(
        name=name,
        started_at=started,
        due_at=due,
        met_at=met,
        breached=late > 0,
        breach_seconds=max(late, 0),
        paused_seconds=paused_seconds,
    )


Hook = Callable[..., Any]
