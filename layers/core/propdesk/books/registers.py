"""The site office's registers (管理处日常工作程序): pass cards, work permits, mail, newspapers, visitors.

Each entry is one item of the books table: pk `<property>#REGISTER#<register>#<id>`, and in the
`by-index` index `<property>#REGISTER#<register>` with a sort key chosen for that register's listing
(a resident's pass cards together; mail waiting first; permits by receipt for the reports).
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, ClassVar, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field
from pynamodb.attributes import JSONAttribute, NumberAttribute, UnicodeAttribute, VersionAttribute
from pynamodb.exceptions import PutError, UpdateError
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from propdesk.dal.keys import iso_key
from propdesk.errors import ConcurrentUpdate
from propdesk.models.common import Cents, Id, Name, ShortText
from propdesk.models.enums import Department, Role

ENTRY_SK = "ENTRY"
FIRST_VERSION = 1  # the version PynamoDB gives an item on its first save
FREE_CARDS_PER_MEMBER = 3  # at move-in, each family member's first three cards are free
EXTRA_CARD_CENTS = 5_000  # ¥50 for every further card
PERMIT_TARGET_MINUTES = 30  # the whole permit procedure, from receipt to issue


class Register(StrEnum):
    PASS_CARDS = "pass_cards"  # noqa: S105 (a register's name, not a password) 业户出入证
    PERMITS = "permits"  # 施工单位工作证
    MAIL = "mail"  # 邮件收发
    NEWSPAPERS = "newspapers"  # 报刊订阅
    VISITORS = "visitors"  # 访客


_NUMBER_PREFIX = {
    Register.PASS_CARDS: "PC",
    Register.PERMITS: "WP",
    Register.MAIL: "ML",
    Register.NEWSPAPERS: "NP",
    Register.VISITORS: "VS",
}


def entry_number(code: str, register: Register, day: str, seq: int) -> str:
    """SUN-ML-20261123-004: the property, the register, the local day and the day's count."""
    return f"{code}-{_NUMBER_PREFIX[register]}-{day}-{seq:03d}"


class Step(BaseModel):
    """One line of an entry's own audit trail: who did what, when."""

    model_config = ConfigDict(extra="forbid")

    at: AwareDatetime
    by: str
    role: Role
    action: str
    note: str | None = None


class Entry(BaseModel):
    model_config = ConfigDict(extra="forbid")

    register: ClassVar[Register]
    id: Id
    property_id: Id
    trail: list[Step] = Field(default_factory=list)

    def listing_key(self) -> str:
        raise NotImplementedError


class PassCard(Entry):
    """A resident pass card (业户出入证), free up to three per family member, ¥50 after that."""

    register: ClassVar[Register] = Register.PASS_CARDS
    resident_id: Id
    unit_id: Id
    holder: Name
    card_number: ShortText
    fee_cents: Cents
    status: Literal["issued", "handed_over", "cancelled"] = "issued"
    issued_at: AwareDatetime
    handed_over_at: AwareDatetime | None = None
    signature_key: str | None = None
    cancelled_at: AwareDatetime | None = None
    cancel_reason: str | None = None

    def listing_key(self) -> str:
        return f"{self.resident_id}#{iso_key(self.issued_at)}#{self.id}"


