"""The duty log (值班记录): every contact, the shift handovers and the manager's daily review.

One partition per property and property-local day (`<property>#DUTY#<day>`), so a day's log, its
handovers and its review are one Query, and one property's records never mix with another's.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field
from pynamodb.attributes import JSONAttribute, UnicodeAttribute
from pynamodb.exceptions import PutError

from propdesk.dal.items import _Bindable
from propdesk.dal.keys import iso_key
from propdesk.errors import Conflict
from propdesk.models.common import Id
from propdesk.models.enums import Channel, Department, Role


class ContactOutcome(StrEnum):
    ANSWERED = "answered"  # 当场答复: answered at once, nothing to follow
    TICKET_CREATED = "ticket_created"  # a new ticket was opened from this contact
    TICKET_LINKED = "ticket_linked"  # about a ticket already open (an urge, an answer, a question)
    TRANSFERRED = "transferred"  # handed to a department or the call centre


class Shift(StrEnum):
    """Who takes contacts: the desk in its hours, the control room (中控室) outside them and on holidays."""

    DESK = "desk"
    CONTROL_ROOM = "control_room"


class Contact(BaseModel):
    """One call, visit, message or self-inspection finding, whether or not it became a ticket."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(min_length=3, max_length=200)
    property_id: Id
    day: date  # the property-local day of `at`
    at: AwareDatetime
    channel: Channel
    shift: Shift
    taken_by: str  # staff id, or "system" for the SMS, voice and Connect intakes
    taken_by_role: Role
    resident_id: Id | None = None
    unit_id: Id | None = None
    contact_name: str | None = None
    request: str  # what was asked or reported
    outcome: ContactOutcome
    answer: str | None = None
    ticket_id: Id | None = None
    ticket_number: str | None = None
    transferred_to: Department | None = None


class HandoverTicket(BaseModel):
    model_config = ConfigDict(extra="forbid")

    ticket_id: Id
    number: str
    kind: str
    status: str
    responsible: str
    next_due: AwareDatetime | None = None


class Handover(BaseModel):
    """The record of a shift change (交接班): what is open as one shift hands the desk to the next."""

    model_config = ConfigDict(extra="forbid")

    property_id: Id
    day: date
    at: AwareDatetime
    from_shift: Shift
    to_shift: Shift
    open_count: int
    open_tickets: list[HandoverTicket]
    truncated: bool = False  # more were open than one record lists; open_count counts them all
    shift_contacts: int  # contacts taken in the shift that ends
    shift_contacts_unresolved: list[Contact] = Field(default_factory=list)  # transferred ones, to follow up


class Review(BaseModel):
    """The manager's daily review of the log (值班记录审阅), with a note."""

    model_config = ConfigDict(extra="forbid")

    property_id: Id
    day: date
    reviewed_by: str
    reviewed_at: AwareDatetime
    note: str
    contacts_seen: int


class DutyDay(BaseModel):
    """One property's log for one local day, as one Query returns it."""

    property_id: Id
    day: date
    contacts: list[Contact] = Field(default_factory=list)
    handovers: list[Handover] = Field(default_factory=list)
    review: Review | None = None


class DutyItem(_Bindable):
    """A duty-log record on the books table; the document is the record itself."""

    class Meta:
        table_name = "unbound"

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    doc = JSONAttribute()


CONTACT = "CONTACT#"
HANDOVER = "HANDOVER#"
REVIEW = "REVIEW"


def day_pk(property_id: str, day: date) -> str:
    return f"{property_id}#DUTY#{day.isoformat()}"


class AlreadyReviewed(Conflict):
    code = "already_reviewed"


class DutyStore:
    def __init__(self, table_name: str) -> None:
        DutyItem.bind(table_name)

    def put_contact(self, contact: Contact) -> Contact:
        """Write (or, for the same id and instant, rewrite) a contact: a retried intake writes it once."""
        sk = f"{CONTACT}{iso_key(contact.at)}#{contact.id}"
        DutyItem(day_pk(contact.property_id, contact.day), sk, doc=contact.model_dump(mode="json")).save()
        return contact

    def put_handover(self, handover: Handover) -> Handover:
        sk = f"{HANDOVER}{iso_key(handover.at)}"
        DutyItem(day_pk(handover.property_id, handover.day), sk, doc=handover.model_dump(mode="json")).save()
        return handover

    def put_review(self, review: Review) -> Review:
        """One review per day; a second answers 409 with the first one's reviewer."""
        item = DutyItem(day_pk(review.property_id, review.day), REVIEW, doc=review.model_dump(mode="json"))
        try:
            item.save(condition=DutyItem.pk.does_not_exist())
        except PutError as err:
            if err.cause_response_code == "ConditionalCheckFailedException":
                raise AlreadyReviewed(
                    f"the duty log of {review.day} is already reviewed",
                    details=[{"field": "day", "problem": "already reviewed"}],
                ) from err
            raise
        return review

    def day(self, property_id: str, day: date) -> DutyDay:
        """The whole day in one Query (paged by DynamoDB only past 1 MB)."""
        found = DutyDay(property_id=property_id, day=day)
        for item in DutyItem.query(day_pk(property_id, day)):
            doc: dict[str, Any] = item.doc
            if item.sk.startswith(CONTACT):
                found.contacts.append(Contact.model_validate(doc))
            elif item.sk.startswith(HANDOVER):
                found.handovers.append(Handover.model_validate(doc))
            elif item.sk == REVIEW:
                found.review = Review.model_validate(doc)
        return found
