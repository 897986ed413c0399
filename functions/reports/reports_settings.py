"""The reports function's configuration, validated once at cold start."""

from __future__ import annotations

from functools import cache
from typing import Literal

from pydantic import Field, HttpUrl

from propdesk.settings import FunctionSettings


class ReportsSettings(FunctionSettings):
    tickets_table: str = Field(alias="TICKETS_TABLE", min_length=3)
    directory_table: str = Field(alias="DIRECTORY_TABLE", min_length=3)
    books_table: str = Field(alias="BOOKS_TABLE", min_length=3)  # the duty log, and who has had the daily link
    reports_bucket: str = Field(alias="REPORTS_BUCKET", min_length=3)
    group_timezone: str = Field(alias="DEFAULT_TIMEZONE", default="Asia/Shanghai", min_length=3)
    # Where the daily report's link points: the API, which answers the signed-in reader a link to the HTML.
    public_base_url: HttpUrl = Field(alias="PUBLIC_BASE_URL")
    sms_provider: Literal["pinpoint", "sns"] = Field(alias="SMS_PROVIDER", default="sns")
    origination_identity: str | None = Field(alias="SMS_ORIGINATION_IDENTITY", default=None)


@cache
def settings() -> ReportsSettings:
    """Read the environment once; a missing variable fails the cold start loudly."""
    return ReportsSettings.from_environment()
