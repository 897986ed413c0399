"""A ticket (工单) and the audit events of its life."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from propdesk.models.common import Cents, Id, Quantity
from propdesk.models.enums import (
    FINAL_STATUSES,
    Area,
    Channel,
    CoordinationKind,
    Department,
    Language,
    Role,
    Severity,
    Status,
    TicketKind,
)


class SlaTarget(BaseModel):
    """One timer of DOMAIN.md on one ticket: when it is due and how it ended."""

    model_config = ConfigDict(extra="forbid")

    name: str
    started_at: AwareDatetime
    due_at: AwareDatetime
    met_at: AwareDatetime | None = None
    breached: bool = False
    breach_seconds: int = 0
    paused_seconds: int = 0

    @property
    def open(self) -> bool:
        return self.met_at is None


class Materials(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=100)
    quantity: Quantity = Field(gt=0, le=10_000)
    unit_price_cents: Cents = 0


class SubTask(BaseModel):
    """A department's part of a valid complaint; the callback waits for all of them."""

    model_config = ConfigDict(extra="forbid")

    department: Department
    status: str = "open"  # open | done | rejected
    due_at: AwareDatetime | None = None
    note: str | None = None
    resolved_at: AwareDatetime | None = None


class Attachment(BaseModel):
    model_config = ConfigDict(extra="forbid")

    key: str
    purpose: str  # resident | before | after | signature
    content_type: str
    uploaded_by: str
    at: AwareDatetime


class ProgressReport(BaseModel):
    """The butler's last progress report to the desk (管家汇报): what was done, what is next."""

    model_config = ConfigDict(extra="forbid")

    done: str
    next: str
    by: str
    at: AwareDatetime
    on_time: bool  # made by the every-4-desk-hours due it answered


class TimeDemand(BaseModel):
    """A resident's demand for a specific time: recorded by the desk, decided by a supervisor."""

    model_config = ConfigDict(extra="forbid")

    wanted_at: AwareDatetime
    recorded_by: str
    recorded_at: AwareDatetime
    status: str = "pending"  # pending | approved | proposed (another time)
    decided_at: AwareDatetime | None = None  # the time agreed: the wanted one, or the supervisor's proposal
    decided_by: str | None = None
    note: str | None = None


class Ticket(BaseModel):
    """Everything the desk records about one reported matter."""

    model_config = ConfigDict(extra="forbid")

    id: Id
    number: str
    property_id: Id
    kind: TicketKind
    channel: Channel
    status: Status
    description: str
    title: str | None = None
    area: Area = Area.IN_UNIT
    building_id: Id | None = None
    unit_id: Id | None = None
    resident_id: Id | None = None
    linked_ticket_id: Id | None = None  # the open ticket a new matter was raised beside (a callback, an SMS)
    contact_name: str | None = None
    contact_phone: str | None = None
    language: Language = Language.ZH_CN
    preferred_time: AwareDatetime | None = None
    category: str | None = None
    paid: bool = False
    department: Department | None = None
    assignee_id: Id | None = None
    appointment_at: AwareDatetime | None = None
    quote_cents: int | None = None
    # Household work priced before the order (a monthly plan's visit, an on-site assessment): no quote on site.
    price_agreed: bool = False
    fee_cents: int | None = None
    materials: list[Materials] = Field(default_factory=list)
    completion_notes: str | None = None
    answer: str | None = None  # 答复: the last answer the resident was sent to an inquiry or suggestion
    rating: int | None = None  # the resident's rating at sign-off, 1-5
    satisfaction: int | None = None  # recorded by the callback, 1-5
    invalid_reason: str | None = None
    contractor_deadline: AwareDatetime | None = None
    subtasks: list[SubTask] = Field(default_factory=list)
    attachments: list[Attachment] = Field(default_factory=list)
    sla: dict[str, SlaTarget] = Field(default_factory=dict)
    paused_seconds: int = 0
    paused_since: AwareDatetime | None = None
    urge_count: int = 0
    coordination_opened_at: AwareDatetime | None = None
    coordination_failed_plans: int = 0
    coordination_kind: CoordinationKind | None = None  # None: followed up every 3 days, as DOMAIN.md says
    severity: Severity = Severity.NORMAL  # complaints: a major one goes to the manager at once
    major_since: AwareDatetime | None = None  # when the complaint was judged major (and the manager told)
    last_report: ProgressReport | None = None
    time_demand: TimeDemand | None = None
    coordination_reason: str | None = None  # why the order could not be finished in time, as the sheet says
    # Bumped by every action taken through the lifecycle (people, intake, the sweep), never by the workflow's
    # own writes: a person's write is refused only when this moved since it was read.
    person_version: int = 0
    last_action: str | None = None  # the action of that change, which the stream tells the workflow about
    last_action_at: AwareDatetime | None = None
    created_by: str
    # Set when a call-centre agent recorded the order (its first response is accept & inspect, whatever
    # the channel); other recorders are in the audit trail. Left out of the stored document when unset.
    recorded_by: Role | None = None
    created_at: AwareDatetime
    updated_at: AwareDatetime
    dispatched_at: AwareDatetime | None = None
    completed_at: AwareDatetime | None = None
    closed_at: AwareDatetime | None = None
    version: int = 0

    @property
    def is_open(self) -> bool:
        return self.status not in FINAL_STATUSES

    def next_due(self) -> datetime | None:
        """The earliest open SLA target: what the queues sort by."""
        due = [t.due_at for t in self.sla.values() if t.open]
        return min(due) if due else None


class TicketEvent(BaseModel):
    """One line of the audit trail: who did what, when, and what it changed."""

    model_config = ConfigDict(extra="forbid")

    ticket_id: Id
    at: AwareDatetime
    actor_id: str
    actor_role: Role
    action: str
    from_status: Status | None = None
    to_status: Status | None = None
    note: str | None = None
    data: dict[str, Any] = Field(default_factory=dict)
