"""One moto account per test module for the duty-log tests; each test works on a day of its own."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from propdesk.calendar import local_instant

SHANGHAI = ZoneInfo("Asia/Shanghai")
FIRST_DAY = date(2026, 9, 1)


@dataclass
class Account:
    physical: dict[str, str]
    world: Any
    api: Any


@pytest.fixture(scope="module")
def account() -> Iterator[Account]:
    """Every table and bucket of template.yaml, the test world and the API, built once for the module."""
    from moto import mock_aws

    from tests.support import infra
    from tests.support.api import ApiClient, reset_api_state
    from tests.support.seed import seed

    with mock_aws(), pytest.MonkeyPatch.context() as patch:
        physical = {**infra.create_tables(), **infra.create_buckets()}
        for key, value in infra.function_environment("ApiFunction", physical).items():
            patch.setenv(key, value)
        reset_api_state()
        world = seed(physical["DirectoryTable"])
        yield Account(physical, world, ApiClient())
        reset_api_state()


_DAYS = itertools.count()


@dataclass
class Day:
    """A local day in Shanghai (and the one after) no other test touches, and the frozen clock within it."""

    day: date
    clock: Any

    @property
    def label(self) -> str:
        return self.day.isoformat()

    def at(self, hour: int, minute: int = 0, *, days: int = 0) -> datetime:
        """Move the clock to that wall-clock time of this day (or `days` later) and return the instant."""
        self.clock.current = local_instant(self.day + timedelta(days=days), time(hour, minute), SHANGHAI)
        return self.clock.current


@pytest.fixture
def today(clock: Any) -> Day:
    day = Day(FIRST_DAY + timedelta(days=2 * next(_DAYS)), clock)  # the day after stays free too
    day.at(10)
    return day
