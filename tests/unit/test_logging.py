"""Phone numbers never reach a log line: Powertools Logger output with the masking formatter."""

from __future__ import annotations

import io
import json
import logging
import uuid

import pytest
from aws_lambda_powertools import Logger

from propdesk.logging import PhoneMaskingFormatter, mask_phones


@pytest.fixture
def log():
    """A Powertools Logger writing to a buffer, as the API's logger does."""
    stream = io.StringIO()
    logger = Logger(
        service=f"test-{uuid.uuid4().hex[:8]}",
        logger_formatter=PhoneMaskingFormatter(),
        logger_handler=logging.StreamHandler(stream),
    )
    logger.setLevel("INFO")

    def lines() -> list[str]:
        return [line for line in stream.getvalue().splitlines() if line]

    return logger, lines


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("call +8613800000001 now", "call +86*******0001 now"),
        ("mobile 13800000001.", "mobile 138****0001."),
        ('{"phone": "+14155550123"}', '{"phone": "+14*****0123"}'),
        ("联系电话13800000001", "联系电话138****0001"),  # Chinese text right before the number
        ("电话：+8613800000001，谢谢", "电话：+86*******0001，谢谢"),
        ("两个号码 13800000001/13900000002", "两个号码 138****0001/139****0002"),
        ("ticket SUN-20261123-0001 at 2026-11-23", "ticket SUN-20261123-0001 at 2026-11-23"),  # not phones
        ("id t_13800000001", "id t_13800000001"),  # part of an identifier
        ("amount 120000000000", "amount 120000000000"),  # 12 digits, not a mobile
        ("12800000001", "12800000001"),  # 12x is not a mobile prefix
    ],
)
def test_mask_phones(text, masked):
    assert mask_phones(text) == masked


def test_every_log_line_is_masked(log):
    # Given the API's logger; When a message, extra keys, and an exception mention phone numbers
    logger, lines = log
    logger.info("SMS from +8613800000001 about 漏水")
    logger.info("resident found", extra={"phone": "+8613800000002", "contact": {"mobile": "13800000003"}})
    logger.append_keys(caller="+8613800000004")
    try:
        raise ValueError("unknown sender +8613800000005")
    except ValueError:
        logger.exception("could not identify")
    logger.remove_keys(["caller"])
    logger.info({"structured": ["13800000006", "联系13800000007"]})
    # Then no line holds a whole number, and each keeps its last four digits for the desk
    output = "\n".join(lines())
    for n in range(1, 8):
        assert f"1380000000{n}" not in output
        assert f"000{n}" in output
    assert len(lines()) == 4
    for line in lines():
        json.loads(line)  # still valid JSON after masking


def test_the_api_logger_masks(monkeypatch):
    # Given the API function's own logger formatter
    from tests.support.api import load_function

    app = load_function("api")
    assert isinstance(app.logger.registered_formatter, PhoneMaskingFormatter)
