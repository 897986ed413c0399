"""Notification texts, the SMS senders' calls as the providers expect them, and the notifier's settings."""

from __future__ import annotations

import boto3
import pytest
from botocore.stub import Stubber

from propdesk.models.enums import Language
from propdesk.notices import NoticeKind
from propdesk.notify.sender import PinpointSender, SnsSender, make_sender
from propdesk.notify.service import is_e164
from propdesk.notify.templates import TEMPLATES, render


def test_every_notice_kind_has_a_template_in_both_languages():
    assert set(TEMPLATES) == set(NoticeKind)
    for kind, texts in TEMPLATES.items():
        assert set(texts) == {Language.ZH_CN, Language.EN}, kind
        for language in texts:
            assert "SUN-20261123-0001" in render(kind, language, "SUN-20261123-0001", {})


def test_render_fills_parameters_and_tolerates_missing_ones():
    text = render(NoticeKind.QUOTE_TO_APPROVE, Language.ZH_CN, "SUN-1", {"amount_cents": 9900})
    assert text == "工单SUN-1报价99.00元，同意请回复“是”，不同意请回复“否”。"
    assert render(NoticeKind.ESCALATION, Language.EN, "SUN-1", {}) == "Ticket SUN-1 escalated: - is overdue."
    nested = render(NoticeKind.ESCALATION, Language.EN, "SUN-1", {"step": {"x": 1}})
    assert nested.endswith("- is overdue.")


@pytest.mark.parametrize(
    ("phone", "ok"),
    [
        ("+8613800000001", True),
        ("+14155550100", True),
        ("13800000001", False),
        ("+0123", False),
        ("+８６13800000001", False),  # full-width digits are not E.164
        ("+8613800000001\n", False),
        (None, False),
    ],
)
def test_e164(phone, ok):
    assert is_e164(phone) is ok


def test_pinpoint_sender_sends_a_transactional_text_message():
    client = boto3.client("pinpoint-sms-voice-v2", region_name="us-east-1")
    sender = PinpointSender(client, "+8610000000000")
    with Stubber(client) as stub:
        stub.add_response(
            "send_text_message",
            {"MessageId": "msg-1"},
            {
                "DestinationPhoneNumber": "+8613800000001",
                "MessageBody": "你好",
                "MessageType": "TRANSACTIONAL",
                "OriginationIdentity": "+8610000000000",
            },
        )
        assert sender.send("+8613800000001", "你好") == "msg-1"


def test_sns_sender_publishes_to_the_phone_number_as_transactional():
    client = boto3.client("sns", region_name="us-east-1")
    with Stubber(client) as stub:
        stub.add_response(
            "publish",
            {"MessageId": "m-2"},
            {
                "PhoneNumber": "+8613800000001",
                "Message": "hi",
                "MessageAttributes": {"AWS.SNS.SMS.SMSType": {"DataType": "String", "StringValue": "Transactional"}},
            },
        )
        assert SnsSender(client).send("+8613800000001", "hi") == "m-2"


def test_unknown_provider_is_refused():
    with pytest.raises(ValueError, match="unknown SMS provider"):
        make_sender("carrier-pigeon")


def test_function_settings_fail_loudly_without_their_environment(monkeypatch):
    from pydantic import ValidationError

    from tests.support.api import load_function

    for name in ("notifier", "intake", "sms_inbound", "connect"):
        module = load_function(name)
        for var in ("TICKETS_TABLE", "DIRECTORY_TABLE", "IDEMPOTENCY_TABLE"):
            monkeypatch.delenv(var, raising=False)
        module.settings.cache_clear()
        with pytest.raises(ValidationError):
            module.settings()
        module.settings.cache_clear()
