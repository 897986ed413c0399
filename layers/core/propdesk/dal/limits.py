"""Per-caller usage counters on the tickets table: one conditional UpdateItem takes one unit of a window."""

from __future__ import annotations

from pynamodb.attributes import NumberAttribute, UnicodeAttribute
from pynamodb.exceptions import UpdateError

from propdesk.dal.items import _Bindable

LIMIT_SK = "LIMIT"


class UsageItem(_Bindable):
    """How much of one limit one caller used in one window; DynamoDB's TTL removes it after the window."""

    class Meta:
        table_name = "unbound"

    pk = UnicodeAttribute(hash_key=True)  # LIMIT#what#property#who#window-start
    sk = UnicodeAttribute(range_key=True)
    used = NumberAttribute(default=0)
    expires_at = NumberAttribute(null=True)  # epoch seconds, the table's TTL attribute


class UsageStore:
    def __init__(self, table_name: str) -> None:
        UsageItem.bind(table_name)

    def take(self, key: str, limit: int, expires_at: int) -> bool:
        """Count one more use unless `limit` uses are already counted; atomic under any concurrency."""
        item = UsageItem(pk=key, sk=LIMIT_SK)
        try:
            item.update(
                actions=[UsageItem.used.add(1), UsageItem.expires_at.set(expires_at)],
                condition=UsageItem.used.does_not_exist() | (UsageItem.used < limit),
            )
        except UpdateError as err:
            if err.cause_response_code == "ConditionalCheckFailedException":
                return False
            raise
        return True

    def give_back(self, key: str) -> None:
        """Uncount one use, for a use that did not happen after all."""
        UsageItem(pk=key, sk=LIMIT_SK).update(actions=[UsageItem.used.add(-1)])
