"""Ticket ids are unguessable; numbers read SUN-20261122-0007, per property and local day."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from propdesk.numbering import format_number, local_day, new_ticket_id


def test_ids_are_random_url_safe_and_never_repeat():
    ids = {new_ticket_id() for _ in range(2000)}
    assert len(ids) == 2000
    assert all(re.fullmatch(r"t_[0-9a-f]{32}", i) for i in ids)  # 128 bits


@pytest.mark.parametrize(
    ("sequence", "number"),
    [(1, "SUN-20261122-0001"), (7, "SUN-20261122-0007"), (9999, "SUN-20261122-9999"), (10000, "SUN-20261122-10000")],
)
def test_number_format(sequence, number):
    # Given a property code, a day and a sequence; Then the number is zero-padded and widens rather than wraps
    assert format_number("SUN", "20261122", sequence) == number


@pytest.mark.parametrize(
    ("at", "zone", "day"),
    [
        (datetime(2026, 11, 22, 15, 59, tzinfo=UTC), "Asia/Shanghai", "20261122"),  # 23:59 local
        (datetime(2026, 11, 22, 16, 0, tzinfo=UTC), "Asia/Shanghai", "20261123"),  # local midnight
        (datetime(2026, 11, 22, 16, 0, tzinfo=UTC), "Europe/London", "20261122"),
        (datetime(2026, 12, 31, 23, 30, tzinfo=UTC), "America/New_York", "20261231"),
        (datetime(2026, 12, 31, 23, 30, tzinfo=UTC), "Asia/Tokyo", "20270101"),
    ],
)
def test_the_day_is_the_propertys_local_day(at, zone, day):
    assert local_day(at, zone) == day
