"""The workflow's use cases. The ticket item is the one truth; the workflow follows its committed changes.

- the stream (`on_ticket_change`) sees every committed ticket change. It starts a new ticket's workflow and,
  for a change made by an action, tells the people who act next and answers the waiting step with the plan
  computed from the committed ticket;
- the step function stores each waiting step's task token in the ticket's own WORKFLOW item (`await_step`),
  unless a newer change was seen since its plan was made, in which case it re-plans at once; and it runs
  the fired timers (`on_timer`);
- the end-of-day sweep calls `ensure_started`, which also catches up a step that missed a change.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import Any

from aws_lambda_powertools.metrics import MetricUnit, single_metric

from propdesk import clock, lifecycle, sla, targets
from propdesk.access import SYSTEM
from propdesk.dal.tickets import TicketStore, WorkflowRecord
from propdesk.errors import ActionNotAllowed, ConcurrentUpdate, NotFound
from propdesk.logic import actions
from propdesk.logic import commands as c
from propdesk.models.directory import Property
from propdesk.models.enums import Action, Severity, Status
from propdesk.models.ticket import Ticket, TicketEvent
from propdesk.notices import Audience, Notice, NoticeKind
from propdesk.workflow import engine
from propdesk.workflow.plan import AUTO_CLOSE, END, RECURRING, Step, next_step
from propdesk.workflow.timers import WORKFLOW_ACTOR, fire, notice_for

WRITE_ATTEMPTS = 5  # optimistic-lock retries of the workflow's own writes against people's actions

Publisher = Callable[[Sequence[Notice]], int]
PropertyLookup = Callable[[str], Property]


def _count_breaches(events: Iterable[TicketEvent]) -> None:
    """One `TargetBreached` metric per target the written fire breached: the dashboard's daily breaches."""
    for event in events:
        if event.action == "timer" and "breach_seconds" in event.data:
            with single_metric(name="TargetBreached", unit=MetricUnit.Count, value=1) as metric:
                metric.add_dimension(name="target", value=str(event.data["timer"]))


class TicketFinished(Exception):
    """The ticket is closed, voided or invalid: the execution ends (caught by the state machine)."""


# The action of a committed change -> who is told (level 0: the people who act next).
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
    Action.ADOPT.value: [(NoticeKind.SUGGESTION_ADOPTED, [Audience.RESIDENT])],
    # An unsatisfied callback sends the job back to rework; a complaint stays open with the manager.
    f"{Action.RECORD_CALLBACK.value}:unsatisfied": [
        (NoticeKind.CALLBACK_REWORK, [Audience.ASSIGNEE, Audience.DISPATCHER])
    ],
    f"{Action.RECORD_CALLBACK.value}:unsatisfied:complaint": [(NoticeKind.CALLBACK_UNSATISFIED, [Audience.MANAGER])],
    # A complaint judged major: its form goes to the manager, and to the unit's butler, at once.
    f"{Action.CLASSIFY.value}:major": [(NoticeKind.COMPLAINT_MAJOR, [Audience.MANAGER, Audience.BUTLER])],
    Action.REQUEST_TIME.value: [(NoticeKind.TIME_DEMANDED, [Audience.SUPERVISOR])],
    f"{Action.DECIDE_TIME.value}:approved": [
        (NoticeKind.TIME_APPROVED, [Audience.RESIDENT]),
        (NoticeKind.APPOINTMENT_BOOKED, [Audience.ASSIGNEE]),
    ],
    f"{Action.DECIDE_TIME.value}:proposed": [
        (NoticeKind.TIME_PROPOSED, [Audience.RESIDENT]),
        (NoticeKind.APPOINTMENT_BOOKED, [Audience.ASSIGNEE]),
    ],
}
# The action that ended a ticket (with the answer's outcome) -> who is told why.
_ON_END: dict[str, list[tuple[NoticeKind, list[Audience]]]] = {
    "answer:answered": [(NoticeKind.INQUIRY_ANSWERED, [Audience.RESIDENT])],
    "answer:declined": [(NoticeKind.SUGGESTION_DECLINED, [Audience.RESIDENT])],
    "answer:done": [(NoticeKind.SUGGESTION_DONE, [Audience.RESIDENT])],
    "mark_invalid:complaint": [(NoticeKind.COMPLAINT_INVALID, [Audience.RECORDER])],
    "mark_invalid:warranty": [(NoticeKind.WARRANTY_INVALID, [Audience.RESIDENT])],
}


