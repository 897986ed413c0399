"""Notification texts, the SMS senders' calls as the providers expect them, and the notifier's settings."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import boto3
import pytest
from botocore.stub import Stubber

from propdesk.models.enums import Language
from propdesk.notices import Audience, NoticeKind
from propdesk.notify.sender import PinpointSender, SnsSender, make_sender
from propdesk.notify.service import is_e164
from propdesk.notify.templates import TEMPLATES, MissingNoticeValue, render

SHANGHAI = ZoneInfo("Asia/Shanghai")
NEW_YORK = ZoneInfo("America/New_York")
NUMBER = "SUN-20261123-0001"
# Every value any template asks for, as the notices carry them.
ALL_VALUES = {
    "amount_cents": 12050,
    "appointment_at": "2026-11-24T06:30:00+00:00",
    "deadline": "2026-12-01T10:00:00+00:00",
    "due_at": "2026-11-24T02:00:00+00:00",
    "timer": "on_site",
    "reason": "quote_unanswered",
    "days": 7,
    "satisfaction": 2,
    "answer": "物业费每月2.5元/平方米",
    "wanted_at": "2026-11-28T11:30:00+00:00",
    "description": "保安态度恶劣",
}


def test_every_notice_kind_has_a_template_in_both_languages():
    assert set(TEMPLATES) == set(NoticeKind)
    for kind, texts in TEMPLATES.items():
        assert set(texts) == {Language.ZH_CN, Language.EN}, kind
        for language in texts:
            text = render(kind, language, NUMBER, ALL_VALUES, SHANGHAI)
            assert NUMBER in text and " - " not in text and "：-" not in text, text


@pytest.mark.parametrize(
    ("kind", "params"),
    [
        (NoticeKind.QUOTE_TO_APPROVE, {}),
        (NoticeKind.APPOINTMENT_BOOKED, {}),
        (NoticeKind.ROUTED_TO_CONTRACTOR, {}),
        (NoticeKind.ESCALATION, {}),
        (NoticeKind.ESCALATION, {"step": {"nested": 1}}),
        (NoticeKind.STALE_CLOSED, {}),
        (NoticeKind.INQUIRY_ANSWERED, {"answer": ""}),
        (NoticeKind.COMPLAINT_INVALID, {}),
    ],
)
def test_a_template_whose_value_is_missing_raises_instead_of_sending_a_dash(kind, params):
    with pytest.raises(MissingNoticeValue):
        render(kind, Language.ZH_CN, NUMBER, params, SHANGHAI)


def test_money_is_yuan_with_two_decimals():
    assert render(NoticeKind.QUOTE_TO_APPROVE, Language.ZH_CN, "SUN-1", {"amount_cents": 9900}, SHANGHAI) == (
        "工单SUN-1报价99.00元，同意请回复“是”，不同意请回复“否”。"
    )
    assert render(NoticeKind.QUOTE_TO_APPROVE, Language.EN, "SUN-1", {"amount_cents": 5}, SHANGHAI) == (
        "Ticket SUN-1: the quote is CNY 0.05. Reply YES to accept or NO to decline."
    )


def test_times_are_the_propertys_wall_clock_in_the_recipients_language():
    booked = {"appointment_at": "2026-11-24T06:30:00+00:00"}
    assert render(NoticeKind.APPOINTMENT_BOOKED, Language.ZH_CN, "SUN-1", booked, SHANGHAI) == (
        "工单SUN-1已预约上门时间：2026年11月24日 14:30。"
    )
    assert render(NoticeKind.APPOINTMENT_BOOKED, Language.EN, "SUN-1", booked, NEW_YORK) == (
        "Ticket SUN-1: visit booked for 24 Nov 2026, 01:30."
    )


def test_an_escalation_names_its_step_in_the_recipients_words():
    assert render(NoticeKind.ESCALATION, Language.ZH_CN, "SUN-1", {"timer": "appointment_escalation"}, SHANGHAI) == (
        "工单SUN-1的预约上门已超时，已升级处理。"
    )
    assert render(NoticeKind.ESCALATION, Language.EN, "SUN-1", {"timer": "subtask:security"}, SHANGHAI) == (
        "Ticket SUN-1 escalated: security sub-task is overdue."
    )


def test_a_stale_close_gives_its_reason_in_the_residents_language():
    params = {"reason": "quote_unanswered", "days": 7}
    assert render(NoticeKind.STALE_CLOSED, Language.EN, "SUN-1", params, SHANGHAI) == (
        "Ticket SUN-1 was closed: the quote was not answered within 7 days."
    )
    assert render(NoticeKind.STALE_CLOSED, Language.ZH_CN, "SUN-1", params, SHANGHAI) == (
        "工单SUN-1已关闭：报价7天未获答复。"
    )


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


def test_every_notice_the_workflow_raises_carries_the_values_its_template_needs():
    """What notice_for builds from a ticket (plus the fire's own params) renders in both languages."""
    from datetime import UTC, datetime

    from propdesk.models.ticket import SlaTarget, Ticket, TimeDemand
    from propdesk.workflow import service, timers

    at = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
    ticket = Ticket(
        id="t_1",
        number=NUMBER,
        property_id="SUN",
        kind="warranty",
        channel="phone",
        status="routed",
        description="墙体裂缝",
        created_by="desk",
        created_at=at,
        updated_at=at,
        quote_cents=12050,
        appointment_at=at,
        contractor_deadline=at,
        invalid_reason="业主自行改造",
        satisfaction=2,
        answer="下月安装",  # the suggestion's adoption tells the resident the answer on the ticket
        sla={"desk_reply": SlaTarget(name="desk_reply", started_at=at, due_at=at)},
        time_demand=TimeDemand(wanted_at=at, recorded_by="desk", recorded_at=at, status="proposed", decided_at=at),
    )
    raised = [(kind, {"timer": timer}) for timer, (kind, _) in timers._NOTICES.items()]
    raised += [(kind, {}) for told in service._ON_ANSWER.values() for kind, _ in told]
    raised += [(kind, {"answer": "好的"}) for told in service._ON_END.values() for kind, _ in told]
    for kind, params in raised:
        notice = timers.notice_for(ticket, kind, [Audience.RESIDENT], at, "key", 0, **params)
        for language in Language:
            assert NUMBER in render(notice.kind, language, notice.number, notice.params, SHANGHAI), kind
