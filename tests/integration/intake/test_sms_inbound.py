"""Two-way SMS via SNS and SQS: once per inboundMessageId, a malformed message dead-lettered alone."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import boto3
import pytest

from tests.support.api import LambdaContext, load_function
from tests.support.events import sms_sent, sqs_records

EVENTS = Path(__file__).resolve().parents[3] / "events"


@pytest.fixture
def inbound(function_env, world, clock):
    """The topic -> queue -> DLQ wiring of template.yaml on moto, and the function on its environment."""
    sns, sqs = boto3.client("sns"), boto3.client("sqs")
    dlq = sqs.create_queue(QueueName="InboundSmsDeadLetterQueue")["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    redrive = json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": 3})
    # Visibility 0: a failed record is visible again at once, so the test can play Lambda's retries.
    attributes = {"RedrivePolicy": redrive, "VisibilityTimeout": "0"}
    queue = sqs.create_queue(QueueName="InboundSmsQueue", Attributes=attributes)["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    topic = sns.create_topic(Name="InboundSmsTopic")["TopicArn"]
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn)
    function_env("SmsInboundFunction")
    module = load_function("sms_inbound")
    module.settings.cache_clear()
    module.sandbox.cache_clear()
    yield {"module": module, "topic": topic, "queue": queue, "queue_arn": queue_arn, "dlq": dlq}
    module.settings.cache_clear()
    module.sandbox.cache_clear()


def pinpoint_message(**overrides: Any) -> str:
    """The message End User Messaging publishes, taken from the saved SQS sample event (SNS envelope inside)."""
    sample = json.loads((EVENTS / "sqs-inbound-sms.json").read_text())
    message = json.loads(json.loads(sample["Records"][0]["body"])["Message"])
    message.update(overrides)
    return json.dumps(message, ensure_ascii=False)


def deliver(inbound: dict[str, Any], *messages: str) -> dict[str, Any]:
    """Publish to the topic, receive what SNS put on the queue, and invoke the function with it as Lambda would."""
    sns, sqs = boto3.client("sns"), boto3.client("sqs")
    for message in messages:
        sns.publish(TopicArn=inbound["topic"], Message=message)
    received = sqs.receive_message(QueueUrl=inbound["queue"], MaxNumberOfMessages=10, AttributeNames=["All"])
    records = sqs_records(received, inbound["queue_arn"])
    return inbound["module"].lambda_handler({"Records": records}, LambdaContext())


def tickets() -> list[dict[str, Any]]:
    items = boto3.client("dynamodb").scan(TableName="TicketsTable")["Items"]
    return [i for i in items if i["sk"]["S"] == "TICKET"]


def test_an_inbound_sms_opens_a_ticket_and_is_answered_by_sms(inbound):
    result = deliver(inbound, pinpoint_message())

    assert result == {"batchItemFailures": []}
    [item] = tickets()
    assert item["resident_id"]["S"] == "zhang" and json.loads(item["doc"]["S"])["channel"] == "sms"
    [(number, text)] = sms_sent()
    assert number == "+8613800000001" and "工单号 SUN-" in text


def test_a_redelivered_inbound_message_id_makes_one_ticket_and_one_reply(inbound):
    deliver(inbound, pinpoint_message())
    deliver(inbound, pinpoint_message())

    assert len(tickets()) == 1
    assert len(sms_sent()) == 1


def test_a_malformed_message_fails_alone_and_ends_in_the_dead_letter_queue(inbound):
    good = pinpoint_message(inboundMessageId="good-1", messageBody="门锁坏了")
    result = deliver(inbound, "not json at all", good, pinpoint_message(originationNumber="12345"))

    assert len(result["batchItemFailures"]) == 2
    assert len(tickets()) == 1  # the good neighbour went through

    sqs = boto3.client("sqs")
    for _ in range(4):  # Lambda's retries until maxReceiveCount; then SQS moves them to the DLQ
        for m in sqs.receive_message(QueueUrl=inbound["queue"], MaxNumberOfMessages=10).get("Messages", []):
            if "good-1" in m["Body"]:
                sqs.delete_message(QueueUrl=inbound["queue"], ReceiptHandle=m["ReceiptHandle"])
    dead = sqs.receive_message(QueueUrl=inbound["dlq"], MaxNumberOfMessages=10).get("Messages", [])
    assert len(dead) == 2


def test_an_unknown_sender_is_asked_to_identify_themselves(inbound):
    deliver(inbound, pinpoint_message(originationNumber="+8613900000009", messageBody="电梯坏了"))

    [item] = tickets()
    assert item["status"]["S"] == "needs_identification"
    [(_, text)] = sms_sent()
    assert "楼栋、房号和姓名" in text
