"""Ticket use cases: create, read, list, and act through the lifecycle table."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from pydantic import BaseModel

from propdesk import clock, lifecycle, phones
from propdesk.access import Principal
from propdesk.dal.directory import DirectoryStore
from propdesk.dal.tickets import Page, TicketStore, combine, kind_filter, status_filter
from propdesk.errors import ConcurrentUpdate, InvalidRequest, NotFound
from propdesk.logic import actions, assignees, commands, limits
from propdesk.logic.directory import DirectoryCache
from propdesk.models.directory import Property, Resident, Unit
from propdesk.models.enums import Action, Channel, Role, Status, TicketKind
from propdesk.models.ticket import Ticket, TicketEvent
from propdesk.numbering import format_number, local_day, new_ticket_id

# A person's write that lost only to the workflow's own writes (a timer, a stored step) is decided again on
# what the workflow wrote; each retry needs a new workflow write in between, so a few always suffice.
WRITE_ATTEMPTS = 4


@dataclass(frozen=True, slots=True)
class ListQuery:
    status: Status | None = None
    kind: TicketKind | None = None
    assignee_id: str | None = None
    mine: bool = False
    created_from: datetime | None = None
    created_to: datetime | None = None
    property_id: str | None = None
    limit: int = 25
    cursor: str | None = None


class TicketService:
    def __init__(
        self,
        tickets: TicketStore,
        directory: DirectoryStore,
        cache: DirectoryCache,
    ) -> None:
        self.tickets = tickets
        self.directory = directory
        self.cache = cache

    # ---- create -------------------------------------------------------------

    def create_for_resident(self, principal: Principal, request: commands.ResidentTicketRequest) -> Ticket:
        if principal.role is not Role.RESIDENT or principal.property_id is None:
            raise NotFound("no such route for this caller")
        resident = self.directory.get(Resident, principal.property_id, principal.user_id)
        if resident is None:
            raise NotFound("resident not found")
        return self._create(
            principal,
            property_id=resident.property_id,
            kind=request.kind,
            channel=Channel.APP,
            fields={
                "description": request.description,
                "title": request.title,
                "area": request.area,
                "preferred_time": request.preferred_time,
                "resident_id": resident.id,
                "unit_id": resident.unit_id,
                "building_id": self._building_of(resident.property_id, resident.unit_id),
                "contact_name": resident.name,
                "contact_phone": resident.phone,
                "language": resident.language,
            },
        )

    def create_by_staff(self, principal: Principal, property_id: str, request: commands.StaffTicketRequest) -> Ticket:
        principal.require_property(property_id)
        principal.require_role(
            Role.DESK_AGENT, Role.CALLCENTRE_AGENT, Role.MANAGER, Role.BUTLER, Role.DISPATCHER, Role.CONTROL_ROOM
        )
        prop = self.cache.property(property_id)
        fields: dict[str, Any] = {
            "description": request.description,
            "title": request.title,
            "area": request.area,
            "preferred_time": request.preferred_time,
            "building_id": request.building_id,
            "contact_name": request.contact_name,
            "contact_phone": phones.normalise(request.contact_phone, prop.country, "contact_phone")
            if request.contact_phone
            else None,
        }
        unit: Unit | None = None
        if request.resident_id:
            resident = self._resident_of(property_id, request.resident_id)
            fields.update(
                resident_id=resident.id,
                unit_id=resident.unit_id,
                contact_name=request.contact_name or resident.name,
                contact_phone=fields["contact_phone"] or resident.phone,
                language=request.language or resident.language,
            )
            unit = self.directory.get(Unit, property_id, resident.unit_id)
        elif request.unit_id:
            unit = self.directory.get(Unit, property_id, request.unit_id)
            if unit is None:
                raise InvalidRequest(
                    "unit not found in this property", details=[{"field": "unit_id", "problem": "unknown"}]
                )
            fields["unit_id"] = unit.id
        if unit is not None:
            fields["building_id"] = unit.building_id
        if request.language:
            fields["language"] = request.language
        if request.linked_ticket_id:
            linked = self.tickets.get(request.linked_ticket_id)
            if linked is None or linked.property_id != property_id:
                raise InvalidRequest(
                    "the linked ticket is not a ticket of this property",
                    details=[{"field": "linked_ticket_id", "problem": "unknown in this property"}],
                )
            fields["linked_ticket_id"] = linked.id
        # The contract rule binds the call centre's agents whatever channel they pick (来电 or 400).
        if (
            (principal.role is Role.CALLCENTRE_AGENT or request.channel is Channel.CALL_CENTRE)
            and request.kind is TicketKind.COMPLAINT
            and not (unit and unit.contract_signed)
        ):
            raise InvalidRequest(
                "only units with a signed contract can raise complaints through the call centre",
                details=[{"field": "unit_id", "problem": "contract not signed (未签约)"}],
            )
        return self._create(principal, prop.id, request.kind, request.channel, fields)

    def create_from_channel(
        self, property_id: str, kind: TicketKind, channel: Channel, fields: dict[str, Any], status: Status
    ) -> Ticket:
        """Intake channels (SMS, voice, call centre) create through here, as the system."""
        from propdesk.access import SYSTEM

        return self._create(SYSTEM, property_id, kind, channel, fields, status=status)

    def create_order(
        self, principal: Principal, property_id: str, channel: Channel, fields: dict[str, Any], ticket_id: str
    ) -> Ticket:
        """A household order issued from the household book, priced already: it starts classified."""
        return self._create(
            principal, property_id, TicketKind.HOUSEHOLD_SERVICE, channel, fields, Status.CLASSIFIED, ticket_id
        )

    def _resident_of(self, property_id: str, resident_id: str) -> Resident:
        """A resident the desk names for a ticket: one of this property's, or a 400 naming the field."""
        resident = self.directory.get(Resident, property_id, resident_id)
        if resident is None:
            raise InvalidRequest(
                "resident not found in this property",
                details=[{"field": "resident_id", "problem": "unknown in this property"}],
            )
        return resident

    def _building_of(self, property_id: str, unit_id: str) -> str | None:
        unit = self.directory.get(Unit, property_id, unit_id)
        return unit.building_id if unit else None

    def _create(
        self,
        principal: Principal,
        property_id: str,
        kind: TicketKind,
        channel: Channel,
        fields: dict[str, Any],
        status: Status = Status.RECEIVED,
        ticket_id: str | None = None,
    ) -> Ticket:
        prop = self.cache.property(property_id)
        now = clock.now()
        day = local_day(now, prop.timezone)
        number = format_number(prop.code, day, self.tickets.next_sequence(prop.id, day))
        ticket = Ticket(
            id=ticket_id or new_ticket_id(),
            number=number,
            property_id=prop.id,
            kind=kind,
            channel=channel,
            status=status,
            created_by=principal.user_id,
            recorded_by=principal.role if principal.role is Role.CALLCENTRE_AGENT else None,
            created_at=now,
            updated_at=now,
            **{k: v for k, v in fields.items() if v is not None},
        )
        event = TicketEvent(
            ticket_id=ticket.id,
            at=now,
            actor_id=principal.user_id,
            actor_role=principal.role,
            action="create",
            to_status=ticket.status,
            data={"kind": kind.value, "channel": channel.value, "number": number},
        )
        return self.tickets.create(ticket, event)

    # ---- read ---------------------------------------------------------------

    def get(self, principal: Principal, ticket_id: str) -> Ticket:
        return principal.require_ticket(self.tickets.get(ticket_id), ticket_id)

    def audit(self, principal: Principal, ticket_id: str) -> list[TicketEvent]:
        ticket, events = self.tickets.with_events(ticket_id)
        principal.require_ticket(ticket, ticket_id)
        return events

    def list(self, principal: Principal, q: ListQuery) -> Page:
        """A page of what the caller may see: every index is keyed by property, so no page holds another's."""
        flt_kind = kind_filter(q.kind.value if q.kind else None)
        flt = combine(flt_kind, status_filter(q.status.value if q.status else None))
        if principal.role is Role.RESIDENT:
            home = principal.property_id or ""
            size = limits.page_size(self.cache.property(home), q.limit)
            return self.tickets.by_resident(home, principal.user_id, size, q.cursor, flt)
        property_id = q.property_id or principal.property_id
        if property_id is None:
            raise InvalidRequest(
                "group-level staff must name the property to list",
                details=[{"field": "property_id", "problem": "required for group-level staff"}],
            )
        principal.require_property(property_id)
        q = replace(q, limit=limits.page_size(self.cache.property(property_id), q.limit))
        if q.mine or principal.role is Role.CONTRACTOR:
            return self.tickets.open_by_assignee(property_id, principal.user_id, q.limit, q.cursor, flt)
        if q.assignee_id:
            return self.tickets.open_by_assignee(property_id, q.assignee_id, q.limit, q.cursor, flt)
        if q.status:
            return self.tickets.by_property_status(property_id, q.status.value, q.limit, q.cursor, flt_kind)
        return self.tickets.by_property_created(property_id, q.created_from, q.created_to, q.limit, q.cursor, flt_kind)

    def my_work(self, principal: Principal, limit: int, cursor: str | None) -> Page:
        if principal.role is Role.RESIDENT:
            raise NotFound("no such route for this caller")
        if principal.property_id is None:
            return Page([], None)  # work is only ever assigned to staff of the ticket's own property
        size = limits.page_size(self.cache.property(principal.property_id), limit)
        return self.tickets.open_by_assignee(principal.property_id, principal.user_id, size, cursor, None)

    # ---- act ----------------------------------------------------------------

    def act(self, principal: Principal, ticket_id: str, action: Action, payload: BaseModel) -> Ticket:
        """Apply one lifecycle action and commit it with its audit event in one transaction.

        Nothing else is called: the workflow learns of the committed change from the table's stream.
        """
        ticket = self.get(principal, ticket_id)
        for _attempt in range(WRITE_ATTEMPTS):
            updated, event = self._decide(principal, ticket, action, payload)
            try:
                return self.tickets.update(updated, [event])
            except ConcurrentUpdate:
                fresh = self.get(principal, ticket_id)
                if fresh.person_version != ticket.person_version:
                    raise _another_person_acted(ticket, fresh) from None
                ticket = fresh  # only the workflow wrote meanwhile
        raise ConcurrentUpdate(f"ticket {ticket_id} is being updated by its workflow; try again")

    def identify(self, principal: Principal, ticket_id: str, request: commands.IdentifyInput) -> Ticket:
        """The desk names an unknown SMS sender: the resident (and so the unit), or a unit and a name."""
        ticket = self.get(principal, ticket_id)
        found: dict[str, Any] = {"contact_name": request.contact_name, "language": request.language}
        if request.resident_id:
            resident = self._resident_of(ticket.property_id, request.resident_id)
            found.update(
                resident_id=resident.id,
                unit_id=resident.unit_id,
                contact_name=request.contact_name or resident.name,
                language=request.language or resident.language,
            )
        unit_id = found.get("unit_id") or request.unit_id
        if unit_id:
            unit = self.directory.get(Unit, ticket.property_id, unit_id)
            if unit is None:
                raise InvalidRequest(
                    "unit not found in this property", details=[{"field": "unit_id", "problem": "unknown"}]
                )
            found.update(unit_id=unit.id, building_id=unit.building_id)
        payload = commands.IdentifiedInput(note=request.note, **found)
        return self.act(principal, ticket_id, Action.IDENTIFY, payload)

    def attach(self, principal: Principal, ticket_id: str, key: str, purpose: str, content_type: str) -> Ticket:
        payload = commands.AttachInput(key=key, purpose=purpose, content_type=content_type)  # type: ignore[arg-type]
        return self.act(principal, ticket_id, Action.ATTACH, payload)

    def _decide(
        self, principal: Principal, ticket: Ticket, action: Action, payload: BaseModel
    ) -> tuple[Ticket, TicketEvent]:
        prop = self.cache.property(ticket.property_id)
        row = lifecycle.transition_for(ticket, action, principal.role, prop.settings.callback_all)
        field_worker = principal.role in (Role.TECHNICIAN, Role.CONTRACTOR)
        if field_worker and action in _ASSIGNEE_ONLY and ticket.assignee_id != principal.user_id:
            raise NotFound(f"ticket {ticket.id} not found")
        assignees.check_people(self.cache, ticket, action, payload)
        now = clock.now()
        limits.check_action(prop, ticket, action, now)
        updated, data, note = actions.apply(ticket, row, payload, principal, prop, now)
        updated.person_version = ticket.person_version + 1
        updated.last_action, updated.last_action_at = action.value, now
        event = TicketEvent(
            ticket_id=ticket.id,
            at=now,
            actor_id=principal.user_id,
            actor_role=principal.role,
            action=action.value,
            from_status=ticket.status,
            to_status=updated.status,
            note=note,
            data=data,
        )
        return updated, event


_ASSIGNEE_ONLY = frozenset({Action.ACCEPT, Action.ARRIVE, Action.START, Action.COMPLETE, Action.QUOTE})


def _another_person_acted(had: Ticket, current: Ticket) -> ConcurrentUpdate:
    """The one meaning of a 409 concurrent_update: another action landed between this one's read and write."""
    return ConcurrentUpdate(
        f"ticket {had.id} was changed by another action (version {had.version} -> {current.version});"
        " read it again and retry",
        details=[
            {
                "field": "version",
                "problem": "changed by another action since it was read",
                "had": had.version,
                "current": current.version,
            }
        ],
    )


__all__ = ["ListQuery", "Page", "Property", "TicketService"]
