"""Tickets, their audit events and their number counters, on the tickets table."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pynamodb.connection import Connection
from pynamodb.exceptions import PutError, TransactWriteError, UpdateError
from pynamodb.expressions.condition import Condition
from pynamodb.transactions import TransactWrite

from propdesk.dal.items import (
    NO_DUE,
    ByPropertyCreated,
    ByPropertyStatus,
    CounterItem,
    EventItem,
    TicketItem,
    WorkflowItem,
)
from propdesk.dal.keys import (
    EVENT_PREFIX,
    TICKET_SK,
    WORKFLOW_SK,
    decode_cursor,
    encode_cursor,
    iso_key,
    person_key,
    ticket_pk,
)
from propdesk.errors import ConcurrentUpdate
from propdesk.models.ticket import Ticket, TicketEvent


@dataclass(frozen=True, slots=True)
class Page:
    tickets: list[Ticket]
    cursor: str | None


@dataclass(frozen=True, slots=True)
class WorkflowRecord:
    """The workflow item of one ticket: its execution, the waiting step's token and plan, and what it has seen."""

    execution: str | None = None
    token: str | None = None
    version: int = 0  # the ticket version the waiting step was planned from
    seen_version: int = 0  # the newest version changed by an action that the stream passed on
    step: dict[str, Any] | None = None


def _record(item: WorkflowItem) -> WorkflowRecord:
    return WorkflowRecord(
        execution=item.execution,
        token=item.token,
        version=int(item.version or 0),
        seen_version=int(item.seen_version or 0),
        step=item.step,
    )


def _to_item(ticket: Ticket) -> TicketItem:
    due = ticket.next_due()
    due_key = iso_key(due) if due else NO_DUE
    is_open = ticket.is_open
    item = TicketItem(
        pk=ticket_pk(ticket.id),
        sk=TICKET_SK,
        property_id=ticket.property_id,
        kind=ticket.kind.value,
        status=ticket.status.value,
        created_at=iso_key(ticket.created_at),
        status_due=f"{ticket.status.value}#{due_key}",
        due_key=due_key,
        resident_id=person_key(ticket.property_id, ticket.resident_id) if ticket.resident_id else None,
        assignee_open=person_key(ticket.property_id, ticket.assignee_id) if is_open and ticket.assignee_id else None,
        open_property=ticket.property_id if is_open else None,
        building_id=ticket.building_id,
        # Every write stores the whole document: a key that says nothing (None) is not paid for on each one.
        doc=ticket.model_dump(mode="json", exclude={"version"}, exclude_none=True),
    )
    if ticket.version:
        item.version = ticket.version
    return item


# Workflow fields a ticket carried before the workflow kept its own item; dropped when such a ticket is read.
_RETIRED = ("task_token", "awaiting", "expired_steps", "workflow")


def _from_item(item: TicketItem) -> Ticket:
    doc = {k: v for k, v in item.doc.items() if k not in _RETIRED}
    return Ticket.model_validate({**doc, "version": item.version or 0})


def _from_raw(raw: dict[str, Any]) -> Ticket:
    return _from_item(TicketItem.from_raw_data(raw))


def ticket_from_image(image: dict[str, Any] | None) -> Ticket | None:
    """The ticket in a stream record's image (DynamoDB JSON), read as the store reads it."""
    return _from_raw(image) if image else None


def _event_item(event: TicketEvent, version: int) -> EventItem:
    # The version makes the key unique per change; timeline entries without a
    # version change use a random suffix instead (see add_timeline).
    return EventItem(
        pk=ticket_pk(event.ticket_id),
        sk=f"{EVENT_PREFIX}{iso_key(event.at)}#{version:06d}",
        doc=event.model_dump(mode="json"),
    )


