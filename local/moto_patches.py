"""The seams into moto: Lambda invokes run our workers, Step Functions waits obey the time warp (and say when
an execution is parked), and DynamoDB answers one request at a time.

moto never runs Lambda code without Docker, its Wait states, retries and task timeouts sleep in real
time, and its DynamoDB backend is not safe for concurrent requests; these patches change exactly those points.
"""

from __future__ import annotations

import functools
import json
import threading
import time
import types
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from local.activity import Activity, ClockWait, TaskAttempt
from local.log import log_line
from local.workers import Workers

TRIGGER_HEADER = "x-propdesk-trigger"
_context = threading.local()
_engine = threading.local()  # the task attempt a state-machine thread works for
STREAM_RETRIES = 2
STREAM_BATCH = 100  # the template's BatchSize: records waiting when the reader is free go in one invocation


def _current_trigger(default: str) -> str:
    return getattr(_context, "trigger", None) or default


class _Triggered:
    """Labels the invokes made inside the block (stream, queue, topic) for the invocation log."""

    def __init__(self, trigger: str) -> None:
        self.trigger = trigger

    def __enter__(self) -> None:
        self.previous = getattr(_context, "trigger", None)
        _context.trigger = self.trigger

    def __exit__(self, *exc: object) -> None:
        _context.trigger = self.previous


def install_lambda_seam(
    workers: Workers, now: Callable[[], datetime] | None = None, workflow_invoke_delay_s: float = 0.0
) -> Callable[[], None]:
    """Route every moto Lambda invoke to the function's worker; returns a stop function for the async pools.

    `now` stamps the outbox's messages (the stack's warped clock). `workflow_invoke_delay_s` holds each invoke
    a state machine makes that long before it reaches its worker, as a busy machine would (for tests)."""
    from moto.awslambda import models

    activity = workers.activity

    async_pool = ThreadPoolExecutor(max_workers=8, thread_name_prefix="lambda-async")
    stream_pools: dict[str, ThreadPoolExecutor] = {}
    stream_waiting: dict[str, list[dict[str, Any]]] = {}
    stream_lock = threading.Lock()
    original_invoke = models.LambdaFunction.invoke

    def invoke(self: Any, body: str, request_headers: Any, response_headers: Any) -> str | bytes:
        with _Triggered(request_headers.get(TRIGGER_HEADER) or _current_trigger("invoke")):
            _context.asynchronous = request_headers.get("x-amz-invocation-type") == "Event"
            try:
                return original_invoke(self, body, request_headers, response_headers)
            finally:
                _context.asynchronous = False

    def invoke_lambda(self: Any, event: Any = None) -> tuple[str, bool, str]:
        # moto hands over the parsed body, or the string "{}" for an empty one.
        payload = {} if event is None or event == "{}" else event
        trigger = _current_trigger("invoke")
        if getattr(_context, "asynchronous", False):
            activity.begin("async invoke")  # counted from the request, not from when a pool thread is free
            async_pool.submit(invoke_counted, self.function_arn, payload, f"{trigger}(async)")
            return "", False, ""
        if workers.find(self.function_arn) is None:
            error = {"errorMessage": f"{self.function_name} is not in the template", "errorType": "ResourceNotFound"}
            return json.dumps(error), True, ""
        if trigger == "sfn" and workflow_invoke_delay_s:
            time.sleep(workflow_invoke_delay_s)
        outcome = workers.invoke(self.function_arn, payload, trigger)
        return json.dumps(outcome.payload), not outcome.ok, ""

    def invoke_counted(function_arn: str, payload: Any, trigger: str) -> None:
        try:
            workers.invoke(function_arn, payload, trigger)
        finally:
            activity.end("async invoke")

    def labelled(method: Callable[..., Any], trigger: str) -> Callable[..., Any]:
        def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
            with _Triggered(trigger):
                return method(self, *args, **kwargs)

        return wrapper

    def send_dynamodb_items(self: Any, function_arn: str, items: list[Any], source: str) -> str | bytes:
        # On AWS the stream is read asynchronously, in order per shard, in batches of what has accumulated;
        # the writer never waits for it. One reader per function takes every record waiting when it is free.
        records = [_stream_record(item, self.region_name, source) for item in items]
        table = source.split("/")[1] if "/" in source else source
        activity.begin("stream batch")  # before the write that made it answers: no moment looks idle
        with stream_lock:
            pool = stream_pools.setdefault(function_arn, ThreadPoolExecutor(max_workers=1, thread_name_prefix="stream"))
            stream_waiting.setdefault(function_arn, []).extend(records)

        def read() -> None:
            try:
                with stream_lock:
                    waiting = stream_waiting[function_arn]
                    batch, stream_waiting[function_arn] = waiting[:STREAM_BATCH], waiting[STREAM_BATCH:]
                if batch:
                    _deliver_stream(workers, function_arn, {"Records": batch}, table)
            finally:
                activity.end("stream batch")

        pool.submit(read)
        return b"delivered"  # truthy: moto clears the records it handed over

    models.LambdaFunction.invoke = invoke  # type: ignore[method-assign]
    models.LambdaFunction._invoke_lambda = invoke_lambda  # type: ignore[method-assign]
    models.LambdaBackend.send_dynamodb_items = send_dynamodb_items  # type: ignore[method-assign]
    models.LambdaBackend.send_sqs_batch = labelled(models.LambdaBackend.send_sqs_batch, "sqs")  # type: ignore[method-assign]
    models.LambdaBackend.send_sns_message = labelled(models.LambdaBackend.send_sns_message, "sns")  # type: ignore[method-assign]
    _label_step_functions_invokes()
    _name_unnamed_executions()
    tolerate_starting_executions()
    parse_json_paths_once()
    reuse_task_clients()
    query_one_partition()
    _print_outbound_sms(now or (lambda: datetime.now(UTC)))

    def stop() -> None:
        async_pool.shutdown(wait=False, cancel_futures=True)
        for pool in stream_pools.values():
            pool.shutdown(wait=False, cancel_futures=True)

    return stop


