"""Fixtures that run the real ticket workflow: statemachines/ticket.asl.json executed by moto.

Reusable by any test that needs tickets to run their workflow (the sweep, the reports, the benchmarks):

    def test_x(flow, api, world, clock):
        tid = flow.create(world["zhang"], description="漏水")      # the stream starts its execution
        flow.act(tid, world["desk"], "classify", {"paid": False})
        flow.act(tid, world["desk"], "dispatch", {"assignee_id": "tech"})  # answers the dispatch step
        flow.run_until(tid, clock.current + timedelta(minutes=16))      # the on-site timer fires
        assert flow.notices(tid, "on_site_overdue")

What `flow` sets up, all from template.yaml:
- the step and stream functions (WorkflowStepFunction, WorkflowStarterFunction) created in moto with a dummy
  zip and the template's environment; moto's Lambda invoke is replaced so their handlers run in-process;
- the state machine from its DefinitionUri with its DefinitionSubstitutions;
- the stream's event source mapping; moto hands stream records over on every write, and the fixture delivers
  them to the stream function on one background thread, in order, as AWS does (`flow.settle()` waits for it);
- the notices queue (NOTICES_QUEUE_URL), so published notices can be read back (`flow.sent()`).

Driving it: `create`/`create_for`/`act` wait until the workflow waits in its next step (`idle`), so the
next action answers the right step; `run_until(tid, instant)` moves the clock from timer to timer up to an
instant; `notices`, `timeline`, `history`, `states`, `transitions` and `sent` read what happened;
`hold_stream`/`release_stream` make the stream lag. Each test prints its budget lines (`pytest -s`).
moto's DynamoDB writes are serialised (DynamoDB checks a condition and writes atomically; moto does not).

Time: task timeouts follow the test's clock, not the wall clock. A waiting step times out when `clock` has
been advanced past its timeout (within a second of slack), so a 30-day coordination sheet runs as fast as
the test moves the clock; Retry back-off sleeps are cut to a few milliseconds. Every wait is bounded and
fails on an execution status other than RUNNING or SUCCEEDED.
"""

from __future__ import annotations

import io
import json
import threading
import time
import traceback
import types
import zipfile
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import boto3
import pytest

from local.moto_patches import (
    parse_json_paths_once,
    reuse_task_clients,
    serialise_dynamodb,
    tolerate_starting_executions,
)
from local.template import Physical
from propdesk import clock as clock_module
from propdesk.dal.tickets import TicketStore
from propdesk.models.ticket import Ticket, TicketEvent
from tests.support import infra
from tests.support.api import load_function

ROOT = Path(__file__).resolve().parents[3]
REGION = infra.REGION
FUNCTIONS = {"WorkflowStepFunction": "workflow", "WorkflowStarterFunction": "workflow_starter"}
WAIT_SECONDS = 15.0  # the longest any single wait may take before the test fails
STREAM_ATTEMPTS = 3  # a failed stream batch is delivered again (the template's MaximumRetryAttempts is 5)
SLACK = timedelta(seconds=1)  # a timeout fires when the clock is within this of its deadline
CLOCK_TICK = 0.02  # real seconds between a waiting task's looks at the test's clock