def answer_notices(ticket: Ticket, step: Step, answer: str, at: datetime) -> list[Notice]:
    """Whom the answer that opened `step` tells; a callback falling due sends the resident the survey (回访)."""
    key = (
        f"{answer}:unsatisfied" if answer == Action.RECORD_CALLBACK.value and lifecycle.unsatisfied(ticket) else answer
    )
    if answer == Action.CLASSIFY.value and ticket.major_since is not None and ticket.major_since == at:
        key = f"{answer}:major"  # this classification judged the complaint major
    if answer == Action.DECIDE_TIME.value and ticket.time_demand is not None:
        key = f"{answer}:{ticket.time_demand.status}"
    told = list(_ON_ANSWER.get(f"{key}:{ticket.kind.value}", _ON_ANSWER.get(key, [])))
    # A major complaint is called back by the manager or a supervisor in person, not by an SMS survey.
    if (
        Action.RECORD_CALLBACK in step.awaiting
        and answer != Action.RECORD_CALLBACK.value
        and ticket.severity is not Severity.MAJOR
    ):
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

    def await_step(self, ticket_id: str, token: str, execution: str, step: Step, version: int) -> bool:
        """Wait for `step`, planned from ticket version `version`: store its token; False when the ticket
        changed since the plan was made and the step was answered with a new plan instead."""
        if step.name == END:
            raise TicketFinished(f"ticket {ticket_id} is finished")
        ticket = self._get(ticket_id)
        if not ticket.is_open:
            raise TicketFinished(f"ticket {ticket_id} is {ticket.status.value}")
        prop = self.properties(ticket.property_id)
        if step.name == AUTO_CLOSE:
            if self._auto_close(ticket, prop):
                raise TicketFinished(f"ticket {ticket_id} closed by the workflow")
            fresh = self._get(ticket_id)
            if next_step(fresh, prop, clock.now()).name == AUTO_CLOSE:
                # The step table and the lifecycle disagree: fail loudly rather than re-plan forever.
                raise ActionNotAllowed(f"ticket {ticket_id} is planned to close but the system may not close it")
            return self._replan(token, fresh, prop, step)
        if not self.tickets.store_step(ticket_id, execution, token, version, step.model_dump(mode="json")):
            # The stream passed on a newer change while this step was planned; its answer found no token
            # (or an older one), so this step answers itself with the plan of the ticket as it now stands.
            return self._replan(token, self._get(ticket_id), prop, step)
        if step.starts or step.stops:
            self._write_targets(ticket, step)
        return True

    def on_timer(self, ticket_id: str, step: Step) -> tuple[Step, int]:
        """The step timed out: run its due fires; the step to wait for next and the version it was planned from."""
        now = clock.now()
        # A timer fires at its due instant; a late-running function still records it there.
        at = max([now, *[f.at for f in step.fires[:1]]])
        for _attempt in range(WRITE_ATTEMPTS):
            ticket = self._get(ticket_id)
            prop = self.properties(ticket.property_id)
            outcome = fire(ticket, prop, step, at)
            if not outcome.changed:
                break
            try:
                outcome.ticket = self.tickets.update(outcome.ticket, outcome.events)
                break
            except ConcurrentUpdate:
                continue
        else:
            raise ConcurrentUpdate(f"ticket {ticket_id} kept changing while its timer ran")
        _count_breaches(outcome.events)
        self._tell(outcome.notices)
        if not outcome.ticket.is_open:
            raise TicketFinished(f"ticket {ticket_id} is {outcome.ticket.status.value}")
        following = next_step(outcome.ticket, prop, at, step, fired_at=at)
        if following.restart:
            self._continue_as_new(outcome.ticket, following)
        return following, outcome.ticket.version

    def _continue_as_new(self, ticket: Ticket, step: Step) -> None:
        """Go on in a new execution with the same plan, and end this one: a sheet open for weeks keeps every
        reminder while each execution's history stays bounded. Stays in this one if the new cannot start."""
        record = self.tickets.workflow(ticket.id)
        if record is None or not record.execution:
            return
        fresh = step.model_copy(update={"timer_runs": 0, "restart": False})
        plan = {"plan": fresh.model_dump(mode="json"), "answer": "continue", "version": ticket.version}
        name = f"{ticket.id}-c{ticket.version}"
        started = engine.start(engine.state_machine_of(record.execution), name, {"ticket_id": ticket.id, "step": plan})
        if started:
            # Before this execution ends: the sweep finds the new one running, not this one ended, and starts none.
            self.tickets.hand_over(ticket.id, record.execution, started)
            raise TicketFinished(f"ticket {ticket.id} continues in execution {name}")

    def _replan(self, token: str, ticket: Ticket, prop: Property, step: Step) -> bool:
        if not ticket.is_open:
            raise TicketFinished(f"ticket {ticket.id} is {ticket.status.value}")
        engine.answer_step(token, _answer(ticket, next_step(ticket, prop, clock.now(), step), action=None))
        return False

    def _write_targets(self, ticket: Ticket, step: Step) -> None:
        """Start the targets the step runs and stop the reminders it ends: a write of the workflow's own,
        which leaves `person_version` alone, so no person's action is refused for it."""
        for _attempt in range(WRITE_ATTEMPTS):
            updated = _with_targets(ticket, step)
            if updated.sla == ticket.sla:
                return
            try:
                self.tickets.update(updated, [])
                return
            except ConcurrentUpdate:
                ticket = self._get(ticket.id)
        raise ConcurrentUpdate(f"ticket {ticket.id} kept changing while its targets were started")

    def _auto_close(self, ticket: Ticket, prop: Property) -> bool:
        """Close as the system (signed off without a callback due, callback recorded, quick task); False when
        the ticket is no longer closable (an action moved it on since the plan)."""
        for _attempt in range(WRITE_ATTEMPTS):
            try:
                row = lifecycle.transition_for(ticket, Action.CLOSE, SYSTEM.role, prop.settings.callback_all)
            except ActionNotAllowed:
                return False
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
                return True
            except ConcurrentUpdate:
                ticket = self._get(ticket.id)
                if not ticket.is_open:
                    return True
        raise ConcurrentUpdate(f"ticket {ticket.id} kept changing while the workflow closed it")

    # ---- following the ticket's committed changes (the stream) ------------------------------

    def on_ticket_change(self, old: Ticket | None, new: Ticket | None, reason: str | None = None) -> str | None:
        """A stream record: start a new (or newly identified, reopened) ticket's workflow; pass an action's
        change on to its waiting step, or end the workflow of a ticket an action finished."""
        if new is None:
            return None
        if needs_workflow(new) and (old is None or not needs_workflow(old)):
            return self.ensure_started(new) or "already_started"
        if old is not None and old.is_open and not new.is_open:
            ending = self._ending_event(new)
            if ending is not None:
                self._tell(ending_notices(new, ending))
        if old is None or new.person_version <= old.person_version:
            return None  # the workflow's own write: it planned from it already
        self._tell(self._answer_notices(new))
        record = self.tickets.see(new.id, new.version)
        if record is None:
            return "superseded"  # a newer change was passed on already, with the newer plan
        if not new.is_open:
            return self._end(record, new, reason) if old.is_open else None
        return self._follow(record, new)

    def _follow(self, record: WorkflowRecord, ticket: Ticket) -> str:
        """Answer the waiting step with the plan of `ticket` unless that step was planned from it already."""
        if record.token is None or record.version >= ticket.version:
            return "in_step"  # the step waiting, or the one being planned, saw this change (or a newer one)
        prop = self.properties(ticket.property_id)
        previous = Step.model_validate(record.step) if record.step else None
        plan = next_step(ticket, prop, clock.now(), previous)
        if previous is not None and _same_wait(plan, previous):
            self.tickets.advance(ticket.id, record.token, ticket.version)  # a comment, an urge: keep waiting
            return "step_holds"
        if engine.answer_step(record.token, _answer(ticket, plan, ticket.last_action)):
            return "answered"
        # Not waiting (a timer runs, or a step is being stored): that step re-plans when it finds this change.
        return "stale_token"

    def _end(self, record: WorkflowRecord, ticket: Ticket, reason: str | None) -> str:
        error = "TicketVoided" if ticket.status is Status.VOIDED else "TicketClosed"
        if record.token is None:
            return error  # no step waits yet; the next one finds the ticket finished
        cause = f"{ticket.status.value}: {reason or ticket.invalid_reason or self._ending_reason(ticket)}"
        if engine.fail_step(record.token, error, cause):
            self.tickets.add_timeline(
                TicketEvent(
                    ticket_id=ticket.id,
                    at=ticket.updated_at,
                    actor_id=WORKFLOW_ACTOR,
                    actor_role=SYSTEM.role,
                    action="workflow_ended",
                    note=cause,
                    data={"error": error, "execution": record.execution},
                ),
                suffix="workflow_ended",
            )
        return error

    def _answer_notices(self, ticket: Ticket) -> list[Notice]:
        """Who is told of the action that made this change (`answer_notices`), for the step it leads to."""
        answer, at = ticket.last_action, ticket.last_action_at
        if not answer or at is None:
            return []
        step = next_step(ticket, self.properties(ticket.property_id), at)
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

    # ---- starting executions, and catching up -----------------------------------------

    def ensure_started(self, ticket: Ticket, state_machine_arn: str | None = None) -> str | None:
        """Start the ticket's execution unless one runs; the new execution's ARN, or None when nothing started
        (already running, started by someone else meanwhile, or the ticket needs no workflow). A running one
        whose waiting step missed a change (a stream record lost for good) is answered with the current plan."""
        arn = engine.workflow_arn(state_machine_arn)
        if arn is None or not needs_workflow(ticket):
            return None
        record = self.tickets.workflow(ticket.id)
        if record is not None and record.execution:
            if engine.status(record.execution) == "RUNNING":
                self._follow(record, ticket)
                return None
            return self._start(arn, f"{ticket.id}-v{ticket.version}", ticket)  # reopened, or its execution died
        started = self._start(arn, ticket.id, ticket)
        if started is None and engine.status(_execution_arn(arn, ticket.id)) not in ("RUNNING", None):
            return self._start(arn, f"{ticket.id}-v{ticket.version}", ticket)  # died before its first step
        return started

    def _start(self, arn: str, name: str, ticket: Ticket) -> str | None:
        step = next_step(ticket, self.properties(ticket.property_id), clock.now())
        plan = {"plan": step.model_dump(mode="json"), "answer": "start", "version": ticket.version}
        return engine.start(arn, name, {"ticket_id": ticket.id, "step": plan})

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


