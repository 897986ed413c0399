"""The per-ticket workflow (issue 4): the step table, timers and escalations, and execution start/end.

Every ticket runs one Standard execution of statemachines/ticket.asl.json. The machine is a loop of
one waiting step (a `.waitForTaskToken` task whose timeout is the next timer) and one timer task;
the domain here decides which step comes next, so each human step costs one state transition. The
ticket is committed first; the workflow follows its committed changes from the table's stream.
"""

from __future__ import annotations

import os

from propdesk.models.ticket import Ticket
from propdesk.workflow.plan import AUTO_CLOSE, END, Fire, Step, next_step
from propdesk.workflow.service import TicketFinished, WorkflowService, needs_workflow


def ensure_started(ticket: Ticket, state_machine_arn: str | None = None) -> str | None:
    """Start the ticket's workflow unless it runs (idempotent by execution name); the new execution's ARN or None.

    Reads TICKETS_TABLE, DIRECTORY_TABLE and TICKET_WORKFLOW_ARN from the environment on each call.
    """
    from propdesk.dal.directory import DirectoryStore
    from propdesk.dal.tickets import TicketStore
    from propdesk.logic.directory import DirectoryCache

    cache = DirectoryCache(DirectoryStore(os.environ["DIRECTORY_TABLE"]))
    service = WorkflowService(TicketStore(os.environ["TICKETS_TABLE"]), cache.property)
    return service.ensure_started(ticket, state_machine_arn)


__all__ = [
    "AUTO_CLOSE",
    "END",
    "Fire",
    "Step",
    "TicketFinished",
    "WorkflowService",
    "ensure_started",
    "needs_workflow",
    "next_step",
]