def _stream_record(item: Any, region: str, source: str) -> dict[str, Any]:
    from moto.core.utils import unix_time

    record = item.to_json()
    dynamodb = dict(record["dynamodb"])
    if isinstance(dynamodb.get("ApproximateCreationDateTime"), datetime):
        dynamodb["ApproximateCreationDateTime"] = unix_time(dynamodb["ApproximateCreationDateTime"])
    return {
        "eventID": record["eventID"],
        "eventName": record["eventName"],
        "eventVersion": record["eventVersion"],
        "eventSource": record["eventSource"],
        "awsRegion": region,
        "dynamodb": dynamodb,
        "eventSourceARN": source,
    }


def _deliver_stream(workers: Workers, function_arn: str, event: dict[str, Any], table: str) -> None:
    for attempt in range(STREAM_RETRIES + 1):
        outcome = workers.invoke(function_arn, event, "dynamodb", f"{table} x{len(event['Records'])}")
        if outcome.ok:
            return
        time.sleep(0.5 * (attempt + 1))
    log_line(f"! stream batch from {table} dropped after {STREAM_RETRIES + 1} attempts")


_DYNAMODB_LOCK = threading.RLock()


def serialise_dynamodb() -> Callable[[], None]:
    """DynamoDB requests take turns; returns the function that undoes it.

    DynamoDB checks a condition and writes atomically, and one table's requests never see each other half
    done. moto's backend does neither under concurrent requests: two conditional writes both pass their
    check, a failed transaction restores a snapshot of the whole table (erasing a concurrent success), and
    a query iterating a table that another request grows raises "dictionary changed size during iteration".
    Stream records are handed to their reader asynchronously, so no request waits for another under the lock.
    """
    from moto.dynamodb.responses import DynamoHandler

    original = DynamoHandler.call_action
    if getattr(original, "_serialised", False):
        return _nothing

    def call_action(self: Any) -> Any:
        with _DYNAMODB_LOCK:
            return original(self)

    call_action._serialised = True  # type: ignore[attr-defined]
    DynamoHandler.call_action = call_action  # type: ignore[method-assign]
    undo_snapshots = _snapshot_touched_items_only()

    def undo() -> None:
        DynamoHandler.call_action = original  # type: ignore[method-assign]
        undo_snapshots()

    return undo


