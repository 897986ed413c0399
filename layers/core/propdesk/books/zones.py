"""Zones (责任区域): the buildings a butler owns, or a desk assistant's responsibility zone, per property.

All zones of a property live in one partition of the books table ("<property>#ZONES"), so the listing,
the zone of a building and the zone of a person are each one Query of a handful of items.
"""

from __future__ import annotations

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field
from pynamodb.attributes import JSONAttribute, UnicodeAttribute

from propdesk.dal.items import _Bindable
from propdesk.models.common import Id, Name
from propdesk.models.enums import Role

ZONE_ROLES = frozenset({Role.BUTLER, Role.DESK_AGENT})  # 贴心管家 and 客服 (desk assistant)


class Zone(BaseModel):
    """A set of buildings in one person's care: notices for their units go to that person."""

    model_config = ConfigDict(extra="forbid")

    id: Id
    property_id: Id
    name: Name
    staff_id: Id
    role: Role  # butler or desk_agent (ZONE_ROLES)
    building_ids: list[Id] = Field(min_length=1, max_length=200)
    updated_by: str
    updated_at: AwareDatetime

    def covers(self, building_id: str | None) -> bool:
        return building_id is not None and building_id in self.building_ids


class ZoneItem(_Bindable):
    class Meta:
        table_name = "unbound"

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    doc = JSONAttribute()


def _pk(property_id: str) -> str:
    return f"{property_id}#ZONES"


_SK = "ZONE#"


class ZoneBook:
    """The zones of each property on the books table; every read is one Query or GetItem."""

    def __init__(self, table_name: str) -> None:
        ZoneItem.bind(table_name)

    def put(self, zone: Zone) -> Zone:
        ZoneItem(pk=_pk(zone.property_id), sk=_SK + zone.id, doc=zone.model_dump(mode="json")).save()
        return zone

    def get(self, property_id: str, zone_id: str) -> Zone | None:
        try:
            item = ZoneItem.get(_pk(property_id), _SK + zone_id)
        except ZoneItem.DoesNotExist:
            return None
        return Zone.model_validate(item.doc)

    def delete(self, property_id: str, zone_id: str) -> None:
        ZoneItem(pk=_pk(property_id), sk=_SK + zone_id).delete()

    def of_property(self, property_id: str) -> list[Zone]:
        items = ZoneItem.query(_pk(property_id), ZoneItem.sk.startswith(_SK))
        return [Zone.model_validate(i.doc) for i in items]

    def covering(self, property_id: str, building_id: str | None, role: Role) -> list[Zone]:
        """The zones of this role that hold the building (none when the building is in nobody's zone)."""
        if building_id is None:
            return []
        return [z for z in self.of_property(property_id) if z.role is role and z.covers(building_id)]


__all__ = ["ZONE_ROLES", "Zone", "ZoneBook", "ZoneItem"]
