"""The sweep function's configuration, validated once at cold start."""

from __future__ import annotations

from functools import cache

from pydantic import Field

from propdesk.settings import FunctionSettings


class SweepSettings(FunctionSettings):
    tickets_table: str = Field(alias="TICKETS_TABLE", min_length=3)
    directory_table: str = Field(alias="DIRECTORY_TABLE", min_length=3)
    books_table: str = Field(alias="BOOKS_TABLE", min_length=3)  # the duty log's handovers
    reports_bucket: str = Field(alias="REPORTS_BUCKET", min_length=3)
    sweep_queue_url: str = Field(alias="SWEEP_QUEUE_URL", min_length=3)
    notices_queue_url: str | None = Field(alias="NOTICES_QUEUE_URL", default=None)
    page_size: int = Field(alias="SWEEP_PAGE_SIZE", default=100, ge=1, le=1000)
    # Stop paging and hand over to a continuation message while this much of the Lambda's time remains.
    reserve_seconds: float = Field(alias="SWEEP_RESERVE_SECONDS", default=120.0, ge=1.0)


@cache
def settings() -> SweepSettings:
    """Read the environment once; a missing variable fails the cold start loudly."""
    return SweepSettings.from_environment()
