"""Zones as the use cases see them: the manager keeps them, staff read them, each person sees their zone's work."""

from __future__ import annotations

from propdesk import clock
from propdesk.access import Principal
from propdesk.books.zones import ZONE_ROLES, Zone, ZoneBook
from propdesk.dal.tickets import Page, TicketStore
from propdesk.errors import Forbidden, InvalidRequest, NotFound
from propdesk.logic import limits
from propdesk.logic.directory import DirectoryCache
from propdesk.models.directory import Building
from propdesk.models.enums import Role


class ZoneService:
    def __init__(self, book: ZoneBook, tickets: TicketStore, cache: DirectoryCache) -> None:
        self.book = book
        self.tickets = tickets
        self.cache = cache

    def of_property(self, principal: Principal, property_id: str) -> list[Zone]:
        _require_staff(principal, property_id)
        return sorted(self.book.of_property(property_id), key=lambda z: z.id)

    def get(self, principal: Principal, property_id: str, zone_id: str) -> Zone:
        _require_staff(principal, property_id)
        zone = self.book.get(property_id, zone_id)
        if zone is None:
            raise NotFound(f"zone {zone_id} not found")
        return zone

    def save(
        self, principal: Principal, property_id: str, zone_id: str, name: str, staff_id: str, building_ids: list[str]
    ) -> Zone:
        """Create or replace a zone: its person is a butler or desk agent of the property, its buildings are the
        property's, and no building is in two zones of the same role (a unit's notices have one recipient)."""
        _require_manager(principal, property_id)
        staff = self.cache.staff(property_id, staff_id)
        if staff is None:
            raise InvalidRequest(
                "staff_id is not staff of this property", details=[{"field": "staff_id", "problem": "unknown"}]
            )
        if staff.role not in ZONE_ROLES:
            raise InvalidRequest(
                f"staff_id names a {staff.role.value}; a zone belongs to a butler or a desk agent",
                details=[{"field": "staff_id", "problem": f"role {staff.role.value} keeps no zone"}],
            )
        known = {b.id for b in self.cache.store.list_records(Building, property_id)}
        unknown = [b for b in building_ids if b not in known]
        if unknown:
            raise InvalidRequest(
                "building_ids names buildings this property does not have",
                details=[{"field": "building_ids", "problem": f"unknown building {b}"} for b in unknown],
            )
        others = [z for z in self.book.of_property(property_id) if z.id != zone_id]
        clashes = [(b, z.id) for z in others if z.role is staff.role for b in building_ids if z.covers(b)]
        if clashes:
            raise InvalidRequest(
                f"a building is already in another {staff.role.value}'s zone",
                details=[{"field": "building_ids", "problem": f"building {b} is in zone {z}"} for b, z in clashes],
            )
        mine = [z for z in others if z.staff_id == staff_id]
        if mine:
            raise InvalidRequest(
                "this person already keeps a zone",
                details=[{"field": "staff_id", "problem": f"keeps zone {mine[0].id}"}],
            )
        zone = Zone(
            id=zone_id,
            property_id=property_id,
            name=name,
            staff_id=staff_id,
            role=staff.role,
            building_ids=list(dict.fromkeys(building_ids)),
            updated_by=principal.user_id,
            updated_at=clock.now(),
        )
        return self.book.put(zone)

    def delete(self, principal: Principal, property_id: str, zone_id: str) -> None:
        _require_manager(principal, property_id)
        if self.book.get(property_id, zone_id) is None:
            raise NotFound(f"zone {zone_id} not found")
        self.book.delete(property_id, zone_id)

    def my_zone(self, principal: Principal, limit: int, cursor: str | None) -> tuple[Zone, Page]:
        """The caller's zone and its open matters, soonest due first (a butler or desk agent with a zone)."""
        if principal.role not in ZONE_ROLES or principal.property_id is None:
            raise Forbidden("a zone is kept by a butler or a desk agent of the property")
        zone = next((z for z in self.book.of_property(principal.property_id) if z.staff_id == principal.user_id), None)
        if zone is None:
            raise NotFound("no zone is kept by this person; the manager assigns zones")
        size = limits.page_size(self.cache.property(zone.property_id), limit)
        return zone, self.tickets.open_in_buildings(zone.property_id, zone.building_ids, size, cursor)


def _require_staff(principal: Principal, property_id: str) -> None:
    principal.require_property(property_id)  # another property answers 404, as for tickets
    if principal.role is Role.RESIDENT:
        raise NotFound(f"property {property_id} not found")


def _require_manager(principal: Principal, property_id: str) -> None:
    principal.require_property(property_id)
    if principal.role is not Role.MANAGER:
        raise Forbidden("zones are kept by the property's manager")


__all__ = ["ZoneService"]