class WorkflowHarness:
    """The running workflow of one test: act through the API, wait for steps, read histories and notices."""

    def __init__(self, api: Any, physical: dict[str, str], clock: Any) -> None:
        self.api = api
        self.clock = clock
        self.physical = physical
        self.state_machine_arn = physical["TicketWorkflow"]
        self.queue_url = physical["NoticesQueue"]
        self.store = TicketStore(physical["TicketsTable"])
        self.sfn = boto3.client("stepfunctions", region_name=REGION)
        self.sqs = boto3.client("sqs", region_name=REGION)
        self.stream = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ticket-stream")
        self.pending = 0
        self.lock = threading.Lock()
        self.closed = threading.Event()
        self.ticks = threading.Condition()  # ClockEvent waiters: woken when a task is answered
        self.stream_open = threading.Event()
        self.stream_open.set()
        self.errors: list[str] = []
        self.invocations: dict[str, int] = {}
        self.executions: dict[str, str] = {}

    # ---- the API ------------------------------------------------------------------------

    def create(self, who: dict[str, Any], **body: Any) -> str:
        """Create a ticket through the API and wait until its workflow waits for the first step."""
        reply = self.api.post("/tickets", who, body=body)
        assert reply.status == 201, reply.body
        tid = str(reply.body["id"])
        self.idle(tid)
        return tid

    def create_for(self, who: dict[str, Any], property_id: str = "SUN", **body: Any) -> str:
        """A ticket recorded by staff (desk, call centre) for a resident or an area."""
        reply = self.api.post(f"/properties/{property_id}/tickets", who, body=body)
        assert reply.status == 201, reply.body
        tid = str(reply.body["id"])
        self.idle(tid)
        return tid

    def act(self, tid: str, who: dict[str, Any], action: str, body: Any = None, *, status: int = 200) -> Any:
        """One action through the API; then wait until the workflow waits in the step planned from it."""
        reply = self.api.post(f"/tickets/{tid}/actions/{action}", who, body=body)
        assert reply.status == status, (action, reply.status, reply.body)
        self.idle(tid)
        return reply.body

    def waiting(self, tid: str) -> list[str]:
        """The actions the step the workflow waits in now was planned for."""
        self.idle(tid)
        record = self.store.workflow(tid)
        return list((record.step or {}).get("awaiting", [])) if record else []

    # ---- waiting, always bounded ------------------------------------------------------------

    def wait_until(self, what: str, check: Callable[[], Any], tid: str | None = None) -> Any:
        deadline = time.monotonic() + WAIT_SECONDS
        while time.monotonic() < deadline:
            self._raise_errors()
            if tid is not None:
                self._check_execution(tid)
            value = check()
            if value:
                return value
            time.sleep(0.01)
        raise AssertionError(f"timed out waiting for {what}")

    def idle(self, tid: str, after: int = 0, of: str | None = None) -> int:
        """Until the execution waits in a step planned from every change the stream passed on (or has ended),
        with more than `after` history events (counted in execution `of` when given: a new execution
        continuing it starts afresh); returns how many it has."""

        def waiting() -> int:
            execution = self.execution(tid)
            if execution is None:
                return 0
            count, last, status = _peek(execution)
            if count <= after and (of is None or execution == of):
                return 0
            if status != "RUNNING":
                return count
            record = self.store.workflow(tid)
            caught_up = record is not None and record.version >= record.seen_version
            return count if last == "TaskSubmitted" and caught_up else 0

        self.settle()
        return int(self.wait_until(f"the workflow of {tid} to wait", waiting, tid))

    def wait_notice(self, tid: str, kind: str, count: int = 1) -> list[dict[str, Any]]:
        """Until `count` notices of this kind are on the ticket's timeline."""
        return self.wait_until(  # type: ignore[no-any-return]
            f"{count} x {kind} on {tid}", lambda: (n := self.notices(tid, kind)) and len(n) >= count and n, tid
        )

    def wait_ended(self, tid: str) -> dict[str, Any]:
        """Until the ticket's execution succeeded; returns its description."""
        execution = self.wait_until(f"the execution of {tid}", lambda: self.execution(tid), None)
        self.wait_until(f"{tid} to end", lambda: self.status(execution) == "SUCCEEDED", tid)
        return dict(self.sfn.describe_execution(executionArn=execution))

    def current_plan(self, tid: str) -> dict[str, Any] | None:
        """The plan of the step the execution waits in now, from its last scheduled Step task."""
        execution = self.execution(tid)
        if execution is None:
            return None
        plan, in_step = None, False
        for event in _raw_history(execution):
            if "stateEnteredEventDetails" in event:
                in_step = event["stateEnteredEventDetails"]["name"] == "Step"
            elif event["type"] == "TaskScheduled" and in_step:
                plan = json.loads(event["taskScheduledEventDetails"]["parameters"])["Payload"]["step"]["plan"]
        return plan

    def run_until(self, tid: str, until: datetime) -> int:
        """Move the clock to each timer of the ticket's workflow in turn up to `until`; returns how many fired."""
        fired = 0
        while True:
            seen = self.idle(tid)
            ticket = self.ticket(tid)
            if not ticket.is_open or self.status(str(self.execution(tid))) != "RUNNING":
                break
            plan = self.current_plan(tid)
            if not plan or not plan["fires"]:
                break
            at = datetime.fromisoformat(plan["fires"][0]["at"])
            if at > until:
                break
            self.clock.current = max(self.clock.current, at)
            self.idle(tid, after=seen, of=self.execution(tid))
            fired += 1
        self.clock.current = max(self.clock.current, until)
        return fired

    def settle(self) -> None:
        """Until every stream record handed over so far was delivered."""
        self.wait_until("the ticket stream", lambda: self.pending == 0)

    def _check_execution(self, tid: str) -> None:
        execution = self.execution(tid)
        if execution is None:
            return
        status = _peek(execution)[2]
        if status not in ("RUNNING", "SUCCEEDED"):
            details = self.sfn.describe_execution(executionArn=execution)
            history = [e["type"] for e in self.history(execution)][-8:]
            raise AssertionError(
                f"execution of {tid} is {status}: {details.get('error')} {details.get('cause')} {history}"
            )

    def _raise_errors(self) -> None:
        if self.errors:
            raise AssertionError("a workflow function failed unexpectedly: " + "; ".join(self.errors))

    # ---- reading ----------------------------------------------------------------------

    def ticket(self, tid: str) -> Ticket:
        ticket = self.store.get(tid)
        assert ticket is not None, tid
        return ticket

    def timeline(self, tid: str) -> list[TicketEvent]:
        return self.store.events(tid)

    def notices(self, tid: str, kind: str | None = None) -> list[dict[str, Any]]:
        return [e.data for e in self.timeline(tid) if e.action == "notice" and (kind is None or e.note == kind)]

    def execution(self, tid: str) -> str | None:
        """The ticket's current execution (the newest of those named after it)."""
        known = self.executions.get(tid)
        if known is not None and _peek(known)[2] == "RUNNING":
            return known
        found = [
            e
            for e in _engine_executions()
            if e.state_machine_arn == self.state_machine_arn and (e.name == tid or e.name.startswith(f"{tid}-"))
        ]
        if not found:
            return None
        self.executions[tid] = str(max(found, key=lambda e: e.start_date).exec_arn)
        return self.executions[tid]

    def status(self, execution: str) -> str:
        return str(self.sfn.describe_execution(executionArn=execution)["status"])

    def history(self, execution: str) -> list[dict[str, Any]]:
        events: list[dict[str, Any]] = []
        for page in self.sfn.get_paginator("get_execution_history").paginate(executionArn=execution):
            events.extend(page["events"])
        return events

    def transitions(self, execution: str) -> int:
        """Billed state transitions: every state entered."""
        return sum(1 for e in self.history(execution) if e["type"].endswith("StateEntered"))

    def states(self, execution: str) -> list[str]:
        return [
            e["stateEnteredEventDetails"]["name"] for e in self.history(execution) if "stateEnteredEventDetails" in e
        ]

    def sent(self) -> list[dict[str, Any]]:
        """Notices published to the notifier's queue so far (drained)."""
        bodies: list[dict[str, Any]] = []
        while True:
            got = self.sqs.receive_message(QueueUrl=self.queue_url, MaxNumberOfMessages=10)
            messages = got.get("Messages", [])
            if not messages:
                return bodies
            for message in messages:
                bodies.append(json.loads(message["Body"]))
                self.sqs.delete_message(QueueUrl=self.queue_url, ReceiptHandle=message["ReceiptHandle"])

    # ---- the stream ----------------------------------------------------------------------

    def hold_stream(self) -> None:
        """Hold stream records back (a lagging stream) until `release_stream`."""
        self.stream_open.clear()

    def release_stream(self) -> None:
        self.stream_open.set()

    def deliver(self, invoke: Callable[[], Any]) -> None:
        with self.lock:
            self.pending += 1

        def run() -> None:
            try:
                self.stream_open.wait(WAIT_SECONDS)
                invoke()
            finally:
                with self.lock:
                    self.pending -= 1

        self.stream.submit(run)

    def budgets(self) -> dict[str, tuple[int, int]]:
        """(state transitions, history events) of every execution this test saw, by ticket id."""
        out: dict[str, tuple[int, int]] = {}
        for tid, execution in self.executions.items():
            events = _raw_history(execution)
            entered = sum(1 for e in events if str(getattr(e["type"], "value", e["type"])).endswith("StateEntered"))
            out[tid] = (entered, len(events))
        return out

    def close(self) -> None:
        self.closed.set()
        with self.ticks:
            self.ticks.notify_all()
        self.stream.shutdown(wait=True, cancel_futures=False)
        for page in self.sfn.get_paginator("list_executions").paginate(
            stateMachineArn=self.state_machine_arn, statusFilter="RUNNING"
        ):
            for e in page["executions"]:
                self._stop(e["executionArn"])

    def _stop(self, execution_arn: str) -> None:
        """Stop a leftover execution; moto fails to stop one whose worker thread has not started yet."""
        for _ in range(50):
            try:
                self.sfn.stop_execution(executionArn=execution_arn, cause="test over")
                return
            except AttributeError:  # moto: ExecutionWorker.env is None until its thread runs
                time.sleep(0.02)
        raise AssertionError(f"could not stop {execution_arn}")


