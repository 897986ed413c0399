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
    DemoUser("supervisor", "staff-qian-li", "钱丽", "supervisor", "supervisor 主管: residents' time demands"),
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
    "supervisor": "customer_service",
}
_PHONES = {user.key: f"+861380000{index:04d}" for index, user in enumerate(DEMO_USERS, start=1)}


def user(key: str) -> DemoUser:
    for demo in DEMO_USERS:
        if demo.key == key:
            return demo
    raise KeyError(f"no demo user {key!r}; known: {', '.join(u.key for u in DEMO_USERS)}")


def seed(directory_table: str, tickets_table: str | None = None, books_table: str | None = None) -> dict[str, Any]:
    """Write the demo property into the directory table, the samples' ticket into the tickets table and the
    zones into the books table; the domain layer must be importable."""
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
    zones = _put_zones(books_table) if books_table else 0
    return {"property_id": PROPERTY_ID, "units": len(units), "users": len(DEMO_USERS), "zones": zones}


def _put_zones(books_table: str) -> int:
    """The butler's buildings and the desk's responsibility zone (责任区域), as the manager would set them."""
    from datetime import UTC, datetime

    from propdesk.books.zones import Zone, ZoneBook
    from propdesk.models.enums import Role

    book = ZoneBook(books_table)
    manager, now = user("manager").record_id, datetime.now(UTC)
    for zone_id, name, keeper, role in (
        ("zone-butler-1-2", "1-2号楼 管家片区", "butler", Role.BUTLER),
        ("zone-desk-1-2", "1-2号楼 前台责任区", "desk", Role.DESK_AGENT),
    ):
        book.put(
            Zone(
                id=zone_id,
                property_id=PROPERTY_ID,
                name=name,
                staff_id=user(keeper).record_id,
                role=role,
                building_ids=["sun-b1", "sun-b2"],
                updated_by=manager,
                updated_at=now,
            )
        )
    return 2


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
