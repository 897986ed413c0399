"""The API function's configuration, validated once at cold start."""

from __future__ import annotations

from functools import cache

from pydantic import Field

from propdesk.settings import FunctionSettings


class ApiSettings(FunctionSettings):
    tickets_table: str = Field(alias="TICKETS_TABLE", min_length=3)
    directory_table: str = Field(alias="DIRECTORY_TABLE", min_length=3)
    books_table: str = Field(alias="BOOKS_TABLE", min_length=3)
    idempotency_table: str = Field(alias="IDEMPOTENCY_TABLE", min_length=3)
    attachments_bucket: str = Field(alias="ATTACHMENTS_BUCKET", min_length=3)
    idempotency_seconds: int = Field(default=86_400, ge=60)


@cache
def settings() -> ApiSettings:
    """Read the environment once; a missing variable fails the cold start loudly."""
    return ApiSettings.from_environment()
