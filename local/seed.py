"""The demo property 阳光花园 (code SUN): buildings, units, residents and one staff member per role.

The demo users' subs are stable across runs, so a token printed yesterday still names the same person.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PROPERTY_ID = "prop-sun"
# The ticket the samples in events/ name (the notice, the timer step, the accept): the stream sample's new image.
SAMPLE_TICKET_EVENT = Path(__file__).resolve().parents[1] / "events" / "dynamodb-stream-ticket-created.json"
_NAMESPACE = uuid.UUID("6f1c3a52-7d0e-4c1b-9a51-2f3e8d7c6b10")


def demo_sub(user: str) -> str:
    return str(uuid.uuid5(_NAMESPACE, user))


@dataclass(frozen=True, slots=True)
class DemoUser:
    """A person a token can be printed for: `python -m local token <key>`."""

    key: str
    record_id: str
    name: str
    role: str  # the Cognito group
    what: str
    language: str = "zh-CN"

    @property
    def sub(self) -> str:
        return demo_sub(self.key)


DEMO_USERS: tuple[DemoUser, ...] = (
    DemoUser("resident", "res-wang-fang", "王芳", "resident", "resident of 1-0101 (zh-CN)"),
    DemoUser("resident-en", "res-alex-morgan", "Alex Morgan", "resident", "resident of 2-0802 (en)", "en"),
    DemoUser("desk", "staff-li-na", "李娜", "desk_agent", "front desk 客服"),
    DemoUser("callcentre", "staff-chen-jing", "陈静", "callcentre_agent", "group 400 call centre (all properties)"),
    DemoUser("butler", "staff-zhao-lei", "赵磊", "butler", "butler 贴心管家, buildings 1-2"),
    DemoUser("dispatcher", "staff-sun-wei", "孙伟", "dispatcher", "engineering dispatch 调度"),
    DemoUser("technician", "staff-zhou-qiang", "周强", "technician", "technician 维修技工"),
    DemoUser("warranty", "staff-wu-gang", "吴刚", "warranty_engineer", "warranty engineer 维保工程师"),
    DemoUser("contractor", "staff-zheng-jian", "郑建", "contractor", "contractor 施工单位"),
    DemoUser("manager", "staff-liu-yang", "刘洋", "manager", "site office manager 管理处经理"),
    DemoUser("control-room", "staff-qian-feng", "钱峰", "control_room", "control room 中控室, the desk at night"),
)

_STAFF_DEPARTMENT = {
    "dispatcher": "engineering",
    "technician": "engineering",
    "warranty": "engineering",
    "contractor": "engineering",
    "butler": "customer_service",
    "desk": "customer_service",
    "manager": "customer_service",
    "callcentre": "customer_service",
    "control-room": "security",
}
_PHONES = {user.key: f"+861380000{index:04d}" for index, user in enumerate(DEMO_USERS, start=1)}


def user(key: str) -> DemoUser:
    for demo in DEMO_USERS:
        if demo.key == key:
            return demo
    raise KeyError(f"no demo user {key!r}; known: {', '.join(u.key for u in DEMO_USERS)}")


def seed(directory_table: str, tickets_table: str | None = None, books_table: str | None = None) -> dict[str, Any]:
    """Write the demo property into the directory table, and the samples' ticket into the tickets table;
    the domain layer must be importable."""
    from propdesk.dal.directory import DirectoryStore
    from propdesk.models.directory import Building, Property, Resident, Staff, Unit

    store = DirectoryStore(directory_table)
    store.put(
        Property(id=PROPERTY_ID, code="SUN", name="阳光花园 Sunshine Gardens", timezone="Asia/Shanghai"),
        create=True,
    )
    units: dict[str, Unit] = {}
    for building_no in (1, 2):
        building = Building(
            id=f"sun-b{building_no}", property_id=PROPERTY_ID, name=f"{building_no}号楼 Building {building_no}"
        )
        store.put(building, create=True)
        for number in ("0101", "0102", "0801", "0802"):
            unit = Unit(
                id=f"sun-{building_no}-{number}",
                property_id=PROPERTY_ID,
                building_id=building.id,
                number=number,
                contract_signed=True,
            )
            store.put(unit, create=True)
            units[f"{building_no}-{number}"] = unit
    homes = {"resident": units["1-0101"], "resident-en": units["2-0802"]}
    for demo in DEMO_USERS:
        if demo.role == "resident":
            store.put(
                Resident(
                    id=demo.record_id,
                    property_id=PROPERTY_ID,
                    unit_id=homes[demo.key].id,
                    name=demo.name,
                    phone=_PHONES[demo.key],
                    language=demo.language,
                    user_sub=demo.sub,
                ),
                create=True,
            )
        else:
            store.put(
                Staff(
                    id=demo.record_id,
                    property_id=None if demo.role == "callcentre_agent" else PROPERTY_ID,
                    name=demo.name,
                    role=demo.role,
                    department=_STAFF_DEPARTMENT.get(demo.key),
                    phone=_PHONES[demo.key],
                    language=demo.language,
                    user_sub=demo.sub,
                ),
                create=True,
            )
    if tickets_table:
        _put_sample_ticket(directory_table, tickets_table)
    if books_table:
        _put_duty_log(books_table)
    return {"property_id": PROPERTY_ID, "units": len(units), "users": len(DEMO_USERS)}


def _put_sample_ticket(directory_table: str, tickets_table: str) -> None:
    """The ticket as the stream sample shows it written, then classified and dispatched to the technician by
    the desk, so that every `invoke --event events/...` finds it and the accept sample is the next step."""
    import boto3

    from propdesk.access import Principal
    from propdesk.dal.directory import DirectoryStore
    from propdesk.dal.tickets import TicketStore
    from propdesk.logic import commands
    from propdesk.logic.directory import DirectoryCache
    from propdesk.logic.tickets import TicketService
    from propdesk.models.enums import Action, Department, Role

    image = json.loads(SAMPLE_TICKET_EVENT.read_text(encoding="utf-8"))["Records"][0]["dynamodb"]["NewImage"]
    boto3.client("dynamodb").put_item(TableName=tickets_table, Item=image)
    directory = DirectoryStore(directory_table)
    service = TicketService(TicketStore(tickets_table), directory, DirectoryCache(directory))
    desk = Principal(user("desk").record_id, Role.DESK_AGENT, PROPERTY_ID, department="customer_service")
    ticket_id = json.loads(image["doc"]["S"])["id"]
    engineering = Department("engineering")
    service.act(desk, ticket_id, Action.CLASSIFY, commands.ClassifyInput(paid=False, department=engineering))
    dispatch = commands.DispatchInput(department=engineering, assignee_id=user("technician").record_id)
    service.act(desk, ticket_id, Action.DISPATCH, dispatch)


# Yesterday at the desk of 阳光花园, as its duty log (值班记录) keeps it: (local time, channel, taken by,
# resident, what was asked, outcome, answer or department).
_DUTY_DAY = (
    ("08:40", "phone", "desk", "resident", "问本月物业费缴费方式", "answered", "App 缴费或到前台刷卡"),
    ("09:15", "visit", "desk", "resident-en", "Where to collect a parcel?", "answered", "Parcel room, 1-B1"),
    ("10:30", "self_inspection", "desk", None, "巡查发现 2 号楼大堂灯不亮", "transferred", "engineering"),
    ("14:05", "call_centre", "callcentre", None, "400 转来：咨询车位租赁", "answered", "地库 B2 尚有 6 个车位可租"),
    ("16:50", "visit", "desk", "resident", "要求查看上周监控录像", "transferred", "security"),
    ("22:20", "phone", "control-room", "resident", "楼上漏水到卫生间", "transferred", "engineering"),
)


def _put_duty_log(books_table: str) -> None:
    """A day of duty log for yesterday (its handovers and the manager's review), so a newcomer sees one."""
    from datetime import date, datetime, time, timedelta
    from zoneinfo import ZoneInfo

    from propdesk import clock
    from propdesk.books.duty import Contact, DutyStore, Handover, Review, Shift
    from propdesk.calendar import local_instant
    from propdesk.models.enums import Role

    zone = ZoneInfo("Asia/Shanghai")
    day: date = clock.now().astimezone(zone).date() - timedelta(days=1)
    store = DutyStore(books_table)
    homes = {"resident": "sun-1-0101", "resident-en": "sun-2-0802"}

    def at(wall: str) -> datetime:
        return local_instant(day, time.fromisoformat(wall), zone)

    for n, (wall, channel, taker, who, request, outcome, then) in enumerate(_DUTY_DAY, start=1):
        staff, resident = user(taker), user(who) if who else None
        store.put_contact(
            Contact(
                id=f"c_demo_{n:02d}",
                property_id=PROPERTY_ID,
                day=day,
                at=at(wall),
                channel=channel,
                shift=Shift.CONTROL_ROOM if wall >= "21:00" else Shift.DESK,
                taken_by=staff.record_id,
                taken_by_role=Role(staff.role),
                resident_id=resident.record_id if resident else None,
                unit_id=homes[resident.key] if resident else None,
                contact_name=resident.name if resident else None,
                request=request,
                outcome=outcome,
                answer=then if outcome == "answered" else None,
                transferred_to=then if outcome == "transferred" else None,
            )
        )
    store.put_handover(
        Handover(
            property_id=PROPERTY_ID,
            day=day,
            at=at("21:00"),
            from_shift=Shift.DESK,
            to_shift=Shift.CONTROL_ROOM,
            open_count=0,
            open_tickets=[],
            shift_contacts=5,
        )
    )
    store.put_review(
        Review(
            property_id=PROPERTY_ID,
            day=day,
            reviewed_by=user("manager").record_id,
            reviewed_at=at("21:30"),
            note="记录完整；大堂灯已报工程部，监控录像申请请秩序部今日回复",
            contacts_seen=5,
        )
    )
