"""Print state-machine transitions as they happen, by polling execution histories."""

from __future__ import annotations

import threading
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from local.log import log_line

_SHOWN = {
    "ExecutionStarted": "started",
    "ExecutionSucceeded": "SUCCEEDED",
    "ExecutionFailed": "FAILED",
    "ExecutionAborted": "ABORTED",
    "ExecutionTimedOut": "TIMED_OUT",
}


class ExecutionWatcher:
    """Follows every execution of the given state machines and logs entered states and endings."""

    def __init__(self, client: Any, state_machines: dict[str, str], interval_s: float = 0.5) -> None:
        self.client = client
        self.state_machines = state_machines  # arn -> logical id
        self.interval_s = interval_s
        self._seen: dict[str, int] = {}  # execution arn -> last event id shown
        self._finished: set[str] = set()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="sfn-watch", daemon=True)

    def start(self) -> None:
        if self.state_machines:
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()

    def _run(self) -> None:
        while not self._stop.wait(self.interval_s):
            try:
                self.poll()
            except (BotoCoreError, ClientError) as err:
                # The moto server stops before this thread on shutdown; say so once and keep going otherwise.
                if self._stop.is_set():
                    return
                log_line(f"! watching executions failed: {err}")

    def poll(self) -> None:
        for machine_arn, logical_id in self.state_machines.items():
            pages = self.client.get_paginator("list_executions").paginate(stateMachineArn=machine_arn)
            for page in pages:
                for execution in page["executions"]:
                    arn = execution["executionArn"]
                    if arn not in self._finished:
                        self._follow(logical_id, arn, execution["status"])

    def _follow(self, machine: str, arn: str, status: str) -> None:
        last = self._seen.get(arn, 0)
        name = arn.rsplit(":", 1)[-1]
        events: list[dict[str, Any]] = []
        token: str | None = None
        while True:
            kwargs: dict[str, Any] = {"executionArn": arn, "maxResults": 1000}
            if token:
                kwargs["nextToken"] = token
            page = self.client.get_execution_history(**kwargs)
            events.extend(e for e in page["events"] if e["id"] > last)
            token = page.get("nextToken")
            if not token:
                break
        for event in sorted(events, key=lambda e: e["id"]):
            line = _describe(event)
            if line:
                log_line(f"⇢ {machine}/{name}: {line}")
            self._seen[arn] = max(self._seen.get(arn, 0), event["id"])
        if status != "RUNNING":
            self._finished.add(arn)


def _describe(event: dict[str, Any]) -> str | None:
    kind = event["type"]
    if kind in _SHOWN:
        details = event.get("executionFailedEventDetails") or {}
        error = f" {details.get('error', '')}: {str(details.get('cause', ''))[:160]}" if details else ""
        return _SHOWN[kind] + error
    if kind.endswith("StateEntered"):
        return f"→ {event['stateEnteredEventDetails']['name']}"
    if kind in ("TaskFailed", "LambdaFunctionFailed", "TaskTimedOut", "LambdaFunctionTimedOut"):
        failure: dict[str, Any] = next((v for k, v in event.items() if k.endswith("EventDetails")), {})
        return f"  {kind} {failure.get('error', '')}"
    if kind == "TaskSubmitted" and "waitForTaskToken" in str(event.get("taskSubmittedEventDetails", {})):
        return "  waiting for task token"
    return None
