"""A known world for tests: two properties, their units, residents and one staff member per role."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from propdesk.dal.directory import DirectoryStore
from propdesk.models.directory import Building, Property, Resident, Staff, Unit
from propdesk.models.enums import Department, Language, Role


def user(sub: str, role: str) -> dict[str, Any]:
    return {"sub": sub, "groups": f"[{role}]"}


@dataclass
class World:
    users: dict[str, dict[str, Any]] = field(default_factory=dict)

    def __getitem__(self, name: str) -> dict[str, Any]:
        return self.users[name]


STAFF = [
    ("desk", "SUN", Role.DESK_AGENT, Department.CUSTOMER_SERVICE),
    ("dispatcher", "SUN", Role.DISPATCHER, Department.ENGINEERING),
    ("tech", "SUN", Role.TECHNICIAN, Department.ENGINEERING),
    ("tech2", "SUN", Role.TECHNICIAN, Department.ENGINEERING),
    ("butler", "SUN", Role.BUTLER, Department.CUSTOMER_SERVICE),
    ("warranty", "SUN", Role.WARRANTY_ENGINEER, Department.ENGINEERING),
    ("contractor", "SUN", Role.CONTRACTOR, Department.ENGINEERING),
    ("manager", "SUN", Role.MANAGER, Department.CUSTOMER_SERVICE),
    ("cleaner", "SUN", Role.TECHNICIAN, Department.CLEANING),
    ("callcentre", None, Role.CALLCENTRE_AGENT, Department.CUSTOMER_SERVICE),
    ("groupmanager", None, Role.MANAGER, Department.CUSTOMER_SERVICE),
    ("moondesk", "MOON", Role.DESK_AGENT, Department.CUSTOMER_SERVICE),
    ("moontech", "MOON", Role.TECHNICIAN, Department.ENGINEERING),
]


def seed(directory_table: str) -> World:
    store = DirectoryStore(directory_table)
    world = World()
    for pid, code, name in (("SUN", "SUN", "阳光花园 Sunshine Garden"), ("MOON", "MON", "月光苑 Moonlight Court")):
        store.put(Property(id=pid, code=code, name=name), create=True)
        store.put(Building(id="B1", property_id=pid, name="1栋"), create=True)
        store.put(Unit(id="U101", property_id=pid, building_id="B1", number="101", contract_signed=True), create=True)
        store.put(Unit(id="U102", property_id=pid, building_id="B1", number="102"), create=True)
    residents = [
        ("zhang", "SUN", "U101", "张伟", "+8613800000001", Language.ZH_CN),
        ("smith", "SUN", "U102", "John Smith", "+8613800000002", Language.EN),
        ("moonres", "MOON", "U101", "李娜", "+8613800000003", Language.ZH_CN),
    ]
    for rid, pid, unit, name, phone, lang in residents:
        store.put(
            Resident(
                id=rid, property_id=pid, unit_id=unit, name=name, phone=phone, language=lang, user_sub=f"sub-{rid}"
            ),
            create=True,
        )
        world.users[rid] = user(f"sub-{rid}", "resident")
    for sid, pid, role, dept in STAFF:
        store.put(
            Staff(id=sid, property_id=pid, name=sid.title(), role=role, department=dept, user_sub=f"sub-{sid}"),
            create=True,
        )
        world.users[sid] = user(f"sub-{sid}", role.value)
    return world
