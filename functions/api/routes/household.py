"""Household services (家政): the paid-service price list, priced requests, monthly plans and their registers."""

from __future__ import annotations

from datetime import date, datetime, time
from functools import cache
from typing import Annotated, Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Body, Path, Query
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter
from pydantic import BaseModel

from api_settings import settings
from propdesk import clock
from propdesk.books.household import HouseholdBook, Plan, PlanNote, PriceItem, ServiceRequest, Visit
from propdesk.errors import InvalidRequest
from propdesk.logic.household import (
    AssessmentIn,
    ConfirmIn,
    HouseholdDesk,
    MoveIn,
    PlanChangeIn,
    PlanIn,
    PriceIn,
    ReasonIn,
    RequestIn,
    yuan,
)
from propdesk.logic.tickets import TicketService
from routes.deps import Caller, ticket_service, view
from routes.views import TicketView

router = APIGatewayHttpRouter()  # type: ignore[no-untyped-call]

PropertyId = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$")]
RecordId = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$")]
Slot = Annotated[str, Path(pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$", description="the plan's day of the visit")]
Month = Annotated[str, Path(pattern=r"^[0-9]{4}-(0[1-9]|1[0-2])$", description="a month such as 2026-12")]
MonthQuery = Annotated[str | None, Query(pattern=r"^[0-9]{4}-(0[1-9]|1[0-2])$")]
TAGS = ["household"]


def household() -> HouseholdDesk:
    return _household(settings().books_table, ticket_service())


@cache
def _household(books_table: str, tickets: TicketService) -> HouseholdDesk:
    """Built once per warm ticket service: the book's connection is made once, like the ticket store's."""
    return HouseholdDesk(HouseholdBook(books_table), tickets)


# ---- what a caller sees


class PriceView(BaseModel):
    id: str
    department: str
    name: str
    unit: str
    price_cents: int
    price_yuan: str

    @classmethod
    def of(cls, item: PriceItem) -> PriceView:
        return cls(**item.model_dump(exclude={"property_id", "version"}), price_yuan=yuan(item.price_cents) or "")


class RequestView(BaseModel):
    id: str
    property_id: str
    resident_id: str
    unit_id: str
    service: str
    department: str
    description: str
    channel: str
    status: str
    price_cents: int | None
    price_yuan: str | None
    unit_label: str | None
    assessed_by: str | None
    butler_id: str | None
    assessed_at: datetime | None
    agreed_at: datetime | None
    appointment_at: datetime | None
    ticket_id: str | None
    plan_id: str | None
    created_at: datetime

    @classmethod
    def of(cls, record: ServiceRequest) -> RequestView:
        return cls.model_validate({**record.model_dump(), "price_yuan": yuan(record.price_cents)})


class PlanView(BaseModel):
    id: str
    property_id: str
    resident_id: str
    unit_id: str
    service: str
    department: str
    weekdays: list[int]
    at: time
    price_cents: int
    price_yuan: str
    starts_on: date
    ends_on: date | None
    status: str
    assignee_id: str
    request_id: str
    history: list[PlanNote]
    updated_at: datetime

    @classmethod
    def of(cls, plan: Plan) -> PlanView:
        return cls.model_validate({**plan.model_dump(), "price_yuan": yuan(plan.price_cents)})


class VisitView(BaseModel):
    plan_id: str
    slot: date
    at: datetime
    status: str
    moved_from: datetime | None
    ticket_id: str | None
    ticket_number: str | None

    @classmethod
    def of(cls, visit: Visit) -> VisitView:
        return cls.model_validate(visit.model_dump())


class RegisterLine(BaseModel):
    slot: date
    at: datetime
    moved_from: datetime | None
    state: str  # done | missed | pending
    ticket_id: str | None
    ticket_number: str | None
    ticket_status: str | None
    price_yuan: str


class RegisterView(BaseModel):
    """The plan's monthly register (包月登记表)."""

    plan: PlanView
    month: str
    lines: list[RegisterLine]


class OrderView(BaseModel):
    request: RequestView
    ticket: TicketView


def _created(body: Any) -> Response[Any]:
    return Response(status_code=201, content_type="application/json", body=body)


# ---- the price list


@router.get("/properties/<property_id>/household/prices", summary="The paid-service price list", tags=TAGS)
def list_household_prices(caller: Caller, property_id: PropertyId) -> list[PriceView]:
    return [PriceView.of(p) for p in household().prices(caller, property_id)]


@router.post("/properties/<property_id>/household/prices", summary="Add a price (managers)", tags=TAGS)
def create_household_price(
    caller: Caller, property_id: PropertyId, request: Annotated[PriceIn, Body()]
) -> Response[PriceView]:
    return _created(PriceView.of(household().save_price(caller, property_id, request, create=True)))


@router.put("/properties/<property_id>/household/prices/<price_id>", summary="Change a price (managers)", tags=TAGS)
def update_household_price(
    caller: Caller, property_id: PropertyId, price_id: RecordId, request: Annotated[PriceIn, Body()]
) -> PriceView:
    if request.id != price_id:
        details = [{"field": "id", "problem": "mismatch"}]
        raise InvalidRequest("the id in the body differs from the path", details=details)
    return PriceView.of(household().save_price(caller, property_id, request, create=False))


# ---- requests


@router.post("/properties/<property_id>/household/requests", summary="Record a household request", tags=TAGS)
def create_household_request(
    caller: Caller, property_id: PropertyId, request: Annotated[RequestIn, Body()]
) -> Response[RequestView]:
    return _created(RequestView.of(household().create_request(caller, property_id, request)))


@router.get("/properties/<property_id>/household/requests", summary="Household requests", tags=TAGS)
def list_household_requests(caller: Caller, property_id: PropertyId) -> list[RequestView]:
    return [RequestView.of(r) for r in household().requests(caller, property_id)]


@router.get("/properties/<property_id>/household/requests/<request_id>", summary="One request", tags=TAGS)
def get_household_request(caller: Caller, property_id: PropertyId, request_id: RecordId) -> RequestView:
    return RequestView.of(household().request(caller, property_id, request_id))


@router.post(
    "/properties/<property_id>/household/requests/<request_id>/assessment",
    summary="The team leader's on-site price (with the butler; a deep cleaning: the cleaning team leader)",
    tags=TAGS,
)
def assess_household_request(
    caller: Caller, property_id: PropertyId, request_id: RecordId, request: Annotated[AssessmentIn, Body()]
) -> RequestView:
    return RequestView.of(household().assess(caller, property_id, request_id, request))


@router.post(
    "/properties/<property_id>/household/requests/<request_id>/order",
    summary="The time confirmed with the resident: the priced order is issued",
    tags=TAGS,
)
def create_household_order(
    caller: Caller, property_id: PropertyId, request_id: RecordId, request: Annotated[ConfirmIn, Body()]
) -> Response[OrderView]:
    record, ticket = household().confirm(caller, property_id, request_id, request)
    return _created(OrderView(request=RequestView.of(record), ticket=view(ticket, caller)))


# ---- monthly plans


@router.post("/properties/<property_id>/household/plans", summary="A monthly plan from a priced request", tags=TAGS)
def create_household_plan(
    caller: Caller, property_id: PropertyId, request: Annotated[PlanIn, Body()]
) -> Response[PlanView]:
    return _created(PlanView.of(household().create_plan(caller, property_id, request)))


@router.get("/properties/<property_id>/household/plans", summary="Monthly plans", tags=TAGS)
def list_household_plans(caller: Caller, property_id: PropertyId) -> list[PlanView]:
    return [PlanView.of(p) for p in household().plans(caller, property_id)]


@router.get("/properties/<property_id>/household/plans/<plan_id>", summary="One monthly plan", tags=TAGS)
def get_household_plan(caller: Caller, property_id: PropertyId, plan_id: RecordId) -> PlanView:
    return PlanView.of(household().plan(caller, property_id, plan_id))


@router.post("/properties/<property_id>/household/plans/<plan_id>/change", summary="Change a plan", tags=TAGS)
def change_household_plan(
    caller: Caller, property_id: PropertyId, plan_id: RecordId, request: Annotated[PlanChangeIn, Body()]
) -> PlanView:
    return PlanView.of(household().change_plan(caller, property_id, plan_id, request))


@router.post("/properties/<property_id>/household/plans/<plan_id>/pause", summary="Pause a plan", tags=TAGS)
def pause_household_plan(
    caller: Caller, property_id: PropertyId, plan_id: RecordId, request: Annotated[ReasonIn, Body()]
) -> PlanView:
    return PlanView.of(household().pause_plan(caller, property_id, plan_id, request))


@router.post("/properties/<property_id>/household/plans/<plan_id>/resume", summary="Resume a plan", tags=TAGS)
def resume_household_plan(
    caller: Caller, property_id: PropertyId, plan_id: RecordId, request: Annotated[ReasonIn, Body()]
) -> PlanView:
    return PlanView.of(household().resume_plan(caller, property_id, plan_id, request))


@router.post("/properties/<property_id>/household/plans/<plan_id>/end", summary="End a plan", tags=TAGS)
def end_household_plan(
    caller: Caller, property_id: PropertyId, plan_id: RecordId, request: Annotated[ReasonIn, Body()]
) -> PlanView:
    return PlanView.of(household().end_plan(caller, property_id, plan_id, request))


@router.post(
    "/properties/<property_id>/household/plans/<plan_id>/visits/<slot>/move",
    summary="Move one visit with the resident's agreement",
    tags=TAGS,
)
def move_household_visit(
    caller: Caller, property_id: PropertyId, plan_id: RecordId, slot: Slot, request: Annotated[MoveIn, Body()]
) -> VisitView:
    try:
        day = date.fromisoformat(slot)
    except ValueError:
        raise InvalidRequest("no such day", details=[{"field": "slot", "problem": "not a calendar day"}]) from None
    return VisitView.of(household().move_visit(caller, property_id, plan_id, day, request))


@router.get(
    "/properties/<property_id>/household/plans/<plan_id>/register",
    summary="The plan's monthly register (包月登记表); this month unless `month` is given",
    tags=TAGS,
)
def get_household_register(
    caller: Caller, property_id: PropertyId, plan_id: RecordId, month: MonthQuery = None
) -> RegisterView:
    desk = household()
    if month is None:
        zone = desk.cache.property(property_id).zone if caller.can_see_property(property_id) else None
        month = f"{clock.now().astimezone(zone):%Y-%m}"
    found = desk.register(caller, property_id, plan_id, month)
    lines = [RegisterLine(**line, price_yuan=yuan(line["price_cents"]) or "") for line in found["lines"]]
    return RegisterView(plan=PlanView.of(found["plan"]), month=month, lines=lines)


@router.get(
    "/properties/<property_id>/household/statements/<month>",
    summary="The month's plan orders and paid orders by customer, for the manager to check",
    tags=TAGS,
)
def get_household_statement(caller: Caller, property_id: PropertyId, month: Month) -> dict[str, Any]:
    desk = household()
    caller.require_property(property_id)
    return desk.statement(caller, desk.cache.property(property_id), month, clock.now())
