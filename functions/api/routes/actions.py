"""Every lifecycle action, one route each: POST /tickets/{ticket_id}/actions/{action}.

Each route's body is the action's own model, so the OpenAPI document shows
exactly what every action takes. No `from __future__ import annotations` here:
the route functions are built in a loop and their annotations must be real.
"""

from typing import Annotated, Any

from aws_lambda_powertools import Metrics
from aws_lambda_powertools.event_handler.openapi.params import Body, Path
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter
from aws_lambda_powertools.metrics import MetricUnit
from pydantic import BaseModel

from propdesk.logic import commands as c
from propdesk.models.enums import Action
from routes.deps import Caller, ticket_service, view
from routes.knowledge import answer_from_book
from routes.views import TicketView

router = APIGatewayHttpRouter()  # type: ignore[no-untyped-call]
metrics = Metrics()

TicketId = Annotated[str, Path(min_length=3, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")]

# action -> (body model, whether the body may be omitted, summary)
ACTIONS: dict[Action, tuple[type[BaseModel], bool, str]] = {
    Action.IDENTIFY: (c.IdentifyInput, True, "The desk identifies the sender of an unknown SMS: resident or unit"),
    Action.CLASSIFY: (c.ClassifyInput, True, "分类 classify: kind, category, area, paid or free, department"),
    Action.DISPATCH: (c.DispatchInput, False, "分派 dispatch to a department and/or a person"),
    Action.ACCEPT: (c.NoteInput, True, "The technician accepts the work order"),
    Action.ARRIVE: (c.NoteInput, True, "The technician is on site"),
    Action.BOOK_APPOINTMENT: (c.AppointmentInput, False, "Book an appointment with the resident"),
    Action.PAUSE: (c.ReasonInput, False, "The resident is away: the clocks wait, with the reason"),
    Action.RESUME: (c.ReasonInput, False, "The resident is back: the clocks run again, with the reason"),
    Action.QUOTE: (c.QuoteInput, False, "Quote a paid job before work starts"),
    Action.APPROVE_QUOTE: (c.NoteInput, True, "The resident accepts the quote"),
    Action.REJECT_QUOTE: (c.NoteInput, True, "The resident declines the quote"),
    Action.ROUTE: (c.RouteInput, False, "Warranty: route to the responsible contractor with a deadline"),
    Action.CONSENT: (c.NoteInput, True, "Warranty: the resident consents to the repair plan"),
    Action.START: (c.NoteInput, True, "Work starts"),
    Action.COMPLETE: (c.CompleteInput, True, "Work is complete: materials, fee, notes"),
    Action.RESOLVE_SUBTASK: (c.ResolveSubtaskInput, False, "A department finishes or rejects its part of a complaint"),
    Action.SIGN_OFF: (c.SignOffInput, True, "The resident signs off the work, with an optional rating"),
    Action.REFUSE: (c.ReasonInput, False, "The resident refuses sign-off: the job goes back to rework"),
    Action.RECORD_CALLBACK: (c.CallbackInput, False, "回访 record the callback: satisfaction 1-5"),
    Action.ANSWER: (c.AnswerInput, False, "Answer an inquiry or decide a suggestion (escalated: to the manager)"),
    Action.ESCALATE: (c.AnswerInput, False, "Escalate an inquiry the desk cannot answer to the manager"),
    Action.ADOPT: (c.AnswerInput, False, "Adopt a suggestion: the resident is told; then answer it done"),
    Action.REINSPECT: (c.NoteInput, True, "复验 the warranty engineer re-inspects the contractor's work"),
    Action.COORDINATE: (c.CoordinateInput, True, "Turn an order that missed its day into a coordination sheet"),
    Action.CLOSE: (c.CloseInput, True, "完结 close"),
    Action.VOID: (c.ReasonInput, False, "作废 void an open ticket, with the reason"),
    Action.URGE: (c.NoteInput, True, "催办 urge"),
    Action.REOPEN: (c.ReasonInput, False, "Reopen a closed ticket"),
    Action.MARK_INVALID: (c.ReasonInput, False, "Judge a complaint invalid, with a written reason"),
    Action.COMMENT: (c.CommentInput, False, "Add a comment to the timeline"),
    Action.REPORT_PROGRESS: (c.ProgressReportInput, False, "管家汇报 the butler reports progress: done and next"),
    Action.REQUEST_TIME: (c.TimeDemandInput, False, "The desk records the resident's demand for a specific time"),
    Action.DECIDE_TIME: (c.TimeDecisionInput, False, "A supervisor approves the demanded time or proposes another"),
}


def _register(action: Action, model: type[BaseModel], optional: bool, summary: str) -> None:
    def take_action(caller: Caller, ticket_id: TicketId, request: Any) -> TicketView:
        body = request if request is not None else model()
        taken = action
        if action is Action.ANSWER and isinstance(body, c.AnswerInput) and body.outcome == "escalated":
            taken = Action.ESCALATE  # the manager owns it now: it stays open until the manager answers
        if action is Action.ANSWER and isinstance(body, c.AnswerInput) and body.outcome == "adopted":
            taken = Action.ADOPT  # tracked until it is carried out
        if isinstance(body, c.AnswerInput) and (body.entry_id or body.add_to_book):
            ticket = answer_from_book(caller, ticket_id, taken, body)
        elif isinstance(body, c.IdentifyInput):
            ticket = ticket_service().identify(caller, ticket_id, body)
        else:
            ticket = ticket_service().act(caller, ticket_id, taken, body)
        metrics.add_metric(name=f"Action_{action.value}", unit=MetricUnit.Count, value=1)
        return view(ticket, caller)

    body_type: Any = Annotated[model | None, Body()] if optional else Annotated[model, Body()]
    take_action.__annotations__["request"] = body_type
    if optional:
        take_action.__defaults__ = (None,)
    take_action.__name__ = take_action.__qualname__ = f"{action.value}_ticket"
    router.post(f"/tickets/<ticket_id>/actions/{action.value}", summary=summary, tags=["actions"])(take_action)


for _action, (_model, _optional, _summary) in ACTIONS.items():
    _register(_action, _model, _optional, _summary)
