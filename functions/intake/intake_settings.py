"""The intake webhooks' configuration, validated once at cold start."""

from __future__ import annotations

import os
from functools import cache

from pydantic import BaseModel, ConfigDict, Field, HttpUrl

from propdesk.models.common import Phone


class IntakeSettings(BaseModel):
    model_config = ConfigDict(frozen=True)

    tickets_table: str = Field(min_length=3)
    directory_table: str = Field(min_length=3)
    idempotency_table: str = Field(min_length=3)
    public_base_url: HttpUrl  # what Twilio calls and signs; never the execute-api host behind a custom domain
    twilio_token_parameter: str = Field(min_length=1)
    # Only for a number no property lists among its receiving numbers (a single-property deployment).
    default_property_id: str | None = None
    desk_phone: Phone | None = None
    idempotency_seconds: int = Field(default=86_400, ge=60)
    token_cache_seconds: int = Field(default=300, ge=0)


@cache
def settings() -> IntakeSettings:
    """Read the environment once; a missing variable fails the cold start loudly."""
    return IntakeSettings(
        tickets_table=os.environ.get("TICKETS_TABLE", ""),
        directory_table=os.environ.get("DIRECTORY_TABLE", ""),
        idempotency_table=os.environ.get("IDEMPOTENCY_TABLE", ""),
        public_base_url=os.environ.get("PUBLIC_BASE_URL", ""),  # type: ignore[arg-type]
        twilio_token_parameter=os.environ.get("TWILIO_AUTH_TOKEN_PARAMETER", ""),
        default_property_id=os.environ.get("INTAKE_DEFAULT_PROPERTY_ID") or None,
        desk_phone=os.environ.get("DESK_PHONE_NUMBER") or None,
    )
