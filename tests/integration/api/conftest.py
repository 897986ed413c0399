"""Fixtures of the API integration tests: the DynamoDB request counter, installed before any client exists."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import botocore.loaders
import pytest

from tests.support.requests import DynamoDBRequests


@pytest.fixture(autouse=True)
def ddb() -> Iterator[DynamoDBRequests]:
    """Counts DynamoDB requests by operation; fails any test that made a Scan (issue 7: no Scan anywhere)."""
    counter = DynamoDBRequests()
    counter.install()
    yield counter
    counter.uninstall()
    assert counter.total_seen["Scan"] == 0, f"a Scan was made: {dict(counter.total_seen)}"


@pytest.fixture(scope="session", autouse=True)
def shared_botocore_data() -> Iterator[None]:
    """Parse botocore's service data once per run, not once per client (each test builds fresh clients)."""
    cache: dict[tuple[object, ...], object] = {}
    loader = botocore.loaders.Loader
    originals = {name: getattr(loader, name) for name in ("load_service_model", "load_data_with_path")}

    def wrap(name: str, original: Any) -> Any:
        def cached(self: Any, *args: Any, **kwargs: Any) -> Any:
            key = (name, args, tuple(sorted(kwargs.items())))
            if key not in cache:
                cache[key] = original(self, *args, **kwargs)
            return cache[key]

        return cached

    for name, original in originals.items():
        setattr(loader, name, wrap(name, original))
    yield
    for name, original in originals.items():
        setattr(loader, name, original)


@pytest.fixture(autouse=True)
def never_a_500(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[tuple[str, str, int]]]:
    """Fails any test in which the API answered 5xx, whatever the test itself asserted."""
    from tests.support.api import ApiClient

    errors: list[tuple[str, str, int]] = []
    original = ApiClient.call

    def call(self: ApiClient, method: str, path: str, *args: Any, **kwargs: Any) -> Any:
        reply = original(self, method, path, *args, **kwargs)
        if reply.status >= 500:
            errors.append((method, path, reply.status))
        return reply

    monkeypatch.setattr(ApiClient, "call", call)
    yield errors
    assert not errors, f"the API answered 5xx: {errors}"
