"""The SMS, voice and Connect intakes write their own duty-log contacts: once per message or call."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from tests.integration.intake.conftest import function_env, intake, no_phone_numbers_in_logs
from tests.integration.intake.test_connect import connect, invoke, sample
from tests.integration.intake.test_notifier import deliver as deliver_notice
from tests.integration.intake.test_notifier import notice, notifier, ticket_for
from tests.integration.intake.test_sms_inbound import deliver, inbound, pinpoint_message
from tests.integration.intake.test_twilio_voice import voice
from tests.support.events import sms_sent

# The intake functions' own fixtures, on the same moto account as the API that reads the log back.
__all__ = ["connect", "function_env", "inbound", "intake", "no_phone_numbers_in_logs", "notifier"]

STRANGER = "+8613900000009"


def contacts(api: Any, world: Any, day: str = "2026-11-23") -> list[dict[str, Any]]:
    reply = api.get(f"/properties/SUN/duty/{day}", world["desk"])
    assert reply.status == 200, reply.body
    return list(reply.body["contacts"])


def test_each_sms_is_one_contact_naming_the_ticket_it_opened_or_answered(inbound, api, world, clock):
    # Given a resident's report delivered twice (SNS and SQS deliver at least once)
    deliver(inbound, pinpoint_message())
    deliver(inbound, pinpoint_message())
    # and an unknown sender's report, then their answer to "who are you?"
    clock.advance(minutes=2)
    deliver(inbound, pinpoint_message(originationNumber=STRANGER, messageBody="电梯坏了", inboundMessageId="m-1"))
    clock.advance(minutes=3)
    deliver(inbound, pinpoint_message(originationNumber=STRANGER, messageBody="3栋 502 李先生", inboundMessageId="m-2"))

    # Then the log holds three contacts, in the order they came in
    resident, stranger, answer = contacts(api, world)
    assert (resident["channel"], resident["outcome"], resident["taken_by"]) == ("sms", "ticket_created", "system")
    assert (resident["resident_id"], resident["unit_id"]) == ("zhang", "U101")
    assert resident["ticket_number"] == "SUN-20261123-0001"
    assert (stranger["outcome"], stranger["request"], stranger["resident_id"]) == ("ticket_created", "电梯坏了", None)
    assert (answer["outcome"], answer["request"]) == ("ticket_linked", "3栋 502 李先生")
    assert answer["ticket_id"] == stranger["ticket_id"]


def test_a_call_to_the_voice_menu_or_to_the_call_centre_that_opens_a_ticket_is_one_contact(
    intake, connect, api, world, clock
):
    # Given a call through the voice menu, retried by Twilio
    voice(intake, "step=describe&kind=repair&attempt=0", SpeechResult="卫生间漏水了")
    voice(intake, "step=describe&kind=repair&attempt=0", SpeechResult="卫生间漏水了")
    # and a call-centre ticket from Connect, retried on a slow answer
    clock.advance(minutes=1)
    created = invoke(connect, sample("create"))
    invoke(connect, sample("create"))

    # Then each call is one contact of its channel
    phone, call_centre = contacts(api, world)
    assert (phone["channel"], phone["outcome"], phone["request"]) == ("phone", "ticket_created", "卫生间漏水了")
    assert phone["shift"] == "desk"
    assert (call_centre["channel"], call_centre["outcome"]) == ("call_centre", "ticket_created")
    assert call_centre["ticket_number"] == created["ticketNumber"]


def test_the_phone_menus_0_rings_the_control_room_outside_desk_hours(intake, clock, monkeypatch):
    monkeypatch.setenv("DESK_PHONE_NUMBER", "+8613700000007")
    monkeypatch.setenv("CONTROL_ROOM_PHONE_NUMBER", "+8613700000099")
    intake.settings.cache_clear()

    _, day = voice(intake, "step=menu&attempt=0", Digits="0")  # 10:00 in Shanghai
    clock.current = datetime(2026, 11, 23, 14, 30, tzinfo=UTC)  # 22:30, the desk closed at 21:00
    _, night = voice(intake, "step=menu&attempt=0", Digits="0")

    assert "<Dial>+8613700000007</Dial>" in day
    assert "<Dial>+8613700000099</Dial>" in night and "正在为您转接" in night


def test_the_desks_notices_go_to_the_control_room_at_night(notifier, world):
    from propdesk.dal.directory import DirectoryStore
    from propdesk.models.directory import Staff
    from propdesk.models.enums import Department, Role
    from propdesk.notices import Audience, NoticeKind

    # Given a desk agent and the control room's duty officer, both with phones
    store = DirectoryStore("DirectoryTable")
    store.put(store.get(Staff, "SUN", "desk").model_copy(update={"phone": "+8613700000001"}), create=False)
    officer = Staff(
        id="nightwatch", property_id="SUN", name="值班员", role=Role.CONTROL_ROOM, department=Department.SECURITY
    )
    store.put(officer.model_copy(update={"phone": "+8613700000099"}), create=True)
    ticket = ticket_for("zhang")
    overdue = NoticeKind.ON_SITE_OVERDUE

    # When an on-site target passes at 10:00, then another at 22:30
    deliver_notice(notifier, notice(ticket, overdue, n=1, audience=[Audience.DESK]))
    night = notice(ticket, overdue, n=2, audience=[Audience.DESK])
    deliver_notice(notifier, night.model_copy(update={"at": datetime(2026, 11, 23, 14, 30, tzinfo=UTC)}))

    # Then the day's reaches the desk and the night's the control room
    assert [number for number, _ in sms_sent()] == ["+8613700000001", "+8613700000099"]
