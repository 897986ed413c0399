"""Response bodies: what a caller sees of a ticket, mapped explicitly from the domain."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict

from propdesk import lifecycle
from propdesk.access import Principal
from propdesk.dal.tickets import Page
from propdesk.models.ticket import (
    Attachment,
    Materials,
    ProgressReport,
    SlaTarget,
    SubTask,
    Ticket,
    TicketEvent,
    TimeDemand,
)


class TicketView(BaseModel):
    model_config = ConfigDict(extra="ignore")

    id: str
    number: str
    property_id: str
    kind: str
    channel: str
    status: str
    title: str | None
    description: str
    area: str
    building_id: str | None
    unit_id: str | None
    resident_id: str | None
    linked_ticket_id: str | None = None
    contact_name: str | None
    language: str
    preferred_time: datetime | None
    category: str | None
    paid: bool
    department: str | None
    assignee_id: str | None
    appointment_at: datetime | None
    quote_cents: int | None
    fee_cents: int | None
    materials: list[Materials]
    rating: int | None
    satisfaction: int | None
    invalid_reason: str | None
    answer: str | None = None  # the answer the resident was sent (an inquiry, a suggestion)
    subtasks: list[SubTask]
    attachments: list[Attachment]
    sla: dict[str, SlaTarget]
    urge_count: int
    coordination_opened_at: datetime | None
    coordination_kind: str | None = None
    severity: str = "normal"
    last_report: ProgressReport | None = None  # the butler's last progress report, as the desk sees it
    time_demand: TimeDemand | None = None
    created_at: datetime
    updated_at: datetime
    completed_at: datetime | None
    closed_at: datetime | None
    version: int
    allowed_actions: list[str]

    @classmethod
    def of(cls, ticket: Ticket, principal: Principal, callback_all: bool) -> TicketView:
        """Only the declared fields leave the server: task tokens, phone numbers and internals stay."""
        allowed = [a.value for a in lifecycle.allowed_actions(ticket, principal.role, callback_all)]
        return cls.model_validate({**ticket.model_dump(), "allowed_actions": allowed})


class TicketPage(BaseModel):
    items: list[TicketView]
    cursor: str | None

    @classmethod
    def of(cls, page: Page, principal: Principal, callback_all: Callable[[str], bool]) -> TicketPage:
        items = [TicketView.of(t, principal, callback_all(t.property_id)) for t in page.tickets]
        return cls(items=items, cursor=page.cursor)


class EventView(BaseModel):
    at: datetime
    actor_id: str
    actor_role: str
    action: str
    from_status: str | None
    to_status: str | None
    note: str | None
    data: dict[str, Any]

    @classmethod
    def of(cls, event: TicketEvent) -> EventView:
        return cls(**event.model_dump(exclude={"ticket_id"}))


class AuditTrail(BaseModel):
    ticket_id: str
    events: list[EventView]


class UploadView(BaseModel):
    upload_url: str
    key: str
    content_type: str
    expires_in: int
