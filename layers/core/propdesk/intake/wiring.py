"""Building the intake use case and its idempotency store for a Lambda sandbox (on first use, never at import)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from propdesk.dal.directory import DirectoryStore
from propdesk.dal.tickets import TicketStore
from propdesk.intake.conversation import IntakeRules, IntakeService
from propdesk.logic.directory import DirectoryCache
from propdesk.logic.tickets import TicketService


def intake_service(tickets_table: str, directory_table: str, rules: IntakeRules) -> IntakeService:
    cache = DirectoryCache(DirectoryStore(directory_table))
    service = TicketService(TicketStore(tickets_table), cache.store, cache)
    return IntakeService(service, rules)


class Once:
    """Idempotency against the idempotency table, for the functions of one sandbox.

    `wrap` makes a function idempotent on the JMESPath `key` of its keyword argument:
    a replay returns the stored result; a concurrent duplicate raises
    IdempotencyAlreadyInProgressError and writes nothing.
    """

    def __init__(self, table: str, seconds: int) -> None:
        self.table = table
        self.seconds = seconds
        self.configs: list[Any] = []

    def wrap[F: Callable[..., Any]](self, function: F, key: str, argument: str) -> F:
        from aws_lambda_powertools.utilities.idempotency import (
            DynamoDBPersistenceLayer,
            IdempotencyConfig,
            idempotent_function,
        )

        config = IdempotencyConfig(
            event_key_jmespath=key, expires_after_seconds=self.seconds, raise_on_no_idempotency_key=True
        )
        self.configs.append(config)
        # One persistence layer per function: a layer keeps the configuration it was first used with.
        persistence = DynamoDBPersistenceLayer(table_name=self.table)
        wrapped: F = idempotent_function(data_keyword_argument=argument, persistence_store=persistence, config=config)(
            function
        )
        return wrapped

    def register(self, context: Any) -> None:
        """Let an in-progress record expire with the invocation, so a timed-out attempt can be retried."""
        for config in self.configs:
            config.register_lambda_context(context)
