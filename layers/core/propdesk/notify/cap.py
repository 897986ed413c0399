"""The per-property daily SMS cap: one atomic counter item per property and local day.

A resident's report must not become a bill: each send first takes a slot with a
conditional UpdateItem ADD, so concurrent notifiers can never exceed the cap.
"""

from __future__ import annotations

from typing import Any

CAP_SK = "SMSCAP"


def cap_key(property_id: str, day: str) -> dict[str, Any]:
    return {"pk": {"S": f"SMSCAP#{property_id}#{day}"}, "sk": {"S": CAP_SK}}


class DailyCap:
    """Counters on the tickets table (their own partition per property and day)."""

    def __init__(self, client: Any, table_name: str) -> None:
        self.client = client
        self.table_name = table_name

    def take(self, property_id: str, day: str, cap: int) -> bool:
        """Take one slot of today's cap; False when the cap is reached (one UpdateItem)."""
        if cap <= 0:
            return False
        try:
            self.client.update_item(
                TableName=self.table_name,
                Key=cap_key(property_id, day),
                UpdateExpression="ADD sent :one",
                ConditionExpression="attribute_not_exists(sent) OR sent < :cap",
                ExpressionAttributeValues={":one": {"N": "1"}, ":cap": {"N": str(cap)}},
            )
        except self.client.exceptions.ConditionalCheckFailedException:
            return False
        return True

    def give_back(self, property_id: str, day: str) -> None:
        """Return a slot whose message could not be sent, so a failed send does not eat the cap."""
        self.client.update_item(
            TableName=self.table_name,
            Key=cap_key(property_id, day),
            UpdateExpression="ADD sent :minus",
            ExpressionAttributeValues={":minus": {"N": "-1"}},
        )

    def used(self, property_id: str, day: str) -> int:
        item = self.client.get_item(TableName=self.table_name, Key=cap_key(property_id, day)).get("Item")
        return int(item["sent"]["N"]) if item else 0