class Worker(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Name
    permit_number: str | None = None


class Permit(Entry):
    """A contractor's work permit application (施工单位工作证): fee to finance, documents to security, then issued."""

    register: ClassVar[Register] = Register.PERMITS
    contractor: Name
    unit_id: Id | None = None
    work: ShortText
    workers: list[Worker]
    documents: list[ShortText]
    fee_cents: Cents
    status: Literal["received", "issued"] = "received"
    received_at: AwareDatetime
    due_at: AwareDatetime
    fee_paid_at: AwareDatetime | None = None
    documents_checked_at: AwareDatetime | None = None
    documents_passed: bool | None = None
    issued_at: AwareDatetime | None = None
    overdue_at: AwareDatetime | None = None  # written by the permit timer when the target passed unissued

    @property
    def on_time(self) -> bool | None:
        """Met when issued at or before the due time; None while it may still be met."""
        if self.issued_at is not None:
            return self.issued_at <= self.due_at
        return False if self.overdue_at is not None else None

    @property
    def breach_seconds(self) -> int | None:
        if self.issued_at is not None and self.issued_at > self.due_at:
            return int((self.issued_at - self.due_at).total_seconds())
        return None

    def listing_key(self) -> str:
        return f"{iso_key(self.received_at)}#{self.id}"


class MailItem(Entry):
    """A letter or parcel received from the gate (邮件收发), handed over only to its addressee against a signature."""

    register: ClassVar[Register] = Register.MAIL
    resident_id: Id
    unit_id: Id
    item: Literal["letter", "parcel", "registered"]
    sender: str | None = None
    status: Literal["waiting", "handed_over"] = "waiting"
    received_at: AwareDatetime
    notified: str | None = None  # "sent" or why not (no phone, opted out)
    handed_over_at: AwareDatetime | None = None
    signed_by: Id | None = None
    signature_key: str | None = None

    def listing_key(self) -> str:
        return f"{self.status}#{iso_key(self.received_at)}#{self.id}"


class Subscription(Entry):
    """A newspaper or magazine subscription (报刊订阅), billed in advance and never refunded."""

    register: ClassVar[Register] = Register.NEWSPAPERS
    resident_id: Id
    unit_id: Id
    title: ShortText
    first_month: str  # YYYY-MM
    months: int
    monthly_price_cents: Cents
    billed_cents: Cents
    status: Literal["awaiting_confirmation", "confirmed", "cancelled"] = "awaiting_confirmation"
    created_at: AwareDatetime
    confirmed_at: AwareDatetime | None = None
    signature_key: str | None = None
    cancelled_at: AwareDatetime | None = None
    cancel_reason: str | None = None

    def listing_key(self) -> str:
        return f"{iso_key(self.created_at)}#{self.id}"


class Visit(Entry):
    """A visitor at the gate: the gate asks, the office confirms with the resident or department."""

    register: ClassVar[Register] = Register.VISITORS
    visitor: Name
    resident_id: Id | None = None
    unit_id: Id | None = None
    department: Department | None = None
    purpose: ShortText
    status: Literal["asked", "admitted", "refused"] = "asked"
    asked_at: AwareDatetime
    answered_at: AwareDatetime | None = None
    confirmed_with: str | None = None

    def listing_key(self) -> str:
        return f"{iso_key(self.asked_at)}#{self.id}"


MODELS: dict[Register, type[Entry]] = {m.register: m for m in (PassCard, Permit, MailItem, Subscription, Visit)}


def timer_instant(at: datetime) -> str:
    """The form a Wait state's TimestampPath accepts: whole seconds, UTC, with Z."""
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def entry_pk(property_id: str, register: Register, entry_id: str) -> str:
    return f"{property_id}#REGISTER#{register.value}#{entry_id}"


def listing_pk(property_id: str, register: Register) -> str:
    return f"{property_id}#REGISTER#{register.value}"


class ByIndex(GlobalSecondaryIndex[Any]):  # type: ignore[no-untyped-call]  # PynamoDB's Index is not annotated
    class Meta:
        index_name = "by-index"
        projection = AllProjection()

    ipk = UnicodeAttribute(hash_key=True)
    isk = UnicodeAttribute(range_key=True)


class RegisterItem(Model):
    """One register entry; `issued_at` and `overdue_at` sit beside the document for the permit timer's condition."""

    class Meta:
        table_name = "unbound"

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    ipk = UnicodeAttribute()
    isk = UnicodeAttribute()
    doc = JSONAttribute()
    issued_at = UnicodeAttribute(null=True)
    overdue_at = UnicodeAttribute(null=True)  # the permit timer's write; never overwritten by the API
    version = VersionAttribute()

    by_index: ClassVar[ByIndex] = ByIndex()

    @classmethod
    def bind(cls, table_name: str) -> None:
        cls.Meta.table_name = table_name
        cls._connection = None  # type: ignore[assignment]


class CounterItem(Model):
    """The day's running count of one register (mail received today, permits received today)."""

    class Meta:
        table_name = "unbound"

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    seq = NumberAttribute(default=0)


def _decode(item: RegisterItem) -> Entry:
    register = Register(item.ipk.rsplit("#", 1)[1])
    doc = dict(item.doc)
    if register is Register.PERMITS and item.overdue_at and not doc.get("overdue_at"):
        doc["overdue_at"] = item.overdue_at
    return MODELS[register].model_validate(doc)


class RegisterStore:
    """The registers on the books table: one GetItem to read an entry, one Query per listing."""

    def __init__(self, table_name: str) -> None:
        RegisterItem.bind(table_name)
        CounterItem.Meta.table_name = table_name
        CounterItem._connection = None  # type: ignore[assignment]
        self._versions: dict[tuple[str, str], int | None] = {}

    def next_seq(self, property_id: str, register: Register, day: str) -> int:
        """The next number of the day (one UpdateItem ADD): mail and permits are counted as they arrive."""
        counter = CounterItem(pk=f"{listing_pk(property_id, register)}#COUNTER", sk=day)
        counter.update(actions=[CounterItem.seq.add(1)])
        return int(counter.seq)

    def create(self, entry: Entry) -> Entry:
        item = RegisterItem(
            pk=entry_pk(entry.property_id, entry.register, entry.id),
            sk=ENTRY_SK,
            ipk=listing_pk(entry.property_id, entry.register),
            isk=entry.listing_key(),
            doc=entry.model_dump(mode="json"),
        )
        try:
            item.save(condition=RegisterItem.pk.does_not_exist())
        except PutError as err:
            if err.cause_response_code == "ConditionalCheckFailedException":
                raise ConcurrentUpdate(f"{entry.register.value} entry {entry.id} already exists") from err
            raise
        return entry

    def get(self, property_id: str, register: Register, entry_id: str) -> tuple[Entry, int] | None:
        """The entry and the version to update it against, or None."""
        try:
            item = RegisterItem.get(entry_pk(property_id, register, entry_id), ENTRY_SK)
        except RegisterItem.DoesNotExist:
            return None
        return _decode(item), int(item.version or 0)

    def update(self, entry: Entry, version: int) -> Entry:
        """Save a changed entry if nobody changed it since `version`; the permit timer's mark is left as it is."""
        item = RegisterItem(pk=entry_pk(entry.property_id, entry.register, entry.id), sk=ENTRY_SK, version=version)
        doc = entry.model_dump(mode="json", exclude={"overdue_at"} if isinstance(entry, Permit) else None)
        actions: list[Any] = [RegisterItem.doc.set(doc), RegisterItem.isk.set(entry.listing_key())]
        if isinstance(entry, Permit) and entry.issued_at is not None:
            actions.append(RegisterItem.issued_at.set(timer_instant(entry.issued_at)))
        try:
            item.update(actions=actions, condition=RegisterItem.pk.exists())
        except UpdateError as err:
            if err.cause_response_code == "ConditionalCheckFailedException":
                raise ConcurrentUpdate(
                    f"{entry.register.value} entry {entry.id} was changed by someone else; read it again",
                    details=[{"field": "version", "problem": f"had {version}"}],
                ) from err
            raise
        return _decode(item)

    def listing(
        self,
        property_id: str,
        register: Register,
        begins_with: str | None = None,
        between: tuple[str, str] | None = None,
    ) -> list[Entry]:
        """One Query of the register's index, in its listing order."""
        condition: Any = None
        if begins_with is not None:
            condition = RegisterItem.isk.startswith(begins_with)
        elif between is not None:
            condition = RegisterItem.isk.between(*between)
        items = RegisterItem.by_index.query(listing_pk(property_id, register), condition)
        return [_decode(i) for i in items]
