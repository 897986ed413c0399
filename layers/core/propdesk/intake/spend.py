"""An SMS reply is a paid outbound SMS: it counts against the property's daily cap like every other SMS,
and one number draws at most a few replies an hour, so a looping or hostile sender cannot run up the bill."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import datetime

from propdesk.logic.limits import DAY, HOUR, LimitReached, Limits
from propdesk.models.directory import Property
from propdesk.notify.cap import DailyCap
from propdesk.numbering import local_day


class ReplySpend:
    def __init__(self, cap: DailyCap, limits: Limits, properties: Callable[[str], Property]) -> None:
        self.cap = cap
        self.limits = limits
        self.properties = properties

    def allow(self, property_id: str | None, sender: str, now: datetime) -> bool:
        """Take one reply from the sender's hourly and daily allowances, then one SMS from the property's day."""
        if property_id is None:
            return False
        prop = self.properties(property_id)
        sender_key = _number_key(sender)
        try:
            self.limits.take("sms_replies", prop, sender_key, prop.settings.sms_replies_per_number_hour, HOUR, now)
            self.limits.take("sms_replies", prop, sender_key, prop.settings.sms_replies_per_number_day, DAY, now)
        except LimitReached:
            return False
        return self.cap.take(prop.id, local_day(now, prop.timezone), prop.settings.daily_sms_cap)


def _number_key(phone: str) -> str:
    """The sender as a counter key: a digest, so no phone number is stored in a key."""
    return hashlib.sha256(phone.encode()).hexdigest()[:24]
