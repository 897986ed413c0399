"""The directory: properties, buildings, units, residents and staff, on the directory table."""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel
from pynamodb.exceptions import PutError

from propdesk.dal.items import DirectoryItem
from propdesk.errors import ConcurrentUpdate
from propdesk.models.directory import Building, Property, Resident, Staff, Unit

M = TypeVar("M", bound=BaseModel)

GROUP_PK = "GROUP"
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

    def get(self, model: type[M], property_id: str | None, record_id: str) -> M | None:
        pk = GROUP_PK if model is Property or property_id is None else f"PROPERTY#{property_id}"
        try:
            item = DirectoryItem.get(pk, _PREFIX[model] + record_id)
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
