"""The books' scenario tests share the API tests' guards (no Scan, never a 5xx) and the real workflow and notifier."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.integration.api.conftest import ddb, never_a_500, shared_botocore_data
from tests.integration.workflow.conftest import flow
from tests.integration.workflow.test_workflow_notices import Phones

__all__ = ["ddb", "flow", "never_a_500", "phones", "shared_botocore_data"]


@pytest.fixture
def phones(flow: Any, monkeypatch: pytest.MonkeyPatch) -> Iterator[Phones]:
    """The notifier fed from the workflow's notices queue; `new()` is what each phone received since last asked."""
    box = Phones(flow, monkeypatch)
    yield box
    box.close()
