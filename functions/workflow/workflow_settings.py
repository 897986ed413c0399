"""The step function's configuration, validated once at cold start."""

from __future__ import annotations

from functools import cache

from pydantic import Field

from propdesk.settings import FunctionSettings


class WorkflowSettings(FunctionSettings):
    tickets_table: str = Field(alias="TICKETS_TABLE", min_length=3)
    directory_table: str = Field(alias="DIRECTORY_TABLE", min_length=3)
    # Unset: notices are only recorded on the timeline.
    notices_queue_url: str | None = Field(alias="NOTICES_QUEUE_URL", default=None)


@cache
def settings() -> WorkflowSettings:
    """Read the environment once; a missing table fails the cold start loudly."""
    return WorkflowSettings.from_environment()
