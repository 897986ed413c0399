"""One Lambda sandbox: imports a handler once and answers invokes over two pipes.

Run by local.workers as `python -I worker_main.py SPEC_JSON` with the function's own
environment. Standard library only, so the function sees no module of the runtime.
"""

from __future__ import annotations

import importlib
import json
import os
import sys
import time
import traceback
import uuid
from typing import Any


class LambdaContext:
    """The context object the Python runtime passes to a handler."""

    def __init__(self, spec: dict[str, Any], request_id: str, deadline: float) -> None:
        self.function_name = spec["function_name"]
        self.function_version = "$LATEST"
        self.invoked_function_arn = spec["arn"]
        self.memory_limit_in_mb = int(spec["memory"])
        self.aws_request_id = request_id
        self.log_group_name = f"/aws/lambda/{spec['function_name']}"
        self.log_stream_name = f"local/[$LATEST]{uuid.uuid4().hex}"
        self.identity = None
        self.client_context = None
        self._deadline = deadline

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))


def _error(err: BaseException, error_type: str | None = None, skip: int = 0) -> dict[str, Any]:
    frames = err.__traceback__
    for _ in range(skip):
        frames = frames.tb_next if frames is not None else None
    return {
        "errorMessage": str(err),
        "errorType": error_type or type(err).__name__,
        "stackTrace": traceback.format_tb(frames),
    }


def _load(spec: dict[str, Any]) -> Any:
    module_name, _, function_name = spec["handler"].rpartition(".")
    try:
        module = importlib.import_module(module_name)
    except ImportError as err:
        # The Python runtime reports a handler module that cannot be imported this way.
        raise _InitError(_error(err, "Runtime.ImportModuleError")) from err
    handler = getattr(module, function_name, None)
    if handler is None:
        raise _InitError({"errorMessage": f"Handler '{function_name}' missing", "errorType": "Runtime.HandlerNotFound"})
    return handler


class _InitError(Exception):
    def __init__(self, payload: dict[str, Any]) -> None:
        super().__init__(payload["errorMessage"])
        self.payload = payload


def main() -> None:
    spec = json.loads(sys.argv[1])
    requests = os.fdopen(spec["request_fd"], "r", encoding="utf-8")
    responses = os.fdopen(spec["response_fd"], "w", encoding="utf-8")
    # Lambda's path order: the function's code, then its layers (the last layer wins), then the runtime.
    sys.path[:0] = [spec["code_dir"], *reversed(spec["layer_dirs"])]
    os.chdir(spec["code_dir"])

    def answer(message: dict[str, Any]) -> None:
        responses.write(json.dumps(message) + "\n")
        responses.flush()

    handler: Any = None
    init_error: dict[str, Any] | None = None
    started = time.monotonic()
    try:
        handler = _load(spec)
    except _InitError as err:
        init_error = err.payload
    except Exception as err:  # noqa: BLE001 - any init failure is reported to every invoke, as Lambda does
        init_error = _error(err)
    answer({"ready": True, "init_ms": int((time.monotonic() - started) * 1000), "init_error": init_error})

    for line in requests:
        request = json.loads(line)
        if handler is None:
            try:
                handler = _load(spec)
                init_error = None
            except _InitError as err:
                init_error = err.payload
            except Exception as err:  # noqa: BLE001 - reported to the caller below
                init_error = _error(err)
        if init_error is not None:
            answer({"id": request["id"], "error": init_error})
            continue
        deadline = time.monotonic() + float(spec["timeout"])
        context = LambdaContext(spec, request["request_id"], deadline)
        try:
            result = handler(request["event"], context)
        except Exception as err:  # noqa: BLE001 - a handler error is the invoke's outcome, not the worker's
            # skip=1: the trace starts in the handler, as Lambda's does, not in this loop
            answer({"id": request["id"], "error": _error(err, skip=1)})
            continue
        try:
            answer({"id": request["id"], "result": result})
        except (TypeError, ValueError) as err:
            answer({"id": request["id"], "error": _error(err, "Runtime.MarshalError")})
        sys.stdout.flush()
        sys.stderr.flush()


if __name__ == "__main__":
    main()
