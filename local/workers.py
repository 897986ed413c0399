"""Lambda sandboxes as worker processes: one warm process per function, more only under concurrent load."""

from __future__ import annotations

import contextlib
import json
import os
import select
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from local.activity import Activity
from local.log import log_invocation, log_line

WORKER_MAIN = Path(__file__).with_name("worker_main.py")
READY_TIMEOUT_S = 60.0


@dataclass(frozen=True, slots=True)
class FunctionSpec:
    """Everything a sandbox needs: code, handler, layers, environment, limits."""

    logical_id: str
    name: str
    arn: str
    handler: str
    code_dir: Path
    layer_dirs: tuple[Path, ...]
    environment: Mapping[str, str]
    timeout_s: float
    memory_mb: int


@dataclass(slots=True)
class Outcome:
    """An invoke's result: the handler's return value, or its error as Lambda reports it."""

    ok: bool
    payload: Any
    duration_ms: float
    error: dict[str, Any] | None = None

    @property
    def error_type(self) -> str | None:
        return None if self.error is None else str(self.error.get("errorType", "Error"))


class _Sandbox:
    """One worker process and the pipes to it."""

    def __init__(self, spec: FunctionSpec, logs: Path, echo: bool) -> None:
        self.spec = spec
        request_read, self._request_write = os.pipe()
        self._response_read, response_write = os.pipe()
        wire = {
            "function_name": spec.name,
            "arn": spec.arn,
            "handler": spec.handler,
            "code_dir": str(spec.code_dir),
            "layer_dirs": [str(d) for d in spec.layer_dirs],
            "memory": spec.memory_mb,
            "timeout": spec.timeout_s,
            "request_fd": request_read,
            "response_fd": response_write,
        }
        # -I: no script folder, no PYTHON* variables, no user site: the sandbox sees only its code and layers.
        self.process = subprocess.Popen(
            [sys.executable, "-I", str(WORKER_MAIN), json.dumps(wire)],
            env=dict(spec.environment),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            pass_fds=(request_read, response_write),
            start_new_session=True,  # Ctrl-C reaches the runtime, which stops workers in order
        )
        os.close(request_read)
        os.close(response_write)
        self._requests = os.fdopen(self._request_write, "w", encoding="utf-8")
        self._responses: IO[str] = os.fdopen(self._response_read, "r", encoding="utf-8")
        self._buffer = ""
        self.ready = False
        self.busy = False
        threading.Thread(target=self._pump_output, args=(logs, echo), daemon=True).start()

    def _pump_output(self, logs: Path, echo: bool) -> None:
        assert self.process.stdout is not None
        with logs.open("ab") as sink:
            for raw in self.process.stdout:
                sink.write(raw)
                sink.flush()
                if echo:
                    log_line(f"  [{self.spec.logical_id}] {raw.decode(errors='replace').rstrip()}")

    def _read_message(self, timeout_s: float) -> dict[str, Any] | None:
        """The next JSON line from the worker, or None on timeout or if it died."""
        deadline = time.monotonic() + timeout_s
        while "\n" not in self._buffer:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return None
            readable, _, _ = select.select([self._response_read], [], [], min(remaining, 0.5))
            if not readable:
                if self.process.poll() is not None:
                    return None
                continue
            chunk = os.read(self._response_read, 1 << 20)
            if not chunk:
                return None
            self._buffer += chunk.decode("utf-8")
        line, _, self._buffer = self._buffer.partition("\n")
        message: dict[str, Any] = json.loads(line)
        return message

    def wait_ready(self) -> dict[str, Any] | None:
        if self.ready:
            return None
        message = self._read_message(READY_TIMEOUT_S)
        if message is None:
            raise RuntimeError(f"worker for {self.spec.logical_id} did not start (see .local/logs)")
        self.ready = True
        init_error: dict[str, Any] | None = message.get("init_error")
        return init_error

    def invoke(self, event: Any, request_id: str) -> tuple[bool, Any]:
        """(ok, payload); raises TimeoutError or ChildProcessError when the sandbox is lost."""
        self.wait_ready()
        self._requests.write(json.dumps({"id": request_id, "request_id": request_id, "event": event}) + "\n")
        self._requests.flush()
        message = self._read_message(self.spec.timeout_s)
        if message is None:
            if self.process.poll() is None:
                raise TimeoutError(f"Task timed out after {self.spec.timeout_s:.2f} seconds")
            raise ChildProcessError(f"Runtime exited with error: exit status {self.process.returncode}")
        if "error" in message:
            return False, message["error"]
        return True, message.get("result")

    def stop(self) -> None:
        for stream in (self._requests, self._responses):
            with contextlib.suppress(OSError):  # the pipe is already gone with its process
                stream.close()
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=3)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@dataclass
class FunctionPool:
    """The sandboxes of one function: one warm, scaled out while all are busy (like Lambda concurrency)."""

    spec: FunctionSpec
    logs: Path
    echo: bool = False
    max_concurrency: int = 4
    _idle: list[_Sandbox] = field(default_factory=list)
    _all: list[_Sandbox] = field(default_factory=list)
    _cond: threading.Condition = field(default_factory=threading.Condition)
    _stopped: bool = False

    def start(self) -> None:
        with self._cond:
            sandbox = _Sandbox(self.spec, self.logs, self.echo)
            self._all.append(sandbox)
            self._idle.append(sandbox)

    def _acquire(self) -> _Sandbox:
        with self._cond:
            while True:
                if self._stopped:
                    raise RuntimeError("the local runtime is stopping")
                if self._idle:
                    return self._idle.pop()
                if len(self._all) < self.max_concurrency:
                    sandbox = _Sandbox(self.spec, self.logs, self.echo)
                    self._all.append(sandbox)
                    return sandbox
                self._cond.wait()

    def _release(self, sandbox: _Sandbox, healthy: bool) -> None:
        with self._cond:
            if healthy and not self._stopped:
                self._idle.append(sandbox)
            else:
                self._all.remove(sandbox)
                sandbox.stop()
            self._cond.notify()

    def invoke(self, event: Any) -> Outcome:
        request_id = str(uuid.uuid4())
        started = time.monotonic()
        sandbox = self._acquire()
        healthy = True
        try:
            ok, payload = sandbox.invoke(event, request_id)
        except TimeoutError as err:
            healthy = False  # Lambda discards a sandbox that timed out
            ok, payload = False, {"errorMessage": str(err), "errorType": "Sandbox.Timedout"}
        except ChildProcessError as err:
            healthy = False
            ok, payload = False, {"errorMessage": str(err), "errorType": "Runtime.ExitError"}
        finally:
            duration = (time.monotonic() - started) * 1000
        self._release(sandbox, healthy)
        if not ok:
            payload = {**payload, "requestId": request_id}
            return Outcome(False, payload, duration, error=payload)
        return Outcome(True, payload, duration)

    def wait_ready(self) -> dict[str, Any] | None:
        with self._cond:
            sandboxes = list(self._all)
        errors = [e for e in (s.wait_ready() for s in sandboxes) if e]
        return errors[0] if errors else None

    def stop(self) -> None:
        with self._cond:
            self._stopped = True
            sandboxes, self._all, self._idle = list(self._all), [], []
            self._cond.notify_all()
        for sandbox in sandboxes:
            sandbox.stop()


