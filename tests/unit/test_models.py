"""Domain models: E.164 phones, the directory's rules, ticket helpers, and phone masking."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from pydantic import TypeAdapter, ValidationError

from propdesk.models.common import Phone, mask_phone
from propdesk.models.directory import Building, Property, PropertySettings, Resident, Staff, Unit
from propdesk.models.enums import Department, Language, Role, Status
from propdesk.models.ticket import SlaTarget, Ticket, TicketEvent

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
PHONE = TypeAdapter(Phone)


@pytest.mark.parametrize("phone", ["+8613800000001", "+14155550123", "+442071838750", "+1234567", "+123456789012345"])
def test_valid_e164(phone):
    assert PHONE.validate_python(phone) == phone


@pytest.mark.parametrize(
    "phone",
    [
        "13800000001",  # no country code
        "8613800000001",  # no plus
        "+0613800000001",  # country codes never start with 0
        "+86 138 0000 0001",  # spaces
        "+86-138-0000-0001",
        "+123456",  # too short
        "+1234567890123456",  # 16 digits: too long
        "+8613800000001\n",
        "",
        "+",
        "+86１３８00000001",  # full-width digits
    ],
)
def test_invalid_e164(phone):
    with pytest.raises(ValidationError) as caught:
        PHONE.validate_python(phone)
    assert "E.164" in str(caught.value)


@pytest.mark.parametrize(
    ("phone", "masked"),
    [
        ("+8613800000001", "+86*******0001"),
        ("+14155550123", "+14*****0123"),
        ("+123456", "*******"),
        ("+1234567", "+12*4567"),
        (None, ""),
        ("", ""),
    ],
)
def test_mask_phone(phone, masked):
    assert mask_phone(phone) == masked


def test_property_defaults_and_rules():
    prop = Property(id="SUN", code="SUN", name="阳光花园")
    assert (prop.timezone, prop.desk_opens, prop.desk_closes) == ("Asia/Shanghai", time(8), time(21))
    assert prop.zone.key == "Asia/Shanghai" and prop.settings == PropertySettings()
    for bad in (
        {"timezone": "Mars/Olympus"},
        {"code": "sun"},
        {"code": "S"},
        {"desk_opens": time(21), "desk_closes": time(8)},
        {"desk_opens": time(9), "desk_closes": time(9)},
        {"settings": {"quote_expiry_days": 0}},
        {"settings": {"unknown": 1}},
        {"holidays": [date(2026, 1, 1)] * 367},
        {"colour": "red"},
    ):
        with pytest.raises(ValidationError):
            Property(**{"id": "SUN", "code": "SUN", "name": "x", **bad})


def test_directory_records():
    Building(id="B1", property_id="SUN", name="1栋")
    assert not Unit(id="U1", property_id="SUN", building_id="B1", number="101").contract_signed
    resident = Resident(id="r", property_id="SUN", unit_id="U1", name="张", phone="+8613800000001")
    assert resident.language is Language.ZH_CN
    with pytest.raises(ValidationError):
        Resident(id="r", property_id="SUN", unit_id="U1", name="张", phone="13800000001")
    with pytest.raises(ValidationError):
        Unit(id="U1", property_id="SUN", building_id="B1", number="")
    with pytest.raises(ValidationError):
        Building(id="B 1", property_id="SUN", name="x")  # ids are key-safe


@pytest.mark.parametrize("role", [Role.RESIDENT, Role.SYSTEM])
def test_staff_roles_only(role):
    with pytest.raises(ValidationError):
        Staff(id="s", property_id="SUN", name="S", role=role)
    staff = Staff(
        id="s", property_id=None, name="S", role=Role.CALLCENTRE_AGENT, department=Department.CUSTOMER_SERVICE
    )
    assert staff.property_id is None


def _ticket(**extra: object) -> Ticket:
    fields: dict[str, object] = {
        "id": "t_1",
        "number": "SUN-20261123-0001",
        "property_id": "SUN",
        "kind": "repair",
        "channel": "app",
        "status": "received",
        "description": "漏水",
        "created_by": "zhang",
        "created_at": NOW,
        "updated_at": NOW,
    }
    return Ticket.model_validate({**fields, **extra})


def test_next_due_is_the_earliest_open_target():
    # Given a met target due first, and two open ones; Then the queue sorts by the earliest open one
    sla = {
        "on_site": SlaTarget(name="on_site", started_at=NOW, due_at=NOW + timedelta(minutes=15), met_at=NOW),
        "same_day": SlaTarget(name="same_day", started_at=NOW, due_at=NOW + timedelta(hours=11)),
        "callback": SlaTarget(name="callback", started_at=NOW, due_at=NOW + timedelta(hours=24)),
    }
    assert _ticket(sla=sla).next_due() == NOW + timedelta(hours=11)
    assert _ticket().next_due() is None


@pytest.mark.parametrize(("status", "is_open"), [(s, s not in ("closed", "invalid", "voided")) for s in Status])
def test_is_open(status, is_open):
    assert _ticket(status=status).is_open is is_open


def test_tickets_and_events_need_aware_times_and_known_fields():
    with pytest.raises(ValidationError):
        _ticket(created_at=datetime(2026, 11, 23, 10, 0))  # naive
    with pytest.raises(ValidationError):
        _ticket(colour="red")
    with pytest.raises(ValidationError):
        TicketEvent(ticket_id="t_1", at=datetime(2026, 11, 23), actor_id="x", actor_role="desk_agent", action="x")
    event = TicketEvent(ticket_id="t_1", at=NOW, actor_id="x", actor_role="desk_agent", action="create")
    assert event.data == {} and event.from_status is None