def _answer(ticket: Ticket, plan: Step, action: str | None) -> dict[str, Any]:
    """The output of an answered step: the next plan, the ticket version it was planned from, and the action."""
    at = ticket.last_action_at if action else None
    return {
        "action": action,
        "at": at.isoformat() if at else None,
        "next": plan.model_dump(mode="json"),
        "version": ticket.version,
    }


def _same_wait(plan: Step, waiting: Step) -> bool:
    """Whether the step already waiting is the one planned now: same awaited actions and timers, and no
    target to start or stop that the waiting step did not (it wrote its own once it was stored)."""
    return (
        (plan.name, plan.awaiting, plan.fires) == (waiting.name, waiting.awaiting, waiting.fires)
        and {s.name for s in plan.starts} <= {s.name for s in waiting.starts}
        and set(plan.stops) <= set(waiting.stops)
    )


def _execution_arn(state_machine_arn: str, name: str) -> str:
    return f"{state_machine_arn.replace(':stateMachine:', ':execution:')}:{name}"


def _with_targets(ticket: Ticket, step: Step) -> Ticket:
    """The ticket with the step's targets started and its ended reminders stopped; nothing else touched."""
    t = ticket.model_copy(deep=True)
    for target in step.starts:
        if target.name not in t.sla or targets.resumes(t, target.name):
            t.sla[target.name] = target
    recurring = {r.value for r in RECURRING}
    for name in step.stops:
        running = t.sla.get(name)
        if running is not None and running.open and name in recurring:
            running.met_at = step.since
    return t


__all__ = ["TicketFinished", "WorkflowService", "needs_workflow"]
