"""Amazon Connect contact-flow function: look up the caller, or record a ticket from the flow's Parameters.

Connect reads only a flat map of strings, gives up after 8 seconds and retries
failed invocations, so every answer is strings only and `create` is idempotent
on the ContactId.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.idempotency.exceptions import IdempotencyAlreadyInProgressError
from aws_lambda_powertools.utilities.typing import LambdaContext

from connect_settings import settings
from propdesk.access import SYSTEM
from propdesk.books.duty import DutyStore
from propdesk.errors import DomainError
from propdesk.intake import messages
from propdesk.intake.conversation import IntakeRules, IntakeService
from propdesk.intake.ivr import MENU
from propdesk.intake.keywords import guess_kind
from propdesk.intake.wiring import Once, intake_service
from propdesk.logging import PhoneMaskingFormatter
from propdesk.logic.duty import DutyLog
from propdesk.models.enums import Channel, TicketKind

logger = Logger(logger_formatter=PhoneMaskingFormatter())


class Sandbox:
    def __init__(self) -> None:
        cfg = settings()
        rules = IntakeRules(cfg.default_property_id)
        self.service: IntakeService = intake_service(cfg.tickets_table, cfg.directory_table, rules)
        tickets = self.service.tickets
        self.duty = DutyLog(DutyStore(cfg.books_table), tickets.tickets, tickets.cache)
        self.once = Once(cfg.idempotency_table, cfg.idempotency_seconds)
        self.create_once = self.once.wrap(self._create, "key", "request")

    def lookup(self, phone: str | None, system: str | None = None) -> dict[str, str]:
        caller = self.service.caller(phone, recipient=system)
        answer = {"known": "false", "language": caller.language.value, "openTickets": "0"}
        if caller.resident is None:
            return answer
        open_tickets = self.service.open_tickets(caller.resident)
        answer.update(known="true", residentName=caller.resident.name, openTickets=str(len(open_tickets)))
        if open_tickets:
            latest = open_tickets[0]
            answer.update(
                latestTicketNumber=latest.number,
                latestTicketSpoken=messages.spoken_number(latest.number),
                latestTicketStatus=latest.status.value,
            )
        return answer

    def _create(self, request: dict[str, Any]) -> dict[str, str]:
        caller = self.service.caller(request["phone"], request["description"], request["system"])
        kind = TicketKind(request["kind"])
        ticket = self.service.create(caller, kind, Channel.CALL_CENTRE, request["description"], request["system"])
        self.duty.ticket_opened(SYSTEM, ticket)
        return {
            "ticketId": ticket.id,
            "ticketNumber": ticket.number,
            "ticketSpoken": messages.spoken_number(ticket.number),
            "status": ticket.status.value,
            "language": caller.language.value,
        }


@cache
def sandbox() -> Sandbox:
    return Sandbox()


def _kind(parameters: dict[str, Any], description: str) -> TicketKind:
    """The flow passes a kind name, or the caller's menu key; otherwise the words decide."""
    raw = str(parameters.get("kind") or "").strip().lower()
    if raw in TicketKind._value2member_map_:
        return TicketKind(raw)
    if raw in MENU and MENU[raw] is not None:
        return MENU[raw]  # type: ignore[return-value]
    return guess_kind(description)


def strings(answer: dict[str, Any]) -> dict[str, str]:
    """Connect rejects nulls, numbers and nesting: a flat map of non-null strings only."""
    return {str(k): str(v) for k, v in answer.items() if v is not None and not isinstance(v, dict | list)}


def handle(event: dict[str, Any]) -> dict[str, str]:
    details = event.get("Details") or {}
    contact = details.get("ContactData") or {}
    parameters = details.get("Parameters") or {}
    endpoint = contact.get("CustomerEndpoint") or {}  # null for anonymous callers and some channels
    phone = endpoint.get("Address") if endpoint.get("Type", "TELEPHONE_NUMBER") == "TELEPHONE_NUMBER" else None
    action = str(parameters.get("action") or "lookup").lower()
    system = (contact.get("SystemEndpoint") or {}).get("Address")  # the property's number that was called
    contact_id = str(contact.get("InitialContactId") or contact.get("ContactId") or "")
    if action == "lookup":
        return strings({"result": "ok", **sandbox().lookup(phone, system)})
    if action == "create":
        if not contact_id:
            return {"result": "error", "message": "the contact has no ContactId"}
        description = str(parameters.get("description") or "").strip() or "来电报事（无描述） call without description"
        request = {
            "key": f"{contact_id}:{action}",
            "phone": phone,
            "system": system,
            "kind": _kind(parameters, description).value,
            "description": description,
        }
        return strings({"result": "ok", **sandbox().create_once(request=request)})
    return {"result": "error", "message": f"unknown action {action}; use lookup or create"}


@logger.inject_lambda_context(clear_state=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, str]:
    sandbox().once.register(context)
    try:
        answer = handle(event)
    except IdempotencyAlreadyInProgressError:
        # Connect retried while the first attempt still runs; the flow's error branch retries or says sorry.
        answer = {"result": "busy", "message": "the same request is still being processed"}
    except DomainError as err:
        answer = {"result": "error", "message": err.message}
    logger.info("contact flow", extra={"result": answer.get("result"), "ticket": answer.get("ticketNumber")})
    return answer
