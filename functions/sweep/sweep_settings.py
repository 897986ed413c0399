"""The sweep function's configuration, validated once at cold start."""

from __future__ import annotations

import os
from functools import cache

from pydantic import BaseModel, ConfigDict, Field


class SweepSettings(BaseModel):
    model_config = ConfigDict(frozen=True)

    tickets_table: str = Field(min_length=3)
    directory_table: str = Field(min_length=3)
    reports_bucket: str = Field(min_length=3)
    sweep_queue_url: str = Field(min_length=3)
    notices_queue_url: str | None = None
    page_size: int = Field(default=100, ge=1, le=1000)
    # Stop paging and hand over to a continuation message while this much of the Lambda's time remains.
    reserve_seconds: float = Field(default=120.0, ge=1.0)


@cache
def settings() -> SweepSettings:
    """Read the environment once; a missing variable fails the cold start loudly."""
    return SweepSettings(
        tickets_table=os.environ.get("TICKETS_TABLE", ""),
        directory_table=os.environ.get("DIRECTORY_TABLE", ""),
        reports_bucket=os.environ.get("REPORTS_BUCKET", ""),
        sweep_queue_url=os.environ.get("SWEEP_QUEUE_URL", ""),
        notices_queue_url=os.environ.get("NOTICES_QUEUE_URL") or None,
        page_size=int(os.environ.get("SWEEP_PAGE_SIZE", "100")),
        reserve_seconds=float(os.environ.get("SWEEP_RESERVE_SECONDS", "120")),
    )
