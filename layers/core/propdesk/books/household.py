"""The household-services book (家政): the paid-service price list, new customers' requests, monthly plans
(包月清洁 / 包月绿化) and each plan's visits, its monthly register (包月登记表).

Every item lives under its property (`<property>#HOUSEHOLD`); a plan's visits are also on the `by-index`
index by local day, so the issuing job and the reports read one day or one month with one Query.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, time
from enum import StrEnum
from typing import Any, TypeVar

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field
from pynamodb.attributes import JSONAttribute, UnicodeAttribute, VersionAttribute
from pynamodb.connection import Connection
from pynamodb.exceptions import PutError, TransactWriteError
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from propdesk.errors import ConcurrentUpdate
from propdesk.models.common import Cents, Id
from propdesk.models.enums import Channel, Department

M = TypeVar("M", bound="_Record")


class HouseholdService(StrEnum):
    MONTHLY_CLEANING = "monthly_cleaning"  # 包月清洁
    MONTHLY_GREENING = "monthly_greening"  # 包月绿化
    DEEP_CLEANING = "deep_cleaning"  # 开荒保洁: move-in deep cleaning
    HOURLY_CLEANING = "hourly_cleaning"  # 钟点清洁
    PAID_SERVICE = "paid_service"  # another paid service of the price list (有偿服务)


MONTHLY = frozenset({HouseholdService.MONTHLY_CLEANING, HouseholdService.MONTHLY_GREENING})
# Which team does the work; a paid service of the price list names its own.
TEAM: dict[HouseholdService, Department] = {
    HouseholdService.MONTHLY_CLEANING: Department.CLEANING,
    HouseholdService.MONTHLY_GREENING: Department.GREENING,
    HouseholdService.DEEP_CLEANING: Department.CLEANING,
    HouseholdService.HOURLY_CLEANING: Department.CLEANING,
}
PRICED_DEPARTMENTS = frozenset({Department.ENGINEERING, Department.CLEANING, Department.GREENING})


class RequestStatus(StrEnum):
    REQUESTED = "requested"
    ASSESSED = "assessed"  # priced on site
    CONFIRMED = "confirmed"  # the time agreed with the resident: an order or a plan exists


class PlanStatus(StrEnum):
    ACTIVE = "active"
    PAUSED = "paused"
    ENDED = "ended"


class VisitStatus(StrEnum):
    MOVED = "moved"  # moved with the resident's agreement, not issued yet
    ISSUING = "issuing"  # claimed by the issuing job: its order's id is fixed, the order may not exist yet
    ISSUED = "issued"  # its work order exists and was dispatched


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid")

    property_id: Id
    version: int = 0  # the stored item's version: a write on an older one is refused


class PriceItem(_Record):
    """One line of the paid-service price list (有偿服务收费标准)."""

    id: Id
    department: Department
    name: str = Field(min_length=1, max_length=100)
    unit: str = Field(min_length=1, max_length=20)  # 次, 小时, 平方米 ...
    price_cents: Cents


class ServiceRequest(_Record):
    """A new customer's household request: priced on site, then its time confirmed with the resident."""

    id: Id
    resident_id: Id
    unit_id: Id
    service: HouseholdService
    department: Department
    description: str
    channel: Channel  # how the request came: the channel of its orders
    status: RequestStatus = RequestStatus.REQUESTED
    price_cents: int | None = None
    unit_label: str | None = None  # what the price is for: 次 (a visit), 小时 (an hour)
    assessed_by: Id | None = None  # the team leader who priced it on site
    butler_id: Id | None = None  # the butler who was there
    assessed_at: AwareDatetime | None = None
    agreed_at: AwareDatetime | None = None  # hourly cleaning: the time the area's team leader agreed
    assessment_note: str | None = None
    appointment_at: AwareDatetime | None = None
    ticket_id: Id | None = None
    plan_id: Id | None = None
    created_by: Id
    created_at: AwareDatetime


class PlanNote(BaseModel):
    """One line of a plan's history: who paused, changed or ended it, and why."""

    model_config = ConfigDict(extra="forbid")

    at: AwareDatetime
    by: str
    action: str
    note: str | None = None
    data: dict[str, Any] = Field(default_factory=dict)


class Plan(_Record):
    """A resident's monthly plan: its weekly visits at a local time, each visit one work order."""

    id: Id
    resident_id: Id
    unit_id: Id
    service: HouseholdService
    department: Department
    weekdays: list[int]  # ISO weekdays, 1 Monday .. 7 Sunday
    at: time  # local wall-clock time of each visit in the property's timezone
    price_cents: int  # per visit
    starts_on: date
    ends_on: date | None = None
    status: PlanStatus = PlanStatus.ACTIVE
    assignee_id: Id  # the team member each visit is dispatched to
    request_id: Id
    created_at: AwareDatetime
    updated_at: AwareDatetime
    history: list[PlanNote] = Field(default_factory=list)

    def runs_on(self, day: date) -> bool:
        """Whether the plan, as it stands, has a visit on this local day."""
        if self.status is not PlanStatus.ACTIVE or day < self.starts_on:
            return False
        if self.ends_on is not None and day > self.ends_on:
            return False
        return day.isoweekday() in self.weekdays


