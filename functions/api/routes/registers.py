"""The site office's registers: pass cards, contractor work permits, mail, newspaper subscriptions, visitors."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Body, Path, Query
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter
from pydantic import BaseModel, ConfigDict, computed_field

from api_settings import settings
from propdesk.books.registers import MailItem, PassCard, Permit, Register, Subscription, Visit
from propdesk.logic.registers import (
    CancelIn,
    Cancellation,
    DocumentsIn,
    FeeIn,
    MailHandoverIn,
    MailIn,
    PassCardIn,
    PermitIn,
    SignatureIn,
    SubscriptionIn,
    VisitAnswerIn,
    VisitIn,
)
from propdesk.ports.storage import presign_upload
from routes.deps import Caller, register_service
from routes.views import UploadView

router = APIGatewayHttpRouter()  # type: ignore[no-untyped-call]

PropertyId = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$")]
EntryId = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$")]
Segment = Literal["pass-cards", "permits", "mail", "newspapers", "visitors"]
BASE = "/properties/<property_id>/registers"
TAGS = ["registers"]


class PermitView(Permit):
    """A permit as the office sees it, with its 30-minute target's result."""

    model_config = ConfigDict(extra="forbid")

    @computed_field  # type: ignore[prop-decorator]
    @property
    def met_target(self) -> bool | None:
        return self.on_time

    @computed_field  # type: ignore[prop-decorator]
    @property
    def breach_minutes(self) -> int | None:
        seconds = self.breach_seconds
        return None if seconds is None else -(-seconds // 60)

    @classmethod
    def of(cls, permit: Permit) -> PermitView:
        return cls.model_validate(permit.model_dump())


class SignatureRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    content_type: Literal["image/jpeg", "image/png", "image/webp"]


def _register(segment: str) -> Register:
    return Register(segment.replace("-", "_"))


def _created(body: Any) -> Response[Any]:
    return Response(status_code=201, content_type="application/json", body=body)


def _view(entry: Any) -> Any:
    return PermitView.of(entry) if isinstance(entry, Permit) else entry


@router.get(f"{BASE}/<segment>", summary="A register's entries (mail: ?status=waiting)", tags=TAGS)
def list_register_entries(
    caller: Caller,
    property_id: PropertyId,
    segment: Annotated[Segment, Path()],
    status: Annotated[str | None, Query(max_length=40, pattern=r"^[a-z_]+$")] = None,
) -> list[dict[str, Any]]:
    entries = register_service().listing(caller, property_id, _register(segment), status)
    return [_view(e).model_dump(mode="json") for e in entries]


@router.get(f"{BASE}/<segment>/<entry_id>", summary="One register entry", tags=TAGS)
def get_register_entry(
    caller: Caller, property_id: PropertyId, segment: Annotated[Segment, Path()], entry_id: EntryId
) -> dict[str, Any]:
    entry = register_service().get(caller, property_id, _register(segment), entry_id)
    return dict(_view(entry).model_dump(mode="json"))


@router.post(
    f"{BASE}/<segment>/<entry_id>/signature",
    summary="A presigned upload URL for the signature of whoever signs for this entry",
    tags=TAGS,
)
def create_register_signature(
    caller: Caller,
    property_id: PropertyId,
    segment: Annotated[Segment, Path()],
    entry_id: EntryId,
    request: Annotated[SignatureRequest, Body()],
) -> Response[UploadView]:
    extension = request.content_type.split("/")[1]
    key = register_service().signature_key(caller, property_id, _register(segment), entry_id, extension)
    url = presign_upload(settings().attachments_bucket, key, request.content_type)
    return _created(UploadView(upload_url=url, key=key, content_type=request.content_type, expires_in=900))


# ---- pass cards (业户出入证) ------------------------------------------------------------------


@router.post(f"{BASE}/pass-cards", summary="Issue a pass card: three free per family member, then ¥50", tags=TAGS)
def create_pass_card(
    caller: Caller, property_id: PropertyId, request: Annotated[PassCardIn, Body()]
) -> Response[PassCard]:
    return _created(register_service().issue_pass_card(caller, property_id, request))


@router.post(f"{BASE}/pass-cards/<entry_id>/handover", summary="Hand a pass card over against a signature", tags=TAGS)
def hand_over_pass_card(
    caller: Caller, property_id: PropertyId, entry_id: EntryId, request: Annotated[SignatureIn, Body()]
) -> PassCard:
    return register_service().hand_over_pass_card(caller, property_id, entry_id, request)


@router.post(f"{BASE}/pass-cards/<entry_id>/cancel", summary="Cancel a lost pass card", tags=TAGS)
def cancel_pass_card(
    caller: Caller, property_id: PropertyId, entry_id: EntryId, request: Annotated[CancelIn, Body()]
) -> PassCard:
    return register_service().cancel_pass_card(caller, property_id, entry_id, request)


# ---- contractor work permits (施工单位工作证) ---------------------------------------------------


@router.post(f"{BASE}/permits", summary="Receive a contractor's permit application; 30 minutes to issue", tags=TAGS)
def create_permit(
    caller: Caller, property_id: PropertyId, request: Annotated[PermitIn, Body()]
) -> Response[PermitView]:
    return _created(PermitView.of(register_service().receive_permit(caller, property_id, request)))


@router.post(f"{BASE}/permits/<entry_id>/fee", summary="Finance takes the permit fee", tags=TAGS)
def take_permit_fee(
    caller: Caller, property_id: PropertyId, entry_id: EntryId, request: Annotated[FeeIn, Body()]
) -> PermitView:
    return PermitView.of(register_service().pay_permit_fee(caller, property_id, entry_id, request))


@router.post(f"{BASE}/permits/<entry_id>/documents", summary="Security checks the contractor's documents", tags=TAGS)
def check_permit_documents(
    caller: Caller, property_id: PropertyId, entry_id: EntryId, request: Annotated[DocumentsIn, Body()]
) -> PermitView:
    return PermitView.of(register_service().check_permit_documents(caller, property_id, entry_id, request))


@router.post(f"{BASE}/permits/<entry_id>/issue", summary="The office issues the permits", tags=TAGS)
def issue_permit(caller: Caller, property_id: PropertyId, entry_id: EntryId) -> PermitView:
    return PermitView.of(register_service().issue_permit(caller, property_id, entry_id))


# ---- mail and parcels (邮件收发) ----------------------------------------------------------------


@router.post(f"{BASE}/mail", summary="Log an item received from the gate; the addressee is told by SMS", tags=TAGS)
def create_mail(caller: Caller, property_id: PropertyId, request: Annotated[MailIn, Body()]) -> Response[MailItem]:
    return _created(register_service().receive_mail(caller, property_id, request))


@router.post(f"{BASE}/mail/<entry_id>/handover", summary="Hand an item to its addressee, who signs", tags=TAGS)
def hand_over_mail(
    caller: Caller, property_id: PropertyId, entry_id: EntryId, request: Annotated[MailHandoverIn, Body()]
) -> MailItem:
    return register_service().hand_over_mail(caller, property_id, entry_id, request)


# ---- newspaper subscriptions (报刊订阅) ------------------------------------------------------


@router.post(f"{BASE}/newspapers", summary="Record a subscription of at least one month, billed in advance", tags=TAGS)
def create_subscription(
    caller: Caller, property_id: PropertyId, request: Annotated[SubscriptionIn, Body()]
) -> Response[Subscription]:
    return _created(register_service().subscribe(caller, property_id, request))


@router.post(f"{BASE}/newspapers/<entry_id>/confirm", summary="The resident's signed confirmation", tags=TAGS)
def confirm_subscription(
    caller: Caller, property_id: PropertyId, entry_id: EntryId, request: Annotated[SignatureIn, Body()]
) -> Subscription:
    return register_service().confirm_subscription(caller, property_id, entry_id, request)


@router.post(f"{BASE}/newspapers/<entry_id>/cancel", summary="Cancel; prepaid periods are not refunded", tags=TAGS)
def cancel_subscription(
    caller: Caller, property_id: PropertyId, entry_id: EntryId, request: Annotated[CancelIn, Body()]
) -> Cancellation:
    return register_service().cancel_subscription(caller, property_id, entry_id, request)


# ---- visitors ------------------------------------------------------------------------------


@router.post(f"{BASE}/visitors", summary="The gate asks the office about a visitor", tags=TAGS)
def create_visit(caller: Caller, property_id: PropertyId, request: Annotated[VisitIn, Body()]) -> Response[Visit]:
    return _created(register_service().ask_visit(caller, property_id, request))


@router.post(f"{BASE}/visitors/<entry_id>/answer", summary="The office's answer after confirming", tags=TAGS)
def answer_visit(
    caller: Caller, property_id: PropertyId, entry_id: EntryId, request: Annotated[VisitAnswerIn, Body()]
) -> Visit:
    return register_service().answer_visit(caller, property_id, entry_id, request)
