"""The ticket workflow's step function, invoked by the state machine (statemachines/ticket.asl.json).

`await`: a waitForTaskToken step stores its token in the ticket's WORKFLOW item, or re-plans at once.
`timer`: a step timed out; its timers fire and the next step is returned to the machine.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from functools import cache
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext
from pydantic import BaseModel, ConfigDict
from workflow_settings import settings

from propdesk.dal.directory import DirectoryStore
from propdesk.dal.tickets import TicketStore
from propdesk.logging import PhoneMaskingFormatter
from propdesk.logic.directory import DirectoryCache
from propdesk.notices import Notice
from propdesk.ports import notices as notices_port
from propdesk.workflow import Step, WorkflowService, engine
from propdesk.workflow.service import TicketFinished

logger = Logger(logger_formatter=PhoneMaskingFormatter())


class StepState(BaseModel):
    """`$.step` of the machine: the plan, the ticket version it was planned from, and the action that led to it."""

    model_config = ConfigDict(extra="ignore")

    plan: Step
    version: int = 0
    answer: str | None = None
    at: datetime | None = None


class StepEvent(BaseModel):
    model_config = ConfigDict(extra="ignore")

    op: str
    ticket_id: str
    execution: str
    step: StepState
    token: str | None = None


@cache
def service() -> WorkflowService:
    config = settings()
    cache_ = DirectoryCache(DirectoryStore(config.directory_table))

    def publish(notices: Sequence[Notice]) -> int:
        return notices_port.publish(notices, config.notices_queue_url)

    return WorkflowService(TicketStore(config.tickets_table), cache_.property, publish)


@logger.inject_lambda_context(clear_state=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    request = StepEvent.model_validate(event)
    plan = request.step.plan
    logger.append_keys(ticket_id=request.ticket_id, step=plan.name, op=request.op)
    if request.op == "await":
        if not request.token:
            raise ValueError("an await step needs its task token")
        try:
            stored = service().await_step(
                request.ticket_id, request.token, request.execution, plan, request.step.version
            )
        except TicketFinished as ending:
            # Not a failure of this function: the step ends with an error the machine catches by name, sent
            # through its own token so that Lambda's error metrics and alarms see only real failures.
            engine.fail_step(request.token, type(ending).__name__, str(ending))
            return {"ended": type(ending).__name__}
        return {"stored": plan.name} if stored else {"replanned": plan.name}
    if request.op == "timer":
        following, version = service().on_timer(request.ticket_id, plan)
        logger.info("timer fired", extra={"fires": [f.timer for f in plan.fires[:1]], "next": following.name})
        return {"plan": following.model_dump(mode="json"), "version": version}
    raise ValueError(f"unknown op {request.op!r}")
