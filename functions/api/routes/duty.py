"""The duty log (值班记录): the desk records calls and visits, reads a day, and the manager reviews it."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Body, Path
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from propdesk.books.duty import Contact, DutyDay, Review
from propdesk.logic.duty import ContactRequest, ReviewRequest
from propdesk.models.common import Day
from routes.deps import Caller, duty_log
from routes.tickets import IdempotencyKey, _idempotent_create

router = APIGatewayHttpRouter()  # type: ignore[no-untyped-call]

PropertyId = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$")]
LogDay = Annotated[Day, Path(description="the property-local day, e.g. 2026-11-23")]


@router.post(
    "/properties/<property_id>/duty/contacts",
    summary="Record a call, visit or self-inspection that did not open a ticket (answered, about a ticket, "
    "transferred)",
    description="A contact that opens a ticket is recorded by POST /properties/{property_id}/tickets, which "
    "writes its one duty-log contact itself; SMS, voice and Connect contacts are written by their intakes.",
    tags=["duty log"],
)
def create_contact(
    caller: Caller,
    property_id: PropertyId,
    request: Annotated[ContactRequest, Body()],
    idempotency_key: IdempotencyKey = None,
) -> Response[Contact]:
    def record() -> dict[str, Any]:
        return duty_log().record(caller, property_id, request).model_dump(mode="json")

    body = {"property_id": property_id, **request.model_dump(mode="json")}
    route = "POST /properties/{property_id}/duty/contacts"
    contact = Contact.model_validate(_idempotent_create(idempotency_key, caller, route, body, record))
    return Response(status_code=201, content_type="application/json", body=contact)


@router.get(
    "/properties/<property_id>/duty/<day>",
    summary="One day's duty log: every contact, the shift handovers and the manager's review",
    tags=["duty log"],
)
def get_duty_day(caller: Caller, property_id: PropertyId, day: LogDay) -> DutyDay:
    return duty_log().day(caller, property_id, date.fromisoformat(str(day)))


@router.post(
    "/properties/<property_id>/duty/<day>/review",
    summary="The manager's daily review of the duty log, with a note (once per day)",
    tags=["duty log"],
)
def create_duty_review(
    caller: Caller, property_id: PropertyId, day: LogDay, request: Annotated[ReviewRequest, Body()]
) -> Response[Review]:
    review = duty_log().review(caller, property_id, date.fromisoformat(str(day)), request)
    return Response(status_code=201, content_type="application/json", body=review)
