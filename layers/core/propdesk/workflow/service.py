"""The workflow's use cases: store a waiting step on its ticket, run a fired timer, start and end executions.

The step function calls `await_step` and `on_timer`; the stream function calls `on_ticket_change`;
the end-of-day sweep may call `ensure_started` for any open ticket.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime

from propdesk import clock, lifecycle, sla
from propdesk.access import SYSTEM
from propdesk.dal.tickets import TicketStore
from propdesk.errors import ActionNotAllowed, ConcurrentUpdate, NotFound
from propdesk.logic import actions
from propdesk.logic import commands as c
from propdesk.models.directory import Property
from propdesk.models.enums import Action, Status
from propdesk.models.ticket import Ticket, TicketEvent
from propdesk.notices import Audience, Notice, NoticeKind
from propdesk.workflow import engine
from propdesk.workflow.plan import AUTO_CLOSE, END, RECURRING, Step, next_step
from propdesk.workflow.timers import WORKFLOW_ACTOR, fire, notice_for

WRITE_ATTEMPTS = 5
STALE_READS = 10  # the API answers the step before its own write lands; give that write a moment
STALE_PAUSE = 0.05

Publisher = Callable[[Sequence[Notice]], int]
PropertyLookup = Callable[[str], Property]


class TicketFinished(Exception):
    """The ticket is closed, voided or invalid: the execution ends (caught by the state machine)."""


class StaleTicket(Exception):
    """The ticket does not yet show the answer the workflow received; the state machine retries."""


class Replan(Exception):
    """The ticket moved on before its step was stored (an action landed between two steps): plan again."""


# The answer that opened a step -> who is told (level 0: the people who act next).
_ON_ANSWER: dict[str, list[tuple[NoticeKind, list[Audience]]]] = {
    Action.DISPATCH.value: [(NoticeKind.DISPATCHED, [Audience.ASSIGNEE])],
    Action.BOOK_APPOINTMENT.value: [(NoticeKind.APPOINTMENT_BOOKED, [Audience.RESIDENT, Audience.ASSIGNEE])],
    Action.QUOTE.value: [(NoticeKind.QUOTE_TO_APPROVE, [Audience.RESIDENT])],
    Action.ROUTE.value: [
        (NoticeKind.ROUTED_TO_CONTRACTOR, [Audience.ASSIGNEE]),
        (NoticeKind.CONSENT_REQUESTED, [Audience.RESIDENT]),
    ],
    Action.COMPLETE.value: [(NoticeKind.COMPLETED, [Audience.RESIDENT])],
    # Warranty work is re-inspected (复验) by the warranty engineer before the resident is asked to sign.
    f"{Action.COMPLETE.value}:warranty": [(NoticeKind.REINSPECTION_DUE, [Audience.WARRANTY_ENGINEER])],
    Action.REINSPECT.value: [(NoticeKind.COMPLETED, [Audience.RESIDENT])],
    Action.REFUSE.value: [(NoticeKind.REWORK, [Audience.ASSIGNEE, Audience.DISPATCHER])],
    Action.ESCALATE.value: [(NoticeKind.INQUIRY_ESCALATED, [Audience.MANAGER])],
}
# The action that ended a ticket (with the answer's outcome) -> who is told why.
_ON_END: dict[str, list[tuple[NoticeKind, list[Audience]]]] = {
    "answer:answered": [(NoticeKind.INQUIRY_ANSWERED, [Audience.RESIDENT])],
    "answer:adopted": [(NoticeKind.SUGGESTION_ADOPTED, [Audience.RESIDENT])],
    "answer:declined": [(NoticeKind.SUGGESTION_DECLINED, [Audience.RESIDENT])],
    "mark_invalid:complaint": [(NoticeKind.COMPLAINT_INVALID, [Audience.RECORDER])],
    "mark_invalid:warranty": [(NoticeKind.WARRANTY_INVALID, [Audience.RESIDENT])],
}


def answer_notices(ticket: Ticket, step: Step, answer: str, at: datetime) -> list[Notice]:
    """Whom the answer that opened `step` tells; a callback falling due sends the resident the survey (回访)."""
    told = list(_ON_ANSWER.get(f"{answer}:{ticket.kind.value}", _ON_ANSWER.get(answer, [])))
    if Action.RECORD_CALLBACK in step.awaiting and answer != Action.RECORD_CALLBACK.value:
        told.append((NoticeKind.CALLBACK_SURVEY, [Audience.RESIDENT]))
    return [notice_for(ticket, kind, audience, at, f"{answer}:{kind.value}") for kind, audience in told]


def ending_notices(ticket: Ticket, ending: TicketEvent) -> list[Notice]:
    """Whom the end of a ticket tells: the inquiry's answer, the suggestion's outcome, the invalid judgement."""
    key = f"{ending.action}:{ending.data.get('outcome') or ticket.kind.value}"
    answer = ending.note if ending.action == Action.ANSWER.value and ending.note else None
    params: dict[str, object] = {"answer": answer} if answer else {}
    return [
        notice_for(ticket, kind, audience, ending.at, f"{ending.action}:{kind.value}", 0, **params)
        for kind, audience in _ON_END.get(key, [])
    ]


class WorkflowService:
    def __init__(self, tickets: TicketStore, properties: PropertyLookup, publish: Publisher | None = None) -> None:
        self.tickets = tickets
        self.properties = properties
        self.publish = publish

    # ---- the steps -------------------------------------------------------------------

    def await_step(
        self, ticket_id: str, token: str, execution: str, step: Step, answer: str | None, answered_at: datetime | None
    ) -> None:
        """Record on the ticket that the workflow now waits for `step` with this task token."""
        if step.name == END:
            raise TicketFinished(f"ticket {ticket_id} is finished")
        if step.name == AUTO_CLOSE:
            self._auto_close(ticket_id)
            raise TicketFinished(f"ticket {ticket_id} closed by the workflow")
        notices: list[Notice] = []
        for _attempt in range(WRITE_ATTEMPTS):
            ticket = self._get(ticket_id)
            if not ticket.is_open:
                raise TicketFinished(f"ticket {ticket_id} is {ticket.status.value}")
            # The plan came from the ticket as the starter, the timer or the answering API saw it; an action
            # that landed since, with no step waiting to hear it, changes the step. After an answer, only a
            # write newer than the answer counts: an older ticket is the API's own write still on its way.
            if answered_at is None or ticket.updated_at > answered_at:
                current = next_step(ticket, self.properties(ticket.property_id), clock.now()).name
                if current != step.name:
                    raise Replan(f"ticket {ticket_id} moved on to {current} before {step.name} was stored")
            updated = _with_step(ticket, token, execution, step)
            notices = self._answer_notices(updated, step, answer, answered_at)
            try:
                self.tickets.update(updated, [])
                break
            except ConcurrentUpdate:
                continue
        else:
            raise ConcurrentUpdate(f"ticket {ticket_id} kept changing while its step was stored")
        self._tell(notices)

    def on_timer(self, ticket_id: str, step: Step, replan: bool = False) -> Step:
        """The step timed out (or must be re-planned): run its due fires and return the step to wait for next."""
        now = clock.now()
        # A timer fires at its due instant; a late-running function still records it there.
        at = now if replan else max([now, *[f.at for f in step.fires[:1]]])
        for _attempt in range(WRITE_ATTEMPTS):
            ticket = self._get(ticket_id)
            prop = self.properties(ticket.property_id)
            outcome = fire(ticket, prop, step, at)
            if not outcome.changed:
                break
            try:
                self.tickets.update(outcome.ticket, outcome.events)
                break
            except ConcurrentUpdate:
                continue
        else:
            raise ConcurrentUpdate(f"ticket {ticket_id} kept changing while its timer ran")
        self._tell(outcome.notices)
        if not outcome.ticket.is_open:
            raise TicketFinished(f"ticket {ticket_id} is {outcome.ticket.status.value}")
        return next_step(outcome.ticket, prop, at, step, fired_at=at)

    def _auto_close(self, ticket_id: str) -> None:
        """Close as the system (signed off without a callback due, callback recorded, quick task)."""
        for attempt in range(STALE_READS):
            ticket = self._get(ticket_id)
            if not ticket.is_open:
                return
            prop = self.properties(ticket.property_id)
            try:
                row = lifecycle.transition_for(ticket, Action.CLOSE, SYSTEM.role, prop.settings.callback_all)
            except ActionNotAllowed:
                # The answer that made the ticket closable is still being written by the API.
                time.sleep(STALE_PAUSE * (attempt + 1))
                continue
            now = clock.now()
            updated, data, note = actions.apply(
                ticket, row, c.CloseInput(reason="closed by the workflow"), SYSTEM, prop, now
            )
            event = TicketEvent(
                ticket_id=ticket.id,
                at=now,
                actor_id=WORKFLOW_ACTOR,
                actor_role=SYSTEM.role,
                action=Action.CLOSE.value,
                from_status=ticket.status,
                to_status=updated.status,
                note=note,
                data=data,
            )
            try:
                self.tickets.update(updated, [event])
                return
            except ConcurrentUpdate:
                continue
        raise StaleTicket(f"ticket {ticket_id} cannot be closed by the workflow yet")

    def _answer_notices(
        self, ticket: Ticket, step: Step, answer: str | None, answered_at: datetime | None
    ) -> list[Notice]:
        if not answer:
            return []
        at = answered_at or step.since
        notices = answer_notices(ticket, step, answer, at)
        if answer == Action.BOOK_APPOINTMENT.value and ticket.coordination_opened_at is not None:
            notices.extend(self._failed_plans(ticket, at))
        return notices

    def _failed_plans(self, ticket: Ticket, at: datetime) -> list[Notice]:
        """A new appointment on a coordination sheet means the last plan failed; two in a week: a joint meeting."""
        opened = ticket.coordination_opened_at
        assert opened is not None
        attempts = {
            e.at for e in self.tickets.events(ticket.id) if e.action == Action.BOOK_APPOINTMENT.value and e.at >= opened
        }
        attempts.add(at)
        failed = sorted(attempts)[:-1]
        ticket.coordination_failed_plans = len(failed)
        if not sla.joint_meeting_needed(failed):
            return []
        return [
            notice_for(
                ticket,
                NoticeKind.JOINT_MEETING,
                [Audience.DESK, Audience.DISPATCHER, Audience.MANAGER],
                at,
                f"joint_meeting_{len(failed)}",
                level=2,
                failed_plans=len(failed),
            )
        ]

    # ---- notices ---------------------------------------------------------------------

    def _tell(self, notices: Iterable[Notice]) -> None:
        """Record each notice on its ticket's timeline (once, by its id) and hand it to the notifier."""
        batch = list(notices)
        for notice in batch:
            event = TicketEvent(
                ticket_id=notice.ticket_id,
                at=notice.at,
                actor_id=WORKFLOW_ACTOR,
                actor_role=SYSTEM.role,
                action="notice",
                note=notice.kind.value,
                data=notice.model_dump(mode="json"),
            )
            self.tickets.add_timeline(event, suffix=f"N:{notice.id}")
        if batch and self.publish is not None:
            self.publish(batch)

    def _get(self, ticket_id: str) -> Ticket:
        ticket = self.tickets.get(ticket_id)
        if ticket is None:
            raise NotFound(f"ticket {ticket_id} not found")
        return ticket

    # ---- starting and ending executions -------------------------------------------------

    def ensure_started(self, ticket: Ticket, state_machine_arn: str | None = None) -> str | None:
        """Start the ticket's execution unless one runs; the new execution's ARN, or None when nothing started
        (already running, started by someone else meanwhile, or the ticket needs no workflow)."""
        arn = engine.workflow_arn(state_machine_arn)
        if arn is None or not needs_workflow(ticket):
            return None
        name = ticket.id
        if ticket.workflow:
            if engine.status(ticket.workflow) == "RUNNING":
                return None
            name = f"{ticket.id}-v{ticket.version}"  # reopened, or its execution died: a new life
        prop = self.properties(ticket.property_id)
        step = next_step(ticket, prop, clock.now())
        payload = {"ticket_id": ticket.id, "step": {"plan": step.model_dump(mode="json"), "answer": "start"}}
        return engine.start(arn, name, payload)

    def on_ticket_change(self, old: Ticket | None, new: Ticket | None, reason: str | None = None) -> str | None:
        """A stream record: start the workflow of a new (or newly identified, reopened) ticket, end a finished one."""
        if new is not None and needs_workflow(new) and (old is None or not needs_workflow(old)):
            return self.ensure_started(new) or "already_started"
        if old is not None and new is not None and old.is_open and not new.is_open:
            ending = self._ending_event(new)
            if ending is not None:
                self._tell(ending_notices(new, ending))
        if old is not None and old.task_token and new is not None and not new.is_open and old.is_open:
            error = "TicketVoided" if new.status is Status.VOIDED else "TicketClosed"
            cause = f"{new.status.value}: {reason or new.invalid_reason or self._ending_reason(new)}"
            if engine.fail_step(old.task_token, error, cause):
                self.tickets.add_timeline(
                    TicketEvent(
                        ticket_id=new.id,
                        at=new.updated_at,
                        actor_id=WORKFLOW_ACTOR,
                        actor_role=SYSTEM.role,
                        action="workflow_ended",
                        note=cause,
                        data={"error": error, "execution": new.workflow},
                    ),
                    suffix="workflow_ended",
                )
            return error
        return None

    def _ending_reason(self, ticket: Ticket) -> str:
        """The note of the audit event that ended the ticket (written in the same transaction)."""
        ending = self._ending_event(ticket)
        return ending.note if ending is not None and ending.note else "no reason given"

    def _ending_event(self, ticket: Ticket) -> TicketEvent | None:
        """The audit event that ended the ticket (written in the same transaction as the change)."""
        return next((e for e in reversed(self.tickets.events(ticket.id)) if e.to_status is ticket.status), None)


def needs_workflow(ticket: Ticket) -> bool:
    """Every open ticket runs its workflow once it is known who reported it."""
    return ticket.is_open and ticket.status is not Status.NEEDS_IDENTIFICATION


def _with_step(ticket: Ticket, token: str, execution: str, step: Step) -> Ticket:
    """The ticket with the step stored: token, awaited actions, targets started; nothing else touched."""
    t = ticket.model_copy(deep=True)
    t.task_token = token
    t.awaiting = list(step.awaiting)
    t.workflow = execution
    for action in step.awaiting:
        t.expired_steps.pop(action.value, None)
    if Action.ARRIVE in step.awaiting:
        t.expired_steps.pop(Action.ACCEPT.value, None)  # an appointment re-opened the on-site step
    for target in step.starts:
        t.sla.setdefault(target.name, target)
    recurring = {r.value for r in RECURRING}
    for name in step.stops:
        running = t.sla.get(name)
        if running is not None and running.open and name in recurring:
            running.met_at = step.since
    return t


__all__ = ["Replan", "StaleTicket", "TicketFinished", "WorkflowService", "needs_workflow"]
