"""The demo property 阳光花园 (code SUN): buildings, units, residents and one staff member per role.

The demo users' subs are stable across runs, so a token printed yesterday still names the same person.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

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
    DemoUser("clerk", "staff-he-min", "何敏", "office_clerk", "site office clerk 管理处文员 (registers)"),
    DemoUser("finance", "staff-gao-ping", "高平", "finance", "finance 财务 (permit fees)"),
    DemoUser("gate", "staff-ma-jun", "马军", "security", "security and gate 保安门岗"),
    DemoUser("supervisor", "staff-qian-li", "钱丽", "supervisor", "supervisor 主管: residents' time demands"),
    DemoUser("cleaning-lead", "staff-ma-li", "马丽", "team_leader", "cleaning team leader 保洁班长"),
    DemoUser("cleaner", "staff-he-ping", "何平", "technician", "cleaner 保洁员, the monthly plan's visits"),
    DemoUser("control-room", "staff-qian-feng", "钱峰", "control_room", "control room 中控室, the desk at night"),
    DemoUser("group-manager", "staff-lin-feng", "林峰", "manager", "group manager 集团经理 (all properties)"),
)

_STAFF_DEPARTMENT = {
    "dispatcher": "engineering",
    "technician": "engineering",
    "warranty": "engineering",
    "contractor": "engineering",
    "butler": "customer_service",
    "desk": "customer_service",
    "manager": "customer_service",
    "group-manager": "customer_service",
    "callcentre": "customer_service",
    "clerk": "customer_service",
    "finance": "customer_service",
    "gate": "security",
    "supervisor": "customer_service",
    "cleaning-lead": "cleaning",
    "cleaner": "cleaning",
    "control-room": "security",
}
# Group-level staff belong to no one property: they see every property of the group.
_GROUP_LEVEL = frozenset({"callcentre", "group-manager"})
_PHONES = {user.key: f"+861380000{index:04d}" for index, user in enumerate(DEMO_USERS, start=1)}


def phone(key: str) -> str:
    """The demo user's phone number (E.164), where their SMS go."""
    user(key)
    return _PHONES[key]


def user(key: str) -> DemoUser:
    for demo in DEMO_USERS:
        if demo.key == key:
            return demo
    raise KeyError(f"no demo user {key!r}; known: {', '.join(u.key for u in DEMO_USERS)}")


def seed(directory_table: str, tickets_table: str | None = None, books_table: str | None = None) -> dict[str, Any]:
    """Write the demo property into the directory table, the samples' ticket into the tickets table, and the
    zones, the book of answers, a day of duty log, 王芳's monthly cleaning plan and one entry in each of the site
    office's registers into the books table; the domain layer must be importable."""
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
                    property_id=None if demo.key in _GROUP_LEVEL else PROPERTY_ID,
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
    zones = 0
    if books_table:
        _put_register_entries(directory_table, books_table)
        zones = _put_zones(books_table)
        _put_cleaning_plan(books_table, homes["resident"].id)
        _put_knowledge(books_table)
        _put_duty_log(books_table)
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


def _put_cleaning_plan(books_table: str, unit_id: str) -> None:
    """王芳's weekly cleaning (包月清洁), priced on site by 马丽 with the butler: its visits fall at 09:00 on the
    weekday three days from the seeding (a warped start-up can pass a day and more), so the household schedule
    (10:00) issues the next one to 何平 when the clock passes the day before."""
    from datetime import time, timedelta
    from zoneinfo import ZoneInfo

    from propdesk import clock
    from propdesk.books.household import HouseholdBook, HouseholdService, Plan, PlanNote, RequestStatus, ServiceRequest
    from propdesk.models.enums import Channel, Department

    book = HouseholdBook(books_table)
    now = clock.now()
    today = now.astimezone(ZoneInfo("Asia/Shanghai")).date()
    request = ServiceRequest(
        id="hr-demo-wang-clean",
        property_id=PROPERTY_ID,
        resident_id=user("resident").record_id,
        unit_id=unit_id,
        service=HouseholdService.MONTHLY_CLEANING,
        department=Department.CLEANING,
        description="每周上门清洁一次，三室两厅 weekly cleaning, 3 rooms",
        channel=Channel.VISIT,
        status=RequestStatus.CONFIRMED,
        price_cents=15000,
        unit_label="次",
        assessed_by=user("cleaning-lead").record_id,
        butler_id=user("butler").record_id,
        assessed_at=now,
        plan_id="plan-demo-wang-clean",
        created_by=user("desk").record_id,
        created_at=now,
    )
    book.save(request, create=True)
    plan = Plan(
        id="plan-demo-wang-clean",
        property_id=PROPERTY_ID,
        resident_id=request.resident_id,
        unit_id=unit_id,
        service=request.service,
        department=Department.CLEANING,
        weekdays=[(today + timedelta(days=3)).isoweekday()],
        at=time(9, 0),
        price_cents=15000,
        starts_on=today,
        assignee_id=user("cleaner").record_id,
        request_id=request.id,
        created_at=now,
        updated_at=now,
        history=[PlanNote(at=now, by=user("desk").record_id, action="create")],
    )
    book.save(plan, create=True)


