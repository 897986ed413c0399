"""The notifier: language, opt-out, E.164, the daily cap, the timeline record, retries with back-off."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import boto3
import pytest

from propdesk.dal.directory import DirectoryStore
from propdesk.dal.tickets import TicketStore
from propdesk.logic.directory import DirectoryCache
from propdesk.logic.tickets import TicketService
from propdesk.models.directory import Property, PropertySettings, Resident, Staff
from propdesk.models.enums import Channel, Status, TicketKind
from propdesk.notices import Audience, Notice, NoticeKind
from tests.support.api import LambdaContext, load_function
from tests.support.events import sms_sent, sqs_records


@pytest.fixture
def notifier(function_env, world, clock):
    sqs = boto3.client("sqs")
    dlq = sqs.create_queue(QueueName="NoticesDeadLetterQueue")["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    redrive = json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": 5})
    queue = sqs.create_queue(QueueName="NoticesQueue", Attributes={"RedrivePolicy": redrive})["QueueUrl"]
    function_env("NotifierFunction", NOTICES_QUEUE_URL=queue)
    module = load_function("notifier")
    module.settings.cache_clear()
    module.sandbox.cache_clear()
    yield {"module": module, "queue": queue}
    module.settings.cache_clear()
    module.sandbox.cache_clear()


def ticket_for(resident: str | None = "zhang", phone: str | None = None) -> Any:
    store = DirectoryStore("DirectoryTable")
    cache = DirectoryCache(store)
    service = TicketService(TicketStore("TicketsTable"), store, cache)
    fields: dict[str, Any] = {"description": "厨房漏水"}
    if resident:
        r = store.get(Resident, "SUN", resident)
        fields.update(resident_id=r.id, unit_id=r.unit_id, contact_phone=r.phone, language=r.language)
        status = Status.RECEIVED
    else:
        fields.update(contact_phone=phone)
        status = Status.NEEDS_IDENTIFICATION
    return service.create_from_channel("SUN", TicketKind.REPAIR, Channel.SMS, fields, status)


def notice(ticket: Any, kind: NoticeKind = NoticeKind.CALLBACK_SURVEY, n: int = 1, **kw: Any) -> Notice:
    return Notice(
        id=f"{ticket.id}:{kind.value}:{n}",
        kind=kind,
        ticket_id=ticket.id,
        property_id="SUN",
        number=ticket.number,
        audience=kw.pop("audience", [Audience.RESIDENT]),
        at=datetime(2026, 11, 23, 2, 0, tzinfo=UTC),
        **kw,
    )


def deliver(env: dict[str, Any], *notices: Notice) -> dict[str, Any]:
    """Queue the notices as the workflow does, receive them, invoke the notifier as its event source mapping would."""
    sqs = boto3.client("sqs")
    for item in notices:
        sqs.send_message(QueueUrl=env["queue"], MessageBody=item.model_dump_json())
    got = sqs.receive_message(QueueUrl=env["queue"], MaxNumberOfMessages=10, AttributeNames=["All"])
    records = sqs_records(got, "arn:aws:sqs:us-east-1:123456789012:NoticesQueue")
    return env["module"].lambda_handler({"Records": records}, LambdaContext())


def timeline(ticket_id: str) -> list[dict[str, Any]]:
    return [e.model_dump(mode="json") for e in TicketStore("TicketsTable").events(ticket_id)]


def test_a_callback_survey_is_sent_in_chinese_and_recorded_with_its_message_id(notifier):
    ticket = ticket_for("zhang")
    assert deliver(notifier, notice(ticket)) == {"batchItemFailures": []}

    [(number, text)] = sms_sent()
    assert number == "+8613800000001" and "请回复1-5" in text and ticket.number in text
    [entry] = [e for e in timeline(ticket.id) if e["action"] == "notified"]
    assert entry["data"]["message_id"] and entry["data"]["provider"] == "sns"
    assert entry["data"]["to"] == "+86*******0001" and entry["data"]["kind"] == "callback_survey"


def test_an_english_resident_gets_the_english_template(notifier):
    ticket = ticket_for("smith")
    deliver(notifier, notice(ticket, NoticeKind.QUOTE_TO_APPROVE, params={"amount_cents": 12050}))
    [(_, text)] = sms_sent()
    assert text == f"Ticket {ticket.number}: the quote is CNY 120.50. Reply YES to accept or NO to decline."


def test_a_redelivered_notice_is_sent_once(notifier):
    ticket = ticket_for("zhang")
    deliver(notifier, notice(ticket))
    deliver(notifier, notice(ticket))
    assert len(sms_sent()) == 1


def test_opted_out_residents_are_never_sent_to(notifier):
    store = DirectoryStore("DirectoryTable")
    smith = store.get(Resident, "SUN", "smith").model_copy(update={"sms_opt_out": True})
    store.put(smith, create=False)
    ticket = ticket_for("smith")

    assert deliver(notifier, notice(ticket)) == {"batchItemFailures": []}
    assert sms_sent() == []
    [skip] = [e for e in timeline(ticket.id) if e["action"] == "notification_skipped"]
    assert skip["data"]["reason"] == "opted_out"


def test_numbers_that_are_not_e164_are_not_sent_to(notifier):
    ticket = ticket_for(None, phone="13800000009")
    deliver(notifier, notice(ticket))
    assert sms_sent() == []
    assert [e["data"]["reason"] for e in timeline(ticket.id) if e["action"] == "notification_skipped"] == [
        "invalid_number"
    ]


def test_the_daily_cap_of_the_property_is_respected(notifier):
    store = DirectoryStore("DirectoryTable")
    prop = store.get(Property, None, "SUN")
    store.put(prop.model_copy(update={"settings": PropertySettings(daily_sms_cap=2)}), create=False)
    ticket = ticket_for("zhang")

    deliver(notifier, *(notice(ticket, n=n) for n in range(3)))

    assert len(sms_sent()) == 2
    skipped = [e for e in timeline(ticket.id) if e["action"] == "notification_skipped"]
    assert [e["data"]["reason"] for e in skipped] == ["daily_cap"]
    cap = notifier["module"].sandbox().notifier.cap
    assert cap.used("SUN", "20261123") == 2


def test_a_resident_is_sent_at_most_the_property_s_daily_sms_notices(notifier, caplog):
    store = DirectoryStore("DirectoryTable")
    prop = store.get(Property, None, "SUN")
    store.put(prop.model_copy(update={"settings": PropertySettings(sms_per_resident_day=2)}), create=False)
    zhang, smith = ticket_for("zhang"), ticket_for("smith")

    result = deliver(notifier, *(notice(zhang, n=n) for n in range(3)), notice(smith))

    assert result == {"batchItemFailures": []}  # the notice over the limit does not fail the batch
    assert sorted(n for n, _ in sms_sent()) == ["+8613800000001", "+8613800000001", "+8613800000002"]
    skipped = [e for e in timeline(zhang.id) if e["action"] == "notification_skipped"]
    assert [(e["data"]["recipient"], e["data"]["reason"]) for e in skipped] == [("resident:zhang", "resident_daily")]
    [line] = [r for r in caplog.records if "daily SMS limit" in r.getMessage()]
    assert "13800000001" not in str(vars(line))


def test_staff_audiences_reach_the_staff_of_the_property(notifier):
    store = DirectoryStore("DirectoryTable")
    dispatcher = store.get(Staff, "SUN", "dispatcher").model_copy(update={"phone": "+8613700000007"})
    store.put(dispatcher, create=False)
    ticket = ticket_for("zhang")

    deliver(notifier, notice(ticket, NoticeKind.ON_SITE_OVERDUE, audience=[Audience.DISPATCHER, Audience.DESK]))

    assert [n for n, _ in sms_sent()] == ["+8613700000007"]  # the desk agent has no phone: skipped, recorded
    reasons = {e["data"]["recipient"]: e["data"].get("reason") for e in timeline(ticket.id) if "notif" in e["action"]}
    assert reasons == {"staff:dispatcher": None, "staff:desk": "invalid_number"}


def test_a_failed_send_is_retried_with_back_off_and_does_not_use_the_cap(notifier, monkeypatch):
    ticket = ticket_for("zhang")
    sandbox = notifier["module"].sandbox()

    def broken(phone: str, text: str) -> str:
        raise RuntimeError("provider down")

    monkeypatch.setattr(sandbox.notifier.sender, "send", broken)
    calls: list[dict[str, Any]] = []
    real = sandbox.sqs.change_message_visibility
    monkeypatch.setattr(sandbox.sqs, "change_message_visibility", lambda **kw: calls.append(kw) or real(**kw))

    result = deliver(notifier, notice(ticket))

    assert len(result["batchItemFailures"]) == 1
    assert calls[0]["VisibilityTimeout"] == 30
    assert sandbox.notifier.cap.used("SUN", "20261123") == 0
    assert [e for e in timeline(ticket.id) if e["action"] == "notified"] == []


def test_dynamodb_requests_per_notice(notifier, ddb_requests):
    ticket = ticket_for("zhang")
    ddb_requests.clear()
    deliver(notifier, notice(ticket))
    print("DDB per notice to one resident (cold):", dict(ddb_requests))
    # The resident's daily allowance is one more conditional UpdateItem next to the property's cap.
    assert "Scan" not in ddb_requests and sum(ddb_requests.values()) <= 8
