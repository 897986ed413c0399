"""What every route depends on: the caller, and the services built once per sandbox."""

from __future__ import annotations

from functools import cache
from typing import Annotated

from aws_lambda_powertools.event_handler.depends import Depends
from aws_lambda_powertools.event_handler.request import Request

from api_settings import settings
from propdesk.access import Principal
from propdesk.books.duty import DutyStore
from propdesk.books.registers import RegisterStore
from propdesk.dal.directory import DirectoryStore
from propdesk.dal.limits import UsageStore
from propdesk.dal.tickets import Page, TicketStore
from propdesk.errors import Unauthenticated
from propdesk.logic.directory import DirectoryCache, DirectoryService
from propdesk.logic.duty import DutyLog
from propdesk.logic.limits import Limits
from propdesk.logic.registers import RegisterService
from propdesk.logic.tickets import TicketService
from propdesk.models.ticket import Ticket
from propdesk.notify.sender import SmsSender, make_sender
from routes.views import TicketPage, TicketView


@cache
def directory_cache() -> DirectoryCache:
    return DirectoryCache(DirectoryStore(settings().directory_table))


@cache
def ticket_service() -> TicketService:
    cache_ = directory_cache()
    return TicketService(TicketStore(settings().tickets_table), cache_.store, cache_)


@cache
def limits() -> Limits:
    return Limits(UsageStore(settings().tickets_table))


@cache
def duty_store() -> DutyStore:
    return DutyStore(settings().books_table)


def duty_log() -> DutyLog:
    """The duty log on the sandbox's own ticket store and directory cache, sharing their warm state."""
    return DutyLog(duty_store(), ticket_service().tickets, directory_cache())


@cache
def directory_service() -> DirectoryService:
    cache_ = directory_cache()
    return DirectoryService(cache_.store, cache_)


@cache
def sms_sender() -> SmsSender:
    return make_sender(settings().sms_provider, settings().sms_origination_identity)


@cache
def register_service() -> RegisterService:
    config = settings()
    return RegisterService(
        RegisterStore(config.books_table),
        directory_cache(),
        config.attachments_bucket,
        sender=sms_sender,
        permit_timer_arn=config.permit_timer_arn,
    )


def current_principal(request: Request) -> Principal:
    """The caller from the JWT authorizer's verified claims and the directory."""
    event = request.resolved_event
    try:
        claims = event.request_context.authorizer.jwt_claim  # type: ignore[attr-defined]
    except (AttributeError, KeyError, TypeError):
        claims = None
    if not claims:
        raise Unauthenticated("a signed-in user is required")
    return directory_cache().principal(claims)


Caller = Annotated[Principal, Depends(current_principal)]


def callback_all(property_id: str) -> bool:
    """Whether the property calls back every job; its record is cached, so this costs no request when warm."""
    return directory_cache().property(property_id).settings.callback_all


def view(ticket: Ticket, caller: Principal) -> TicketView:
    """The ticket as this caller sees it, with the actions the property's rules allow them now."""
    return TicketView.of(ticket, caller, callback_all(ticket.property_id))


def page_view(page: Page, caller: Principal) -> TicketPage:
    return TicketPage.of(page, caller, callback_all)
