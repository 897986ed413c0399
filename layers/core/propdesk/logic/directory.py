"""The directory as the use cases see it: who the caller is, and a manager's CRUD."""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any, TypeVar

from pydantic import BaseModel

from propdesk import phones
from propdesk.access import Principal, roles_from_claims
from propdesk.dal.directory import DirectoryStore
from propdesk.errors import Forbidden, InvalidRequest, NotFound, Unauthenticated
from propdesk.models.directory import Building, Property, Resident, ResidentListing, Staff, Unit
from propdesk.models.enums import Role

M = TypeVar("M", bound=BaseModel)

# Warm Lambdas keep what they learned for a short while: an action then costs its
# own read and write only. A revoked membership lasts at most this long.
CACHE_SECONDS = 60.0


# Who may read the lists that hold people's phone numbers; every other list is open to the property's staff.
# The control room takes the desk's calls at night (DOMAIN: desk hours), so it finds the caller as the desk does.
_DESK = frozenset({Role.DESK_AGENT, Role.CALLCENTRE_AGENT, Role.MANAGER, Role.CONTROL_ROOM})
PEOPLE_READERS: dict[type[BaseModel], frozenset[Role]] = {
    # The site office's registers name a resident (pass cards, mail, visitors): the clerk and the gate find them.
    Resident: _DESK | {Role.OFFICE_CLERK, Role.SECURITY},
    Staff: _DESK | {Role.DISPATCHER},  # a dispatcher picks the technician to send
}
# Who reads residents' phone numbers in that list: the clerk confirms a visitor with the resident by phone; the
# gate only names the addressee of a parcel or the resident a visitor asks for, and reads the list without them.
PHONE_READERS = _DESK | {Role.OFFICE_CLERK}


class DirectoryCache:
    def __init__(self, store: DirectoryStore, ttl: float = CACHE_SECONDS) -> None:
        self.store = store
        self.ttl = ttl
        self._properties: dict[str, tuple[float, Property]] = {}
        self._principals: dict[tuple[str, tuple[Role, ...]], tuple[float, Principal]] = {}
        self._staff: dict[tuple[str, str], tuple[float, Staff]] = {}

    def clear(self) -> None:
        self._properties.clear()
        self._principals.clear()
        self._staff.clear()

    def staff(self, property_id: str, staff_id: str) -> Staff | None:
        """A staff member of a property (one GetItem when cold; a member met as a caller is already known)."""
        hit = self._staff.get((property_id, staff_id))
        if hit and time.monotonic() - hit[0] < self.ttl:
            return hit[1]
        member = self.store.get(Staff, property_id, staff_id)
        if member is not None:
            self._staff[(property_id, staff_id)] = (time.monotonic(), member)
        return member

    def property(self, property_id: str) -> Property:
        hit = self._properties.get(property_id)
        if hit and time.monotonic() - hit[0] < self.ttl:
            return hit[1]
        prop = self.store.get(Property, None, property_id)
        if prop is None:
            raise NotFound(f"property {property_id} not found")
        self._properties[property_id] = (time.monotonic(), prop)
        return prop

    def principal(self, claims: Mapping[str, Any]) -> Principal:
        """The caller from verified claims: role from the token's groups, membership from the directory."""
        sub = claims.get("sub")
        if not isinstance(sub, str) or not sub:
            raise Unauthenticated("the token has no subject")
        roles = tuple(roles_from_claims(claims))
        if not roles:
            raise Forbidden("the token carries no PropDesk role")
        key = (sub, roles)
        hit = self._principals.get(key)
        if hit and time.monotonic() - hit[0] < self.ttl:
            return hit[1]
        principal = self._resolve(sub, roles)
        self._principals[key] = (time.monotonic(), principal)
        return principal

    def _resolve(self, sub: str, roles: tuple[Role, ...]) -> Principal:
        for record in self.store.by_user(sub):
            if isinstance(record, Resident) and Role.RESIDENT in roles:
                return Principal(record.id, Role.RESIDENT, record.property_id, unit_id=record.unit_id)
            if isinstance(record, Staff) and record.role in roles:
                if record.property_id is not None:
                    self._staff[(record.property_id, record.id)] = (time.monotonic(), record)
                department = record.department.value if record.department else None
                return Principal(record.id, record.role, record.property_id, department=department)
        raise Forbidden("this user is not registered in the PropDesk directory for that role")