def _raw_history(execution_arn: str) -> list[dict[str, Any]]:
    """The engine's own event list, without the API's serialization (see _peek)."""
    for execution in _engine_executions():
        if execution.execution_arn == execution_arn and execution.exec_worker and execution.exec_worker.env:
            return list(execution.exec_worker.env.event_manager._history_event_list)
    return []


def _engine_executions() -> list[Any]:
    """Every execution, read from moto's engine: listing them through the API serializes each one, and a test
    that follows hundreds of tickets would spend most of its time there."""
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.stepfunctions.parser.models import stepfunctions_parser_backends

    return list(stepfunctions_parser_backends[DEFAULT_ACCOUNT_ID][REGION]._get_executions())


def _peek(execution_arn: str) -> tuple[int, str, str]:
    """(history length, last event type, status) read from moto's engine: polling the API would serialize
    the whole history on every poll, which costs more than the workflow itself."""
    for execution in _engine_executions():
        if execution.execution_arn == execution_arn:
            env = execution.exec_worker.env if execution.exec_worker else None
            events = env.event_manager._history_event_list if env is not None else []
            status = execution.exec_status.value if execution.exec_status else "RUNNING"
            last = str(getattr(events[-1]["type"], "value", events[-1]["type"])) if events else ""
            if last == "TaskSubmitted":
                # A step that stored its token waits; one that ended or re-planned itself moves on.
                output = str(events[-1].get("taskSubmittedEventDetails", {}).get("output", ""))
                last = "TaskSubmitted" if '"stored"' in output else "TaskSubmitted:ended"
            return len(events), last, str(status)
    return 0, "", "MISSING"


