"""The workflow functions' configuration: validated at cold start, a missing table fails loudly."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from tests.support.api import load_function


@pytest.mark.parametrize(
    ("function", "module", "required"),
    [
        ("workflow", "workflow_settings", {"TICKETS_TABLE": "Tickets", "DIRECTORY_TABLE": "Directory"}),
        (
            "workflow_starter",
            "workflow_starter_settings",
            {
                "TICKETS_TABLE": "Tickets",
                "DIRECTORY_TABLE": "Directory",
                "TICKET_WORKFLOW_ARN": "arn:aws:states:r:1:stateMachine:m",
            },
        ),
    ],
)
def test_settings_need_every_variable(function, module, required, monkeypatch):
    import importlib

    load_function(function)
    settings_module = importlib.import_module(module)
    for key, value in required.items():
        monkeypatch.setenv(key, value)
    settings_module.settings.cache_clear()
    assert settings_module.settings()
    monkeypatch.delenv("TICKETS_TABLE")
    settings_module.settings.cache_clear()
    with pytest.raises(ValidationError):
        settings_module.settings()
    settings_module.settings.cache_clear()
