"""The tickets table's stream: how the workflow learns of every committed ticket change.

It starts the workflow of every ticket that needs one, answers the waiting step when an action changed the
ticket (with the plan of the committed image), and ends the workflow when an action ends the ticket. Only a
committed change reaches it, so nothing is ever sent to Step Functions about a write that did not land; a
batch that fails is delivered again, and every call here is safe to repeat.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord
from aws_lambda_powertools.utilities.typing import LambdaContext
from workflow_starter_settings import settings

from propdesk.dal.directory import DirectoryStore
from propdesk.dal.items import EventItem
from propdesk.dal.keys import EVENT_PREFIX, TICKET_SK
from propdesk.dal.tickets import TicketStore, ticket_from_image
from propdesk.logging import PhoneMaskingFormatter
from propdesk.logic.directory import DirectoryCache
from propdesk.notices import Notice
from propdesk.ports import notices as notices_port
from propdesk.workflow import WorkflowService

logger = Logger(logger_formatter=PhoneMaskingFormatter())
_ENDING_ACTIONS = {"void", "close", "mark_invalid", "reject_quote", "answer"}


@cache
def service() -> WorkflowService:
    config = settings()
    cache_ = DirectoryCache(DirectoryStore(config.directory_table))

    def publish(notices: Sequence[Notice]) -> int:
        return notices_port.publish(notices, config.notices_queue_url)

    return WorkflowService(TicketStore(config.tickets_table), cache_.property, publish)


def _reasons(records: list[dict[str, Any]]) -> dict[str, str]:
    """Why each ticket ended, from the audit events written in the same transaction."""
    reasons: dict[str, str] = {}
    for record in records:
        image = record.get("dynamodb", {}).get("NewImage")
        if not image or not image.get("sk", {}).get("S", "").startswith(EVENT_PREFIX):
            continue
        doc = EventItem.from_raw_data(image).doc
        if doc.get("action") in _ENDING_ACTIONS and doc.get("note"):
            reasons[str(doc["ticket_id"])] = str(doc["note"])
    return reasons


processor = BatchProcessor(event_type=EventType.DynamoDBStreams)


@logger.inject_lambda_context(clear_state=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    """Each record succeeds or fails alone: a failure is retried from its own sequence number, not the batch's."""
    settings()  # fail the cold start, not the first record, on a bad environment
    reasons = _reasons(event.get("Records", []))

    def on_record(record: DynamoDBRecord) -> None:
        change = record.raw_event.get("dynamodb", {})
        if change.get("Keys", {}).get("sk", {}).get("S") != TICKET_SK:
            return
        old, new = ticket_from_image(change.get("OldImage")), ticket_from_image(change.get("NewImage"))
        latest = new or old
        ticket_id = latest.id if latest is not None else ""
        outcome = service().on_ticket_change(old, new, reasons.get(ticket_id))
        if outcome:
            key = "started" if outcome.startswith("arn:") else outcome
            logger.info("workflow changed", extra={"ticket_id": ticket_id, "outcome": key})

    return dict(process_partial_response(event, on_record, processor, context))
