"""Reading residents' texts: kind guessing, language, short answers, and the phone menu's every branch."""

from __future__ import annotations

import pytest

from propdesk.intake import messages
from propdesk.intake.ivr import MAX_ATTEMPTS, Turn, next_turn
from propdesk.intake.keywords import ShortAnswer, guess_kind, guess_language, short_answer
from propdesk.intake.signature import is_valid, parse_form, public_url
from propdesk.models.enums import Language, TicketKind


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("厨房漏水", TicketKind.REPAIR),
        ("The tap is broken", TicketKind.REPAIR),
        ("楼上装修噪音太大，我要投诉", TicketKind.COMPLAINT),
        ("noise from upstairs", TicketKind.COMPLAINT),
        ("客厅墙面开裂", TicketKind.WARRANTY),
        ("想预约开荒保洁", TicketKind.HOUSEHOLD_SERVICE),
        ("请问物业费怎么交", TicketKind.INQUIRY),
        ("How much is the parking fee?", TicketKind.INQUIRY),
        ("建议小区增加充电桩", TicketKind.SUGGESTION),
        ("你好", TicketKind.REPAIR),
        ("", TicketKind.REPAIR),
    ],
)
def test_guess_kind_defaults_to_repair(text, kind):
    assert guess_kind(text) is kind


def test_guess_language():
    assert guess_language("厨房漏水") is Language.ZH_CN
    assert guess_language("kitchen leak") is Language.EN
    assert guess_language("3-1202") is Language.ZH_CN
    assert guess_language("3-1202", Language.EN) is Language.EN


@pytest.mark.parametrize(
    ("text", "answer"),
    [
        ("5", ShortAnswer(rating=5)),
        (" 4。", ShortAnswer(rating=4)),
        ("1", ShortAnswer(rating=1, yes=True)),
        ("是", ShortAnswer(yes=True)),
        ("同意！", ShortAnswer(yes=True)),
        ("YES", ShortAnswer(yes=True)),
        ("no", ShortAnswer(yes=False)),
        ("不同意", ShortAnswer(yes=False)),
        ("0", ShortAnswer(yes=False)),
        ("6", None),
        ("厨房漏水了", None),
        ("yes please come tomorrow", None),
        ("", None),
    ],
)
def test_short_answers(text, answer):
    assert short_answer(text) == answer


def test_ivr_a_new_call_plays_the_menu():
    turn = next_turn(None, None, 0, "", "")
    assert turn.turn is Turn.MENU and not turn.reprompt


@pytest.mark.parametrize(
    ("digits", "speech", "kind"),
    [
        ("1", "", TicketKind.REPAIR),
        ("2", "", TicketKind.COMPLAINT),
        ("3", "", TicketKind.INQUIRY),
        ("", "我要报修", TicketKind.REPAIR),
        ("", "complaint please", TicketKind.COMPLAINT),
    ],
)
def test_ivr_menu_choices_ask_for_a_description(digits, speech, kind):
    turn = next_turn("menu", None, 0, digits, speech)
    assert turn.turn is Turn.DESCRIBE and turn.kind is kind


def test_ivr_zero_or_asking_for_a_person_goes_to_the_desk():
    assert next_turn("menu", None, 0, "0", "").turn is Turn.DESK
    assert next_turn("menu", None, 0, "", "转人工").turn is Turn.DESK


@pytest.mark.parametrize(("digits", "speech"), [("", ""), ("9", ""), ("*", ""), ("", "嗯")])
def test_ivr_silence_or_unknown_keys_reprompt_then_reach_the_desk(digits, speech):
    turn = next_turn("menu", None, 0, digits, speech)
    assert turn.turn is Turn.MENU and turn.reprompt and turn.attempt == 1
    assert next_turn("menu", None, MAX_ATTEMPTS - 1, digits, speech).turn is Turn.DESK


def test_ivr_description_turns():
    created = next_turn("describe", "complaint", 0, "", " 楼上太吵 ")
    assert created.turn is Turn.CREATE and created.kind is TicketKind.COMPLAINT and created.description == "楼上太吵"
    silent = next_turn("describe", "inquiry", 0, "", "")
    assert silent.turn is Turn.DESCRIBE and silent.reprompt and silent.kind is TicketKind.INQUIRY
    assert next_turn("describe", "inquiry", MAX_ATTEMPTS - 1, "", "").turn is Turn.DESK
    assert next_turn("describe", "bogus", 0, "", "x").kind is TicketKind.REPAIR


def test_spoken_numbers_are_read_digit_by_digit():
    assert messages.spoken_number("SUN-20261123-0007") == "S U N 2 0 2 6 1 1 2 3 0 0 0 7"


def test_every_phrase_exists_in_both_languages():
    for key in messages._TEXTS:
        assert set(messages._TEXTS[key]) == {Language.ZH_CN, Language.EN}, key


def test_signature_helpers_match_the_twilio_package():
    from twilio.request_validator import RequestValidator

    url = public_url("https://desk.example.com/", "/webhooks/twilio/voice", "step=menu&attempt=0")
    assert url == "https://desk.example.com/webhooks/twilio/voice?step=menu&attempt=0"
    form = parse_form("From=%2B8613800000001&Body=%E5%8E%A8%E6%88%BF&Empty=")
    assert form == {"From": "+8613800000001", "Body": "厨房", "Empty": ""}
    signature = RequestValidator("token").compute_signature(url, form)
    assert is_valid("token", url, form, signature)
    assert not is_valid("token", url, form, None)
    assert not is_valid("", url, form, signature)
    assert not is_valid("token", url + "1", form, signature)
