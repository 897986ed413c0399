"""The notifier: notices from the workflow's queue, sent as SMS once each, retried with back-off, then dead-lettered."""

from __future__ import annotations

from functools import cache
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from notifier_settings import settings
from propdesk.books.zones import ZoneBook
from propdesk.dal.directory import DirectoryStore
from propdesk.dal.limits import UsageStore
from propdesk.dal.tickets import TicketStore
from propdesk.intake.wiring import Once
from propdesk.logging import PhoneMaskingFormatter
from propdesk.logic.directory import DirectoryCache
from propdesk.logic.limits import Limits
from propdesk.notices import Notice
from propdesk.notify.cap import DailyCap
from propdesk.notify.sender import make_sender
from propdesk.notify.service import Notifier

logger = Logger(logger_formatter=PhoneMaskingFormatter())
# A batch where every record failed still reports them one by one rather than failing the invocation.
processor = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)


class Sandbox:
    def __init__(self) -> None:
        import boto3

        cfg = settings()
        self.sqs = boto3.client("sqs")
        self.once = Once(cfg.idempotency_table, cfg.idempotency_seconds)
        self.notifier = Notifier(
            TicketStore(cfg.tickets_table),
            DirectoryCache(DirectoryStore(cfg.directory_table)),
            DailyCap(boto3.client("dynamodb"), cfg.tickets_table),
            Limits(UsageStore(cfg.tickets_table)),
            make_sender(cfg.sms_provider, cfg.origination_identity),
            send_once=lambda notifier: self.once.wrap(notifier.send, "key", "delivery"),
            zones=ZoneBook(cfg.books_table),
        )


@cache
def sandbox() -> Sandbox:
    return Sandbox()


def back_off(record: SQSRecord) -> None:
    """Keep a failed notice invisible for longer on each attempt (30 s, 60 s, 120 s...) before SQS retries it."""
    cfg = settings()
    attempt = max(1, int(record.attributes.approximate_receive_count or 1))
    delay = min(cfg.max_retry_seconds, cfg.first_retry_seconds * 2 ** (attempt - 1))
    sandbox().sqs.change_message_visibility(
        QueueUrl=cfg.notices_queue_url, ReceiptHandle=record.receipt_handle, VisibilityTimeout=delay
    )


def record_handler(record: SQSRecord) -> None:
    notice = Notice.model_validate_json(record.body)
    try:
        outcomes = sandbox().notifier.notify(notice)
    except Exception:
        back_off(record)
        raise  # the batch reports this record failed; after maxReceiveCount it is in the dead-letter queue
    logger.info("notice handled", extra={"notice": notice.id, "kind": notice.kind.value, "outcomes": outcomes})


@logger.inject_lambda_context(clear_state=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    sandbox().once.register(context)
    return dict(process_partial_response(event, record_handler, processor, context))
