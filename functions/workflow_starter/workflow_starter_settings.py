"""The stream function's configuration, validated once at cold start."""

from __future__ import annotations

from functools import cache

from pydantic import Field

from propdesk.settings import FunctionSettings


class StarterSettings(FunctionSettings):
    tickets_table: str = Field(alias="TICKETS_TABLE", min_length=3)
    directory_table: str = Field(alias="DIRECTORY_TABLE", min_length=3)
    ticket_workflow_arn: str = Field(alias="TICKET_WORKFLOW_ARN", min_length=20)
    # Unset: notices are only recorded on the timeline.
    notices_queue_url: str | None = Field(alias="NOTICES_QUEUE_URL", default=None)


@cache
def settings() -> StarterSettings:
    """Read the environment once; a missing variable fails the cold start loudly."""
    return StarterSettings.from_environment()
