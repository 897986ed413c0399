"""The two-way SMS function's configuration, validated once at cold start."""

from __future__ import annotations

from functools import cache
from typing import Literal

from pydantic import Field

from propdesk.settings import FunctionSettings


class SmsInboundSettings(FunctionSettings):
    tickets_table: str = Field(alias="TICKETS_TABLE", min_length=3)
    directory_table: str = Field(alias="DIRECTORY_TABLE", min_length=3)
    books_table: str = Field(alias="BOOKS_TABLE", min_length=3)  # the duty log
    idempotency_table: str = Field(alias="IDEMPOTENCY_TABLE", min_length=3)
    # Only for a number no property lists among its receiving numbers (a single-property deployment).
    default_property_id: str | None = Field(alias="INTAKE_DEFAULT_PROPERTY_ID", default=None)
    sms_provider: Literal["pinpoint", "sns"] = Field(alias="SMS_PROVIDER", default="sns")
    origination_identity: str | None = Field(alias="SMS_ORIGINATION_IDENTITY", default=None)
    idempotency_seconds: int = Field(default=86_400, ge=60)


@cache
def settings() -> SmsInboundSettings:
    """Read the environment once; a missing variable fails the cold start loudly."""
    return SmsInboundSettings.from_environment()