def _snapshot_touched_items_only() -> Callable[[], None]:
    """A transaction's rollback snapshot copies the items it writes, not every item of its tables.

    moto deep-copies each table a transaction names before writing, so every transaction costs the size of
    the table: a stack with a few hundred tickets spent most of its time copying them. Items that are not
    written keep their objects; written ones (moto updates an item in place) are copied. Safe only while
    requests take turns, which serialise_dynamodb guarantees.
    """
    import copy

    from moto.dynamodb import models
    from moto.dynamodb.models.dynamo_type import DynamoType
    from moto.dynamodb.models.table import Table

    backend = models.DynamoDBBackend
    original = backend.transact_write_items
    if getattr(original, "_light", False):
        return _nothing
    touched = threading.local()

    def light_copy(table: Table) -> Table:
        snapshot = copy.copy(table)
        snapshot.items = items = copy.copy(table.items)
        if table.range_key_attr is not None:
            for hash_value, by_range in items.items():
                items[hash_value] = dict(by_range)
        for hash_value, range_value in getattr(touched, "keys", {}).get(table.name, ()):
            current = table.get_item(hash_value, range_value)
            if current is None:
                continue
            written: Any = copy.deepcopy(current)
            if range_value is None:
                items[hash_value] = written
            else:
                items[hash_value][range_value] = written
        return snapshot

    class _Copy(types.SimpleNamespace):
        """moto.dynamodb.models' `copy`, except that a table's deep copy is the light snapshot."""

        @staticmethod
        def deepcopy(value: Any, memo: Any = None) -> Any:
            if isinstance(value, Table):
                return light_copy(value)
            return copy.deepcopy(value, memo)

    def transact_write_items(self: Any, transact_items: list[dict[str, Any]]) -> None:
        keys: dict[str, list[tuple[Any, Any]]] = {}
        for entry in transact_items:
            _, op = next(iter(entry.items()))
            table = self.tables.get(op.get("TableName"))
            if table is None:
                continue
            key = op.get("Key") or op.get("Item") or {}
            hash_attr, range_attr = table.hash_key_attr, table.range_key_attr
            if hash_attr not in key or (range_attr is not None and range_attr not in key):
                continue  # moto refuses it with its own error
            hash_value = DynamoType(key[hash_attr])
            range_value = DynamoType(key[range_attr]) if range_attr is not None else None
            keys.setdefault(table.name, []).append((hash_value, range_value))
        touched.keys = keys
        try:
            original(self, transact_items)
        finally:
            touched.keys = {}

    transact_write_items._light = True  # type: ignore[attr-defined]
    moved = getattr(models, "copy")  # noqa: B009 - the module moto's models imported, not exported
    setattr(models, "copy", _Copy(copy=copy.copy))  # noqa: B010
    backend.transact_write_items = transact_write_items  # type: ignore[method-assign]

    def undo() -> None:
        setattr(models, "copy", moved)  # noqa: B010
        backend.transact_write_items = original  # type: ignore[method-assign]

    return undo


def _nothing() -> None:
    """Nothing to undo."""


_answering = threading.local()


def tolerate_starting_executions() -> Callable[[], None]:
    """SendTask* looks for its token among running executions only once they have started, and a starting
    execution is described as RUNNING; returns the undo.

    moto's engine gives a new execution its environment on the execution's own thread, and until then
    SendTaskSuccess, SendTaskFailure and SendTaskHeartbeat crash with a 500 (AttributeError) on it, whatever
    token they carry. A task token cannot belong to an execution that has not started, so skip those.
    """
    from moto.stepfunctions.parser.backend.execution import Execution
    from moto.stepfunctions.parser.models import StepFunctionsParserBackend

    backend = StepFunctionsParserBackend
    if getattr(backend._get_executions, "_tolerant", False):
        return _nothing
    original_get = backend._get_executions
    originals = {
        name: getattr(backend, name) for name in ("send_task_success", "send_task_failure", "send_task_heartbeat")
    }

    def get_executions(self: Any, *args: Any, **kwargs: Any) -> Any:
        found = original_get(self, *args, **kwargs)
        if getattr(_answering, "active", False):
            return [e for e in found if e.exec_worker is not None and e.exec_worker.env is not None]
        return found

    def answering(method: Callable[..., Any]) -> Callable[..., Any]:
        def call(self: Any, *args: Any, **kwargs: Any) -> Any:
            _answering.active = True
            try:
                return method(self, *args, **kwargs)
            finally:
                _answering.active = False

        return call

    get_executions._tolerant = True  # type: ignore[attr-defined]
    backend._get_executions = get_executions  # type: ignore[method-assign]
    for name, method in originals.items():
        setattr(backend, name, answering(method))
    # An execution is listed before StartExecution has given it its status, and DescribeExecution crashes on
    # it (AttributeError) meanwhile; for every reader it is RUNNING from the moment it was accepted.
    original_status = Execution.status
    Execution.status = property(lambda e: e.exec_status.value if e.exec_status is not None else "RUNNING")  # type: ignore[method-assign, assignment]

    def undo() -> None:
        backend._get_executions = original_get  # type: ignore[method-assign]
        for name, method in originals.items():
            setattr(backend, name, method)
        Execution.status = original_status  # type: ignore[method-assign]

    return undo


