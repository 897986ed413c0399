"""What the site office's registers need of AWS: the permit timer's execution and the signature images."""

from __future__ import annotations

import json
from functools import cache
from typing import Any


@cache
def _sfn() -> Any:
    import boto3

    return boto3.client("stepfunctions")


@cache
def _s3() -> Any:
    import boto3

    return boto3.client("s3")


def start_permit_timer(state_machine_arn: str, name: str, timer_input: dict[str, Any]) -> None:
    """One execution per permit, named after it: a retried start finds it already running and changes nothing."""
    client = _sfn()
    try:
        client.start_execution(stateMachineArn=state_machine_arn, name=name, input=json.dumps(timer_input))
    except client.exceptions.ExecutionAlreadyExists:
        return


def uploaded(bucket: str, key: str) -> bool:
    """Whether the signature image was uploaded (one HeadObject)."""
    from botocore.exceptions import ClientError

    try:
        _s3().head_object(Bucket=bucket, Key=key)
    except ClientError as err:
        if err.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
            return False
        raise
    return True
