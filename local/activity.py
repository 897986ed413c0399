"""What the stack is doing at this moment, kept under one lock: a clock jump moves on only once none is left.

Work is counted from the moment it is handed over, never from when a thread gets round to it: a table write
counts its stream batch before the writer's invoke ends, a started execution counts before StartExecution
answers, and an execution woken by an answer or by the clock counts as running until it parks again (in a
Wait state, or on a task token). So one look tells, without waiting for a quiet spell, whether anything that
was set off is still under way.
"""

from __future__ import annotations

import threading
import time
import weakref
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(eq=False)
class ClockWait:
    """A wait in progress on the warped clock; `parks` its execution (a Wait state) until `deadline`."""

    deadline: datetime
    execution: str | None = None
    parks: bool = False


@dataclass(eq=False)
class TaskAttempt:
    """One attempt of an execution's task state; waiting for its task token parks the execution."""

    execution: str
    live: bool = True
    awaiting_answer: bool = False
    timed: bool = False  # its timeout is on the clock: parked only while that timeout is registered and ahead
    timeout: ClockWait | None = None


@dataclass
class Activity:
    """Invokes running, hand-overs queued, executions running and what parks them; all under `lock`."""

    lock: threading.Condition = field(default_factory=threading.Condition)
    waits: dict[int, ClockWait] = field(default_factory=dict)  # the clock's waits in progress
    _work: Counter[str] = field(default_factory=Counter)
    _executions: Counter[str] = field(default_factory=Counter)
    _awaiting: dict[int, TaskAttempt] = field(default_factory=dict)  # by task token endpoint
    _answered: weakref.WeakSet[Any] = field(default_factory=weakref.WeakSet)  # answered before their attempt waited
    _last_change: float = field(default_factory=time.monotonic)

    # ------------------------------------------------------------ counted work

    def begin(self, kind: str) -> None:
        """Work of `kind` (an invoke, a queued stream batch) starts, or is handed over to a thread."""
        with self.lock:
            self._work[kind] += 1
            self._last_change = time.monotonic()

    def end(self, kind: str) -> None:
        with self.lock:
            self._work[kind] -= 1
            self._last_change = time.monotonic()

    @contextmanager
    def working(self, kind: str) -> Iterator[None]:
        self.begin(kind)
        try:
            yield
        finally:
            self.end(kind)

    def touch(self) -> None:
        """Count now as a change, for the quiet time reported to people watching the stack."""
        with self.lock:
            self._last_change = time.monotonic()

    # ------------------------------------------------------------ executions

    def execution_started(self, execution: str) -> None:
        with self.lock:
            self._executions[execution] += 1
            self._last_change = time.monotonic()

    def execution_ended(self, execution: str) -> None:
        with self.lock:
            self._executions[execution] -= 1
            if self._executions[execution] <= 0:
                del self._executions[execution]
            self._last_change = time.monotonic()

    def await_answer(self, attempt: TaskAttempt, endpoint: object, *, timed: bool) -> None:
        """The attempt waits for its task token: the execution parks, unless the answer is in already."""
        with self.lock:
            if attempt.live and endpoint not in self._answered:
                attempt.awaiting_answer, attempt.timed = True, timed
                self._awaiting[id(endpoint)] = attempt

    def answered(self, endpoint: object) -> None:
        """A task token is answered (SendTask*): its execution runs from now on, before its thread wakes."""
        with self.lock:
            attempt = self._awaiting.pop(id(endpoint), None)
            if attempt is None:
                self._answered.add(endpoint)  # the attempt has not begun to wait: it never parks
            else:
                attempt.awaiting_answer = False
            self._last_change = time.monotonic()

    def stop_awaiting(self, endpoint: object) -> None:
        """The attempt's wait for its token is over, whatever ended it."""
        with self.lock:
            attempt = self._awaiting.pop(id(endpoint), None)
            if attempt is not None:
                attempt.awaiting_answer = False
            self._answered.discard(endpoint)

    @staticmethod
    def attempt_over(attempt: TaskAttempt) -> None:
        """The task state stopped waiting for its attempt (answered, failed or timed out). Call under `lock`."""
        attempt.live = False
        attempt.awaiting_answer = False

    # ------------------------------------------------------------ one look

    def _parked(self, now: datetime) -> set[str]:
        parked = {w.execution for w in self.waits.values() if w.parks and w.execution and w.deadline > now}
        for attempt in self._awaiting.values():
            ahead = attempt.timeout is not None and attempt.timeout.deadline > now
            if attempt.live and attempt.awaiting_answer and (ahead or not attempt.timed):
                parked.add(attempt.execution)
        return parked

    def snapshot(self, now: datetime) -> dict[str, Any]:
        """What is under way at the warped instant `now`; `busy` is 0 once everything set off is done."""
        with self.lock:
            running = set(self._executions)
            executions_busy = len(running - self._parked(now))
            overdue = sum(1 for w in self.waits.values() if w.deadline <= now)
            invokes = self._work["invoke"]
            queued = sum(n for kind, n in self._work.items() if kind != "invoke")
            quiet = time.monotonic() - self._last_change
        busy = invokes + queued + executions_busy + overdue
        return {
            "busy": busy,
            "in_flight": invokes,
            "queued": queued,
            "executions_running": len(running),
            "executions_busy": executions_busy,
            "waits_overdue": overdue,
            "quiet_s": 0.0 if busy else round(quiet, 3),
        }
