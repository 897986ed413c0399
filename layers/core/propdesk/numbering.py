"""Ticket numbers: unguessable ids, and readable numbers per property and day."""

from __future__ import annotations

import secrets
from datetime import datetime
from zoneinfo import ZoneInfo


def new_ticket_id() -> str:
    """128 random bits, URL-safe: a ticket id nobody can guess or enumerate."""
    return "t_" + secrets.token_hex(16)


def local_day(at: datetime, timezone: str) -> str:
    return at.astimezone(ZoneInfo(timezone)).strftime("%Y%m%d")


def format_number(code: str, day: str, sequence: int) -> str:
    """SUN-20261122-0007; the sequence widens past 9999 rather than wrapping."""
    return f"{code}-{day}-{sequence:04d}"
