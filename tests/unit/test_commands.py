"""Use-case inputs: each carries only what its caller may set, and refuses the rest by field name."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from pydantic import ValidationError

from propdesk.logic import commands as c
from propdesk.models.enums import Area, Channel, TicketKind


def fields_of(err: ValidationError) -> set[str]:
    return {".".join(str(p) for p in e["loc"]) for e in err.errors()}


def refuses(model: type, body: dict, field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        model.model_validate(body)
    assert field in fields_of(caught.value) or (field == "" and caught.value.errors()), fields_of(caught.value)


def test_resident_request_defaults():
    req = c.ResidentTicketRequest.model_validate({"description": "  厨房漏水  "})
    assert (req.kind, req.area, req.description) == (TicketKind.REPAIR, Area.IN_UNIT, "厨房漏水")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "description"),
        ({"description": ""}, "description"),
        ({"description": "   "}, "description"),
        ({"description": "x" * 2001}, "description"),
        ({"description": 5}, "description"),
        ({"description": "x", "title": "t" * 201}, "title"),
        ({"description": "x", "kind": "quick_task"}, "kind"),  # residents cannot report radio jobs
        ({"description": "x", "kind": "plumbing"}, "kind"),
        ({"description": "x", "area": "garden"}, "area"),
        ({"description": "x", "preferred_time": "2026-02-30T10:00:00+08:00"}, "preferred_time"),
        ({"description": "x", "preferred_time": "2026-12-01T10:00:00"}, "preferred_time"),  # naive
        ({"description": "x", "preferred_time": "soon"}, "preferred_time"),
        # staff-only fields do not exist on a resident's request
        ({"description": "x", "paid": True}, "paid"),
        ({"description": "x", "channel": "phone"}, "channel"),
        ({"description": "x", "resident_id": "smith"}, "resident_id"),
        ({"description": "x", "unit_id": "U102"}, "unit_id"),
        ({"description": "x", "assignee_id": "tech"}, "assignee_id"),
        ({"description": "x", "status": "closed"}, "status"),
        ({"description": "x", "contact_phone": "+8613800000001"}, "contact_phone"),
    ],
)
def test_resident_request_refusals(body, field):
    refuses(c.ResidentTicketRequest, body, field)


def test_staff_request():
    req = c.StaffTicketRequest.model_validate(
        {
            "kind": "repair",
            "channel": "phone",
            "description": "x",
            "resident_id": "zhang",
            "contact_phone": "+8613800000001",
        }
    )
    assert req.channel is Channel.PHONE
    public = c.StaffTicketRequest.model_validate(
        {"kind": "quick_task", "channel": "self_inspection", "description": "x", "area": "public"}
    )
    assert public.resident_id is None


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"kind": "repair", "channel": "phone", "description": "x"}, ""),  # in-unit needs who or where
        ({"kind": "repair", "channel": "sms", "description": "x", "unit_id": "U1"}, ""),  # SMS is the webhook's
        (
            {"kind": "repair", "channel": "phone", "description": "x", "unit_id": "U1", "contact_phone": "call me"},
            "contact_phone",
        ),
        ({"kind": "repair", "channel": "fax", "description": "x", "unit_id": "U1"}, "channel"),
        ({"kind": "repair", "channel": "phone", "description": "x", "unit_id": "U 1"}, "unit_id"),
        ({"kind": "repair", "channel": "phone", "description": "x", "unit_id": "U1", "language": "fr"}, "language"),
        (
            {"kind": "repair", "channel": "phone", "description": "x", "unit_id": "U1", "contact_name": "n" * 101},
            "contact_name",
        ),
        ({"kind": "repair", "channel": "phone", "description": "x", "unit_id": "U1", "status": "closed"}, "status"),
    ],
)
def test_staff_request_refusals(body, field):
    refuses(c.StaffTicketRequest, body, field)


@pytest.mark.parametrize(
    ("model", "body", "field"),
    [
        (c.DispatchInput, {}, ""),
        (c.DispatchInput, {"departments": []}, "departments"),
        (c.DispatchInput, {"departments": ["engineering"] * 6}, "departments"),
        (c.DispatchInput, {"department": "plumbing"}, "department"),
        (c.AppointmentInput, {"appointment_at": "2026-11-24T10:00:00"}, "appointment_at"),
        (c.AppointmentInput, {"appointment_at": "2026-13-01T10:00:00Z"}, "appointment_at"),
        (c.QuoteInput, {"amount_cents": 0}, "amount_cents"),
        (c.QuoteInput, {"amount_cents": 100_000_001}, "amount_cents"),
        (c.QuoteInput, {"amount_cents": "12.5"}, "amount_cents"),
        (c.RouteInput, {"contractor_id": "c", "deadline": "2026-12-01"}, "deadline"),
        (c.CompleteInput, {"fee_cents": -1}, "fee_cents"),
        (c.CompleteInput, {"materials": [{"name": "pipe", "quantity": 0}]}, "materials.0.quantity"),
        (c.CompleteInput, {"materials": [{"name": "pipe", "quantity": 1}] * 51}, "materials"),
        (c.ResolveSubtaskInput, {"department": "engineering", "outcome": "maybe"}, "outcome"),
        (c.SignOffInput, {"rating": 0}, "rating"),
        (c.SignOffInput, {"rating": 6}, "rating"),
        (c.CallbackInput, {}, "satisfaction"),
        (c.CallbackInput, {"satisfaction": 3, "notes": "n" * 1001}, "notes"),
        (c.AnswerInput, {"answer": "ok", "outcome": "ignored"}, "outcome"),
        (c.ReasonInput, {"reason": " x "}, "reason"),  # stripped to one character
        (c.CommentInput, {"text": ""}, "text"),
        (c.NoteInput, {"note": "ok", "extra": 1}, "extra"),
        (c.ClassifyInput, {"paid": "perhaps"}, "paid"),
        (c.AttachmentRequest, {"purpose": "resident", "content_type": "text/html"}, "content_type"),
    ],
)
def test_action_input_refusals(model, body, field):
    refuses(model, body, field)


def test_action_inputs_accept_what_they_should():
    assert c.DispatchInput(assignee_id="tech").assignee_id == "tech"
    at = c.AppointmentInput.model_validate({"appointment_at": "2026-11-24T15:00:00+08:00"}).appointment_at
    assert at == datetime(2026, 11, 24, 7, 0, tzinfo=UTC)
    done = c.CompleteInput.model_validate({"materials": [{"name": "锁芯", "quantity": 1.5, "unit_price_cents": 800}]})
    assert done.materials[0].unit_price_cents == 800 and done.fee_cents is None
    assert c.CloseInput().reason is None and c.NoteInput().note is None
    assert c.AnswerInput(answer="每月五号").outcome == "answered"
    assert c.AttachInput(key="k", purpose="after", content_type="image/png").purpose == "after"