def parse_json_paths_once() -> Callable[[], None]:
    """The state-machine engine parses each JSONPath once, one parse at a time; returns the undo.

    moto's engine builds a new PLY parser for every path of every state it runs (a few milliseconds each,
    most of a state's cost), from many executions' threads at once; a path's parse is a pure function of
    its text, so it is cached.
    """
    from moto.stepfunctions.parser.asl.component.common.path import result_path
    from moto.stepfunctions.parser.asl.utils import json_path

    modules = (json_path, result_path)  # InputPath/Parameters/OutputPath paths, and ResultPath's
    originals = [getattr(module, "parse") for module in modules]  # noqa: B009 - imported, not exported
    if getattr(originals[0], "_cached", False):
        return _nothing
    lock = threading.Lock()
    for module, original in zip(modules, originals, strict=True):
        setattr(module, "parse", _cached_parse(original, lock))  # noqa: B010

    def undo() -> None:
        for module, original in zip(modules, originals, strict=True):
            setattr(module, "parse", original)  # noqa: B010

    return undo


def query_one_partition() -> Callable[[], None]:
    """A Query on a table's own key reads only that partition, as DynamoDB does; returns the undo.

    moto answers it by sorting every item of the table and keeping those with the key, so each read of
    a ticket costs the size of the whole table and a busy local stack slows down as it fills. The answer
    is the same: that partition's items in key order. Queries on an index are left to moto.
    """
    from moto.dynamodb.models.table import Table

    if getattr(Table.query, "_one_partition", False):
        return _nothing
    original_query, original_all_items = Table.query, Table.all_items
    reading = threading.local()

    def query(self: Any, hash_key: Any, *args: Any, **kwargs: Any) -> Any:
        index_name = kwargs.get("index_name", args[6] if len(args) > 6 else None)
        if index_name or hash_key is None:
            return original_query(self, hash_key, *args, **kwargs)
        reading.partition = (self, hash_key)
        try:
            return original_query(self, hash_key, *args, **kwargs)
        finally:
            reading.partition = None

    def all_items(self: Any) -> Any:
        partition = getattr(reading, "partition", None)
        if partition is None or partition[0] is not self:
            return original_all_items(self)
        found = self.items.get(partition[1])  # .get: the table's defaultdict must not grow an empty partition
        if found is None:
            return []
        if not self.range_key_attr:
            return [found]
        return sorted(found.values(), key=lambda item: item.range_key)

    query._one_partition = True  # type: ignore[attr-defined]
    Table.query = query  # type: ignore[method-assign]
    Table.all_items = all_items  # type: ignore[method-assign]

    def undo() -> None:
        Table.query = original_query  # type: ignore[method-assign]
        Table.all_items = original_all_items  # type: ignore[method-assign]

    return undo


def reuse_task_clients() -> Callable[[], None]:
    """The state-machine engine's Lambda tasks share one client per region; returns the undo.

    moto's engine builds a new boto3 client for every Lambda task it runs (tens of milliseconds, the largest
    single cost of a task after the function itself); a client is safe to share between threads, and these
    differ only by region and by whether moto intercepts the call or its server answers it.
    """
    from moto.core.models import botocore_stubber
    from moto.stepfunctions.parser.asl.component.state.exec.state_task import lambda_eval_utils

    original = lambda_eval_utils.boto_client_for  # type: ignore[attr-defined]
    if getattr(original, "_shared", False):
        return _nothing
    lock = threading.Lock()
    clients: dict[tuple[str, str, bool], Any] = {}

    def boto_client_for(region: str, service: str, state_credentials: Any = None) -> Any:
        if state_credentials is not None:  # a task that assumes a role of its own gets a client of its own
            return original(region, service, state_credentials)
        key = (region, service, bool(botocore_stubber.enabled))
        with lock:
            if key not in clients:
                clients[key] = original(region, service, None)
            return clients[key]

    boto_client_for._shared = True  # type: ignore[attr-defined]
    lambda_eval_utils.boto_client_for = boto_client_for  # type: ignore[attr-defined]

    def undo() -> None:
        lambda_eval_utils.boto_client_for = original  # type: ignore[attr-defined]

    return undo


