"""The intake webhooks' configuration, validated once at cold start."""

from __future__ import annotations

from functools import cache

from pydantic import Field, HttpUrl, Json

from propdesk.models.common import Phone
from propdesk.settings import FunctionSettings


class IntakeSettings(FunctionSettings):
    tickets_table: str = Field(alias="TICKETS_TABLE", min_length=3)
    directory_table: str = Field(alias="DIRECTORY_TABLE", min_length=3)
    idempotency_table: str = Field(alias="IDEMPOTENCY_TABLE", min_length=3)
    # What Twilio calls and signs; never the execute-api host behind a custom domain.
    public_base_url: HttpUrl = Field(alias="PUBLIC_BASE_URL")
    twilio_token_parameter: str = Field(alias="TWILIO_AUTH_TOKEN_PARAMETER", min_length=1)
    default_property_id: str = Field(alias="INTAKE_DEFAULT_PROPERTY_ID", min_length=1)
    # Our receiving number -> property id, as JSON.
    numbers: Json[dict[str, str]] = Field(alias="INTAKE_NUMBERS", default_factory=dict)
    desk_phone: Phone | None = Field(alias="DESK_PHONE_NUMBER", default=None)
    idempotency_seconds: int = Field(default=86_400, ge=60)
    token_cache_seconds: int = Field(default=300, ge=0)


@cache
def settings() -> IntakeSettings:
    """Read the environment once; a missing variable fails the cold start loudly."""
    return IntakeSettings.from_environment()
