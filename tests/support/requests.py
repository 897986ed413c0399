"""Count DynamoDB requests by operation with a botocore event hook, to hold the request budgets (issue 7)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import botocore.session

_EVENT = "before-call.dynamodb"


class DynamoDBRequests:
    """Every DynamoDB API call made by any botocore client created while installed, by operation name."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()
        self.total_seen: Counter[str] = Counter()  # since install, never reset: for "no Scan anywhere"
        self._original: Any = None

    def _on_call(self, model: Any, **_: Any) -> None:
        self.counts[model.name] += 1
        self.total_seen[model.name] += 1

    def install(self) -> None:
        """Register the hook on every client created from now on (PynamoDB, boto3, Powertools)."""
        original = botocore.session.Session.create_client
        counter = self

        def create_client(session: botocore.session.Session, *args: Any, **kwargs: Any) -> Any:
            client = original(session, *args, **kwargs)
            client.meta.events.register(_EVENT, counter._on_call, unique_id=f"request-counter-{id(counter)}")
            return client

        self._original = original
        botocore.session.Session.create_client = create_client  # type: ignore[method-assign]

    def uninstall(self) -> None:
        if self._original is not None:
            botocore.session.Session.create_client = self._original  # type: ignore[method-assign]
            self._original = None

    def reset(self) -> None:
        self.counts.clear()

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @contextmanager
    def measure(self) -> Iterator[Counter[str]]:
        """Count only the requests made inside the block."""
        self.reset()
        measured: Counter[str] = Counter()
        try:
            yield measured
        finally:
            measured.update(self.counts)