def _cached_parse(original: Callable[[str], Any], lock: threading.Lock) -> Callable[[str], Any]:
    @functools.lru_cache(maxsize=4096)
    def parse(path: str) -> Any:
        with lock:
            return original(path)

    parse._cached = True  # type: ignore[attr-defined]
    return parse


def install_s3_mirror(folder: Path) -> None:
    """Every object written to a bucket is also written under folder/<bucket>/<key>, to open in a browser."""
    from moto.s3.models import S3Backend

    original = getattr(S3Backend.put_object, "_original", S3Backend.put_object)

    def put_object(self: Any, bucket_name: str, key_name: str, value: bytes, *a: Any, **kw: Any) -> Any:
        stored = original(self, bucket_name, key_name, value, *a, **kw)
        target = (folder / bucket_name / key_name).resolve()
        if target.is_relative_to(folder.resolve()):  # a key with ".." never escapes the mirror
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(bytes(value))
        return stored

    put_object._original = original  # type: ignore[attr-defined]
    S3Backend.put_object = put_object  # type: ignore[method-assign]


_OUTBOX: list[dict[str, str]] = []
_outbox_now: Callable[[], datetime] = lambda: datetime.now(UTC)  # noqa: E731 - replaced by the stack's clock
_OUTBOX_LOCK = threading.Lock()


def outbox() -> list[dict[str, str]]:
    """Every SMS sent to a phone number since the stack started, in order: to (E.164), text, at (warped)."""
    with _OUTBOX_LOCK:
        return list(_OUTBOX)


def _print_outbound_sms(now: Callable[[], datetime]) -> None:
    """Locally, an SMS to a phone number is printed (number masked) and kept in the outbox instead of sent."""
    from moto.sns.models import SNSBackend

    global _outbox_now
    _outbox_now = now
    if getattr(SNSBackend.publish, "_prints_sms", False):
        return
    original = SNSBackend.publish

    def publish(self: Any, message: str, arn: str | None, phone_number: str | None = None, *a: Any, **kw: Any) -> Any:
        if phone_number:
            from propdesk.models.common import mask_phone  # the layer is on the path once the stack is up

            log_line(f"✉ SMS to {mask_phone(phone_number)}: {message}")
            with _OUTBOX_LOCK:
                _OUTBOX.append({"to": phone_number, "text": message, "at": _outbox_now().isoformat()})
        return original(self, message, arn, phone_number, *a, **kw)

    publish._prints_sms = True  # type: ignore[attr-defined]
    SNSBackend.publish = publish  # type: ignore[method-assign]


def _name_unnamed_executions() -> None:
    """StartExecution without a name gets a UUID on AWS; moto's executing backend would use "None"."""
    from moto.stepfunctions.parser.models import StepFunctionsParserBackend

    original = StepFunctionsParserBackend.start_execution

    def start_execution(self: Any, state_machine_arn: str, name: Any = None, *args: Any, **kwargs: Any) -> Any:
        return original(self, state_machine_arn, name or str(uuid.uuid4()), *args, **kwargs)

    StepFunctionsParserBackend.start_execution = start_execution  # type: ignore[method-assign]


def _label_step_functions_invokes() -> None:
    """Mark lambda:invoke calls made by the state-machine engine so the log can say "sfn"."""
    from moto.stepfunctions.parser.asl.component.state.exec.state_task import lambda_eval_utils

    original = lambda_eval_utils.boto_client_for  # type: ignore[attr-defined]

    def boto_client_for(region: str, service: str, state_credentials: Any = None) -> Any:
        client = original(region, service, state_credentials)

        def add_header(request: Any, **_: Any) -> None:
            request.headers[TRIGGER_HEADER] = "sfn"

        # once per client, however often the engine hands the same client out again
        client.meta.events.register("before-sign.lambda.Invoke", add_header, unique_id="propdesk-trigger")
        return client

    lambda_eval_utils.boto_client_for = boto_client_for  # type: ignore[attr-defined]


# ---------------------------------------------------------------- time warp


