"""Tickets: create, read, list, audit trail, attachments, my work."""

from __future__ import annotations

import secrets
from typing import Annotated, Any

from aws_lambda_powertools import Metrics
from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Body, Header, Path, Query
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter
from aws_lambda_powertools.metrics import MetricUnit

from api_settings import settings
from propdesk import clock
from propdesk.access import Principal
from propdesk.errors import Conflict, DomainError, InvalidRequest
from propdesk.logic.commands import AttachmentRequest, ResidentTicketRequest, StaffTicketRequest
from propdesk.logic.tickets import ListQuery
from propdesk.models.common import Instant
from propdesk.models.enums import Status, TicketKind
from propdesk.ports.storage import presign_upload
from routes.deps import Caller, directory_cache, duty_log, limits, page_view, ticket_service, view
from routes.views import AuditTrail, EventView, TicketPage, TicketView, UploadView

router = APIGatewayHttpRouter()  # type: ignore[no-untyped-call]
metrics = Metrics()

IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="idempotency-key",
        min_length=8,
        max_length=100,
        pattern=r"^[A-Za-z0-9_.:-]+$",
        description="The same key twice creates one ticket and returns it twice.",
    ),
]
TicketId = Annotated[str, Path(min_length=3, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")]
Limit = Annotated[int, Query(ge=1, le=100)]


_PERSISTENCE: dict[str, Any] = {}


def _persistence() -> Any:
    """One persistence layer (and boto3 client) per sandbox, built on the first keyed create."""
    if "store" not in _PERSISTENCE:
        from aws_lambda_powertools.utilities.idempotency import DynamoDBPersistenceLayer

        _PERSISTENCE["store"] = DynamoDBPersistenceLayer(table_name=settings().idempotency_table)
    return _PERSISTENCE["store"]


def _idempotent_create(
    key: str | None, principal: Principal, route: str, body: dict[str, Any], create: Any
) -> dict[str, Any]:
    """Run `create` once per (caller, route, key); a replay returns the first answer, to that caller only."""
    if key is None:
        return dict(create())
    # Imported here: the idempotency utility pulls in boto3 and s3transfer, which no other request needs.
    from aws_lambda_powertools.utilities.idempotency import IdempotencyConfig, idempotent_function
    from aws_lambda_powertools.utilities.idempotency.exceptions import (
        IdempotencyAlreadyInProgressError,
        IdempotencyValidationError,
    )

    config = IdempotencyConfig(
        event_key_jmespath="[caller, route, key]",
        payload_validation_jmespath="body",
        expires_after_seconds=settings().idempotency_seconds,
    )
    # Lets an in-progress record expire with the invocation instead of blocking retries for an hour.
    config.register_lambda_context(router.lambda_context)

    @idempotent_function(data_keyword_argument="request", persistence_store=_persistence(), config=config)
    def once(request: dict[str, Any]) -> dict[str, Any]:
        return dict(create())

    try:
        return dict(once(request={"caller": principal.identity, "route": route, "key": key, "body": body}))
    except IdempotencyValidationError as err:
        raise IdempotencyKeyReused(
            "this Idempotency-Key was already used with a different body",
            details=[{"field": "idempotency-key", "problem": "reused with a different body"}],
        ) from err
    except IdempotencyAlreadyInProgressError as err:
        raise RequestInProgress(
            "a request with this Idempotency-Key is still being processed; retry shortly",
            details=[{"field": "idempotency-key", "problem": "in progress"}],
        ) from err


class IdempotencyKeyReused(DomainError):
    code = "idempotency_key_reused"
    status = 422


class RequestInProgress(Conflict):
    code = "request_in_progress"


def _created(view: dict[str, Any]) -> Response[TicketView]:
    metrics.add_metric(name="TicketsCreated", unit=MetricUnit.Count, value=1)
    return Response(status_code=201, content_type="application/json", body=TicketView.model_validate(view))


@router.post("/tickets", summary="A resident reports a matter for their own unit", tags=["tickets"])
def create_ticket(
    caller: Caller,
    request: Annotated[ResidentTicketRequest, Body()],
    idempotency_key: IdempotencyKey = None,
) -> Response[TicketView]:
    service = ticket_service()

    def create() -> dict[str, Any]:
        # Inside the idempotent step: a replay of the same key answers again without using the limit.
        if caller.property_id is not None:
            prop = directory_cache().property(caller.property_id)
            limits().ticket_by_resident(prop, caller.user_id, clock.now())
        ticket = service.create_for_resident(caller, request)
        duty_log().ticket_opened(caller, ticket)
        metrics.add_dimension(name="kind", value=ticket.kind.value)
        return view(ticket, caller).model_dump(mode="json")

    return _created(
        _idempotent_create(idempotency_key, caller, "POST /tickets", request.model_dump(mode="json"), create)
    )


@router.post(
    "/properties/<property_id>/tickets",
    summary="A desk or call-centre agent records a matter on behalf of a resident",
    tags=["tickets"],
)
def create_ticket_for(
    caller: Caller,
    property_id: Annotated[str, Path(min_length=1, max_length=64)],
    request: Annotated[StaffTicketRequest, Body()],
    idempotency_key: IdempotencyKey = None,
) -> Response[TicketView]:
    service = ticket_service()

    def create() -> dict[str, Any]:
        ticket = service.create_by_staff(caller, property_id, request)
        duty_log().ticket_opened(caller, ticket)  # the call or visit's one duty-log contact
        return view(ticket, caller).model_dump(mode="json")

    body = {"property_id": property_id, **request.model_dump(mode="json")}
    return _created(_idempotent_create(idempotency_key, caller, "POST /properties/{property_id}/tickets", body, create))


@router.get("/tickets/<ticket_id>", summary="One ticket", tags=["tickets"])
def get_ticket(caller: Caller, ticket_id: TicketId) -> TicketView:
    return view(ticket_service().get(caller, ticket_id), caller)


@router.get("/tickets", summary="List tickets the caller may see, with filters", tags=["tickets"])
def list_tickets(
    caller: Caller,
    status: Annotated[Status | None, Query()] = None,
    kind: Annotated[TicketKind | None, Query()] = None,
    assignee: Annotated[str | None, Query(max_length=64)] = None,
    mine: Annotated[bool, Query()] = False,
    created_from: Annotated[Instant | None, Query()] = None,
    created_to: Annotated[Instant | None, Query()] = None,
    property_id: Annotated[str | None, Query(max_length=64)] = None,
    limit: Limit = 25,
    cursor: Annotated[str | None, Query(max_length=2000)] = None,
) -> TicketPage:
    if created_from and created_to and created_from > created_to:
        raise InvalidRequest(
            "created_from is after created_to",
            details=[{"field": "created_from", "problem": "after created_to"}],
        )
    query = ListQuery(status, kind, assignee, mine, created_from, created_to, property_id, limit, cursor)
    return page_view(ticket_service().list(caller, query), caller)


@router.get("/me/work", summary="The caller's open work orders, due soonest first", tags=["tickets"])
def my_work(
    caller: Caller, limit: Limit = 25, cursor: Annotated[str | None, Query(max_length=2000)] = None
) -> TicketPage:
    return page_view(ticket_service().my_work(caller, limit, cursor), caller)


@router.get("/tickets/<ticket_id>/events", summary="The ticket's audit trail", tags=["tickets"])
def audit_trail(caller: Caller, ticket_id: TicketId) -> AuditTrail:
    events = caller.visible_events(ticket_service().audit(caller, ticket_id))
    return AuditTrail(ticket_id=ticket_id, events=[EventView.of(e) for e in events])


@router.post(
    "/tickets/<ticket_id>/attachments",
    summary="A presigned upload URL for a photo or signature, recorded on the ticket",
    tags=["tickets"],
)
def create_attachment(
    caller: Caller, ticket_id: TicketId, request: Annotated[AttachmentRequest, Body()]
) -> Response[UploadView]:
    # The key needs no read of its own: act() reads the ticket once, checks who may see it, and records the key.
    now = clock.now()
    extension = request.content_type.split("/")[1]
    key = f"tickets/{ticket_id}/{request.purpose}-{now.strftime('%Y%m%dT%H%M%S%f')}-{secrets.token_hex(4)}.{extension}"
    ticket_service().attach(caller, ticket_id, key, request.purpose, request.content_type)
    url = presign_upload(settings().attachments_bucket, key, request.content_type)
    view = UploadView(upload_url=url, key=key, content_type=request.content_type, expires_in=900)
    return Response(status_code=201, content_type="application/json", body=view)