class Visit(_Record):
    """One visit of a plan (a line of the monthly register), once it was moved or issued."""

    plan_id: Id
    slot: date  # the plan's day of the visit, its key whatever time it was moved to
    at: AwareDatetime  # when the team comes
    day: date  # the local day of `at`
    status: VisitStatus
    ticket_id: Id | None = None
    ticket_number: str | None = None
    moved_from: AwareDatetime | None = None
    note: str | None = None
    issued_at: AwareDatetime | None = None


class _ByIndex(GlobalSecondaryIndex[Any]):  # type: ignore[no-untyped-call]  # PynamoDB: unannotated
    class Meta:
        index_name = "by-index"
        projection = AllProjection()

    ipk = UnicodeAttribute(hash_key=True)
    isk = UnicodeAttribute(range_key=True)


class BookItem(Model):
    """An item of the books table: keys and index keys beside the record's JSON document."""

    class Meta:
        table_name = "unbound"

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    ipk = UnicodeAttribute(null=True)
    isk = UnicodeAttribute(null=True)
    doc = JSONAttribute()
    version = VersionAttribute()
    by_index = _ByIndex()


def _pk(property_id: str) -> str:
    return f"{property_id}#HOUSEHOLD"


def _visits_ipk(property_id: str) -> str:
    return f"{property_id}#HOUSEHOLD#VISITS"


_PREFIX: dict[type[_Record], str] = {PriceItem: "PRICE#", ServiceRequest: "REQUEST#", Plan: "PLAN#", Visit: "VISIT#"}


def _sk(record: _Record) -> str:
    if isinstance(record, Visit):
        return f"VISIT#{record.plan_id}#{record.slot.isoformat()}"
    return _PREFIX[type(record)] + str(record.__dict__["id"])


def _decode[R: _Record](model: type[R], item: BookItem) -> R:
    return model.model_validate({**item.doc, "version": item.version})


class HouseholdBook:
    """Reads and writes of the household book; each listing is one Query of one property."""

    def __init__(self, table_name: str) -> None:
        BookItem.Meta.table_name = table_name
        BookItem._connection = None  # type: ignore[assignment]

    @staticmethod
    def _item(record: _Record, create: bool) -> BookItem:
        item = BookItem(
            pk=_pk(record.property_id),
            sk=_sk(record),
            doc=record.model_dump(mode="json", exclude={"version"}),
        )
        if not create:
            item.version = record.version  # PynamoDB saves only over this version, and counts it up
        if isinstance(record, Visit):
            item.ipk = _visits_ipk(record.property_id)
            item.isk = f"{record.day.isoformat()}#{record.plan_id}#{record.slot.isoformat()}"
        return item

    def save_together(self, updated: _Record, created: M) -> M:
        """Write an update and a new record in one transaction: both, or neither (a 409 when either lost)."""
        items = [self._item(updated, create=False), self._item(created, create=True)]
        try:
            with TransactWrite(connection=Connection()) as tx:
                for item in items:
                    tx.save(item)
        except TransactWriteError as err:
            raise ConcurrentUpdate(f"{_sk(updated)} or {_sk(created)} was written by someone else meanwhile") from err
        return created.model_copy(update={"version": items[1].version})

    def save(self, record: M, *, create: bool = False) -> M:
        """Write the record if nobody wrote it since it was read (or, creating, if it does not exist)."""
        item = self._item(record, create)
        try:
            item.save()
        except PutError as err:
            if err.cause_response_code == "ConditionalCheckFailedException":
                what = "already exists" if create else "was changed by someone else; read it again and retry"
                raise ConcurrentUpdate(f"{type(record).__name__.lower()} {_sk(record)} {what}") from err
            raise
        return record.model_copy(update={"version": item.version})

    def get(self, model: type[M], property_id: str, record_id: str) -> M | None:
        try:
            item = BookItem.get(_pk(property_id), _PREFIX[model] + record_id)
        except BookItem.DoesNotExist:
            return None
        return _decode(model, item)

    def visit(self, property_id: str, plan_id: str, slot: date) -> Visit | None:
        return self.get(Visit, property_id, f"{plan_id}#{slot.isoformat()}")

    def records(self, model: type[M], property_id: str) -> list[M]:
        items = BookItem.query(_pk(property_id), BookItem.sk.startswith(_PREFIX[model]))
        return [_decode(model, i) for i in items]

    def plan_visits(self, property_id: str, plan_id: str, first: date, last: date) -> list[Visit]:
        """A plan's moved or issued visits whose plan day (slot) is in [first, last]."""
        low, high = f"VISIT#{plan_id}#{first.isoformat()}", f"VISIT#{plan_id}#{last.isoformat()}"
        items = BookItem.query(_pk(property_id), BookItem.sk.between(low, high))
        return [_decode(Visit, i) for i in items]

    def visits_between(self, property_id: str, first: date, last: date) -> Iterator[Visit]:
        """Every plan's moved or issued visits that take place on the local days [first, last]."""
        items = BookItem.by_index.query(
            _visits_ipk(property_id), BookItem.isk.between(first.isoformat(), last.isoformat() + "#~")
        )
        for item in items:
            yield _decode(Visit, item)
