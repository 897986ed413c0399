"""Log hygiene: phone numbers never reach a log line."""

from __future__ import annotations

import re
from typing import Any

from aws_lambda_powertools.logging.formatter import LambdaPowertoolsFormatter

from propdesk.models.common import mask_phone

# E.164 with its plus, and bare mainland mobile numbers (11 digits starting 13-19).
_PHONE = re.compile(r"(?<![\w+])(\+[1-9]\d{6,14}|1[3-9]\d{9})(?!\d)")


def mask_phones(text: str) -> str:
    return _PHONE.sub(lambda m: mask_phone(m.group(0)), text)


class PhoneMaskingFormatter(LambdaPowertoolsFormatter):
    """Powertools' JSON formatter, with every phone number masked after serialisation."""

    def serialize(self, log: Any) -> str:
        return mask_phones(super().serialize(log))