class Workers:
    """Every function's pool, looked up by logical id, name or ARN; the one door all invokes go through."""

    def __init__(self, logs_dir: Path, echo: bool = False, activity: Activity | None = None) -> None:
        self.logs_dir = logs_dir
        self.echo = echo
        self.activity = activity or Activity()  # every invoke counts as work while it runs
        self._pools: dict[str, FunctionPool] = {}
        self._aliases: dict[str, str] = {}
        self.on_invoke: list[Callable[[str, str, str, Outcome], None]] = []

    def add(self, spec: FunctionSpec) -> None:
        log = self.logs_dir / f"{spec.logical_id}.log"
        log.write_bytes(b"")  # each start begins clean; nothing but the dev key outlives a run
        pool = FunctionPool(spec, log, self.echo)
        self._pools[spec.logical_id] = pool
        for alias in (spec.name, spec.arn, spec.logical_id):
            self._aliases[alias] = spec.logical_id
        pool.start()

    def find(self, name_or_arn: str) -> FunctionPool | None:
        key = self._aliases.get(name_or_arn)
        if key is None and name_or_arn.startswith("arn:"):
            # arn:aws:lambda:region:acct:function:name[:qualifier]
            key = self._aliases.get(":".join(name_or_arn.split(":")[:7]))
        return self._pools.get(key) if key else None

    @property
    def pools(self) -> dict[str, FunctionPool]:
        return dict(self._pools)

    def invoke(self, name_or_arn: str, event: Any, trigger: str, detail: str = "") -> Outcome:
        pool = self.find(name_or_arn)
        if pool is None:
            raise KeyError(f"no local function {name_or_arn}")
        with self.activity.working("invoke"):
            outcome = pool.invoke(event)
        log_invocation(pool.spec.logical_id, trigger, detail, outcome.duration_ms, _describe(outcome))
        for listener in self.on_invoke:
            listener(pool.spec.logical_id, trigger, detail, outcome)
        return outcome

    def wait_ready(self) -> dict[str, dict[str, Any]]:
        """Init errors by function (empty when every handler imported)."""
        errors: dict[str, dict[str, Any]] = {}
        for logical_id, pool in self._pools.items():
            error = pool.wait_ready()
            if error:
                errors[logical_id] = error
        return errors

    def stop(self) -> None:
        threads = [threading.Thread(target=p.stop) for p in self._pools.values()]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()


def _describe(outcome: Outcome) -> str:
    if not outcome.ok:
        assert outcome.error is not None
        message = str(outcome.error.get("errorMessage", ""))[:160]
        return f"ERROR {outcome.error_type}: {message}"
    payload = outcome.payload
    if isinstance(payload, dict) and "statusCode" in payload:
        return f"ok {payload['statusCode']}"
    return "ok"
