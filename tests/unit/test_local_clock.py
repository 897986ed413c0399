"""The local stack's clock: it starts at a chosen instant, jumps forward, and every process reads the same time."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta

import pytest

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
