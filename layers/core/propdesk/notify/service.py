"""The notifier's use case: who must be told of a notice, in which language, and sending it once."""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

from propdesk import clock
from propdesk.books.duty import Shift
from propdesk.books.zones import ZoneBook
from propdesk.dal.directory import DirectoryStore
from propdesk.dal.tickets import TicketStore
from propdesk.errors import NotFound
from propdesk.logic.directory import DirectoryCache
from propdesk.logic.duty import shift_at
from propdesk.logic.limits import Limits
from propdesk.models.common import mask_phone
from propdesk.models.directory import Resident, Staff
from propdesk.models.enums import Language, Role
from propdesk.models.ticket import Ticket, TicketEvent
from propdesk.notices import Audience, Notice
from propdesk.notify.cap import DailyCap
from propdesk.notify.sender import SmsSender
from propdesk.notify.templates import render
from propdesk.numbering import local_day

_E164 = re.compile(r"\+[1-9][0-9]{6,14}")  # ASCII digits only, matched whole
_ROLE_OF: dict[Audience, Role] = {
    Audience.DISPATCHER: Role.DISPATCHER,
    Audience.DESK: Role.DESK_AGENT,
    Audience.BUTLER: Role.BUTLER,
    Audience.MANAGER: Role.MANAGER,
    Audience.WARRANTY_ENGINEER: Role.WARRANTY_ENGINEER,
    Audience.SUPERVISOR: Role.SUPERVISOR,
}
NOTIFIER = "notifier"
log = logging.getLogger(__name__)


def is_e164(phone: str | None) -> bool:
    return bool(phone) and bool(_E164.fullmatch(phone or ""))


@dataclass(frozen=True, slots=True)
class Recipient:
    who: str  # resident:<id>, staff:<id> or contact (an unidentified sender)
    phone: str | None
    language: Language
    opted_out: bool = False


@dataclass(frozen=True, slots=True)
class Delivery:
    """One message to one person: the unit that is sent exactly once (keyed by notice and recipient)."""

    key: str
    notice_id: str
    kind: str
    ticket_id: str
    property_id: str
    who: str
    phone: str
    language: str
    text: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


SendOnce = Callable[..., dict[str, Any]]  # called as send(delivery=...), the idempotency key's argument


