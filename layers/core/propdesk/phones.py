"""Phone numbers as people write them (13800000009, 138 0000 0009), stored as E.164 in the property's country."""

from __future__ import annotations

from typing import Annotated

from pydantic import StringConstraints

from propdesk.errors import InvalidRequest

# What a form may send: digits with the usual separators, with or without the +country code.
PhoneText = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=3, max_length=32, pattern=r"^\+?[0-9 ().-]+$")
]


def normalise(raw: str, country: str, field: str = "phone") -> str:
    """The E.164 form of a number dialled in `country` (ISO 3166 alpha-2); a number that cannot exist is refused."""
    import phonenumbers  # imported on first use: its metadata stays out of every cold start

    try:
        number = phonenumbers.parse(raw, country)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        problem = f"not a valid phone number in {country}; give it as dialled there or as +<country code><number>"
        raise InvalidRequest(f"{field} is not a valid phone number", details=[{"field": field, "problem": problem}])
    return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))
