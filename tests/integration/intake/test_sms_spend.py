"""SMS spend: a TwiML reply is a paid SMS. Replays answer nothing, one number draws a few replies an hour,
and replies count against the property's daily cap like every other SMS."""

from __future__ import annotations

import boto3

from tests.integration.intake.conftest import STRANGER
from tests.integration.intake.test_twilio_sms import sms, tickets

EMPTY = '<?xml version="1.0" encoding="UTF-8"?><Response />'


def _replies(bodies: list[str]) -> int:
    return sum("<Message>" in b for b in bodies)


def _set_settings(aws, **settings) -> None:
    from propdesk.dal.directory import DirectoryStore
    from propdesk.models.directory import Property

    store = DirectoryStore(aws["DirectoryTable"])
    prop = store.get(Property, None, "SUN")
    store.put(prop.model_copy(update={"settings": prop.settings.model_copy(update=settings)}), create=False)


def test_a_redelivered_message_sid_is_answered_once(intake, aws):
    # Given one message from an unknown number; When Twilio delivers it 100 times
    bodies = [sms(intake, STRANGER, "门口有积水", "SM" + "r" * 32)[1] for _ in range(100)]
    # Then one reply is sent, the 99 redeliveries are answered with an empty TwiML, and one ticket exists
    assert _replies(bodies) == 1 and bodies[1:] == [EMPTY] * 99
    assert len(tickets(aws)) == 1


def test_one_number_draws_at_most_three_replies_an_hour(intake, aws, clock):
    # Given an unknown number texting ten different messages within the hour
    bodies = [sms(intake, STRANGER, f"你好 {n}", f"SM{n:032d}")[1] for n in range(10)]
    # Then three are answered and the rest are recorded without a reply
    assert _replies(bodies) == 3 and bodies[3:] == [EMPTY] * 7
    # And another number is not held by that allowance; and an hour later the first number is answered again
    assert _replies([sms(intake, "+8613900000077", "你好", "SM" + "x" * 32)[1]]) == 1
    clock.advance(minutes=61)
    assert _replies([sms(intake, STRANGER, "还在吗", "SM" + "y" * 32)[1]]) == 1


def test_replies_count_against_the_daily_sms_cap(intake, aws, clock):
    # Given a property whose daily cap is 2 SMS
    _set_settings(aws, daily_sms_cap=2)
    # When three residents' numbers each write once
    senders = ["+8613800000001", "+8613800000002", STRANGER]
    bodies = [sms(intake, who, "漏水", f"SMcap{n:029d}")[1] for n, who in enumerate(senders)]
    # Then two replies are sent, the third is not, and the cap's counter shows the two
    assert _replies(bodies) == 2 and bodies[2] == EMPTY
    assert len(tickets(aws)) == 3
    item = boto3.client("dynamodb").get_item(
        TableName=aws["TicketsTable"], Key={"pk": {"S": "SMSCAP#SUN#20261123"}, "sk": {"S": "SMSCAP"}}
    )["Item"]
    assert item["sent"] == {"N": "2"}


def test_one_number_draws_at_most_the_daily_replies(intake, aws, clock):
    # Given a daily allowance of 4 replies per number (3 an hour by default)
    _set_settings(aws, sms_replies_per_number_day=4)
    # When a resident writes three times in each of two hours of the same day
    bodies = []
    for hour in range(2):
        bodies += [sms(intake, "+8613800000001", f"问题 {hour}-{n}", f"SMday{hour}{n:026d}")[1] for n in range(3)]
        clock.advance(hours=1)
    # Then three replies in the first hour, one in the second, and nothing more that day
    assert [("<Message>" in b) for b in bodies] == [True, True, True, True, False, False]
