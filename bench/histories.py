"""A pytest plugin for the workflow tests: after each test, record every execution's history from moto.

Used by `python -m bench` as `pytest -p bench.histories tests/integration/workflow`; the records go to the JSON
lines file named by BENCH_HISTORIES. Billed state transitions are counted as the StateEntered events.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest


def _histories() -> Iterator[dict[str, Any]]:
    import boto3

    client = boto3.client("stepfunctions", region_name=os.environ.get("AWS_DEFAULT_REGION", "us-east-1"))
    for machine in client.list_state_machines().get("stateMachines", []):
        for execution in client.list_executions(stateMachineArn=machine["stateMachineArn"]).get("executions", []):
            events: list[dict[str, Any]] = []
            token = None
            while True:
                kwargs: dict[str, Any] = {"executionArn": execution["executionArn"], "maxResults": 1000}
                if token:
                    kwargs["nextToken"] = token
                page = client.get_execution_history(**kwargs)
                events += page.get("events", [])
                token = page.get("nextToken")
                if not token:
                    break
            kinds = Counter(e["type"] for e in events)
            yield {
                "machine": machine["name"],
                "execution": execution["name"],
                "status": execution.get("status"),
                "events": len(events),
                "transitions": sum(n for kind, n in kinds.items() if kind.endswith("StateEntered")),
                "tasks": sum(n for kind, n in kinds.items() if kind in ("TaskScheduled", "LambdaFunctionScheduled")),
            }


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    yield
    target = os.environ.get("BENCH_HISTORIES")
    if not target:
        return
    try:
        records = list(_histories())
    except Exception as err:  # noqa: BLE001 - a test without moto or state machines has nothing to record
        records = [{"error": f"{type(err).__name__}: {err}"[:200]}]
    with open(target, "a", encoding="utf-8") as stream:  # noqa: PTH123 - appended by every test
        for record in records:
            stream.write(json.dumps({"test": item.nodeid, **record}) + "\n")