class WarpClock:
    """Warped time: `warp` seconds pass per real second, from the instant `start` at the real instant `origin`.

    `jump` moves it forward at once; every wait made through `wait` or `sleep_until` (Wait states, task
    timeouts) and every function (through the clock file, see propdesk.clock) sees the new time. Its waits
    are kept in `activity`, under the activity's lock, so that a look at the stack's work sees them too.
    """

    def __init__(
        self,
        warp: float,
        origin: datetime | None = None,
        start: datetime | None = None,
        file: Path | None = None,
        activity: Activity | None = None,
    ) -> None:
        self.warp = warp
        self.origin = origin or datetime.now(UTC)
        self.start = (start or self.origin).astimezone(UTC)
        self.file = file
        self._origin_ts = self.origin.timestamp()
        self._base, self._base_ts = self.start, self._origin_ts
        self.activity = activity or Activity()
        self.changed = self.activity.lock
        self._waits = self.activity.waits  # every wait in progress
        self._write()

    def now(self) -> datetime:
        return self._base + timedelta(seconds=(time.time() - self._base_ts) * self.warp)

    def real_seconds(self, warped_seconds: float) -> float:
        return warped_seconds / self.warp

    def jump(self, to: datetime, *, at_least_now: bool = False) -> datetime:
        """Move time forward to `to` at once (never back: what happened stays in the past); `at_least_now`:
        to `to` or, if that has just passed, nowhere."""
        with self.changed:
            now = self.now()  # once: the warped clock moves on between two readings
            if at_least_now and to <= now:
                return now
            if to < now:
                raise ValueError(f"the clock is at {now.isoformat()}; it never goes back to {to.isoformat()}")
            self._base, self._base_ts = to.astimezone(UTC), time.time()
            self._write()
            self.changed.notify_all()
        return self.now()

    def wait(self, done: threading.Event, warped_seconds: float, attempt: TaskAttempt | None = None) -> bool:
        """Wait until `done` is set (True) or `warped_seconds` of warped time have passed, jumps included.

        `attempt`: the task attempt this is the timeout of; it is over, under the same lock, when the wait is."""
        deadline = self.now() + timedelta(seconds=warped_seconds)
        registered = ClockWait(deadline, attempt.execution if attempt else None)
        with self.changed:
            self._waits[id(registered)] = registered
            if attempt is not None:
                attempt.timeout = registered
            try:
                while not done.is_set():
                    remaining = (deadline - self.now()).total_seconds()
                    if remaining <= 0:
                        return False
                    self.changed.wait(self.real_seconds(remaining))
                return True
            finally:
                # Over and gone in one step: until then a wait past its deadline counts as work to do.
                if attempt is not None:
                    Activity.attempt_over(attempt)
                self._waits.pop(id(registered), None)

    def sleep_until(self, deadline: datetime, execution: str | None, running: Callable[[], bool]) -> None:
        """A Wait state of `execution`: it is parked until `deadline` (jumps included) or until it stops running."""
        registered = ClockWait(deadline, execution, parks=True)
        with self.changed:
            self._waits[id(registered)] = registered
            try:
                while running():
                    remaining = (deadline - self.now()).total_seconds()
                    if remaining <= 0:
                        return
                    # In slices: a stopped execution says so on an event of its own, which this clock does not hear.
                    self.changed.wait(min(self.real_seconds(remaining), 0.5))
            finally:
                self._waits.pop(id(registered), None)

    def next_wait_at(self) -> datetime | None:
        """The warped instant the earliest wait in progress ends by itself (None: nothing waits for time)."""
        with self.changed:
            return min((w.deadline for w in self._waits.values()), default=None)

    def next_wait_s(self) -> float | None:
        """Real seconds until the earliest wait in progress ends by itself (None: nothing waits for time)."""
        with self.changed:
            earliest = min((w.deadline for w in self._waits.values()), default=None)
        return None if earliest is None else max(0.0, self.real_seconds((earliest - self.now()).total_seconds()))

    def _write(self) -> None:
        """The functions' clocks read this file (PROPDESK_TIME_FILE); replaced whole, so never read half written."""
        if self.file is None:
            return
        text = json.dumps({"at": self._base.isoformat(), "real": self._base_ts, "warp": self.warp})
        partial = self.file.with_suffix(".tmp")
        partial.write_text(text, encoding="utf-8")
        partial.replace(self.file)


