"""The API function's configuration, validated once at cold start."""

from __future__ import annotations

import os
from functools import cache

from pydantic import BaseModel, ConfigDict, Field


class ApiSettings(BaseModel):
    model_config = ConfigDict(frozen=True)

    tickets_table: str = Field(min_length=3)
    directory_table: str = Field(min_length=3)
    idempotency_table: str = Field(min_length=3)
    attachments_bucket: str = Field(min_length=3)
    idempotency_seconds: int = Field(default=86_400, ge=60)


@cache
def settings() -> ApiSettings:
    """Read the environment once; a missing variable fails the cold start loudly."""
    return ApiSettings(
        tickets_table=os.environ.get("TICKETS_TABLE", ""),
        directory_table=os.environ.get("DIRECTORY_TABLE", ""),
        idempotency_table=os.environ.get("IDEMPOTENCY_TABLE", ""),
        attachments_bucket=os.environ.get("ATTACHMENTS_BUCKET", ""),
    )
