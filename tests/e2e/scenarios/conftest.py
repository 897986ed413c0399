"""One local stack per scenario module, started at a chosen instant on the demo property's wall clock."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.e2e.conftest import local_stack
from tests.e2e.scenarios.harness import Harness, instant

# A Tuesday, the desk opening: a module may start elsewhere with `STACK_START = "YYYY-MM-DD HH:MM"`.
STACK_START = "2026-12-01 08:00"


@pytest.fixture(scope="module")
def desk(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Harness]:
    """The real template.yaml with the demo property, its clock at the module's STACK_START."""
    start = getattr(request.module, "STACK_START", STACK_START)
    state = tmp_path_factory.mktemp("scenario-state")
    with local_stack(state, "--start", instant(start).isoformat()) as info:
        yield Harness(info, state)