class _ClockEvent(threading.Event):
    """An Event whose `set` wakes the clock's waiters, so `WarpClock.wait` can wait for it and for jumps at once."""

    def __init__(self, clock: WarpClock) -> None:
        super().__init__()
        self._clock = clock
        self._attempt: TaskAttempt | None = getattr(_engine, "attempt", None)  # the task attempt it ends
        clock.activity.touch()  # a task state starts

    def set(self) -> None:
        super().set()
        with self._clock.changed:
            self._clock.changed.notify_all()

    def wait(self, timeout: float | None = None) -> bool:
        if isinstance(timeout, WarpedSeconds):
            return self._clock.wait(self, timeout.warped, self._attempt)
        try:
            return super().wait(timeout)
        finally:
            if self._attempt is not None:
                with self._clock.changed:
                    Activity.attempt_over(self._attempt)


class WarpedSeconds(float):
    """A task timeout in real seconds at the current warp, which also knows its warped length."""

    warped: float

    def __new__(cls, warped: float, clock: WarpClock) -> WarpedSeconds:
        value = super().__new__(cls, clock.real_seconds(warped))
        value.warped = warped
        return value

    def __deepcopy__(self, memo: dict[int, Any]) -> WarpedSeconds:
        return self  # immutable; the engine copies its stack, timeouts included


class _WarpedTimeout:
    """A task's TimeoutSeconds(Path) or HeartbeatSeconds(Path) that elapses warp times faster."""

    def __init__(self, inner: Any, clock: WarpClock) -> None:
        self._inner = inner
        self._clock = clock

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    def eval(self, env: Any) -> None:
        self._inner.eval(env=env)
        seconds = env.stack.pop()
        default = getattr(self._inner, "is_default_value", lambda: False)()
        env.stack.append(seconds if default else WarpedSeconds(float(seconds), self._clock))


def install_time_warp(clock: WarpClock) -> None:
    """Wait states, Retry back-off and waitForTaskToken timeouts elapse `clock.warp` times faster."""
    from moto.stepfunctions.parser.asl.component.common.retry import retrier_decl
    from moto.stepfunctions.parser.asl.component.state.exec import execute_state
    from moto.stepfunctions.parser.asl.component.state.exec.state_task import state_task
    from moto.stepfunctions.parser.asl.component.state.wait.wait_function import timestamp, wait_function

    def wait_interval(self: Any, env: Any, wait_seconds: float) -> None:
        deadline = clock.now() + timedelta(seconds=wait_seconds)
        clock.sleep_until(deadline, _execution_of(env), env.is_running)

    def timestamp_wait_seconds(self: Any, env: Any) -> int:
        self.string.eval(env=env)
        text: str = env.stack.pop()
        target = self._from_timestamp_string(timestamp=text)
        if target is None:
            failure = self._create_failure_event(env, text)
            raise timestamp.FailureEventException(failure)  # type: ignore[attr-defined]
        if target.tzinfo is None:
            target = target.replace(tzinfo=UTC)
        # The workflow's timestamps come from the warped clock of the functions.
        return int((target - clock.now()).total_seconds())

    original_from_props = state_task.StateTask.from_state_props

    def from_state_props(self: Any, state_props: Any) -> None:
        original_from_props(self, state_props)
        if getattr(getattr(self, "resource", None), "condition", None) == "waitForTaskToken":
            self.timeout = _WarpedTimeout(self.timeout, clock)
            if getattr(self, "heartbeat", None) is not None:
                self.heartbeat = _WarpedTimeout(self.heartbeat, clock)

    retrier = retrier_decl.RetrierDecl
    original_retry = getattr(retrier._eval_body, "_original", retrier._eval_body)

    def retry(self: Any, env: Any) -> None:
        _engine.retrying = env  # whose back-off the sleep below is
        try:
            original_retry(self, env)
        finally:
            _engine.retrying = None

    def back_off(seconds: float) -> None:
        # A Retry's back-off parks its execution on the clock like a Wait state: a jump stops at its end.
        env = getattr(_engine, "retrying", None)
        deadline = clock.now() + timedelta(seconds=seconds)
        clock.sleep_until(deadline, _execution_of(env) if env else None, env.is_running if env else lambda: True)

    retry._original = original_retry  # type: ignore[attr-defined]
    retrier._eval_body = retry  # type: ignore[method-assign]
    retrier_decl.time = types.SimpleNamespace(  # type: ignore[assignment,attr-defined]
        sleep=back_off, time=time.time, monotonic=time.monotonic
    )
    # A task's timeout is waited for on the clock, so that a jump ends it as the passing of time would.
    execute_state.threading = types.SimpleNamespace(Event=lambda: _ClockEvent(clock))  # type: ignore[assignment,attr-defined]
    wait_function.WaitFunction._wait_interval = wait_interval  # type: ignore[method-assign,assignment]
    timestamp.Timestamp._get_wait_seconds = timestamp_wait_seconds  # type: ignore[method-assign]
    state_task.StateTask.from_state_props = from_state_props  # type: ignore[method-assign]
    _follow_executions(clock.activity)


