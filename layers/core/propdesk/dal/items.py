"""Stored items (PynamoDB) for the tickets and directory tables declared in template.yaml.

The domain model travels as one JSON document (`doc`); the attributes beside it
are keys and index keys, derived from the document on every write.
"""

from __future__ import annotations

from typing import Any, ClassVar

from pynamodb.attributes import JSONAttribute, NumberAttribute, UnicodeAttribute, VersionAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

NO_DUE = "9999-12-31T23:59:59Z"  # sorts after every real due time


class _Bindable(Model):
    """A model whose table name is set at cold start from the function's settings."""

    class Meta:
        table_name = "unbound"

    @classmethod
    def bind(cls, table_name: str) -> None:
        cls.Meta.table_name = table_name
        cls._connection = None  # type: ignore[assignment]


class ByResident(GlobalSecondaryIndex[Any]):
    class Meta:
        index_name = "by-resident"
        projection = AllProjection()

    resident_id = UnicodeAttribute(hash_key=True)
    created_at = UnicodeAttribute(range_key=True)


class ByPropertyStatus(GlobalSecondaryIndex[Any]):
    class Meta:
        index_name = "by-property-status"
        projection = AllProjection()

    property_id = UnicodeAttribute(hash_key=True)
    status_due = UnicodeAttribute(range_key=True)


class ByAssigneeOpen(GlobalSecondaryIndex[Any]):
    class Meta:
        index_name = "by-assignee-open"
        projection = AllProjection()

    assignee_open = UnicodeAttribute(hash_key=True)
    due_key = UnicodeAttribute(range_key=True)


class ByPropertyCreated(GlobalSecondaryIndex[Any]):
    class Meta:
        index_name = "by-property-created"
        projection = AllProjection()

    property_id = UnicodeAttribute(hash_key=True)
    created_at = UnicodeAttribute(range_key=True)


class OpenByDue(GlobalSecondaryIndex[Any]):
    """Sparse: only unfinished tickets carry open_property, so the sweep reads only them."""

    class Meta:
        index_name = "open-by-due"
        projection = AllProjection()

    open_property = UnicodeAttribute(hash_key=True)
    due_key = UnicodeAttribute(range_key=True)


class TicketItem(_Bindable):
    class Meta:
        table_name = "unbound"

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    property_id = UnicodeAttribute()
    kind = UnicodeAttribute()
    status = UnicodeAttribute()
    created_at = UnicodeAttribute()
    status_due = UnicodeAttribute()
    due_key = UnicodeAttribute()
    # Index keys of people are "property#person" (keys.person_key): ids repeat across properties.
    resident_id = UnicodeAttribute(null=True)
    assignee_open = UnicodeAttribute(null=True)
    open_property = UnicodeAttribute(null=True)
    building_id = UnicodeAttribute(null=True)  # beside the document so a zone's listing can filter on it
    doc = JSONAttribute()
    version = VersionAttribute()

    by_resident: ClassVar[ByResident] = ByResident()
    by_property_status: ClassVar[ByPropertyStatus] = ByPropertyStatus()
    by_assignee_open: ClassVar[ByAssigneeOpen] = ByAssigneeOpen()
    by_property_created: ClassVar[ByPropertyCreated] = ByPropertyCreated()
    open_by_due: ClassVar[OpenByDue] = OpenByDue()


class EventItem(_Bindable):
    """An audit or timeline entry; lives under its ticket's partition."""

    class Meta:
        table_name = "unbound"

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    doc = JSONAttribute()


class WorkflowItem(_Bindable):
    """The workflow's bookkeeping for one ticket, beside it in its partition (sk WORKFLOW).

    Kept apart so that storing a step never changes the ticket a person's action is checked against.
    `version` is the ticket version the waiting step was planned from; `seen_version` the newest version
    changed by an action that the stream has told the workflow about.
    """

    class Meta:
        table_name = "unbound"

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    execution = UnicodeAttribute(null=True)
    token = UnicodeAttribute(null=True)
    version = NumberAttribute(null=True)
    seen_version = NumberAttribute(null=True)
    step = JSONAttribute(null=True)


class CounterItem(_Bindable):
    """The per-property, per-day ticket number sequence."""

    class Meta:
        table_name = "unbound"

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    seq = NumberAttribute(default=0)


class ByUser(GlobalSecondaryIndex[Any]):
    class Meta:
        index_name = "by-user"
        projection = AllProjection()

    user_sub = UnicodeAttribute(hash_key=True)


class ByPhone(GlobalSecondaryIndex[Any]):
    class Meta:
        index_name = "by-phone"
        projection = AllProjection()

    phone = UnicodeAttribute(hash_key=True)


class DirectoryItem(_Bindable):
    """Properties (pk GROUP), and buildings, units, residents and staff (pk PROPERTY#id)."""

    class Meta:
        table_name = "unbound"

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    user_sub = UnicodeAttribute(null=True)
    phone = UnicodeAttribute(null=True)
    doc = JSONAttribute()

    by_user: ClassVar[ByUser] = ByUser()
    by_phone: ClassVar[ByPhone] = ByPhone()
