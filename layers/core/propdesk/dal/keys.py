"""Key and index-key formats, and the opaque pagination cursor."""

from __future__ import annotations

import base64
import binascii
import json
from datetime import UTC, datetime
from typing import Any

from propdesk.errors import InvalidRequest


def iso_key(at: datetime) -> str:
    """A sortable UTC instant: 2026-11-22T05:54:32.123456Z."""
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def ticket_pk(ticket_id: str) -> str:
    return f"TICKET#{ticket_id}"


TICKET_SK = "TICKET"
EVENT_PREFIX = "EVENT#"


def encode_cursor(index: str, key: dict[str, Any] | None) -> str | None:
    if not key:
        return None
    raw = json.dumps({"i": index, "k": key}, separators=(",", ":"), sort_keys=True).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str | None, index: str, hash_attr: str, hash_value: str) -> dict[str, Any] | None:
    """The start key of the next page; only for the same index and the same partition."""
    if not cursor:
        return None
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        data = json.loads(base64.urlsafe_b64decode(padded.encode()))
        key = data["k"]
        ok = data["i"] == index and key[hash_attr]["S"] == hash_value
    except (ValueError, KeyError, TypeError, binascii.Error):
        ok = False
    if not ok:
        raise InvalidRequest(
            "cursor is not valid for this listing",
            details=[{"field": "cursor", "problem": "not a cursor this listing returned"}],
        )
    return dict(key)