def _put_sample_ticket(directory_table: str, tickets_table: str) -> None:
    """The ticket as the stream sample shows it written, then classified, booked for tomorrow morning and
    dispatched to the technician by the desk, so that every `invoke --event events/...` finds it and the
    accept sample is the next step."""
    import boto3

    from propdesk import clock
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
    # Booked with the resident for tomorrow 10:00 before dispatch: the appointment meets the on-site target, so
    # a fresh stack stays quiet (no overdue alert or escalation for a ticket nobody touched) until that hour.
    zone = ZoneInfo("Asia/Shanghai")
    tomorrow = clock.now().astimezone(zone).date() + timedelta(days=1)
    appointment = commands.AppointmentInput(appointment_at=datetime.combine(tomorrow, time(10), zone))
    service.act(desk, ticket_id, Action.BOOK_APPOINTMENT, appointment)
    dispatch = commands.DispatchInput(department=engineering, assignee_id=user("technician").record_id)
    service.act(desk, ticket_id, Action.DISPATCH, dispatch)


def _put_register_entries(directory_table: str, books_table: str) -> None:
    """One entry in each register, written as the office would: a pass card issued to 王芳, a work permit
    issued in time, a parcel waiting for her (on the morning list), a subscription awaiting her signature,
    and a visitor the office let in after calling her."""
    from propdesk.access import Principal
    from propdesk.books.registers import RegisterStore
    from propdesk.dal.directory import DirectoryStore
    from propdesk.logic import registers as r
    from propdesk.logic.directory import DirectoryCache
    from propdesk.models.enums import Role

    # No SMS and no permit timer at seeding: the parcel notice is not sent and the permit is issued at once.
    office = r.RegisterService(RegisterStore(books_table), DirectoryCache(DirectoryStore(directory_table)), "")
    clerk = Principal(user("clerk").record_id, Role.OFFICE_CLERK, PROPERTY_ID)
    finance = Principal(user("finance").record_id, Role.FINANCE, PROPERTY_ID)
    gate = Principal(user("gate").record_id, Role.SECURITY, PROPERTY_ID)
    resident = user("resident").record_id
    office.issue_pass_card(clerk, PROPERTY_ID, r.PassCardIn(resident_id=resident, card_number="SUN-0001001"))
    application = r.PermitIn(
        contractor="平安装修公司 Ping An Decoration",
        work="1号楼0102 厨房改造 kitchen refit",
        unit_id="sun-1-0102",
        workers=[r.WorkerIn(name="王师傅"), r.WorkerIn(name="李师傅")],
        documents=["营业执照 business licence", "施工方案 work plan"],
        fee_cents=20_000,
    )
    permit = office.receive_permit(clerk, PROPERTY_ID, application)
    office.pay_permit_fee(finance, PROPERTY_ID, permit.id, r.FeeIn(amount_cents=20_000))
    office.check_permit_documents(gate, PROPERTY_ID, permit.id, r.DocumentsIn(passed=True))
    office.issue_permit(clerk, PROPERTY_ID, permit.id)
    office.receive_mail(gate, PROPERTY_ID, r.MailIn(resident_id=resident, item="parcel", sender="顺丰速运 SF Express"))
    subscription = r.SubscriptionIn(
        resident_id=resident,
        title="人民日报 People's Daily",
        first_month="2027-01",
        months=12,
        monthly_price_cents=2_500,
    )
    office.subscribe(clerk, PROPERTY_ID, subscription)
    visit = office.ask_visit(
        gate, PROPERTY_ID, r.VisitIn(visitor="赵六", purpose="探亲 family visit", resident_id=resident)
    )
    office.answer_visit(clerk, PROPERTY_ID, visit.id, r.VisitAnswerIn(outcome="admitted", confirmed_with="王芳"))


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
    from datetime import date, time, timedelta
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