def _execution_of(env: Any) -> str:
    execution: str = env.states.context_object.context_object_data["Execution"]["Id"]
    return execution


def _follow_executions(activity: Activity) -> None:
    """Count each execution as work from its start to its end, except while it is parked: in a Wait state, or
    waiting for a task token that is not answered yet (and whose timeout, if it has one, has not passed).

    What wakes it makes it work again at once, before its thread runs: the answer (SendTask*) in the request
    that carries it, the clock while a passed deadline is still registered. So a clock jump never moves on
    while an execution woken at a stop has not reached its next park or its end.
    """
    from moto.stepfunctions.parser.asl.component.state.exec import execute_state
    from moto.stepfunctions.parser.asl.component.state.exec.state_task.service import (
        state_task_service_callback as callback_task,
    )
    from moto.stepfunctions.parser.asl.eval.callback import callback
    from moto.stepfunctions.parser.backend import execution_worker

    worker = execution_worker.ExecutionWorker
    state, task = execute_state.ExecutionState, callback_task.StateTaskServiceCallback
    endpoint = callback.CallbackEndpoint
    # A stack started again in the same process follows its executions with its own activity.
    original_start = getattr(worker.start, "_original", worker.start)
    original_logic = getattr(worker._execution_logic, "_original", worker._execution_logic)
    original_attempt = getattr(state._evaluate_with_timeout, "_original", state._evaluate_with_timeout)
    original_await = getattr(task._eval_wait_for_task_token, "_original", task._eval_wait_for_task_token)
    original_notify = getattr(endpoint.notify, "_original", endpoint.notify)

    def start(self: Any) -> None:
        activity.execution_started(self._evaluation_details.execution_details.arn)  # before StartExecution answers
        original_start(self)

    def execution_logic(self: Any) -> None:
        try:
            original_logic(self)
        finally:
            activity.execution_ended(self._evaluation_details.execution_details.arn)

    def evaluate_with_timeout(self: Any, env: Any) -> None:
        # The state's worker thread and its timeout both learn which attempt they belong to from here.
        attempt, previous = TaskAttempt(_execution_of(env)), getattr(_engine, "attempt", None)
        _engine.attempt = attempt
        try:
            original_attempt(self, env)
        finally:
            _engine.attempt = previous
            with activity.lock:
                Activity.attempt_over(attempt)

    def await_task_token(
        self: Any, env: Any, timeout_seconds: Any, callback_endpoint: Any, heartbeat_endpoint: Any
    ) -> Any:
        attempt: TaskAttempt | None = getattr(_engine, "attempt", None)
        if attempt is not None:
            activity.await_answer(attempt, callback_endpoint, timed=isinstance(timeout_seconds, WarpedSeconds))
        try:
            return original_await(
                self,
                env=env,
                timeout_seconds=timeout_seconds,
                callback_endpoint=callback_endpoint,
                heartbeat_endpoint=heartbeat_endpoint,
            )
        finally:
            activity.stop_awaiting(callback_endpoint)

    def notify(self: Any, outcome: Any) -> None:
        activity.answered(self)
        original_notify(self, outcome)

    class AttemptThread(threading.Thread):
        """A task state's worker thread, which carries the attempt it works for."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._attempt = getattr(_engine, "attempt", None)

        def run(self) -> None:
            _engine.attempt = self._attempt
            super().run()

    replaced: list[tuple[Any, Any]] = [
        (start, original_start),
        (execution_logic, original_logic),
        (evaluate_with_timeout, original_attempt),
        (await_task_token, original_await),
        (notify, original_notify),
    ]
    for patched, original in replaced:
        patched._original = original
    worker.start = start  # type: ignore[method-assign]
    worker._execution_logic = execution_logic  # type: ignore[method-assign]
    state._evaluate_with_timeout = evaluate_with_timeout  # type: ignore[method-assign]
    task._eval_wait_for_task_token = await_task_token  # type: ignore[method-assign]
    endpoint.notify = notify  # type: ignore[method-assign]
    execute_state.Thread = AttemptThread  # type: ignore[attr-defined,misc]
