"""The directory: properties, buildings, units, residents and staff, on the directory table."""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel
from pynamodb.connection import Connection
from pynamodb.exceptions import PutError, TransactWriteError
from pynamodb.transactions import TransactWrite

from propdesk.dal.items import DirectoryItem
from propdesk.errors import ConcurrentUpdate, InvalidRequest
from propdesk.models.directory import Building, Property, Resident, Staff, Unit

M = TypeVar("M", bound=BaseModel)

GROUP_PK = "GROUP"
NUMBER_PREFIX = "NUMBER#"  # a property's receiving number, claimed by one property at a time
_PREFIX: dict[type[BaseModel], str] = {
    Property: "PROPERTY#",
    Building: "BUILDING#",
    Unit: "UNIT#",
    Resident: "RESIDENT#",
    Staff: "STAFF#",
}
_BY_PREFIX = {prefix: model for model, prefix in _PREFIX.items()}


def _pk(record: BaseModel) -> str:
    if isinstance(record, Property):
        return GROUP_PK
    property_id = getattr(record, "property_id", None)
    return f"PROPERTY#{property_id}" if property_id else GROUP_PK


def _record_id(record: BaseModel) -> str:
    return str(record.__dict__["id"])


def _decode(item: DirectoryItem) -> BaseModel:
    prefix = item.sk.split("#", 1)[0] + "#"
    return _BY_PREFIX[prefix].model_validate(item.doc)


class DirectoryStore:
    def __init__(self, table_name: str) -> None:
        DirectoryItem.bind(table_name)

    def put(self, record: M, *, create: bool) -> M:
        if isinstance(record, Property):
            return self.save_property(record, create=create)  # type: ignore[return-value]
        item = DirectoryItem(
            pk=_pk(record),
            sk=_PREFIX[type(record)] + _record_id(record),
            user_sub=getattr(record, "user_sub", None),
            phone=getattr(record, "phone", None),
            doc=record.model_dump(mode="json"),
        )
        condition = DirectoryItem.pk.does_not_exist() if create else DirectoryItem.pk.exists()
        try:
            item.save(condition=condition)
        except PutError as err:
            if err.cause_response_code == "ConditionalCheckFailedException":
                what = "already exists" if create else "does not exist"
                raise ConcurrentUpdate(f"{type(record).__name__.lower()} {_record_id(record)} {what}") from err
            raise
        return record

    def save_property(self, prop: Property, *, create: bool) -> Property:
        """The property and the claims on its receiving numbers, in one transaction: a number belongs to one."""
        old = None if create else self.get(Property, None, prop.id)
        if not create and old is None:
            raise ConcurrentUpdate(f"property {prop.id} does not exist")
        before = set(old.numbers) if old else set()
        added = [n for n in prop.numbers if n not in before]
        item = DirectoryItem(pk=GROUP_PK, sk=_PREFIX[Property] + prop.id, doc=prop.model_dump(mode="json"))
        try:
            with TransactWrite(connection=Connection()) as tx:
                exists = DirectoryItem.pk.does_not_exist() if create else DirectoryItem.pk.exists()
                tx.save(item, condition=exists)
                for number in added:
                    claim = DirectoryItem(pk=GROUP_PK, sk=NUMBER_PREFIX + number, doc={"property_id": prop.id})
                    tx.save(claim, condition=DirectoryItem.pk.does_not_exist())
                for number in before - set(prop.numbers):
                    tx.delete(DirectoryItem(pk=GROUP_PK, sk=NUMBER_PREFIX + number))
        except TransactWriteError as err:
            reasons = [getattr(r, "code", None) for r in (err.cancellation_reasons or [])]
            if any(code == "ConditionalCheckFailed" for code in reasons[1:]):
                taken = [n for n, code in zip(added, reasons[1:], strict=False) if code == "ConditionalCheckFailed"]
                raise InvalidRequest(
                    "a receiving number already belongs to another property",
                    details=[{"field": "numbers", "problem": f"{n} belongs to another property"} for n in taken],
                ) from err
            what = "already exists" if create else "does not exist"
            raise ConcurrentUpdate(f"property {prop.id} {what}") from err
        return prop

    def property_of_number(self, number: str) -> str | None:
        """The property whose receiving number this is (one GetItem), or None."""
        try:
            item = DirectoryItem.get(GROUP_PK, NUMBER_PREFIX + number)
        except DirectoryItem.DoesNotExist:
            return None
        return str(item.doc["property_id"])

    def get(self, model: type[M], property_id: str | None, record_id: str, *, consistent: bool = False) -> M | None:
        pk = GROUP_PK if model is Property or property_id is None else f"PROPERTY#{property_id}"
        try:
            item = DirectoryItem.get(pk, _PREFIX[model] + record_id, consistent_read=consistent)
        except DirectoryItem.DoesNotExist:
            return None
        return model.model_validate(item.doc)

    def list_records(self, model: type[M], property_id: str | None) -> list[M]:
        pk = GROUP_PK if model is Property or property_id is None else f"PROPERTY#{property_id}"
        items = DirectoryItem.query(pk, DirectoryItem.sk.startswith(_PREFIX[model]))
        return [model.model_validate(i.doc) for i in items]

    def by_user(self, user_sub: str) -> list[Resident | Staff]:
        found: list[Any] = [_decode(i) for i in DirectoryItem.by_user.query(user_sub)]
        return [r for r in found if isinstance(r, Resident | Staff)]

    def by_phone(self, phone: str) -> list[Resident | Staff]:
        found: list[Any] = [_decode(i) for i in DirectoryItem.by_phone.query(phone)]
        return [r for r in found if isinstance(r, Resident | Staff)]
