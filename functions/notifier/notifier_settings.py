"""The notifier's configuration, validated once at cold start."""

from __future__ import annotations

from functools import cache
from typing import Literal

from pydantic import Field

from propdesk.settings import FunctionSettings


class NotifierSettings(FunctionSettings):
    tickets_table: str = Field(alias="TICKETS_TABLE", min_length=3)
    directory_table: str = Field(alias="DIRECTORY_TABLE", min_length=3)
    books_table: str = Field(alias="BOOKS_TABLE", min_length=3)  # zones: whose butler hears of a unit
    idempotency_table: str = Field(alias="IDEMPOTENCY_TABLE", min_length=3)
    notices_queue_url: str = Field(alias="NOTICES_QUEUE_URL", min_length=3)
    sms_provider: Literal["pinpoint", "sns"] = Field(alias="SMS_PROVIDER", default="sns")
    origination_identity: str | None = Field(alias="SMS_ORIGINATION_IDENTITY", default=None)
    idempotency_seconds: int = Field(default=7 * 86_400, ge=60)  # longer than the queue keeps a notice
    first_retry_seconds: int = Field(default=30, ge=0)
    max_retry_seconds: int = Field(default=900, ge=0, le=43_200)


@cache
def settings() -> NotifierSettings:
    """Read the environment once; a missing variable fails the cold start loudly."""
    return NotifierSettings.from_environment()
