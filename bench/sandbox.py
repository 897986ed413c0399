"""An in-process AWS for measuring: moto with every table, bucket and queue of template.yaml, and the seeded world."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench import ROOT
from bench.functions import FunctionInfo, functions

FAKE_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",  # moto's fake credentials
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_REGION": "us-east-1",
    "POWERTOOLS_METRICS_NAMESPACE": "PropDeskBench",
    "POWERTOOLS_SERVICE_NAME": "propdesk",
    "POWERTOOLS_LOG_LEVEL": "ERROR",
    "POWERTOOLS_DEV": "false",
}


QUIET = {"POWERTOOLS_LOG_LEVEL": "ERROR", "POWERTOOLS_METRICS_DISABLED": "true"}


def fake_credentials() -> None:
    for name in ("AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_SESSION_TOKEN"):
        os.environ.pop(name, None)
    os.environ.update(FAKE_ENV)
    import warnings

    warnings.filterwarnings("ignore", message="No application metrics to publish")


@dataclass
class Sandbox:
    physical: dict[str, str]
    world: Any
    functions: dict[str, FunctionInfo]

    def environment(self, logical_id: str) -> dict[str, str]:
        from tests.support import infra

        return infra.function_environment(logical_id, self.physical)


def _create_queues() -> dict[str, str]:
    import boto3

    from tests.support import infra

    client = boto3.client("sqs", region_name="us-east-1")
    found: dict[str, str] = {}
    for logical_id, resource in infra.template().resources.items():
        if resource["Type"] == "AWS::SQS::Queue":
            fifo = bool(resource.get("Properties", {}).get("FifoQueue"))
            name = f"{logical_id}.fifo" if fifo else logical_id
            attrs = {"FifoQueue": "true"} if fifo else {}
            found[logical_id] = client.create_queue(QueueName=name, Attributes=attrs)["QueueUrl"]
    return found


@contextmanager
def moto_sandbox() -> Iterator[Sandbox]:
    """A fresh moto account built from template.yaml, with the API's environment set, and the test world seeded."""
    fake_credentials()
    from moto import mock_aws

    from tests.support import infra
    from tests.support.api import reset_api_state
    from tests.support.seed import seed

    with mock_aws(config={"stepfunctions": {"execute_state_machine": True}}):
        physical = {**infra.create_tables(), **infra.create_buckets(), **_create_queues()}
        os.environ.update(infra.function_environment("ApiFunction", physical))
        os.environ.update(QUIET)
        reset_api_state()
        world = seed(physical["DirectoryTable"])
        yield Sandbox(physical, world, functions())
        reset_api_state()


def function_folder(info: FunctionInfo) -> Path:
    return info.code_dir if info.code_dir.is_absolute() else ROOT / info.code_dir
