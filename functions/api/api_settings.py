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
    # The site office's registers: a work permit's 30-minute timer, and SMS to residents about their mail.
    permit_timer_arn: str | None = Field(default=None, alias="PERMIT_TIMER_ARN")
    sms_provider: str = Field(default="sns", alias="SMS_PROVIDER")
    sms_origination_identity: str | None = Field(default=None, alias="SMS_ORIGINATION_IDENTITY")


@cache
def settings() -> ApiSettings:
    """Read the environment once; a missing variable fails the cold start loudly."""
    return ApiSettings.from_environment()