def _dummy_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("app.py", "def lambda_handler(event, context):\n    return event\n")
    return buffer.getvalue()


def _definition(step_function_arn: str) -> str:
    """The ASL file with the template's DefinitionSubstitutions applied, as CloudFormation would."""
    tpl = infra.template()
    props = tpl.resources["TicketWorkflow"]["Properties"]
    text = (ROOT / props["DefinitionUri"]).read_text()
    refs = {lid: Physical(ref=lid, attrs={"Arn": step_function_arn}) for lid in FUNCTIONS}
    for key, value in tpl.resolve(props["DefinitionSubstitutions"], refs).items():
        text = text.replace("${" + key + "}", str(value))
    return text


class _Context:
    function_name = "workflow"
    memory_limit_in_mb = 512
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:workflow"
    aws_request_id = "req"

    def get_remaining_time_in_millis(self) -> int:
        return 30_000


def _install_seams(monkeypatch: pytest.MonkeyPatch, harness: WorkflowHarness, arns: dict[str, str]) -> None:
    """Lambda invokes run our handlers in-process; stream batches go to the stream thread; timeouts follow the clock."""
    from moto.awslambda import models
    from moto.stepfunctions.parser.asl.component.common.retry import retrier_decl
    from moto.stepfunctions.parser.asl.component.state.exec import execute_state

    by_name = {arn.rsplit(":", 1)[1]: logical for logical, arn in arns.items()}

    def invoke_lambda(self: Any, event: Any = None) -> tuple[str, bool, str]:
        payload = {} if event is None or event == "{}" else event
        if isinstance(payload, str):
            payload = json.loads(payload)
        logical = by_name[self.function_name]
        harness.invocations[logical] = harness.invocations.get(logical, 0) + 1
        handler = load_function(FUNCTIONS[logical]).lambda_handler
        try:
            result = handler(payload, _Context())
        except Exception as err:  # noqa: BLE001 - the seam reports every handler error as Lambda does
            expected = type(err).__name__ in ("TicketFinished", "ConcurrentUpdate", "InjectedCrash")
            if not expected:
                where = "".join(traceback.format_exception(err)[-6:])  # where it failed, for whoever reads the failure
                harness.errors.append(f"{logical}: {type(err).__name__}: {err}\n{where}")
            return json.dumps({"errorType": type(err).__name__, "errorMessage": str(err)}), True, ""
        return json.dumps(result, default=str), False, ""

    def send_dynamodb_items(self: Any, function_arn: str, items: list[Any], source: str) -> bytes:
        from moto.core.utils import unix_time

        records = []
        for item in items:
            record = item.to_json()
            change = dict(record["dynamodb"])
            if not isinstance(change.get("ApproximateCreationDateTime"), (int, float, type(None))):
                change["ApproximateCreationDateTime"] = unix_time(change["ApproximateCreationDateTime"])
            records.append(
                {
                    **{k: record[k] for k in ("eventID", "eventName", "eventVersion", "eventSource")},
                    "awsRegion": REGION,
                    "dynamodb": change,
                    "eventSourceARN": source,
                }
            )
        starter = load_function(FUNCTIONS["WorkflowStarterFunction"])
        handler = starter.lambda_handler

        def invoke() -> None:
            batch = records
            for _attempt in range(STREAM_ATTEMPTS):
                try:
                    answer = handler({"Records": batch}, _Context())
                    failed = {f["itemIdentifier"] for f in answer.get("batchItemFailures") or []}
                except Exception as err:  # noqa: BLE001 - a stream failure fails the test, not the writer
                    if type(err).__name__ != "BatchProcessingError":  # every record failed: all come again
                        harness.errors.append(f"WorkflowStarterFunction: {type(err).__name__}: {err}")
                        return
                    failed = {r["dynamodb"].get("SequenceNumber") for r in batch}
                if not failed:
                    return
                unexpected = [
                    e for e in starter.processor.exceptions if e[0] is None or e[0].__name__ != "InjectedCrash"
                ]
                if unexpected:
                    harness.errors.append(f"WorkflowStarterFunction: records failed: {unexpected}")
                    return
                # The event source mapping delivers again from the first failed record on, as Lambda does.
                first = next(n for n, r in enumerate(batch) if r["dynamodb"].get("SequenceNumber") in failed)
                batch = batch[first:]
            harness.errors.append(f"WorkflowStarterFunction: records still failing after {STREAM_ATTEMPTS} attempts")

        harness.deliver(invoke)
        return b"delivered"  # truthy: moto forgets the records it handed over

    class ClockEvent(threading.Event):
        """The task-timeout event: its timeout runs on the test's clock (virtual seconds).

        Waiters sleep on the harness's condition, woken when any task is answered and every CLOCK_TICK to
        look at the clock: hundreds of waiting executions cost little, where polling each would not."""

        def set(self) -> None:
            super().set()
            with harness.ticks:
                harness.ticks.notify_all()

        def wait(self, timeout: float | None = None) -> bool:
            if timeout is None or timeout >= 99_999_999:  # no timeout declared
                return super().wait(timeout)
            deadline = clock_module.now() + timedelta(seconds=timeout)
            with harness.ticks:
                while not self.is_set() and not harness.closed.is_set():
                    if clock_module.now() + SLACK >= deadline:
                        return self.is_set()
                    harness.ticks.wait(CLOCK_TICK)
            # The test is over and its executions stopped: never time out into a torn-down moto.
            return super().wait()

    # The workflow's threads and the test's API calls use DynamoDB concurrently: as the local runtime does,
    # let moto's DynamoDB answer one request at a time (moto_patches.serialise_dynamodb says why).
    from moto.dynamodb.responses import DynamoHandler

    monkeypatch.setattr(DynamoHandler, "call_action", DynamoHandler.call_action)  # undone after the test
    serialise_dynamodb()
    from moto.stepfunctions.parser.models import StepFunctionsParserBackend as Backend

    for name in ("_get_executions", "send_task_success", "send_task_failure", "send_task_heartbeat"):
        monkeypatch.setattr(Backend, name, getattr(Backend, name))  # undone after the test
    tolerate_starting_executions()
    parse_json_paths_once()  # a pure cache: left in place for the tests that follow
    from moto.stepfunctions.parser.asl.component.state.exec.state_task import lambda_eval_utils

    monkeypatch.setattr(lambda_eval_utils, "boto_client_for", lambda_eval_utils.boto_client_for)  # undone after
    reuse_task_clients()  # the test: a shared client belongs to this test's moto account

    real_sleep = time.sleep
    monkeypatch.setattr(models.LambdaFunction, "_invoke_lambda", invoke_lambda)
    monkeypatch.setattr(models.LambdaBackend, "send_dynamodb_items", send_dynamodb_items)
    monkeypatch.setattr(execute_state, "threading", types.SimpleNamespace(Event=ClockEvent))
    monkeypatch.setattr(
        retrier_decl,
        "time",
        types.SimpleNamespace(sleep=lambda s: real_sleep(min(s, 0.02)), time=time.time, monotonic=time.monotonic),
    )


