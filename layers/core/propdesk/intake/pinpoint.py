"""AWS End User Messaging (Pinpoint) two-way SMS: the inbound message as SNS delivers it."""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from propdesk.models.common import Phone


class InboundSms(BaseModel):
    """The JSON End User Messaging publishes to the two-way SNS topic for each incoming SMS."""

    model_config = ConfigDict(extra="ignore")

    originationNumber: Phone  # noqa: N815 - the provider's field names
    destinationNumber: str = Field(min_length=3)  # noqa: N815
    messageBody: str = ""  # noqa: N815
    inboundMessageId: str = Field(min_length=1, max_length=200)  # noqa: N815
    messageKeyword: str | None = None  # noqa: N815
    previousPublishedMessageId: str | None = None  # noqa: N815


def from_queue_body(body: str) -> InboundSms:
    """An SQS body from the topic's subscription: the SNS envelope, or the raw message with raw delivery on."""
    data: Any = json.loads(body)
    if isinstance(data, dict) and data.get("Type") == "Notification" and isinstance(data.get("Message"), str):
        data = json.loads(data["Message"])
    return InboundSms.model_validate(data)
