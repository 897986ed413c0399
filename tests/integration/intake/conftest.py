"""Fixtures for the intake and notification functions: their environment from template.yaml, signed Twilio posts."""

from __future__ import annotations

import base64
import io
import logging
from collections import Counter
from collections.abc import Callable, Iterator
from types import ModuleType
from typing import Any
from urllib.parse import urlencode

import boto3
import pytest
from twilio.request_validator import RequestValidator

from tests.support import infra
from tests.support.api import LambdaContext, http_event, load_function

AUTH_TOKEN = "test-twilio-auth-token-0123456789"
PUBLIC_BASE = "https://desk.example.com"
TOKEN_PARAMETER = "/propdesk/test/twilio-auth-token"
OUR_NUMBER = "+8610000000000"
FUNCTIONS = ("intake", "sms_inbound", "connect", "notifier")
STRANGER = "+8613900000009"


@pytest.fixture
def function_env(aws: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> Callable[[str], dict[str, str]]:
    """Apply a function's template environment (with test overrides) and return it."""

    def apply(logical_id: str, **overrides: str) -> dict[str, str]:
        env = infra.function_environment(logical_id, aws)
        env.update(INTAKE_DEFAULT_PROPERTY_ID="SUN", PUBLIC_BASE_URL=PUBLIC_BASE)
        env.update(TWILIO_AUTH_TOKEN_PARAMETER=TOKEN_PARAMETER)
        env.update(overrides)
        for key, value in env.items():
            monkeypatch.setenv(key, value)
        return env

    return apply


@pytest.fixture
def intake(function_env: Callable[..., dict[str, str]], world: object, clock: object) -> Iterator[ModuleType]:
    function_env("IntakeFunction")
    boto3.client("ssm").put_parameter(Name=TOKEN_PARAMETER, Value=AUTH_TOKEN, Type="SecureString")
    module = load_function("intake")
    module.settings.cache_clear()  # a new sandbox for this test's moto world
    module.sandbox.cache_clear()
    yield module
    module.settings.cache_clear()
    module.sandbox.cache_clear()


def twilio_form(**params: str) -> dict[str, str]:
    """The parameters Twilio posts for an incoming SMS (a few extras included, as Twilio sends them)."""
    form = {
        "ToCountry": "CN",
        "SmsMessageSid": params.get("MessageSid", ""),
        "NumMedia": "0",
        "SmsStatus": "received",
        "To": OUR_NUMBER,
        "NumSegments": "1",
        "AccountSid": "AC" + "0" * 32,
        "ApiVersion": "2010-04-01",
    }
    form.update(params)
    return form


def signed_event(
    path: str,
    form: dict[str, str],
    *,
    query: str = "",
    token: str = AUTH_TOKEN,
    signed_url: str | None = None,
    signature: str | bool | None = True,
) -> dict[str, Any]:
    """An API Gateway v2 event of a Twilio webhook: base64 form body, signed as Twilio signs it."""
    url = signed_url or f"{PUBLIC_BASE}{path}" + (f"?{query}" if query else "")
    headers = {"content-type": "application/x-www-form-urlencoded", "user-agent": "TwilioProxy/1.1"}
    if signature is True:
        headers["x-twilio-signature"] = RequestValidator(token).compute_signature(url, form)
    elif isinstance(signature, str):
        headers["x-twilio-signature"] = signature
    event = http_event("POST", path, raw_body=urlencode(form), headers=headers, base64_body=True)
    event["routeKey"] = f"POST {path}"
    event["rawQueryString"] = query
    if query:
        event["queryStringParameters"] = dict(pair.split("=", 1) for pair in query.split("&"))
    return event


def call(module: ModuleType, event: dict[str, Any]) -> tuple[int, str]:
    response = module.lambda_handler(event, LambdaContext())
    body = response.get("body") or ""
    if response.get("isBase64Encoded"):
        body = base64.b64decode(body).decode()
    return int(response["statusCode"]), body


@pytest.fixture(autouse=True)
def no_phone_numbers_in_logs(
    capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> Iterator[io.StringIO]:
    """Every log line written during an intake test, wherever it went, shows no full phone number.

    Powertools loggers do not propagate and hold the stream they were built with, so
    their handlers are pointed at a buffer for the test; print and warnings go to capsys.
    """
    caplog.set_level(logging.INFO)
    for name in FUNCTIONS:  # their loggers exist before the streams are swapped
        load_function(name)
    buffer = io.StringIO()
    swapped: list[tuple[logging.StreamHandler[Any], Any]] = []
    loggers = [logging.getLogger(), *(logging.getLogger(n) for n in list(logging.Logger.manager.loggerDict))]
    for lg in loggers:
        for handler in lg.handlers:
            if isinstance(handler, logging.StreamHandler) and not isinstance(handler, logging.FileHandler):
                swapped.append((handler, handler.stream))
                handler.stream = buffer  # not setStream: it would flush a stream an earlier test closed
    yield buffer
    for handler, stream in swapped:
        handler.stream = stream
    out, err = capsys.readouterr()
    from tests.integration.intake.phones import assert_no_full_numbers

    captured = buffer.getvalue() + out + err + caplog.text
    assert_no_full_numbers(captured)


@pytest.fixture
def ddb_requests(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """Every DynamoDB request made through botocore (boto3, PynamoDB, Powertools), by operation."""
    from botocore.client import BaseClient

    counts: Counter[str] = Counter()
    original = BaseClient._make_api_call

    def counting(self: Any, operation: str, params: Any) -> Any:
        if self.meta.service_model.service_name == "dynamodb":
            counts[operation] += 1
        return original(self, operation, params)

    monkeypatch.setattr(BaseClient, "_make_api_call", counting)
    return counts
