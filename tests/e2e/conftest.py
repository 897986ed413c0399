"""The local stack as a subprocess on free ports, for tests that drive it over HTTP."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).with_name("fixtures")
START_TIMEOUT_S = 60


@contextmanager
def local_stack(state: Path, *args: str) -> Iterator[dict[str, Any]]:
    """`python -m local up` on free ports; yields its stack.json and checks it stops cleanly on SIGINT."""
    state.mkdir(parents=True, exist_ok=True)
    log = (state / "runtime.log").open("wb")
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    process = subprocess.Popen(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "local", "--state", str(state), "up", "--port", "0", *args],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        info = _wait_for_stack(state / "stack.json", process)
        yield info
    finally:
        process.send_signal(signal.SIGINT)
        try:
            code = process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            raise
        finally:
            log.close()
    assert code == 0, (state / "runtime.log").read_text(errors="replace")[-3000:]
    assert not (state / "stack.json").exists()


def _wait_for_stack(path: Path, process: subprocess.Popen[bytes]) -> dict[str, Any]:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the local stack exited with {process.returncode}; see {path.parent}/runtime.log")
        if path.exists():
            info: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
            return info
        time.sleep(0.1)
    raise TimeoutError(f"the local stack did not start within {START_TIMEOUT_S} s")


@pytest.fixture(scope="module")
def propdesk_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """The real template.yaml with the demo property, on free ports."""
    state = tmp_path_factory.mktemp("local-state")
    with local_stack(state) as info:
        yield {**info, "state": state}