class DirectoryService:
    """A manager running a property: properties, buildings, units, residents, staff."""

    def __init__(self, store: DirectoryStore, cache: DirectoryCache) -> None:
        self.store = store
        self.cache = cache

    @staticmethod
    def _require_manager(principal: Principal, property_id: str | None) -> None:
        if property_id is not None:
            principal.require_property(property_id)  # another property is a 404 for every role, as for tickets
        if principal.role is not Role.MANAGER:
            raise Forbidden("the directory is kept by managers")
        if property_id is None and not principal.group_level:
            raise Forbidden("only group-level managers create properties")

    def list_properties(self, principal: Principal) -> list[Property]:
        if principal.role is Role.RESIDENT:
            raise NotFound("no such route for this caller")
        if principal.group_level:
            return self.store.list_records(Property, None)
        return [self.cache.property(principal.property_id)] if principal.property_id else []

    def get_property(self, principal: Principal, property_id: str) -> Property:
        principal.require_property(property_id)
        if principal.role is Role.RESIDENT:
            raise NotFound(f"property {property_id} not found")
        # Read from the table, not this container's cache: a manager reloading the settings just saved
        # through another container must see them (the cache serves the lookups behind other requests).
        prop = self.store.get(Property, None, property_id, consistent=True)
        if prop is None:
            raise NotFound(f"property {property_id} not found")
        return prop

    def save_property(self, principal: Principal, prop: Property, *, create: bool) -> Property:
        self._require_manager(principal, None if create else prop.id)
        saved = self.store.put(prop, create=create)
        self.cache.clear()
        return saved

    def list(self, principal: Principal, model: type[M], property_id: str) -> list[M]:
        principal.require_property(property_id)
        if principal.role is Role.RESIDENT:
            raise NotFound(f"property {property_id} not found")
        readers = PEOPLE_READERS.get(model)
        if readers is not None and principal.role not in readers:
            # Field staff see a resident's contact through the ticket assigned to them, never the whole list.
            raise Forbidden(f"the {model.__name__.lower()} list is not kept for this role")
        records = self.store.list_records(model, property_id)
        if model is Resident and principal.role not in PHONE_READERS:
            return [ResidentListing.model_validate({**r.model_dump(), "phone": None}) for r in records]  # type: ignore[misc]
        return records

    def save(self, principal: Principal, record: M, *, create: bool) -> M:
        property_id = getattr(record, "property_id", None)
        if isinstance(record, Staff) and property_id is None:
            self._require_manager(principal, None)
        else:
            self._require_manager(principal, property_id)
        if property_id is not None:
            self.cache.property(property_id)
            self._check_references(record, property_id)
        saved = self.store.put(record, create=create)
        self.cache.clear()
        return saved

    def phone(self, property_id: str, raw: str) -> str:
        """A number as the desk typed it, in E.164 by the property's country (13800000009 -> +8613800000009)."""
        return phones.normalise(raw, self.cache.property(property_id).country)

    def _check_references(self, record: BaseModel, property_id: str) -> None:
        if isinstance(record, Unit) and self.store.get(Building, property_id, record.building_id) is None:
            raise InvalidRequest("building not found", details=[{"field": "building_id", "problem": "unknown"}])
        if isinstance(record, Resident) and self.store.get(Unit, property_id, record.unit_id) is None:
            raise InvalidRequest("unit not found", details=[{"field": "unit_id", "problem": "unknown"}])


__all__ = ["Building", "DirectoryCache", "DirectoryService", "Property", "Resident", "Staff", "Unit"]
