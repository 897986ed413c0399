"""AWS End User Messaging two-way SMS (SNS -> SQS): each message once, a malformed one to the DLQ alone."""

from __future__ import annotations

from dataclasses import asdict
from functools import cache
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
from aws_lambda_powertools.utilities.typing import LambdaContext

from propdesk import clock
from propdesk.books.duty import DutyStore
from propdesk.intake.conversation import InboundText, IntakeReply, IntakeRules, IntakeService
from propdesk.intake.pinpoint import from_queue_body
from propdesk.intake.wiring import Once, intake_service
from propdesk.logging import PhoneMaskingFormatter
from propdesk.logic.duty import DutyLog
from propdesk.notify.cap import DailyCap
from propdesk.notify.sender import SmsSender, make_sender
from propdesk.numbering import local_day
from sms_inbound_settings import settings

logger = Logger(logger_formatter=PhoneMaskingFormatter())
# A batch where every record failed still reports them one by one rather than failing the invocation.
processor = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)


class Sandbox:
    def __init__(self) -> None:
        import boto3

        cfg = settings()
        self.service: IntakeService = intake_service(
            cfg.tickets_table, cfg.directory_table, IntakeRules(cfg.default_property_id)
        )
        tickets = self.service.tickets
        self.duty = DutyLog(DutyStore(cfg.books_table), tickets.tickets, tickets.cache)
        self.sender: SmsSender = make_sender(cfg.sms_provider, cfg.origination_identity)
        self.cap = DailyCap(boto3.client("dynamodb"), cfg.tickets_table)
        self.once = Once(cfg.idempotency_table, cfg.idempotency_seconds)
        self.handle_once = self.once.wrap(self._handle, "message_id", "message")
        # The reply has its own key: a failed send retries the send, never the ticket.
        self.reply_once = self.once.wrap(self._reply, "key", "reply")

    def _handle(self, message: dict[str, Any]) -> dict[str, Any]:
        reply = self.service.handle_text(InboundText(**message))
        self.duty.intake_message(message["message_id"], message["body"], reply)
        return reply.to_dict()

    def _reply(self, reply: dict[str, Any]) -> dict[str, Any]:
        prop = self.service.tickets.cache.property(reply["property_id"])
        day = local_day(clock.now(), prop.timezone)
        if not self.cap.take(prop.id, day, prop.settings.daily_sms_cap):
            return {"status": "skipped", "reason": "daily_cap"}
        try:
            message_id = self.sender.send(reply["phone"], reply["text"])
        except Exception:
            self.cap.give_back(prop.id, day)
            raise
        return {"status": "sent", "message_id": message_id}


@cache
def sandbox() -> Sandbox:
    return Sandbox()


def record_handler(record: SQSRecord) -> None:
    """One inbound SMS: a malformed body raises, so only this record is retried and then dead-lettered."""
    sms = from_queue_body(record.body)
    message = InboundText(sms.inboundMessageId, sms.originationNumber, sms.destinationNumber, sms.messageBody)
    reply = IntakeReply.from_dict(sandbox().handle_once(message=asdict(message)))
    logger.info("sms handled", extra={"outcome": reply.outcome, "ticket": reply.ticket_number, "from": message.sender})
    if reply.may_reply and reply.property_id:
        sent = sandbox().reply_once(
            reply={
                "key": f"reply:{sms.inboundMessageId}",
                "phone": sms.originationNumber,
                "text": reply.text,
                "property_id": reply.property_id,
            }
        )
        logger.info("sms reply", extra={"status": sent["status"], "ticket": reply.ticket_number})


@logger.inject_lambda_context(clear_state=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    sandbox().once.register(context)
    response = process_partial_response(
        event=event, record_handler=record_handler, processor=processor, context=context
    )
    return dict(response)
