"""Shared field types: E.164 phone numbers, bounded text, identifiers."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, Field, StringConstraints

_E164 = re.compile(r"\+[1-9][0-9]{6,14}")  # ASCII digits only: \d would accept full-width digits


def _check_e164(value: str) -> str:
    if not _E164.fullmatch(value):
        raise ValueError("must be an E.164 phone number such as +8613800000001")
    return value


Phone = Annotated[str, AfterValidator(_check_e164)]
Id = Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$")]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
ShortText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
LongText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]
Cents = Annotated[int, Field(ge=0, le=100_000_000)]


def mask_phone(phone: str | None) -> str:
    """+8613800000001 -> +86*******0001; what logs may show of a number."""
    if not phone:
        return ""
    if len(phone) <= 7:  # too short to show 7 characters and still hide any
        return "*" * len(phone)
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]
