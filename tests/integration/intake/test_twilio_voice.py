"""Twilio Voice IVR: every menu branch, silence and unknown keys reprompt, the caller hears their ticket number."""

from __future__ import annotations

import json
from typing import Any

import boto3

from tests.integration.intake.conftest import STRANGER, call, signed_event

PATH = "/webhooks/twilio/voice"
CALL_SID = "CA" + "1" * 32


def voice(module: Any, query: str = "", caller: str = "+8613800000001", **form: str) -> tuple[int, str]:
    params = {"CallSid": CALL_SID, "From": caller, "To": "+8610000000000", "CallStatus": "in-progress", **form}
    return call(module, signed_event(PATH, params, query=query))


def ticket_items() -> list[dict[str, Any]]:
    items = boto3.client("dynamodb").scan(TableName="TicketsTable")["Items"]
    return [i for i in items if i["sk"]["S"] == "TICKET"]


def test_a_new_call_hears_the_menu_in_a_gather_for_keys_and_speech(intake, aws):
    status, body = voice(intake)

    assert status == 200
    assert '<Gather action="/webhooks/twilio/voice?step=menu&amp;attempt=0"' in body
    assert 'input="dtmf speech"' in body and 'language="zh-CN"' in body
    assert "报修请按1" in body
    assert "<Redirect" in body  # silence falls through to a reprompt


def test_an_english_resident_hears_english(intake, aws):
    _, body = voice(intake, caller="+8613800000002")
    assert "For repairs press 1" in body and 'language="en-US"' in body


def test_keys_1_2_3_ask_for_a_description_of_that_kind(intake, aws):
    for key, kind, word in (("1", "repair", "报修"), ("2", "complaint", "投诉"), ("3", "inquiry", "咨询")):
        status, body = voice(intake, "step=menu&attempt=0", Digits=key)
        assert status == 200
        assert f"step=describe&amp;kind={kind}&amp;attempt=0" in body
        assert word in body and 'input="speech"' in body


def test_a_spoken_choice_works_like_a_key(intake, aws):
    _, body = voice(intake, "step=menu&attempt=0", SpeechResult="我要投诉")
    assert "kind=complaint" in body


def test_key_0_goes_to_the_desk(intake, aws, monkeypatch):
    _, body = voice(intake, "step=menu&attempt=0", Digits="0")
    assert "人工服务暂时无法接通" in body and "<Hangup />" in body

    monkeypatch.setenv("DESK_PHONE_NUMBER", "+8613700000007")
    intake.settings.cache_clear()
    _, body = voice(intake, "step=menu&attempt=0", Digits="0")
    assert "<Dial>" in body and "正在为您转接" in body


def test_silence_and_unknown_keys_reprompt_then_go_to_the_desk(intake, aws):
    status, body = voice(intake, "step=menu&attempt=0")  # the Redirect after a silent Gather
    assert status == 200 and "抱歉，没有听清" in body and "attempt=1" in body

    status, body = voice(intake, "step=menu&attempt=1", Digits="7")
    assert status == 200 and "抱歉，没有听清" in body and "attempt=2" in body

    status, body = voice(intake, "step=menu&attempt=2", Digits="#")
    assert status == 200 and "人工服务" in body


def test_garbage_query_values_never_fail(intake, aws):
    status, body = voice(intake, "step=nonsense&attempt=abc&kind=zzz", Digits="99")
    assert status == 200 and "报修请按1" in body
    status, body = voice(intake, "step=describe&attempt=x&kind=zzz")
    assert status == 200 and "没有听到您的描述" in body


def test_silence_at_the_description_reprompts(intake, aws):
    status, body = voice(intake, "step=describe&kind=repair&attempt=0")
    assert status == 200 and "没有听到您的描述" in body and "attempt=1" in body
    assert ticket_items() == []


def test_a_description_becomes_a_ticket_and_the_caller_hears_its_number(intake, aws):
    status, body = voice(intake, "step=describe&kind=repair&attempt=0", SpeechResult="卫生间漏水了")

    assert status == 200
    assert "工单号是 S U N 2 0 2 6 1 1 2 3 0 0 0 1" in body and "<Hangup />" in body
    [item] = ticket_items()
    assert json.loads(item["doc"]["S"])["channel"] == "phone"
    assert item["kind"]["S"] == "repair" and item["resident_id"]["S"] == "SUN#zhang"

    again = voice(intake, "step=describe&kind=repair&attempt=0", SpeechResult="卫生间漏水了")
    assert again == (status, body) and len(ticket_items()) == 1  # a replayed webhook: one ticket


def test_an_unknown_caller_gets_a_ticket_that_needs_identification(intake, aws):
    _, body = voice(intake, "step=describe&kind=complaint&attempt=0", caller=STRANGER, SpeechResult="楼下很吵")
    assert "工单号是" in body
    [item] = ticket_items()
    assert item["status"]["S"] == "needs_identification" and item["kind"]["S"] == "complaint"


def test_voice_signatures_cover_the_query_string(intake, aws):
    params = {"CallSid": CALL_SID, "From": "+8613800000001", "Digits": "1"}
    event = signed_event(PATH, params, query="step=menu&attempt=0")
    event["rawQueryString"] = "step=menu&attempt=2"  # an attacker changing the step
    assert call(intake, event)[0] == 403
