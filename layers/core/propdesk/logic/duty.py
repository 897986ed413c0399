"""Duty-log use cases: record a contact, read a day, the manager's review, and the shift handover."""

from __future__ import annotations

import secrets
from datetime import date, datetime, timedelta
from typing import Annotated, Literal, Protocol

from pydantic import BaseModel, ConfigDict, StringConstraints

from propdesk import clock
from propdesk.access import SYSTEM, Principal
from propdesk.books.duty import (
    Contact,
    ContactOutcome,
    DutyDay,
    DutyStore,
    Handover,
    HandoverTicket,
    Review,
    Shift,
)
from propdesk.calendar import DeskCalendar, local_instant
from propdesk.dal.tickets import TicketStore
from propdesk.errors import InvalidRequest
from propdesk.logic.directory import DirectoryCache
from propdesk.models.common import Id, Instant, LongText, Name
from propdesk.models.directory import Property, Resident, Unit
from propdesk.models.enums import Channel, Department, Role
from propdesk.models.ticket import Ticket

# Who keeps the log: the desk, the call centre, the control room at night, and the manager who reviews it.
KEEPERS = (Role.DESK_AGENT, Role.CALLCENTRE_AGENT, Role.CONTROL_ROOM, Role.MANAGER)
HANDOVER_LIMIT = 300  # open tickets listed on one handover record (the count is always whole)
UNRESOLVED_LIMIT = 100
# The intake's outcomes that opened a ticket; every other one answered a question on an open ticket.
INTAKE_OPENED = frozenset({"created", "needs_identification"})
Note = Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=1000)]
EMPTY_MESSAGE = "（空消息 / empty message）"


class IntakeContact(Protocol):
    """What an intake's reply tells of the message it handled (propdesk.intake.conversation.IntakeReply)."""

    @property
    def outcome(self) -> str: ...

    @property
    def ticket_id(self) -> str | None: ...

    @property
    def ticket_number(self) -> str | None: ...

    @property
    def property_id(self) -> str | None: ...

    @property
    def resident_id(self) -> str | None: ...

    @property
    def unit_id(self) -> str | None: ...

    @property
    def contact_name(self) -> str | None: ...


class ContactRequest(BaseModel):
    """A call or visit the desk (or the control room) records; SMS and app contacts are written by their intakes."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    channel: Literal[Channel.PHONE, Channel.VISIT, Channel.CALL_CENTRE, Channel.SELF_INSPECTION]
    request: LongText
    outcome: Literal[ContactOutcome.ANSWERED, ContactOutcome.TICKET_LINKED, ContactOutcome.TRANSFERRED]
    at: Instant | None = None  # when it came in; now if not given
    resident_id: Id | None = None
    unit_id: Id | None = None
    contact_name: Name | None = None
    answer: LongText | None = None
    ticket_id: Id | None = None
    transferred_to: Department | None = None


class ReviewRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    note: Note


def _check_outcome(request: ContactRequest) -> None:
    """Each outcome carries what the next person needs: the answer given, the ticket, or where it went."""
    needed = {
        ContactOutcome.ANSWERED: ("answer", request.answer, "the answer given"),
        ContactOutcome.TICKET_LINKED: ("ticket_id", request.ticket_id, "the open ticket it is about"),
        ContactOutcome.TRANSFERRED: ("transferred_to", request.transferred_to, "the department it went to"),
    }
    field, value, what = needed[request.outcome]
    if not value:
        raise InvalidRequest(
            f"an outcome {request.outcome.value} needs {field}: {what}",
            details=[{"field": field, "problem": f"required when outcome is {request.outcome.value}"}],
        )


def shift_at(prop: Property, at: datetime) -> Shift:
    """The desk in its hours; the control room at night and on the property's holidays."""
    return Shift.DESK if DeskCalendar.from_property(prop).is_desk_time(at) else Shift.CONTROL_ROOM


def local_date(prop: Property, at: datetime) -> date:
    return at.astimezone(prop.zone).date()


