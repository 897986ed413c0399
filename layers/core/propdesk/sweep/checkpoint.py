"""The sweep's checkpoint: one item per property and day on the tickets table, advanced page by page.

It is the authority on where a property's sweep stands; queue messages only wake a worker up, so a
lost, duplicated or redelivered message can neither skip nor repeat a page's bookkeeping.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from pynamodb.attributes import BooleanAttribute, JSONAttribute, NumberAttribute, UnicodeAttribute
from pynamodb.exceptions import PutError, UpdateError
from pynamodb.expressions.update import Action
from pynamodb.models import Model


class CheckpointItem(Model):
    class Meta:
        table_name = "unbound"

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    property_id = UnicodeAttribute()
    day = UnicodeAttribute()
    as_of = UnicodeAttribute()
    page = NumberAttribute(default=0)
    cursor = UnicodeAttribute(null=True)
    done = BooleanAttribute(default=False)
    counts = JSONAttribute(default=dict)


SK = "SWEEP"


def _pk(property_id: str, day: str) -> str:
    return f"SWEEP#{property_id}#{day}"


@dataclass
class Checkpoint:
    property_id: str
    day: str  # the property's local date, YYYY-MM-DD
    as_of: str  # the scheduled instant every decision of the day is judged at
    page: int = 0
    cursor: str | None = None
    done: bool = False
    counts: dict[str, int] = field(default_factory=dict)


class StaleCheckpoint(Exception):
    """Another worker advanced this property's sweep first; this one stops."""


def _of(item: CheckpointItem) -> Checkpoint:
    counts = dict(item.counts or {})
    return Checkpoint(
        property_id=item.property_id,
        day=item.day,
        as_of=item.as_of,
        page=int(item.page),
        cursor=item.cursor,
        done=bool(item.done),
        counts={k: int(v) for k, v in counts.items()},
    )


class CheckpointStore:
    def __init__(self, table_name: str) -> None:
        CheckpointItem.Meta.table_name = table_name
        CheckpointItem._connection = None  # type: ignore[assignment]

    def get(self, property_id: str, day: str) -> Checkpoint | None:
        try:
            return _of(CheckpointItem.get(_pk(property_id, day), SK, consistent_read=True))
        except CheckpointItem.DoesNotExist:
            return None

    def open(self, property_id: str, day: str, as_of: str) -> Checkpoint:
        """The day's checkpoint, created at page 0 unless it exists (a rerun resumes, never restarts)."""
        item = CheckpointItem(pk=_pk(property_id, day), sk=SK, property_id=property_id, day=day, as_of=as_of)
        try:
            item.save(condition=CheckpointItem.pk.does_not_exist())
        except PutError as err:
            if err.cause_response_code != "ConditionalCheckFailedException":
                raise
            found = self.get(property_id, day)
            assert found is not None
            return found
        return _of(item)

    def advance(self, cp: Checkpoint, cursor: str | None, counts: Mapping[str, int]) -> Checkpoint:
        """Record one finished page, only if nobody recorded it first."""
        item = CheckpointItem(pk=_pk(cp.property_id, cp.day), sk=SK)
        merged = dict(cp.counts)
        for name, value in counts.items():
            merged[name] = merged.get(name, 0) + value
        actions: list[Action] = [
            CheckpointItem.page.set(cp.page + 1),
            CheckpointItem.cursor.set(cursor) if cursor else CheckpointItem.cursor.remove(),
            CheckpointItem.counts.set(merged),
        ]
        try:
            item.update(actions=actions, condition=(CheckpointItem.page == cp.page) & (CheckpointItem.done == False))  # noqa: E712 - a PynamoDB condition, not a comparison
        except UpdateError as err:
            if err.cause_response_code == "ConditionalCheckFailedException":
                raise StaleCheckpoint(f"{cp.property_id} {cp.day} page {cp.page} was already recorded") from err
            raise
        return Checkpoint(cp.property_id, cp.day, cp.as_of, cp.page + 1, cursor, False, merged)

    def finish(self, cp: Checkpoint) -> Checkpoint:
        item = CheckpointItem(pk=_pk(cp.property_id, cp.day), sk=SK)
        item.update(actions=[CheckpointItem.done.set(True)])
        cp.done = True
        return cp
