"""The full phone numbers the intake tests use; none of them may appear in any log output."""

from __future__ import annotations

NUMBERS = ("+8613800000001", "+8613800000002", "+8613800000003", "+8613900000009", "+8610000000000", "+8613700000007")


def assert_no_full_numbers(text: str) -> None:
    for number in NUMBERS:
        assert number not in text, f"a full phone number reached the log: {number[:4]}..."
        assert number[1:] not in text, f"a full phone number reached the log: {number[:4]}..."
        assert number[3:] not in text, f"a full mobile number reached the log: {number[:4]}..."
    assert "13800000001" not in text
