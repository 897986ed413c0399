"""The reports function's configuration, validated once at cold start."""

from __future__ import annotations

from functools import cache

from pydantic import Field

from propdesk.settings import FunctionSettings


class ReportsSettings(FunctionSettings):
    tickets_table: str = Field(alias="TICKETS_TABLE", min_length=3)
    directory_table: str = Field(alias="DIRECTORY_TABLE", min_length=3)
    books_table: str = Field(alias="BOOKS_TABLE", min_length=3)
    reports_bucket: str = Field(alias="REPORTS_BUCKET", min_length=3)
    group_timezone: str = Field(alias="DEFAULT_TIMEZONE", default="Asia/Shanghai", min_length=3)


@cache
def settings() -> ReportsSettings:
    """Read the environment once; a missing variable fails the cold start loudly."""
    return ReportsSettings.from_environment()
