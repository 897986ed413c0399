"""Inputs of each use case. Each model carries only what its caller may set; unknown fields are rejected."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, Strict, StringConstraints, model_validator

from propdesk.models.common import Cents, Flag, Id, Instant, LongText, Name, ShortText
from propdesk.models.enums import Area, Channel, CoordinationKind, Department, Language, Severity, TicketKind
from propdesk.models.ticket import Materials
from propdesk.phones import PhoneText

Note = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=1000)]
Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=1000)]
Rating = Annotated[int, Strict(), Field(ge=1, le=5)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class ResidentTicketRequest(_Strict):
    """A resident reporting a matter for their own unit (the unit comes from the directory)."""

    kind: Literal[
        TicketKind.REPAIR,
        TicketKind.COMPLAINT,
        TicketKind.INQUIRY,
        TicketKind.SUGGESTION,
        TicketKind.HOUSEHOLD_SERVICE,
        TicketKind.WARRANTY,
    ] = TicketKind.REPAIR
    description: LongText
    title: ShortText | None = None
    area: Area = Area.IN_UNIT
    preferred_time: Instant | None = None


class StaffTicketRequest(_Strict):
    """A desk or call-centre agent recording a matter on behalf of a resident, or a self-inspection."""

    kind: TicketKind
    channel: Channel
    description: LongText
    title: ShortText | None = None
    area: Area = Area.IN_UNIT
    resident_id: Id | None = None
    unit_id: Id | None = None
    building_id: Id | None = None
    contact_name: Name | None = None
    contact_phone: PhoneText | None = None  # as the caller gave it; E.164 by the property's country once known
    language: Language | None = None
    preferred_time: Instant | None = None
    linked_ticket_id: Id | None = None  # a new matter raised during a callback: the ticket called back

    @model_validator(mode="after")
    def _who_or_where(self) -> StaffTicketRequest:
        if self.area is Area.IN_UNIT and not (self.resident_id or self.unit_id):
            raise ValueError("an in-unit matter needs resident_id or unit_id")
        if self.channel is Channel.SMS:
            raise ValueError("SMS tickets come from the SMS webhook, not from this route")
        return self


class NoteInput(_Strict):
    note: Note | None = None


class ReasonInput(_Strict):
    reason: Reason


class IdentifyInput(_Strict):
    """The desk names who sent an SMS from an unknown number: a resident, or a unit and a name."""

    resident_id: Id | None = None
    unit_id: Id | None = None
    contact_name: Name | None = None
    language: Language | None = None
    note: Note | None = None


class ClassifyInput(_Strict):
    kind: TicketKind | None = None
    category: ShortText | None = None
    area: Area | None = None
    paid: Flag | None = None
    department: Department | None = None
    severity: Severity | None = None  # complaints only
    note: Note | None = None


class DispatchInput(_Strict):
    department: Department | None = None
    assignee_id: Id | None = None
    departments: list[Department] | None = Field(default=None, min_length=1, max_length=5)
    note: Note | None = None

    @model_validator(mode="after")
    def _someone(self) -> DispatchInput:
        if not (self.department or self.assignee_id or self.departments):
            raise ValueError("dispatch needs a department, an assignee_id, or departments (complaints)")
        return self


class AppointmentInput(_Strict):
    appointment_at: Instant
    note: Note | None = None


class QuoteInput(_Strict):
    amount_cents: Annotated[int, Strict(), Field(gt=0, le=100_000_000)]
    note: Note | None = None


class RouteInput(_Strict):
    contractor_id: Id
    deadline: Instant
    note: Note | None = None


class CompleteInput(_Strict):
    materials: list[Materials] = Field(default_factory=list, max_length=50)
    fee_cents: Cents | None = None
    notes: Note | None = None


class ResolveSubtaskInput(_Strict):
    department: Department
    outcome: Literal["done", "rejected"]
    note: Note | None = None


class SignOffInput(_Strict):
    rating: Rating | None = None
    signature_key: Annotated[str, StringConstraints(max_length=300)] | None = None
    note: Note | None = None


class CallbackInput(_Strict):
    satisfaction: Rating
    notes: Note | None = None


class BookAddition(_Strict):
    """The manager's answer kept in the property's book in the same step (补充《答客问》)."""

    category: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40)]
    tags: list[Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=30)]] = Field(
        default_factory=list, max_length=10
    )
    question: Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=120)] | None = None


class AnswerInput(_Strict):
    """An answer written, or cited from the knowledge base by `entry_id` (sent in the resident's language).

    Outcomes: answered (an inquiry), adopted or declined (a suggestion), escalated (to the manager), done
    (an adopted suggestion carried out)."""

    answer: LongText | None = None
    entry_id: Id | None = None
    outcome: Literal["answered", "adopted", "declined", "escalated", "done"] = "answered"
    add_to_book: BookAddition | None = None

    @model_validator(mode="after")
    def _said_or_cited(self) -> AnswerInput:
        if not (self.answer or self.entry_id):
            raise ValueError("give the answer, or the entry_id of the knowledge base's answer")
        if self.answer and self.entry_id:
            raise ValueError("give the answer or an entry_id, not both")
        if self.add_to_book and not self.answer:
            raise ValueError("add_to_book keeps a written answer; a cited one is in the book already")
        return self


class CoordinateInput(_Strict):
    owner_id: Id | None = None
    kind: CoordinationKind | None = None  # communication sheets: every 3 days; the others at least weekly
    note: Note | None = None


class ProgressReportInput(_Strict):
    """The butler's progress report (管家汇报)."""

    done: LongText
    next: LongText


class TimeDemandInput(_Strict):
    """The time the resident demands, as the desk records it; the supervisor decides it."""

    wanted_at: Instant
    note: Note | None = None


class TimeDecisionInput(_Strict):
    """The supervisor's decision: approve the wanted time, or propose another."""

    decision: Literal["approve", "propose"]
    proposed_at: Instant | None = None
    note: Note | None = None

    @model_validator(mode="after")
    def _time_for_a_proposal(self) -> TimeDecisionInput:
        if self.decision == "propose" and self.proposed_at is None:
            raise ValueError("a proposal needs proposed_at")
        if self.decision == "approve" and self.proposed_at is not None:
            raise ValueError("an approval takes the wanted time; leave proposed_at out")
        return self


class CloseInput(_Strict):
    reason: Reason | None = None


class CommentInput(_Strict):
    text: LongText


class AttachmentRequest(_Strict):
    purpose: Literal["resident", "before", "after", "signature"]
    content_type: Literal["image/jpeg", "image/png", "image/heic", "image/webp"]


__all__ = [
    "AnswerInput",
    "AppointmentInput",
    "AttachmentRequest",
    "BookAddition",
    "CallbackInput",
    "Cents",
    "ClassifyInput",
    "CloseInput",
    "CommentInput",
    "CompleteInput",
    "CoordinateInput",
    "DispatchInput",
    "IdentifyInput",
    "NoteInput",
    "ProgressReportInput",
    "QuoteInput",
    "ReasonInput",
    "ResidentTicketRequest",
    "ResolveSubtaskInput",
    "RouteInput",
    "SignOffInput",
    "StaffTicketRequest",
    "TimeDecisionInput",
    "TimeDemandInput",
]


class AttachInput(_Strict):
    """Internal: an attachment the API has presigned, recorded on the ticket."""

    key: Annotated[str, StringConstraints(min_length=1, max_length=300)]
    purpose: Literal["resident", "before", "after", "signature"]
    content_type: str


class IdentifiedInput(_Strict):
    """Internal: the sender as found in the directory, applied to the ticket by `identify`."""

    resident_id: Id | None = None
    unit_id: Id | None = None
    building_id: Id | None = None
    contact_name: Name | None = None
    language: Language | None = None
    note: Note | None = None