class Notifier:
    def __init__(
        self,
        tickets: TicketStore,
        cache: DirectoryCache,
        cap: DailyCap,
        limits: Limits,
        sender: SmsSender,
        send_once: Callable[[Notifier], SendOnce] | None = None,
        zones: ZoneBook | None = None,
    ) -> None:
        self.tickets = tickets
        self.cache = cache
        self.directory: DirectoryStore = cache.store
        self.cap = cap
        self.limits = limits
        self.sender = sender
        self.zones = zones
        # The handler wraps `send` with its idempotency store; tests may call `send` directly.
        self._send = send_once(self) if send_once else self.send

    def notify(self, notice: Notice) -> list[dict[str, Any]]:
        """Tell everyone the notice is for; returns one outcome per recipient."""
        ticket = self.tickets.get(notice.ticket_id)
        if ticket is None:
            raise NotFound(f"ticket {notice.ticket_id} of notice {notice.id} not found")
        zone = self.cache.property(ticket.property_id).zone
        outcomes = []
        for n, person in enumerate(self.recipients(notice, ticket)):
            reason = self._refusal(person)
            if reason:
                self._record_skip(notice, person, reason, n)
                outcomes.append({"who": person.who, "status": "skipped", "reason": reason})
                continue
            assert person.phone is not None
            text = render(notice.kind, person.language, notice.number, notice.params, zone)
            delivery = Delivery(
                key=f"{notice.id}|{person.who}",
                notice_id=notice.id,
                kind=notice.kind.value,
                ticket_id=ticket.id,
                property_id=ticket.property_id,
                who=person.who,
                phone=person.phone,
                language=person.language.value,
                text=text,
            )
            outcomes.append({"who": person.who, **self._send(delivery=delivery.to_dict())})
        return outcomes

    @staticmethod
    def _refusal(person: Recipient) -> str | None:
        if person.opted_out:
            return "opted_out"
        if not is_e164(person.phone):
            return "invalid_number"
        return None

    def send(self, delivery: dict[str, Any]) -> dict[str, Any]:
        """Take a slot of the property's daily cap, send, and record it on the ticket's timeline."""
        d = Delivery(**delivery)
        prop = self.cache.property(d.property_id)
        now = clock.now()
        day = local_day(now, prop.timezone)
        resident = _resident_key(d)
        if resident and not self.limits.sms_to_resident(prop, resident, now):
            # Not sent and not retried: the batch goes on, the timeline says why; no number in the log.
            log.warning("notice over the resident's daily SMS limit", extra={"notice": d.notice_id, "who": d.who})
            self._timeline(d.ticket_id, now, "notification_skipped", d, f"limit-{d.key}", reason="resident_daily")
            return {"status": "skipped", "reason": "resident_daily"}
        if not self.cap.take(d.property_id, day, prop.settings.daily_sms_cap):
            if resident:
                self.limits.sms_to_resident_not_sent(prop, resident, now)
            self._timeline(d.ticket_id, now, "notification_skipped", d, f"cap-{d.key}", reason="daily_cap")
            return {"status": "skipped", "reason": "daily_cap"}
        try:
            message_id = self.sender.send(d.phone, d.text)
        except Exception:
            self.cap.give_back(d.property_id, day)
            if resident:
                self.limits.sms_to_resident_not_sent(prop, resident, now)
            raise
        self._timeline(d.ticket_id, now, "notified", d, f"sms-{message_id}", message_id=message_id)
        return {"status": "sent", "message_id": message_id, "provider": self.sender.provider}

    def _timeline(self, ticket_id: str, at: Any, action: str, d: Delivery, suffix: str, **data: Any) -> None:
        event = TicketEvent(
            ticket_id=ticket_id,
            at=at,
            actor_id=NOTIFIER,
            actor_role=Role.SYSTEM,
            action=action,
            note=d.text if action == "notified" else None,
            data={
                "notice_id": d.notice_id,
                "kind": d.kind,
                "channel": "sms",
                "provider": self.sender.provider,
                "to": mask_phone(d.phone),
                "recipient": d.who,
                "language": d.language,
                **data,
            },
        )
        self.tickets.add_timeline(event, suffix)

    def _record_skip(self, notice: Notice, person: Recipient, reason: str, n: int) -> None:
        # At the notice's own instant, so a redelivered notice finds the entry already there.
        event = TicketEvent(
            ticket_id=notice.ticket_id,
            at=notice.at,
            actor_id=NOTIFIER,
            actor_role=Role.SYSTEM,
            action="notification_skipped",
            data={"notice_id": notice.id, "kind": notice.kind.value, "recipient": person.who, "reason": reason},
        )
        self.tickets.add_timeline(event, f"skip-{notice.id}-{n}")

    # ---- who must be told ---------------------------------------------------------

    def recipients(self, notice: Notice, ticket: Ticket) -> list[Recipient]:
        found: dict[str, Recipient] = {}
        staff: list[Staff] | None = None
        for audience in notice.audience:
            if audience is Audience.RESIDENT:
                for person in self._resident(ticket):
                    found.setdefault(person.who, person)
            elif audience is Audience.ASSIGNEE:
                if ticket.assignee_id:
                    member = self.directory.get(Staff, ticket.property_id, ticket.assignee_id)
                    if member is not None:
                        found.setdefault(f"staff:{member.id}", _staff(member))
            elif audience is Audience.RECORDER:
                # Property staff, or a group-level call-centre agent who recorded it for the property.
                member = self.directory.get(Staff, ticket.property_id, ticket.created_by) or self.directory.get(
                    Staff, None, ticket.created_by
                )
                if member is not None:
                    found.setdefault(f"staff:{member.id}", _staff(member))
            else:
                if staff is None:
                    staff = self.directory.list_records(Staff, ticket.property_id)
                role = self._desk_role(notice, ticket, staff) if audience is Audience.DESK else _ROLE_OF[audience]
                keepers = self._zone_keepers(ticket) if audience is Audience.BUTLER else None
                for member in staff:
                    if member.role is role and (not keepers or member.id in keepers):
                        found.setdefault(f"staff:{member.id}", _staff(member))
        return list(found.values())

    def _zone_keepers(self, ticket: Ticket) -> set[str]:
        """The butler whose zone holds the ticket's building; empty (every butler is told) when none does."""
        if self.zones is None:
            return set()
        return {z.staff_id for z in self.zones.covering(ticket.property_id, ticket.building_id, Role.BUTLER)}

    def _desk_role(self, notice: Notice, ticket: Ticket, staff: list[Staff]) -> Role:
        """The desk in its hours; outside them the control room takes the desk's notices, if the property has one."""
        prop = self.cache.property(ticket.property_id)
        if shift_at(prop, notice.at) is Shift.CONTROL_ROOM and any(m.role is Role.CONTROL_ROOM for m in staff):
            return Role.CONTROL_ROOM
        return Role.DESK_AGENT

    def _resident(self, ticket: Ticket) -> list[Recipient]:
        if ticket.resident_id:
            resident = self.directory.get(Resident, ticket.property_id, ticket.resident_id)
            if resident is not None:
                return [Recipient(f"resident:{resident.id}", resident.phone, resident.language, resident.sms_opt_out)]
        if ticket.contact_phone:
            return [Recipient("contact", ticket.contact_phone, ticket.language)]
        return []


def _resident_key(d: Delivery) -> str | None:
    """Whose daily SMS allowance a delivery counts against: a resident's, or an unidentified sender's
    (as a digest, so no phone number is stored in a key); staff notices are not limited."""
    if d.who.startswith("resident:"):
        return d.who.removeprefix("resident:")
    if d.who == "contact":
        return "contact-" + hashlib.sha256(d.phone.encode()).hexdigest()[:24]
    return None


def _staff(member: Staff) -> Recipient:
    return Recipient(f"staff:{member.id}", member.phone, member.language)