def shift_beginning(prop: Property, at: datetime) -> Shift | None:
    """The shift that begins at `at` (to the minute) by the property's desk hours, or None if none begins then."""
    local = at.astimezone(prop.zone)
    if local.date() in set(prop.holidays):
        return None  # the control room keeps a holiday whole: no desk shift begins or ends
    wall = local.time().replace(second=0, microsecond=0)
    if wall == prop.desk_opens:
        return Shift.DESK
    if wall == prop.desk_closes:
        return Shift.CONTROL_ROOM
    return None


def _new_id() -> str:
    return "c_" + secrets.token_hex(12)


def contact_of_ticket(principal: Principal, prop: Property, ticket: Ticket) -> Contact:
    """The contact a new ticket came from: one record, whichever route or intake opened the ticket."""
    return Contact(
        id=f"ticket-{ticket.id}",  # the ticket's own: a retried create rewrites the same record
        property_id=ticket.property_id,
        day=local_date(prop, ticket.created_at),
        at=ticket.created_at,
        channel=ticket.channel,
        shift=shift_at(prop, ticket.created_at),
        taken_by=principal.user_id,
        taken_by_role=principal.role,
        resident_id=ticket.resident_id,
        unit_id=ticket.unit_id,
        contact_name=ticket.contact_name,
        request=ticket.description,
        outcome=ContactOutcome.TICKET_CREATED,
        ticket_id=ticket.id,
        ticket_number=ticket.number,
    )