def _reset_functions() -> None:
    """A new test is a new sandbox for the workflow functions too."""
    import sys

    for name in FUNCTIONS.values():
        module = sys.modules.get(f"propdesk_fn_{name}")
        if module is not None:
            module.service.cache_clear()
            module.settings.cache_clear()


@pytest.fixture
def flow(
    aws: dict[str, str],
    api: Any,
    world: Any,
    clock: Any,
    monkeypatch: pytest.MonkeyPatch,
    request: pytest.FixtureRequest,
) -> Iterator[WorkflowHarness]:
    """The ticket workflow running on moto for this test (see the module docstring)."""
    lam = boto3.client("lambda", region_name=REGION)
    iam = boto3.client("iam", region_name=REGION)
    sqs = boto3.client("sqs", region_name=REGION)
    sfn = boto3.client("stepfunctions", region_name=REGION)
    dynamodb = boto3.client("dynamodb", region_name=REGION)
    role = iam.create_role(
        RoleName="propdesk-test",
        AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": []}),
    )["Role"]["Arn"]
    physical = dict(aws)
    physical["NoticesQueue"] = sqs.create_queue(QueueName="notices")["QueueUrl"]
    arns: dict[str, str] = {}
    tpl = infra.template()
    for logical in FUNCTIONS:
        props = tpl.resources[logical]["Properties"]
        arns[logical] = lam.create_function(
            FunctionName=logical,
            Runtime="python3.13",
            Role=role,
            Handler=props["Handler"],
            Code={"ZipFile": _dummy_zip()},
            Timeout=int(props.get("Timeout", 10)),
        )["FunctionArn"]
    physical["TicketWorkflow"] = sfn.create_state_machine(
        name="propdesk-ticket-test",
        definition=_definition(arns["WorkflowStepFunction"]),
        roleArn=role,
        type=tpl.resources["TicketWorkflow"]["Properties"]["Type"],
    )["stateMachineArn"]
    for logical in [*FUNCTIONS, "ApiFunction"]:
        for key, value in infra.function_environment(logical, physical).items():
            monkeypatch.setenv(key, value)
    stream_arn = dynamodb.describe_table(TableName=physical["TicketsTable"])["Table"]["LatestStreamArn"]
    lam.create_event_source_mapping(
        EventSourceArn=stream_arn, FunctionName=arns["WorkflowStarterFunction"], StartingPosition="TRIM_HORIZON"
    )
    harness = WorkflowHarness(api, physical, clock)
    _install_seams(monkeypatch, harness, arns)
    _reset_functions()
    yield harness
    for tid, (transitions, events) in harness.budgets().items():
        # `pytest -s` shows these: the measured cost of each scenario (issue 7 reads them too).
        print(f"\nWORKFLOW-BUDGET {request.node.name} {tid}: {transitions} transitions, {events} history events")
    harness.close()
    _reset_functions()
