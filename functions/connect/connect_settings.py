"""The Amazon Connect contact-flow function's configuration, validated once at cold start."""

from __future__ import annotations

from functools import cache

from pydantic import Field

from propdesk.settings import FunctionSettings


class ConnectSettings(FunctionSettings):
    tickets_table: str = Field(alias="TICKETS_TABLE", min_length=3)
    directory_table: str = Field(alias="DIRECTORY_TABLE", min_length=3)
    books_table: str = Field(alias="BOOKS_TABLE", min_length=3)  # the duty log
    idempotency_table: str = Field(alias="IDEMPOTENCY_TABLE", min_length=3)
    # Only for a number no property lists among its receiving numbers (a single-property deployment).
    default_property_id: str | None = Field(alias="INTAKE_DEFAULT_PROPERTY_ID", default=None)
    idempotency_seconds: int = Field(default=86_400, ge=60)


@cache
def settings() -> ConnectSettings:
    """Read the environment once; a missing variable fails the cold start loudly."""
    return ConnectSettings.from_environment()
