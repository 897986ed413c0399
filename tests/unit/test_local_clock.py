"""The local stack's clock: it starts at a chosen instant, jumps forward, and every process reads the same time."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta

import pytest

from local.activity import Activity, TaskAttempt
from local.moto_patches import WarpClock
from propdesk import clock

NINE = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)  # 09:00 in Asia/Shanghai


def test_the_clock_starts_at_the_chosen_instant_and_jumps_forward_only(tmp_path) -> None:
    stack_clock = WarpClock(1.0, start=NINE, file=tmp_path / "clock.json")
    assert abs((stack_clock.now() - NINE).total_seconds()) < 1
    stack_clock.jump(NINE + timedelta(hours=24))
    assert abs((stack_clock.now() - (NINE + timedelta(hours=24))).total_seconds()) < 1
    with pytest.raises(ValueError, match="never goes back"):
        stack_clock.jump(NINE)


def test_a_function_reads_the_stacks_clock_and_sees_its_jumps(tmp_path, monkeypatch) -> None:
    stack_clock = WarpClock(1.0, start=NINE, file=tmp_path / "clock.json")
    monkeypatch.setenv("PROPDESK_TIME_FILE", str(tmp_path / "clock.json"))
    clock.set_clock(None)
    try:
        assert abs((clock.now() - NINE).total_seconds()) < 1
        stack_clock.jump(datetime(2026, 12, 2, 12, 30, tzinfo=UTC))
        assert abs((clock.now() - datetime(2026, 12, 2, 12, 30, tzinfo=UTC)).total_seconds()) < 1
    finally:
        clock.set_clock(None)


def test_a_wait_of_a_day_ends_when_the_clock_jumps_past_it_and_at_once_when_its_event_is_set() -> None:
    stack_clock = WarpClock(1.0, start=NINE)
    done = threading.Event()
    outcome: list[bool] = []
    waiter = threading.Thread(target=lambda: outcome.append(stack_clock.wait(done, 24 * 3600)))
    started = time.monotonic()
    waiter.start()
    time.sleep(0.1)
    stack_clock.jump(NINE + timedelta(hours=25))
    waiter.join(timeout=5)
    assert outcome == [False]
    assert time.monotonic() - started < 5
    done.set()
    assert stack_clock.wait(done, 24 * 3600) is True


class _TokenEndpoint:
    """Stands for the engine's task-token endpoint: only its identity matters to the stack's activity."""


def test_an_execution_in_a_wait_state_is_work_again_the_moment_the_clock_passes_its_end() -> None:
    activity = Activity()
    stack_clock = WarpClock(1.0, start=NINE, activity=activity)
    activity.execution_started("execution")
    waiter = threading.Thread(
        target=stack_clock.sleep_until, args=(NINE + timedelta(hours=1), "execution", lambda: True)
    )
    waiter.start()
    deadline = time.monotonic() + 5
    while not activity.waits and time.monotonic() < deadline:
        time.sleep(0.01)
    assert activity.snapshot(stack_clock.now())["busy"] == 0  # parked: nothing to do until 10:00

    stack_clock.jump(NINE + timedelta(hours=2))
    # Whether or not its thread has woken yet, the execution is work from the jump on.
    assert activity.snapshot(stack_clock.now())["busy"] >= 1
    waiter.join(timeout=5)
    assert activity.snapshot(stack_clock.now())["executions_busy"] == 1
    activity.execution_ended("execution")
    assert activity.snapshot(stack_clock.now())["busy"] == 0


def test_an_answered_task_token_makes_its_execution_work_before_its_thread_wakes() -> None:
    activity = Activity()
    activity.execution_started("execution")
    waiting, answered_early = _TokenEndpoint(), _TokenEndpoint()
    attempt = TaskAttempt("execution")
    activity.await_answer(attempt, waiting, timed=False)
    assert activity.snapshot(NINE)["busy"] == 0  # parked on its token

    activity.answered(waiting)
    assert activity.snapshot(NINE)["executions_busy"] == 1

    # An answer that comes before the attempt waits (the step answered itself) never lets it park.
    activity.answered(answered_early)
    activity.await_answer(TaskAttempt("execution"), answered_early, timed=False)
    assert activity.snapshot(NINE)["executions_busy"] == 1
