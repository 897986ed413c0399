"""The SMS conversation and call intake: who is writing, which ticket a message belongs to, what to answer.

The number written to decides the property (each property lists its receiving numbers). Only an
answer to a question the system asked attaches to an open ticket: a digit answers a waiting callback
survey (回访), yes/no a waiting quote, and an unknown sender's next message is their identification.
Anything else is a new matter: a new ticket, linked to the resident's latest open one. An unknown
number gets a ticket "needs identification" and is asked who it is.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass
from datetime import timedelta
from typing import Any

from propdesk import clock
from propdesk.access import SYSTEM, Principal
from propdesk.errors import ActionNotAllowed, NotFound
from propdesk.intake import messages
from propdesk.intake.keywords import ShortAnswer, guess_kind, guess_language, short_answer
from propdesk.logic import commands
from propdesk.logic.tickets import TicketService
from propdesk.models.directory import Resident, Unit
from propdesk.models.enums import Action, Channel, Language, Role, Status, TicketKind
from propdesk.models.ticket import Ticket, TicketEvent

MAX_DESCRIPTION = 2000
EMPTY_MESSAGE = "（空消息 / empty message）"


@dataclass(frozen=True, slots=True)
class IntakeRules:
    """Where a message to a number no property lists goes, and how long an identification is awaited."""

    default_property_id: str | None = None
    reply_window_hours: int = 24


@dataclass(frozen=True, slots=True)
class InboundText:
    message_id: str
    sender: str
    recipient: str | None
    body: str


@dataclass(frozen=True, slots=True)
class IntakeReply:
    """What happened and what to answer; plain data so the idempotency store can replay it."""

    outcome: str  # created | appended | needs_identification | callback | quote_approved | quote_rejected
    text: str
    language: str
    ticket_id: str | None = None
    ticket_number: str | None = None
    may_reply: bool = True  # False: the resident opted out of SMS
    property_id: str | None = None
    # Who and where, as the ticket names them: the duty log's contact is written from the reply alone.
    resident_id: str | None = None
    unit_id: str | None = None
    contact_name: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> IntakeReply:
        return cls(**data)


@dataclass(frozen=True, slots=True)
class Caller:
    """A resolved sender: the resident, or None for an unknown number."""

    phone: str | None
    resident: Resident | None
    language: Language

    @property
    def principal(self) -> Principal | None:
        r = self.resident
        return Principal(r.id, Role.RESIDENT, r.property_id, unit_id=r.unit_id) if r else None


NUMBER_CACHE_SECONDS = 60.0  # a warm sandbox remembers which property a number belongs to for this long


class IntakeService:
    def __init__(self, tickets: TicketService, rules: IntakeRules) -> None:
        self.tickets = tickets
        self.rules = rules
        self._numbers: dict[str, tuple[float, str | None]] = {}

    def _claimed(self, recipient: str | None) -> str | None:
        """The property listing this receiving number (one GetItem, then cached), or None."""
        if not recipient:
            return None
        hit = self._numbers.get(recipient)
        if hit is not None and time.monotonic() - hit[0] < NUMBER_CACHE_SECONDS:
            return hit[1]
        found = self.tickets.directory.property_of_number(recipient)
        self._numbers[recipient] = (time.monotonic(), found)
        return found

    # ---- who and where ----------------------------------------------------------

    def property_for(self, recipient: str | None) -> str | None:
        """The property whose receiving number was written to or called (one GetItem); else the fallback."""
        return self._claimed(recipient) or self.rules.default_property_id

    def caller(self, phone: str | None, text: str = "", recipient: str | None = None) -> Caller:
        """The resident behind a number in the property written to (one Query on the phone index).

        Staff numbers count as unknown; so does a resident of another property writing to this one's number.
        """
        resident = None
        if phone:
            residents = [r for r in self.tickets.directory.by_phone(phone) if isinstance(r, Resident)]
            claimed = self._claimed(recipient)
            resident = next((r for r in residents if claimed in (None, r.property_id)), None)
        language = resident.language if resident else guess_language(text)
        return Caller(phone, resident, language)

    def open_tickets(self, resident: Resident, limit: int = 10) -> list[Ticket]:
        """The resident's open tickets, newest first (one Query on the by-resident index)."""
        page = self.tickets.tickets.by_resident(resident.property_id, resident.id, limit, None, None)
        return [t for t in page.tickets if t.is_open]

    # ---- SMS ------------------------------------------------------------------

    def handle_text(self, message: InboundText) -> IntakeReply:
        body = message.body.strip()[:MAX_DESCRIPTION] or EMPTY_MESSAGE
        caller = self.caller(message.sender, body, message.recipient)
        if caller.resident is None:
            waiting = self._waiting_for_identification(message.sender, message.recipient)
            if waiting is not None:
                # Most likely the answer to "who are you?": keep it with the first message for the desk.
                self.tickets.act(SYSTEM, waiting.id, Action.COMMENT, commands.CommentInput(text=f"SMS: {body}"))
                return self._reply("appended", "appended", caller, waiting)
            ticket = self.create(caller, guess_kind(body), Channel.SMS, body, message.recipient)
            return self._reply("needs_identification", "identify", caller, ticket)
        resident = caller.resident
        may_reply = not resident.sms_opt_out
        open_tickets = self.open_tickets(resident)
        answer = short_answer(body)
        if answer is not None:
            answered = self._answer_step(caller, open_tickets, answer)
            if answered is not None:
                return answered
        # A new matter, whatever else is open: its own ticket, linked to the latest open one.
        linked = open_tickets[0] if open_tickets else None
        ticket = self.create(caller, guess_kind(body), Channel.SMS, body, message.recipient, linked=linked)
        return self._reply("created", "created", caller, ticket, may_reply=may_reply)

    def _waiting_for_identification(self, phone: str, recipient: str | None) -> Ticket | None:
        """An unknown number's ticket still waiting for the desk (one Query; such tickets are few per property)."""
        property_id = self.property_for(recipient)
        if property_id is None:
            return None
        page = self.tickets.tickets.by_property_status(property_id, Status.NEEDS_IDENTIFICATION.value, 50, None, None)
        mine = [t for t in page.tickets if t.contact_phone == phone]
        return self._conversation(sorted(mine, key=lambda t: t.updated_at, reverse=True))

    def _conversation(self, open_tickets: list[Ticket]) -> Ticket | None:
        """The open ticket a free-text reply belongs to: the newest one active within the reply window."""
        window = timedelta(hours=self.rules.reply_window_hours)
        now = clock.now()
        return next((t for t in open_tickets if now - t.updated_at <= window), None)

    def _answer_step(self, caller: Caller, open_tickets: list[Ticket], answer: ShortAnswer) -> IntakeReply | None:
        principal = caller.principal
        assert principal is not None
        may_reply = caller.resident is not None and not caller.resident.sms_opt_out
        for ticket in open_tickets:
            if answer.rating is not None and _awaits_callback(ticket):
                self._record_callback(principal, ticket, answer.rating)
                return self._reply("callback", "callback", caller, ticket, may_reply=may_reply, rating=answer.rating)
            if answer.yes is not None and ticket.status is Status.QUOTED:
                action = Action.APPROVE_QUOTE if answer.yes else Action.REJECT_QUOTE
                note = commands.NoteInput(note="SMS: " + ("同意 yes" if answer.yes else "拒绝 no"))
                updated = self.tickets.act(principal, ticket.id, action, note)
                outcome = "quote_approved" if answer.yes else "quote_rejected"
                return self._reply(outcome, outcome, caller, updated, may_reply=may_reply)
        return None

    def _record_callback(self, resident: Principal, ticket: Ticket, rating: int) -> None:
        payload = commands.CallbackInput(satisfaction=rating, notes="短信回访 SMS survey answer")
        try:
            self.tickets.act(SYSTEM, ticket.id, Action.RECORD_CALLBACK, payload)
        except ActionNotAllowed:
            # The lifecycle lets only the desk record a callback: keep the resident's answer on
            # the timeline so the desk records it with one click instead of calling back.
            text = f"回访满意度 / survey rating: {rating}/5"
            self.tickets.act(resident, ticket.id, Action.COMMENT, commands.CommentInput(text=text))

    # ---- tickets ----------------------------------------------------------------

    def create(
        self,
        caller: Caller,
        kind: TicketKind,
        channel: Channel,
        description: str,
        recipient: str | None = None,
        linked: Ticket | None = None,
    ) -> Ticket:
        """Open a ticket for the caller in the property called; an unknown caller's waits as needs_identification."""
        text = description.strip()[:MAX_DESCRIPTION] or EMPTY_MESSAGE
        resident = caller.resident
        if resident is None:
            property_id = self.property_for(recipient)
            if property_id is None:
                raise NotFound("no property receives messages on this number")
            fields: dict[str, Any] = {
                "description": text,
                "contact_phone": caller.phone,
                "language": caller.language,
            }
            return self.tickets.create_from_channel(property_id, kind, channel, fields, Status.NEEDS_IDENTIFICATION)
        unit = self.tickets.directory.get(Unit, resident.property_id, resident.unit_id)
        fields = {
            "description": text,
            "resident_id": resident.id,
            "unit_id": resident.unit_id,
            "building_id": unit.building_id if unit else None,
            "contact_name": resident.name,
            "contact_phone": resident.phone,
            "language": resident.language,
            "linked_ticket_id": linked.id if linked is not None else None,
        }
        ticket = self.tickets.create_from_channel(resident.property_id, kind, channel, fields, Status.RECEIVED)
        if linked is not None:
            # The old ticket's timeline shows the new matter it led to; its own record is unchanged.
            self.tickets.tickets.add_timeline(
                TicketEvent(
                    ticket_id=linked.id,
                    at=ticket.created_at,
                    actor_id=SYSTEM.user_id,
                    actor_role=Role.SYSTEM,
                    action="linked",
                    note=f"新报事 new matter {ticket.number}",
                    data={"ticket_id": ticket.id, "number": ticket.number},
                ),
                suffix=f"linked-{ticket.id}",
            )
        return ticket

    @staticmethod
    def _reply(
        outcome: str, key: str, caller: Caller, ticket: Ticket, *, may_reply: bool = True, **params: Any
    ) -> IntakeReply:
        text = messages.say(key, caller.language, number=ticket.number, **params)
        return IntakeReply(
            outcome,
            text,
            caller.language.value,
            ticket.id,
            ticket.number,
            may_reply,
            ticket.property_id,
            ticket.resident_id,
            ticket.unit_id,
            ticket.contact_name,
        )


def _awaits_callback(ticket: Ticket) -> bool:
    target = ticket.sla.get("callback")
    return ticket.status in (Status.SIGNED_OFF, Status.COMPLETED) and target is not None and target.open
