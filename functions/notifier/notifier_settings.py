"""The notifier's configuration, validated once at cold start."""

from __future__ import annotations

import os
from functools import cache
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class NotifierSettings(BaseModel):
    model_config = ConfigDict(frozen=True)

    tickets_table: str = Field(min_length=3)
    directory_table: str = Field(min_length=3)
    idempotency_table: str = Field(min_length=3)
    notices_queue_url: str = Field(min_length=3)
    sms_provider: Literal["pinpoint", "sns"] = "sns"
    origination_identity: str | None = None
    idempotency_seconds: int = Field(default=7 * 86_400, ge=60)  # longer than the queue keeps a notice
    first_retry_seconds: int = Field(default=30, ge=0)
    max_retry_seconds: int = Field(default=900, ge=0, le=43_200)


@cache
def settings() -> NotifierSettings:
    """Read the environment once; a missing variable fails the cold start loudly."""
    return NotifierSettings(
        tickets_table=os.environ.get("TICKETS_TABLE", ""),
        directory_table=os.environ.get("DIRECTORY_TABLE", ""),
        idempotency_table=os.environ.get("IDEMPOTENCY_TABLE", ""),
        notices_queue_url=os.environ.get("NOTICES_QUEUE_URL", ""),
        sms_provider=os.environ.get("SMS_PROVIDER", "sns"),  # type: ignore[arg-type]
        origination_identity=os.environ.get("SMS_ORIGINATION_IDENTITY") or None,
    )
