"""The Step Functions calls of the workflow: start an execution, answer or end its waiting step, look one up.

Clients are built on first use; the state machine comes from TICKET_WORKFLOW_ARN unless given.
"""

from __future__ import annotations

import json
import os
from functools import cache
from typing import Any


@cache
def _client() -> Any:
    import boto3

    return boto3.client("stepfunctions")


def workflow_arn(arn: str | None = None) -> str | None:
    return arn or os.environ.get("TICKET_WORKFLOW_ARN") or None


def state_machine_of(execution_arn: str) -> str:
    """The state machine an execution runs (…:execution:<machine>:<name> -> …:stateMachine:<machine>)."""
    parts = execution_arn.split(":")
    if len(parts) < 8 or parts[5] != "execution":
        raise ValueError(f"not an execution ARN: {execution_arn}")
    return ":".join([*parts[:5], "stateMachine", parts[6]])


_GONE = {"TaskDoesNotExist", "TaskTimedOut", "InvalidToken"}


def start(state_machine_arn: str, name: str, payload: dict[str, Any]) -> str | None:
    """Start the named execution; None when an execution of that name already exists (idempotent by name)."""
    client = _client()
    try:
        result = client.start_execution(stateMachineArn=state_machine_arn, name=name, input=json.dumps(payload))
    except client.exceptions.ExecutionAlreadyExists:
        return None
    return str(result["executionArn"])


def status(execution: str) -> str | None:
    """RUNNING, SUCCEEDED, FAILED...; None when there is no such execution."""
    client = _client()
    try:
        return str(client.describe_execution(executionArn=execution)["status"])
    except client.exceptions.ExecutionDoesNotExist:
        return None


def answer_step(token: str, output: dict[str, Any]) -> bool:
    """Complete a waiting step with the next plan; False when that step was no longer waiting (a stale token)."""
    client = _client()
    try:
        client.send_task_success(taskToken=token, output=json.dumps(output, default=str))
    except client.exceptions.ClientError as err:
        if err.response.get("Error", {}).get("Code", "") in _GONE:
            return False
        raise
    return True


def fail_step(token: str, error: str, cause: str) -> bool:
    """End a waiting step with an error the machine catches; False when the step was no longer waiting."""
    client = _client()
    try:
        client.send_task_failure(taskToken=token, error=error, cause=cause[:32_000])
    except client.exceptions.ClientError as err:
        if err.response.get("Error", {}).get("Code", "") in _GONE:
            return False
        raise
    return True
