"""Event records shaped as AWS delivers them to Lambda, built from what moto received."""

from __future__ import annotations

from typing import Any


def sqs_records(received: dict[str, Any], source_arn: str) -> list[dict[str, Any]]:
    """ReceiveMessage's answer as the SQS event source mapping hands it to a function."""
    return [
        {
            "messageId": m["MessageId"],
            "receiptHandle": m["ReceiptHandle"],
            "body": m["Body"],
            "attributes": m.get("Attributes", {}),
            "messageAttributes": {},
            "md5OfBody": m["MD5OfBody"],
            "eventSource": "aws:sqs",
            "eventSourceARN": source_arn,
            "awsRegion": "us-east-1",
        }
        for m in received.get("Messages", [])
    ]


def sms_sent() -> list[tuple[str, str]]:
    """Every SMS moto's SNS sent to a phone number: (number, text)."""
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.sns.models import sns_backends

    backend = sns_backends[DEFAULT_ACCOUNT_ID]["us-east-1"]
    return [(number, text) for number, text, *_ in backend.sms_messages.values()]
