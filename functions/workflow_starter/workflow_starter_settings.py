"""The stream function's configuration, validated once at cold start."""

from __future__ import annotations

import os
from functools import cache

from pydantic import BaseModel, ConfigDict, Field


class StarterSettings(BaseModel):
    model_config = ConfigDict(frozen=True)

    tickets_table: str = Field(min_length=3)
    directory_table: str = Field(min_length=3)
    ticket_workflow_arn: str = Field(min_length=20)
    notices_queue_url: str | None = None  # unset: notices are only recorded on the timeline


@cache
def settings() -> StarterSettings:
    return StarterSettings(
        tickets_table=os.environ.get("TICKETS_TABLE", ""),
        directory_table=os.environ.get("DIRECTORY_TABLE", ""),
        ticket_workflow_arn=os.environ.get("TICKET_WORKFLOW_ARN", ""),
        notices_queue_url=os.environ.get("NOTICES_QUEUE_URL") or None,
    )