class DutyLog:
    def __init__(self, store: DutyStore, tickets: TicketStore, cache: DirectoryCache) -> None:
        self.store = store
        self.tickets = tickets
        self.cache = cache

    # ---- contacts -----------------------------------------------------------------

    def record(self, principal: Principal, property_id: str, request: ContactRequest) -> Contact:
        principal.require_property(property_id)
        principal.require_role(*KEEPERS)
        _check_outcome(request)
        prop = self.cache.property(property_id)
        now = clock.now()
        at = request.at or now
        if at > now:
            raise InvalidRequest("a contact cannot be in the future", details=[{"field": "at", "problem": "future"}])
        resident_id, unit_id, name = request.resident_id, request.unit_id, request.contact_name
        if resident_id:
            resident = self.cache.store.get(Resident, property_id, resident_id)
            if resident is None:
                raise InvalidRequest(
                    "resident not found in this property", details=[{"field": "resident_id", "problem": "unknown"}]
                )
            unit_id, name = resident.unit_id, name or resident.name
        elif unit_id and self.cache.store.get(Unit, property_id, unit_id) is None:
            raise InvalidRequest(
                "unit not found in this property", details=[{"field": "unit_id", "problem": "unknown"}]
            )
        ticket_number = None
        if request.ticket_id:
            ticket = self.tickets.get(request.ticket_id)
            if ticket is None or ticket.property_id != property_id:
                raise InvalidRequest(
                    "the ticket is not a ticket of this property",
                    details=[{"field": "ticket_id", "problem": "unknown in this property"}],
                )
            ticket_number = ticket.number
            resident_id, unit_id = resident_id or ticket.resident_id, unit_id or ticket.unit_id
        contact = Contact(
            id=_new_id(),
            property_id=property_id,
            day=local_date(prop, at),
            at=at,
            channel=request.channel,
            shift=shift_at(prop, at),
            taken_by=principal.user_id,
            taken_by_role=principal.role,
            resident_id=resident_id,
            unit_id=unit_id,
            contact_name=name,
            request=request.request,
            outcome=request.outcome,
            answer=request.answer,
            ticket_id=request.ticket_id,
            ticket_number=ticket_number,
            transferred_to=request.transferred_to,
        )
        return self.store.put_contact(contact)

    def ticket_opened(self, principal: Principal, ticket: Ticket) -> Contact:
        """Write the contact a new ticket came from (the API's create routes and every intake call this)."""
        prop = self.cache.property(ticket.property_id)
        return self.store.put_contact(contact_of_ticket(principal, prop, ticket))

    def intake_message(self, message_id: str, text: str, reply: IntakeContact) -> Contact | None:
        """An SMS the intake handled: the contact of the ticket it opened, or one about the ticket it answered.

        Written from the intake's reply alone (no read of the ticket): one PutItem per message.
        """
        if reply.ticket_id is None or reply.property_id is None or reply.ticket_number is None:
            return None
        prop = self.cache.property(reply.property_id)
        at = clock.now()
        opened = reply.outcome in INTAKE_OPENED
        contact = Contact(
            # A ticket's own contact has the ticket's id, as when the API records one.
            id=f"ticket-{reply.ticket_id}" if opened else f"sms-{message_id}",
            property_id=prop.id,
            day=local_date(prop, at),
            at=at,
            channel=Channel.SMS,
            shift=shift_at(prop, at),
            taken_by=SYSTEM.user_id,
            taken_by_role=Role.SYSTEM,
            resident_id=reply.resident_id,
            unit_id=reply.unit_id,
            contact_name=reply.contact_name,
            request=text[:2000] or EMPTY_MESSAGE,
            outcome=ContactOutcome.TICKET_CREATED if opened else ContactOutcome.TICKET_LINKED,
            ticket_id=reply.ticket_id,
            ticket_number=reply.ticket_number,
        )
        return self.store.put_contact(contact)

    # ---- reading and reviewing ---------------------------------------------------------

    def day(self, principal: Principal, property_id: str, day: date) -> DutyDay:
        principal.require_property(property_id)
        principal.require_role(*KEEPERS)
        return self.store.day(property_id, day)

    def review(self, principal: Principal, property_id: str, day: date, request: ReviewRequest) -> Review:
        principal.require_property(property_id)
        principal.require_role(Role.MANAGER)
        prop = self.cache.property(property_id)
        now = clock.now()
        if day > local_date(prop, now):
            raise InvalidRequest(
                "a day cannot be reviewed before it begins", details=[{"field": "day", "problem": "future"}]
            )
        seen = len(self.store.day(property_id, day).contacts)
        review = Review(
            property_id=property_id,
            day=day,
            reviewed_by=principal.user_id,
            reviewed_at=now,
            note=request.note,
            contacts_seen=seen,
        )
        return self.store.put_review(review)

    # ---- the shift change -------------------------------------------------------------

    def hand_over(self, prop: Property, at: datetime, to_shift: Shift) -> Handover:
        """Write the handover at `at`: every open ticket (the open-by-due index), and the ending shift's contacts."""
        open_tickets: list[HandoverTicket] = []
        count, cursor = 0, None
        while True:
            page = self.tickets.open_by_due(prop.id, 100, cursor)
            for ticket in page.tickets:
                count += 1
                if len(open_tickets) < HANDOVER_LIMIT:
                    open_tickets.append(
                        HandoverTicket(
                            ticket_id=ticket.id,
                            number=ticket.number,
                            kind=ticket.kind.value,
                            status=ticket.status.value,
                            responsible=ticket.assignee_id or "unassigned",
                            next_due=ticket.next_due(),
                        )
                    )
            cursor = page.cursor
            if not cursor:
                break
        since = self._shift_began(prop, at, to_shift)
        contacts = [
            c
            for day in sorted({local_date(prop, since), local_date(prop, at)})
            for c in self.store.day(prop.id, day).contacts
            if since <= c.at < at
        ]
        unresolved = [c for c in contacts if c.outcome is ContactOutcome.TRANSFERRED][:UNRESOLVED_LIMIT]
        handover = Handover(
            property_id=prop.id,
            day=local_date(prop, at),
            at=at,
            from_shift=Shift.CONTROL_ROOM if to_shift is Shift.DESK else Shift.DESK,
            to_shift=to_shift,
            open_count=count,
            open_tickets=open_tickets,
            truncated=count > len(open_tickets),
            shift_contacts=len(contacts),
            shift_contacts_unresolved=unresolved,
        )
        return self.store.put_handover(handover)

    @staticmethod
    def _shift_began(prop: Property, at: datetime, to_shift: Shift) -> datetime:
        """When the ending shift began: the desk at this morning's opening, the night at yesterday's close."""
        today = local_date(prop, at)
        if to_shift is Shift.CONTROL_ROOM:
            return local_instant(today, prop.desk_opens, prop.zone)
        return local_instant(today - timedelta(days=1), prop.desk_closes, prop.zone)
