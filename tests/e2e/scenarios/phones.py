"""A phone texting the property: the SMS as AWS End User Messaging hands it over (the two-way SNS topic)."""

from __future__ import annotations

import json
import uuid
from typing import Any

import boto3

from tests.e2e.scenarios.harness import Harness

PROPERTY_NUMBER = "+8610690088880"  # 阳光花园's SMS number, as its manager lists it in the directory


def list_the_property_number(desk: Harness) -> None:
    """The manager adds PROPERTY_NUMBER to the property's receiving numbers (PUT /properties/prop-sun)."""
    prop: dict[str, Any] = desk.call("manager", "GET", "/properties/prop-sun")
    desk.call("manager", "PUT", "/properties/prop-sun", {**prop, "numbers": [PROPERTY_NUMBER]})


def text(desk: Harness, sender: str, body: str, to: str = PROPERTY_NUMBER) -> None:
    """`sender` texts `body` to `to`; returns once the intake and its reply have run."""
    sns = boto3.client(
        "sns",
        endpoint_url=desk.info["moto_url"],
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    topic = next(t["TopicArn"] for t in sns.list_topics()["Topics"] if "InboundSms" in t["TopicArn"])
    message = {
        "originationNumber": sender,
        "destinationNumber": to,
        "messageBody": body,
        "inboundMessageId": str(uuid.uuid4()),
    }
    sns.publish(TopicArn=topic, Message=json.dumps(message, ensure_ascii=False))
    desk.settle()
