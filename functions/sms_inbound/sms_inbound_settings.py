"""The two-way SMS function's configuration, validated once at cold start."""

from __future__ import annotations

import os
from functools import cache
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class SmsInboundSettings(BaseModel):
    model_config = ConfigDict(frozen=True)

    tickets_table: str = Field(min_length=3)
    directory_table: str = Field(min_length=3)
    idempotency_table: str = Field(min_length=3)
    # Only for a number no property lists among its receiving numbers (a single-property deployment).
    default_property_id: str | None = None
    sms_provider: Literal["pinpoint", "sns"] = "sns"
    origination_identity: str | None = None
    idempotency_seconds: int = Field(default=86_400, ge=60)


@cache
def settings() -> SmsInboundSettings:
    """Read the environment once; a missing variable fails the cold start loudly."""
    return SmsInboundSettings(
        tickets_table=os.environ.get("TICKETS_TABLE", ""),
        directory_table=os.environ.get("DIRECTORY_TABLE", ""),
        idempotency_table=os.environ.get("IDEMPOTENCY_TABLE", ""),
        default_property_id=os.environ.get("INTAKE_DEFAULT_PROPERTY_ID") or None,
        sms_provider=os.environ.get("SMS_PROVIDER", "sns"),  # type: ignore[arg-type]
        origination_identity=os.environ.get("SMS_ORIGINATION_IDENTITY") or None,
    )
