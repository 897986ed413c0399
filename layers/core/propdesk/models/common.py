"""Shared field types: E.164 phone numbers, bounded text, identifiers."""

from __future__ import annotations

import re
from datetime import date, datetime, time
from typing import Annotated, Any

from pydantic import AfterValidator, AwareDatetime, BeforeValidator, Field, Strict, StringConstraints, WithJsonSchema

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
Cents = Annotated[int, Strict(), Field(ge=0, le=100_000_000)]
# Inputs take JSON's own types: 0 is not false, "1" is not 1, 0.5 is not a time.
Flag = Annotated[bool, Strict()]
Count = Annotated[int, Strict()]
Quantity = Annotated[float, Strict()]
# A person's sign-in subject (Cognito sub): an index key, so never empty or blank.
Subject = Annotated[str, StringConstraints(min_length=1, max_length=128, pattern=r"^[^\s]+$")]

_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_WALL_TIME = re.compile(r"([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?")


def _instant_text(value: Any) -> Any:
    """An instant arrives as ISO 8601 text with its offset; a number (or numeric text) is not epoch seconds."""
    if isinstance(value, datetime):
        return value
    if not isinstance(value, str) or not _ISO_DAY.match(value):
        raise ValueError("must be an ISO 8601 date and time with its UTC offset, such as 2026-11-24T15:00:00+08:00")
    return value


def _day_text(value: Any) -> Any:
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or not _ISO_DAY.fullmatch(value):
        raise ValueError("must be a date such as 2026-10-01")
    return value


def _wall_time(value: Any) -> time:
    """Desk hours are a wall-clock time in the property's own timezone, so they carry no UTC offset."""
    if isinstance(value, time) and value.tzinfo is None:
        return value
    if isinstance(value, str) and _WALL_TIME.fullmatch(value):
        return time.fromisoformat(value)
    raise ValueError("must be a local wall-clock time such as 08:00, without a UTC offset")


Instant = Annotated[AwareDatetime, BeforeValidator(_instant_text)]
Day = Annotated[date, BeforeValidator(_day_text)]
WallTime = Annotated[
    time,
    BeforeValidator(_wall_time),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?$",
            "description": "local wall-clock time in the property's timezone, without an offset",
            "examples": ["08:00"],
        }
    ),
]


def mask_phone(phone: str | None) -> str:
    """+8613800000001 -> +86*******0001; what logs may show of a number."""
    if not phone:
        return ""
    if len(phone) <= 7:  # too short to show 7 characters and still hide any
        return "*" * len(phone)
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]
