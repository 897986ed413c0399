"""Every function reads its configuration the same way: its model over the environment, by variable name."""

from __future__ import annotations

import importlib

import pytest
from pydantic import ValidationError

from tests.support.api import load_function
from tests.support.infra import function_environment

# function folder, settings module, template logical id
FUNCTIONS = [
    ("api", "api_settings", "ApiFunction"),
    ("connect", "connect_settings", "ConnectFunction"),
    ("intake", "intake_settings", "IntakeFunction"),
    ("notifier", "notifier_settings", "NotifierFunction"),
    ("reports", "reports_settings", "ReportsFunction"),
    ("sms_inbound", "sms_inbound_settings", "SmsInboundFunction"),
    ("sweep", "sweep_settings", "SweepFunction"),
    ("workflow", "workflow_settings", "WorkflowStepFunction"),
    ("workflow_starter", "workflow_starter_settings", "WorkflowStarterFunction"),
]


def settings_module(function: str, module: str):
    load_function(function)
    loaded = importlib.import_module(module)
    loaded.settings.cache_clear()
    return loaded


@pytest.fixture
def clean_environment(monkeypatch):
    for variable in (
        "TICKETS_TABLE",
        "DIRECTORY_TABLE",
        "BOOKS_TABLE",
        "IDEMPOTENCY_TABLE",
        "NOTICES_QUEUE_URL",
        "DEFAULT_TIMEZONE",
    ):
        monkeypatch.delenv(variable, raising=False)
    return monkeypatch


@pytest.mark.parametrize(("function", "module", "logical_id"), FUNCTIONS)
def test_the_environment_the_template_gives_is_the_whole_configuration(function, module, logical_id, clean_environment):
    physical = {
        "TicketsTable": "tickets",
        "DirectoryTable": "directory",
        "IdempotencyTable": "idempotency",
        "BooksTable": "books",
        "TicketWorkflow": "arn:aws:states:us-east-1:123456789012:stateMachine:propdesk-ticket-dev",
    }
    environment = function_environment(logical_id, physical)
    for variable, value in environment.items():
        clean_environment.setenv(variable, value)
    loaded = settings_module(function, module)
    config = loaded.settings()
    assert config.tickets_table == environment["TICKETS_TABLE"]
    assert config.directory_table == environment["DIRECTORY_TABLE"]
    loaded.settings.cache_clear()


@pytest.mark.parametrize(("function", "module", "logical_id"), FUNCTIONS)
def test_a_missing_variable_fails_naming_the_variable(function, module, logical_id, clean_environment):
    loaded = settings_module(function, module)
    with pytest.raises(ValidationError) as failure:
        loaded.settings()
    assert "TICKETS_TABLE" in [str(error["loc"][0]) for error in failure.value.errors()]
    loaded.settings.cache_clear()


def test_blank_optional_variables_take_their_defaults(clean_environment):
    for variable, value in {
        "TICKETS_TABLE": "tickets",
        "DIRECTORY_TABLE": "directory",
        "IDEMPOTENCY_TABLE": "idempotency",
        "BOOKS_TABLE": "books",
        "PUBLIC_BASE_URL": "https://desk.example.com",
        "TWILIO_AUTH_TOKEN_PARAMETER": "/propdesk/dev/twilio-auth-token",
        "INTAKE_DEFAULT_PROPERTY_ID": "",
        "DESK_PHONE_NUMBER": "",
    }.items():
        clean_environment.setenv(variable, value)
    loaded = settings_module("intake", "intake_settings")
    config = loaded.settings()
    assert config.desk_phone is None
    assert config.default_property_id is None  # receiving numbers are in each property's directory record
    assert str(config.public_base_url) == "https://desk.example.com/"
    loaded.settings.cache_clear()
