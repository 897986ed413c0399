"""A function's configuration: one pydantic model over its environment, fields named by their variables."""

from __future__ import annotations

import os
from typing import Any, Self

from pydantic import BaseModel, ConfigDict, model_validator


class FunctionSettings(BaseModel):
    """Fields carry the environment variable as their alias: `Model.model_validate(os.environ)` reads them all.

    An empty variable counts as unset (the template writes "" for an optional parameter left blank), so the
    field's default applies, or a required field fails the cold start naming the variable.
    """

    model_config = ConfigDict(frozen=True, extra="ignore", validate_by_alias=True, validate_by_name=True)

    @model_validator(mode="before")
    @classmethod
    def _blank_is_unset(cls, data: Any) -> Any:
        if isinstance(data, dict):
            return {key: value for key, value in data.items() if value != ""}
        return data

    @classmethod
    def from_environment(cls) -> Self:
        return cls.model_validate(dict(os.environ))
