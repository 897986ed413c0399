"""The reports function's configuration, validated once at cold start."""

from __future__ import annotations

import os
from functools import cache

from pydantic import BaseModel, ConfigDict, Field


class ReportsSettings(BaseModel):
    model_config = ConfigDict(frozen=True)

    tickets_table: str = Field(min_length=3)
    directory_table: str = Field(min_length=3)
    reports_bucket: str = Field(min_length=3)
    group_timezone: str = Field(min_length=3)


@cache
def settings() -> ReportsSettings:
    """Read the environment once; a missing variable fails the cold start loudly."""
    return ReportsSettings(
        tickets_table=os.environ.get("TICKETS_TABLE", ""),
        directory_table=os.environ.get("DIRECTORY_TABLE", ""),
        reports_bucket=os.environ.get("REPORTS_BUCKET", ""),
        group_timezone=os.environ.get("DEFAULT_TIMEZONE", "Asia/Shanghai"),
    )
