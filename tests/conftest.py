"""Shared fixtures: fake credentials, moto built from template.yaml, the API in-process, a seeded world."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

for _name in ("AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_SESSION_TOKEN"):
    os.environ.pop(_name, None)
os.environ.update(
    AWS_ACCESS_KEY_ID="testing",
    AWS_SECRET_ACCESS_KEY="testing",  # moto's fake credentials
    AWS_DEFAULT_REGION="us-east-1",
    AWS_REGION="us-east-1",
    POWERTOOLS_METRICS_NAMESPACE="PropDeskTest",
    POWERTOOLS_SERVICE_NAME="propdesk",
    POWERTOOLS_DEV="false",
)


@pytest.fixture
def clock() -> Iterator[object]:
    """A frozen clock at a weekday morning in Shanghai (02:00 UTC = 10:00 local)."""
    from propdesk import clock as clock_module

    frozen = clock_module.FrozenClock(datetime(2026, 11, 23, 2, 0, tzinfo=UTC))
    clock_module.set_clock(frozen)
    yield frozen
    clock_module.set_clock(None)


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str]]:
    """A fresh moto account with every table and bucket of template.yaml, and the API's environment."""
    from moto import mock_aws

    from local.moto_patches import query_one_partition
    from tests.support import infra

    query_one_partition()  # as the local stack runs moto: a Query reads one partition, not the whole table
    with mock_aws(config={"stepfunctions": {"execute_state_machine": True}}):
        physical = {**infra.create_tables(), **infra.create_buckets()}
        for key, value in infra.function_environment("ApiFunction", physical).items():
            monkeypatch.setenv(key, value)
        # No permit timer is deployed here (tests/integration/books/test_registers_permit_timer.py deploys one).
        monkeypatch.delenv("PERMIT_TIMER_ARN", raising=False)
        yield physical


@pytest.fixture
def api(aws: dict[str, str]) -> Iterator[object]:
    from tests.support.api import ApiClient, reset_api_state

    client = ApiClient()
    reset_api_state()
    yield client
    reset_api_state()


@pytest.fixture
def world(aws: dict[str, str]) -> object:
    from tests.support.seed import seed

    return seed(aws["DirectoryTable"])


# The longest modules go first: xdist hands modules to its workers in this order, and one that starts last
# would keep a single worker busy for minutes after the others have finished. The stress test, then the
# local stacks (scenarios and browser tests, which mostly wait on their stacks), then the rest.
FIRST = ("tests/integration/workflow/test_stress.py", "tests/e2e/")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    items.sort(key=lambda item: next((n for n, p in enumerate(FIRST) if item.nodeid.startswith(p)), len(FIRST)))
