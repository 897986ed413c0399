from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.integration.sweep.support import Jobs, create_queues, reset_warm_state
from tests.support import infra


@pytest.fixture
def jobs(aws: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> Iterator[Jobs]:
    """The sweep and reports functions with the environment the template gives them, on moto (sweep/ and reports/)."""
    queues = create_queues()
    physical = {**aws, **queues}
    for logical_id in ("SweepFunction", "ReportsFunction", "ApiFunction"):
        for key, value in infra.function_environment(logical_id, physical).items():
            monkeypatch.setenv(key, value)
    # The ticket workflow is not deployed in these tests: restarts are observed through a fake where it matters.
    monkeypatch.delenv("TICKET_WORKFLOW_ARN", raising=False)
    monkeypatch.delenv("PERMIT_TIMER_ARN", raising=False)  # nor the permit timer (books/ deploys its own)
    reset_warm_state()
    yield Jobs(queues, aws["ReportsBucket"])
    reset_warm_state()
