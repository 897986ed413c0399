"""Sending one SMS: AWS End User Messaging (pinpoint-sms-voice-v2 SendTextMessage) or SNS Publish."""

from __future__ import annotations

from typing import Any, Protocol


class SmsSender(Protocol):
    provider: str

    def send(self, phone: str, text: str) -> str:
        """Send; returns the provider's message id. Raises on failure so the caller retries."""
        ...


class PinpointSender:
    """AWS End User Messaging SMS (pinpoint-sms-voice-v2), transactional, from the configured identity."""

    provider = "pinpoint"

    def __init__(self, client: Any, origination_identity: str | None, configuration_set: str | None = None) -> None:
        self.client = client
        self.origination_identity = origination_identity
        self.configuration_set = configuration_set

    def send(self, phone: str, text: str) -> str:
        args: dict[str, Any] = {"DestinationPhoneNumber": phone, "MessageBody": text, "MessageType": "TRANSACTIONAL"}
        if self.origination_identity:
            args["OriginationIdentity"] = self.origination_identity
        if self.configuration_set:
            args["ConfigurationSetName"] = self.configuration_set
        return str(self.client.send_text_message(**args)["MessageId"])


class SnsSender:
    """SNS direct-to-phone publish, marked transactional so it is not throttled as marketing."""

    provider = "sns"

    def __init__(self, client: Any) -> None:
        self.client = client

    def send(self, phone: str, text: str) -> str:
        result = self.client.publish(
            PhoneNumber=phone,
            Message=text,
            MessageAttributes={"AWS.SNS.SMS.SMSType": {"DataType": "String", "StringValue": "Transactional"}},
        )
        return str(result["MessageId"])


def make_sender(provider: str, origination_identity: str | None = None) -> SmsSender:
    """The sender the setting names; the client is built here, on first use, never at import."""
    import boto3

    if provider == "pinpoint":
        return PinpointSender(boto3.client("pinpoint-sms-voice-v2"), origination_identity)
    if provider == "sns":
        return SnsSender(boto3.client("sns"))
    raise ValueError(f"unknown SMS provider {provider!r}; use pinpoint or sns")
