"""Log hygiene: phone numbers never reach a log line."""

from __future__ import annotations

import re
from typing import Any

from aws_lambda_powertools.logging.formatter import LambdaPowertoolsFormatter

from propdesk.models.common import mask_phone

# E.164 with its plus, and bare mainland mobile numbers (11 digits starting 13-19).
# Chinese text often runs straight into a number (联系电话13800000001), so only ASCII letters, digits
# and "_" before a number mark it as part of an identifier; \w would also match every Chinese character.
_PHONE = re.compile(r"(?<![0-9A-Za-z_+])(\+[1-9][0-9]{6,14}|1[3-9][0-9]{9})(?![0-9])")


def mask_phones(text: str) -> str:
    return _PHONE.sub(lambda m: mask_phone(m.group(0)), text)


class PhoneMaskingFormatter(LambdaPowertoolsFormatter):
    """Powertools' JSON formatter, with every phone number masked after serialisation."""

    def serialize(self, log: Any) -> str:
        return mask_phones(super().serialize(log))
