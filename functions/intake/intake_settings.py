"""The intake webhooks' configuration, validated once at cold start."""

from __future__ import annotations

from functools import cache

from pydantic import Field, HttpUrl

from propdesk.models.common import Phone
from propdesk.settings import FunctionSettings


class IntakeSettings(FunctionSettings):
    tickets_table: str = Field(alias="TICKETS_TABLE", min_length=3)
    directory_table: str = Field(alias="DIRECTORY_TABLE", min_length=3)
    books_table: str = Field(alias="BOOKS_TABLE", min_length=3)  # the duty log
    idempotency_table: str = Field(alias="IDEMPOTENCY_TABLE", min_length=3)
    # What Twilio calls and signs; never the execute-api host behind a custom domain.
    public_base_url: HttpUrl = Field(alias="PUBLIC_BASE_URL")
    twilio_token_parameter: str = Field(alias="TWILIO_AUTH_TOKEN_PARAMETER", min_length=1)
    # Only for a number no property lists among its receiving numbers (a single-property deployment).
    default_property_id: str | None = Field(alias="INTAKE_DEFAULT_PROPERTY_ID", default=None)
    desk_phone: Phone | None = Field(alias="DESK_PHONE_NUMBER", default=None)
    # Who answers the menu's 0 outside the property's desk hours (值班中控室); the desk's number if unset.
    control_room_phone: Phone | None = Field(alias="CONTROL_ROOM_PHONE_NUMBER", default=None)
    idempotency_seconds: int = Field(default=86_400, ge=60)
    token_cache_seconds: int = Field(default=300, ge=0)


@cache
def settings() -> IntakeSettings:
    """Read the environment once; a missing variable fails the cold start loudly."""
    return IntakeSettings.from_environment()
