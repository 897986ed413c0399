"""The ticket workflow on Step Functions, as the API sees it: answer a waiting step."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from propdesk.errors import StepNotAwaited


@cache
def _client() -> Any:
    import boto3  # a cold start that never answers a step never pays for the client

    return boto3.client("stepfunctions")


_EXPIRED = {"TaskTimedOut", "TaskDoesNotExist", "InvalidToken"}


def send_step_result(token: str, output: dict[str, Any], step: str) -> None:
    """Complete the waiting step; a timed-out or already used token is a 409, not a 500."""
    client = _client()
    try:
        client.send_task_success(taskToken=token, output=json.dumps(output, default=str))
    except client.exceptions.ClientError as err:
        code = err.response.get("Error", {}).get("Code", "")
        if code in _EXPIRED:
            raise StepNotAwaited(
                f"the {step} step is no longer waiting (it timed out or was already answered)",
                details=[{"field": "action", "problem": code}],
            ) from err
        raise
