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
        _put_knowledge(books_table)
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


# A few entries of the desk's book of answers (答客问): the property's own, and one the whole group shares.
_KNOWLEDGE: tuple[tuple[str | None, str, list[str], dict[str, str], dict[str, str]], ...] = (
    (
        PROPERTY_ID,
        "fees",
        ["物业费", "缴费"],
        {"zh-CN": "物业费怎么交？", "en": "How do I pay the management fee?"},
        {
            "zh-CN": "物业费按季度缴纳，每季度首月10日前在App或前台缴纳，住宅2.5元/平方米/月。",
            "en": "The management fee is paid quarterly, by the 10th of the quarter's first month, in the app or"
            " at the desk: CNY 2.50 per m² a month for homes.",
        },
    ),
    (
        PROPERTY_ID,
        "parking",
        ["停车", "车位"],
        {"zh-CN": "地下车位可以月租吗？", "en": "Can I rent an underground parking space by the month?"},
        {
            "zh-CN": "可以，月租300元，带行驶证和业主证明到前台办理。",
            "en": "Yes: CNY 300 a month. Bring your vehicle licence and proof of residence to the desk.",
        },
    ),
    (
        PROPERTY_ID,
        "decoration",
        ["装修", "噪音"],
        {"zh-CN": "装修施工时间是几点到几点？", "en": "When may renovation work be done?"},
        {
            "zh-CN": "工作日8:00-12:00、14:00-18:00；周末及节假日不得进行有噪音的施工。",
            "en": "Weekdays 08:00-12:00 and 14:00-18:00; no noisy work at weekends or on public holidays.",
        },
    ),
    (
        PROPERTY_ID,
        "access",
        ["门禁卡", "出入证"],
        {"zh-CN": "门禁卡丢了怎么补办？", "en": "I lost my access card. How do I get a new one?"},
        {
            "zh-CN": "带身份证到前台挂失补办，每张工本费50元。",
            "en": "Report it at the desk with your ID; a new card costs CNY 50.",
        },
    ),
    (
        None,
        "hotline",
        ["400", "热线"],
        {"zh-CN": "400客服热线几点有人接听？", "en": "When is the 400 service hotline staffed?"},
        {"zh-CN": "400热线全天24小时有人接听。", "en": "The 400 hotline is staffed around the clock."},
    ),
)


def _put_knowledge(books_table: str) -> None:
    """The demo book of answers, kept by the property's manager (the group's entry by the group)."""
    from propdesk import clock
    from propdesk.books.knowledge import KnowledgeEntry, KnowledgeStore

    now = clock.now()
    entries = [
        KnowledgeEntry(
            id=f"kb-demo-{n}",
            property_id=property_id,
            category=category,
            tags=tags,
            question=question,  # type: ignore[arg-type]  # zh-CN and en, validated into languages
            answer=answer,  # type: ignore[arg-type]
            version=1,
            created_at=now,
            created_by=user("manager").record_id if property_id else "group",
            updated_at=now,
            updated_by=user("manager").record_id if property_id else "group",
        )
        for n, (property_id, category, tags, question, answer) in enumerate(_KNOWLEDGE, start=1)
    ]
    KnowledgeStore(books_table).import_entries(entries)