class TicketStore:
    """Every ticket access pattern, each one GetItem, Query or a single transaction."""

    def __init__(self, table_name: str) -> None:
        for model in (TicketItem, EventItem, CounterItem, WorkflowItem):
            model.bind(table_name)
        self._connection = Connection()

    def get(self, ticket_id: str) -> Ticket | None:
        try:
            item = TicketItem.get(ticket_pk(ticket_id), TICKET_SK, consistent_read=True)
        except TicketItem.DoesNotExist:
            return None
        return _from_item(item)

    def next_sequence(self, property_id: str, day: str) -> int:
        """Atomically take the next number of a property's day (UpdateItem ADD)."""
        counter = CounterItem(pk=f"COUNTER#{property_id}#{day}", sk="COUNTER")
        counter.update(actions=[CounterItem.seq.add(1)])
        return int(counter.seq)

    def create(self, ticket: Ticket, event: TicketEvent) -> Ticket:
        item = _to_item(ticket)
        try:
            with TransactWrite(connection=self._connection) as tx:
                tx.save(item, condition=TicketItem.pk.does_not_exist())
                tx.save(_event_item(event, 1), condition=EventItem.pk.does_not_exist())
        except TransactWriteError as err:
            raise ConcurrentUpdate(f"ticket {ticket.id} already exists") from err
        return ticket.model_copy(update={"version": item.version})

    def update(self, ticket: Ticket, events: Sequence[TicketEvent]) -> Ticket:
        """Write the changed ticket and its audit events in one transaction.

        `ticket.version` is the version that was read; the write succeeds only if
        nobody wrote since, and the stored version goes up by exactly one.
        """
        item = _to_item(ticket)
        new_version = ticket.version + 1
        try:
            with TransactWrite(connection=self._connection) as tx:
                tx.save(item)
                for n, event in enumerate(events):
                    tx.save(_event_item(event, new_version * 100 + n), condition=EventItem.pk.does_not_exist())
        except TransactWriteError as err:
            raise ConcurrentUpdate(f"ticket {ticket.id} was changed by someone else; read it again and retry") from err
        return ticket.model_copy(update={"version": new_version})

    def add_timeline(self, event: TicketEvent, suffix: str) -> None:
        """A timeline entry that changes nothing on the ticket (a notification sent, a timer fired)."""
        item = EventItem(
            pk=ticket_pk(event.ticket_id),
            sk=f"{EVENT_PREFIX}{iso_key(event.at)}#{suffix}",
            doc=event.model_dump(mode="json"),
        )
        try:
            item.save(condition=EventItem.sk.does_not_exist())
        except PutError as err:
            if err.cause_response_code != "ConditionalCheckFailedException":
                raise

    def events(self, ticket_id: str) -> list[TicketEvent]:
        items = EventItem.query(ticket_pk(ticket_id), EventItem.sk.startswith(EVENT_PREFIX))
        return [TicketEvent.model_validate(i.doc) for i in items]

    def with_events(self, ticket_id: str) -> tuple[Ticket | None, list[TicketEvent]]:
        """The ticket and its whole audit trail from one Query over its partition (events sort before it)."""
        ticket: Ticket | None = None
        events: list[TicketEvent] = []
        start: dict[str, Any] | None = None
        while True:
            # The model's table connection knows the key schema, so no DescribeTable is ever needed.
            page = TicketItem._get_connection().query(
                ticket_pk(ticket_id), consistent_read=True, exclusive_start_key=start
            )
            for raw in page.get("Items", []):
                if raw["sk"]["S"] == TICKET_SK:
                    ticket = _from_raw(raw)
                elif raw["sk"]["S"].startswith(EVENT_PREFIX):
                    events.append(TicketEvent.model_validate(EventItem.from_raw_data(raw).doc))
            start = page.get("LastEvaluatedKey")
            if not start:
                return ticket, events

    # ---- the workflow's item: conditional UpdateItems, never the ticket's version --------

    def workflow(self, ticket_id: str) -> WorkflowRecord | None:
        try:
            return _record(WorkflowItem.get(ticket_pk(ticket_id), WORKFLOW_SK, consistent_read=True))
        except WorkflowItem.DoesNotExist:
            return None

    def see(self, ticket_id: str, version: int) -> WorkflowRecord | None:
        """Record that the workflow is told of ticket version `version`; the item as it now stands, or None
        when a newer version was already passed on (that one's delivery tells the workflow instead)."""
        item = WorkflowItem(ticket_pk(ticket_id), WORKFLOW_SK)
        seen = WorkflowItem.seen_version
        try:
            # <= rather than <: a redelivered record (its handler died before telling) passes again.
            item.update(actions=[seen.set(version)], condition=seen.does_not_exist() | (seen <= version))
        except UpdateError as err:
            if err.cause_response_code == "ConditionalCheckFailedException":
                return None
            raise
        return _record(item)

    def store_step(self, ticket_id: str, execution: str, token: str, version: int, step: dict[str, Any]) -> bool:
        """Store the waiting step planned from ticket version `version`; False when a newer change was seen
        meanwhile, so that the plan is already out of date."""
        item = WorkflowItem(ticket_pk(ticket_id), WORKFLOW_SK)
        seen = WorkflowItem.seen_version
        try:
            item.update(
                actions=[
                    WorkflowItem.execution.set(execution),
                    WorkflowItem.token.set(token),
                    WorkflowItem.version.set(version),
                    WorkflowItem.step.set(step),
                ],
                condition=seen.does_not_exist() | (seen <= version),
            )
        except UpdateError as err:
            if err.cause_response_code == "ConditionalCheckFailedException":
                return False
            raise
        return True

    def hand_over(self, ticket_id: str, old_execution: str, new_execution: str) -> bool:
        """Name the execution that continues the ticket's workflow, so that nobody starts another while the
        new one plans its first step; False when the item already moved on (the new one stored its step)."""
        item = WorkflowItem(ticket_pk(ticket_id), WORKFLOW_SK)
        try:
            item.update(
                actions=[WorkflowItem.execution.set(new_execution), WorkflowItem.token.remove()],
                condition=WorkflowItem.execution == old_execution,
            )
        except UpdateError as err:
            if err.cause_response_code == "ConditionalCheckFailedException":
                return False
            raise
        return True

    def advance(self, ticket_id: str, token: str, version: int) -> None:
        """The waiting step's plan still holds at `version` (a comment, an urge): note it, keep waiting."""
        item = WorkflowItem(ticket_pk(ticket_id), WORKFLOW_SK)
        try:
            item.update(
                actions=[WorkflowItem.version.set(version)],
                condition=(WorkflowItem.token == token) & (WorkflowItem.version < version),
            )
        except UpdateError as err:
            if err.cause_response_code != "ConditionalCheckFailedException":
                raise

    # ---- listings: one Query each, one request per page -------------------------

    def _page(
        self,
        index: Any,
        index_name: str,
        hash_attr: str,
        hash_value: str,
        range_condition: Condition | None,
        filter_condition: Condition | None,
        limit: int,
        cursor: str | None,
        newest_first: bool,
    ) -> Page:
        start = decode_cursor(cursor, index_name, hash_attr, hash_value)
        result = index.query(
            hash_value,
            range_condition,
            filter_condition=filter_condition,
            page_size=limit,
            last_evaluated_key=start,
            scan_index_forward=not newest_first,
        )
        page = next(result.page_iter)
        tickets = [_from_raw(raw) for raw in page.get("Items", [])]
        return Page(tickets, encode_cursor(index_name, result.page_iter.last_evaluated_key))

    def by_resident(
        self, property_id: str, resident_id: str, limit: int, cursor: str | None, flt: Condition | None
    ) -> Page:
        """A resident's tickets, newest first; keyed by property and resident, so ids may repeat across properties."""
        key = person_key(property_id, resident_id)
        return self._page(TicketItem.by_resident, "by-resident", "resident_id", key, None, flt, limit, cursor, True)

    def by_property_status(
        self, property_id: str, status: str, limit: int, cursor: str | None, flt: Condition | None
    ) -> Page:
        cond = ByPropertyStatus.status_due.startswith(f"{status}#")
        return self._page(
            TicketItem.by_property_status,
            "by-property-status",
            "property_id",
            property_id,
            cond,
            flt,
            limit,
            cursor,
            False,
        )

    def by_property_created(
        self,
        property_id: str,
        since: datetime | None,
        until: datetime | None,
        limit: int,
        cursor: str | None,
        flt: Condition | None,
    ) -> Page:
        attr = ByPropertyCreated.created_at
        cond: Condition | None = None
        if since and until:
            cond = attr.between(iso_key(since), iso_key(until))
        elif since:
            cond = attr >= iso_key(since)
        elif until:
            cond = attr <= iso_key(until)
        return self._page(
            TicketItem.by_property_created,
            "by-property-created",
            "property_id",
            property_id,
            cond,
            flt,
            limit,
            cursor,
            True,
        )

    def open_by_assignee(
        self, property_id: str, assignee_id: str, limit: int, cursor: str | None, flt: Condition | None
    ) -> Page:
        """A person's open work in one property, soonest due first."""
        return self._page(
            TicketItem.by_assignee_open,
            "by-assignee-open",
            "assignee_open",
            person_key(property_id, assignee_id),
            None,
            flt,
            limit,
            cursor,
            False,
        )

    def open_by_due(self, property_id: str, limit: int, cursor: str | None) -> Page:
        """Unfinished tickets of a property, soonest due first (the end-of-day sweep)."""
        return self._page(
            TicketItem.open_by_due, "open-by-due", "open_property", property_id, None, None, limit, cursor, False
        )

    def open_in_buildings(self, property_id: str, building_ids: Sequence[str], limit: int, cursor: str | None) -> Page:
        """Unfinished tickets of some buildings of a property (a zone), soonest due first; one Query a page."""
        flt = TicketItem.building_id.is_in(*building_ids)
        return self._page(
            TicketItem.open_by_due, "open-by-due", "open_property", property_id, None, flt, limit, cursor, False
        )

    def iter_created(self, property_id: str, since: datetime, until: datetime) -> Iterator[Ticket]:
        """Stream a property's tickets created in [since, until] (reports); flat memory."""
        attr = ByPropertyCreated.created_at
        for item in TicketItem.by_property_created.query(
            property_id, attr.between(iso_key(since), iso_key(until)), page_size=200
        ):
            yield _from_item(item)


def kind_filter(kind: str | None) -> Condition | None:
    return TicketItem.kind == kind if kind else None


def status_filter(status: str | None) -> Condition | None:
    return TicketItem.status == status if status else None


def combine(*conditions: Condition | None) -> Condition | None:
    result: Condition | None = None
    for cond in conditions:
        if cond is None:
            continue
        result = cond if result is None else result & cond
    return result


__all__ = [
    "Page",
    "TicketStore",
    "UpdateError",
    "WorkflowRecord",
    "combine",
    "kind_filter",
    "status_filter",
    "ticket_from_image",
]
