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
WORKFLOW_SK = "WORKFLOW"


def person_key(property_id: str, person_id: str) -> str:
    """A person's index key: staff and resident ids are unique within a property only ("#" is in no id)."""
    return f"{property_id}#{person_id}"


EVENT_PREFIX = "EVENT#"


def encode_cursor(index: str, key: dict[str, Any] | None) -> str | None:
    if not key:
        return None
    raw = json.dumps({"i": index, "k": key}, separators=(",", ":"), sort_keys=True).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


# Attributes a start key of the tickets table or one of its indexes may hold.
_KEY_ATTRS = frozenset({"pk", "sk", "resident_id", "property_id", "assignee_open", "open_property"})
_RANGE_ATTRS = frozenset({"created_at", "status_due", "due_key"})


def _well_formed(key: dict[str, Any], hash_attr: str) -> bool:
    """A tampered start key must be a 400 here, not a ValidationException (500) from DynamoDB."""
    names = set(key)
    return (
        {"pk", "sk", hash_attr} <= names
        and names <= _KEY_ATTRS | _RANGE_ATTRS
        and len(names & (_KEY_ATTRS - {"pk", "sk"})) == 1
        # DynamoDB refuses an empty key value with a ValidationException.
        and all(isinstance(v, dict) and list(v) == ["S"] and isinstance(v["S"], str) and v["S"] for v in key.values())
    )


def decode_cursor(cursor: str | None, index: str, hash_attr: str, hash_value: str) -> dict[str, Any] | None:
    """The start key of the next page; only for the same index and the same partition."""
    if not cursor:
        return None
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        data = json.loads(base64.urlsafe_b64decode(padded.encode()))
        key = data["k"]
        ok = data["i"] == index and key[hash_attr]["S"] == hash_value and _well_formed(key, hash_attr)
    except (ValueError, KeyError, TypeError, AttributeError, binascii.Error):
        ok = False
    if not ok:
        raise InvalidRequest(
            "cursor is not valid for this listing",
            details=[{"field": "cursor", "problem": "not a cursor this listing returned"}],
        )
    return dict(key)
