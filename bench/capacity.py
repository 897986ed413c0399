"""DynamoDB request units from the requests a botocore client actually makes, with AWS's item-size rounding.

On-demand billing (https://aws.amazon.com/dynamodb/pricing/on-demand/): a read request unit reads up to 4 KB
strongly consistent (half a unit eventually consistent), a write request unit writes up to 1 KB; transactional
reads and writes cost twice. Every global secondary index whose keys an item carries is written too (projection
ALL: the whole item); an index key that changes is a delete plus a put.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import botocore.session

READ_BLOCK = 4096
WRITE_BLOCK = 1024


def value_size(value: Mapping[str, Any]) -> int:
    """Bytes of one attribute value in DynamoDB's wire JSON ({"S": ...}, {"N": ...}, {"M": ...})."""
    ((kind, inner),) = value.items()
    if kind == "S":
        return len(str(inner).encode())
    if kind == "N":
        digits = str(inner).lstrip("-").replace(".", "").lstrip("0") or "0"
        return (len(digits) + 1) // 2 + 1
    if kind == "B":
        return len(inner) if isinstance(inner, bytes) else len(str(inner)) * 3 // 4
    if kind in ("BOOL", "NULL"):
        return 1
    if kind in ("SS", "NS", "BS"):
        return sum(value_size({kind[0]: v}) for v in inner)
    if kind == "L":
        return 3 + sum(1 + value_size(v) for v in inner)
    if kind == "M":
        return 3 + sum(1 + len(k.encode()) + value_size(v) for k, v in inner.items())
    raise ValueError(f"unknown DynamoDB type {kind}")


def item_size(item: Mapping[str, Mapping[str, Any]] | None) -> int:
    """Bytes of an item as DynamoDB counts them: attribute names plus values."""
    if not item:
        return 0
    return sum(len(name.encode()) + value_size(v) for name, v in item.items())


def read_units(size: int, consistent: bool = True, transactional: bool = False) -> float:
    blocks = max(1, math.ceil(size / READ_BLOCK))
    return blocks * (2.0 if transactional else 1.0 if consistent else 0.5)


def write_units(size: int, transactional: bool = False) -> float:
    return max(1, math.ceil(size / WRITE_BLOCK)) * (2.0 if transactional else 1.0)


@dataclass(frozen=True, slots=True)
class Index:
    name: str
    keys: tuple[str, ...]


@dataclass
class Usage:
    """What a block of work consumed: requests by operation, and request units by table."""

    requests: Counter[str] = field(default_factory=Counter)
    rru: float = 0.0
    wru: float = 0.0
    gsi_wru: float = 0.0
    largest_item: int = 0

    def add(self, other: Usage) -> None:
        self.requests.update(other.requests)
        self.rru += other.rru
        self.wru += other.wru
        self.gsi_wru += other.gsi_wru
        self.largest_item = max(self.largest_item, other.largest_item)

    @property
    def total_requests(self) -> int:
        return sum(self.requests.values())

    @property
    def total_wru(self) -> float:
        return self.wru + self.gsi_wru


OldImage = Callable[[str, Mapping[str, Any]], dict[str, Any] | None]


class CapacityMeter:
    """Installs before/after-call hooks on every botocore DynamoDB client created while it is installed."""

    def __init__(self, indexes: Mapping[str, tuple[Index, ...]], old_image: OldImage | None = None) -> None:
        self.indexes = indexes
        self.old_image = old_image or moto_old_image
        self.usage = Usage()
        self.enabled = True  # off: hooks stay on the clients but do nothing (for timing)
        self._original: Any = None
        self._pending: dict[int, list[tuple[str, dict[str, Any] | None]]] = {}

    # ---- install -----------------------------------------------------------------------------------------

    def install(self) -> None:
        original = botocore.session.Session.create_client
        meter = self

        def create_client(session: botocore.session.Session, *args: Any, **kwargs: Any) -> Any:
            client = original(session, *args, **kwargs)
            events = client.meta.events
            events.register("before-parameter-build.dynamodb", meter._params, unique_id=f"capacity-p-{id(meter)}")
            events.register("before-call.dynamodb", meter._before, unique_id=f"capacity-b-{id(meter)}")
            client.meta.events.register("after-call.dynamodb", meter._after, unique_id=f"capacity-a-{id(meter)}")
            return client

        self._original = original
        botocore.session.Session.create_client = create_client  # type: ignore[method-assign]

    def uninstall(self) -> None:
        if self._original is not None:
            botocore.session.Session.create_client = self._original  # type: ignore[method-assign]
            self._original = None

    @contextmanager
    def measure(self) -> Iterator[Usage]:
        """The usage of the requests made inside the block only."""
        outer, self.usage = self.usage, Usage()
        inner = self.usage
        try:
            yield inner
        finally:
            outer.add(inner)
            self.usage = outer

    # ---- hooks -------------------------------------------------------------------------------------------

    def _writes_of(self, operation: str, params: Mapping[str, Any]) -> list[tuple[str, Mapping[str, Any], bool]]:
        """(table, key or item, is_put) of every item a write request touches."""
        if operation == "PutItem":
            return [(params["TableName"], params["Item"], True)]
        if operation in ("UpdateItem", "DeleteItem"):
            return [(params["TableName"], params["Key"], False)]
        if operation == "TransactWriteItems":
            found: list[tuple[str, Mapping[str, Any], bool]] = []
            for entry in params.get("TransactItems", []):
                for kind, body in entry.items():
                    if kind == "Put":
                        found.append((body["TableName"], body["Item"], True))
                    elif kind in ("Update", "Delete", "ConditionCheck"):
                        found.append((body["TableName"], body["Key"], False))
            return found
        if operation == "BatchWriteItem":
            found = []
            for table, requests in params.get("RequestItems", {}).items():
                for request in requests:
                    if "PutRequest" in request:
                        found.append((table, request["PutRequest"]["Item"], True))
                    else:
                        found.append((table, request["DeleteRequest"]["Key"], False))
            return found
        return []

    def _params(self, model: Any, params: Mapping[str, Any], context: Any, **_: Any) -> None:
        """The request's API parameters (wire JSON), and the stored images of the items it will write."""
        if not self.enabled:
            return
        context["propdesk_params"] = dict(params)
        writes = self._writes_of(model.name, params)
        if writes:
            context["propdesk_old"] = [(table, self.old_image(table, key)) for table, key, _ in writes]

    def _before(self, model: Any, **_: Any) -> None:
        if self.enabled:
            self.usage.requests[model.name] += 1

    def _after(self, model: Any, parsed: Mapping[str, Any], context: Any, **_: Any) -> None:
        if not self.enabled:
            return
        op = model.name
        params: Mapping[str, Any] = context.get("propdesk_params") or {}
        if "Error" in parsed and parsed["Error"].get("Code"):
            return
        if op == "GetItem":
            size = item_size(parsed.get("Item"))
            self._read(size, consistent=bool(params.get("ConsistentRead")))
        elif op in ("Query", "Scan"):
            sizes = sum(item_size(i) for i in parsed.get("Items", []))
            count, scanned = parsed.get("Count", 0), parsed.get("ScannedCount", 0)
            if count and scanned > count:  # a filter drops items after they were read and billed
                sizes = sizes * scanned // count
            self._read(sizes, consistent=bool(params.get("ConsistentRead")))
        elif op == "BatchGetItem":
            for items in parsed.get("Responses", {}).values():
                for item in items:
                    self._read(item_size(item), consistent=False)
        elif op == "TransactGetItems":
            for response in parsed.get("Responses", []):
                self._read(item_size(response.get("Item")), transactional=True)
        writes = self._writes_of(op, params)
        olds = context.get("propdesk_old") or [(t, None) for t, _, _ in writes]
        for (table, key, is_put), (_, old) in zip(writes, olds, strict=True):
            new = dict(key) if is_put else self.old_image(table, key)
            if op == "DeleteItem" or (op == "TransactWriteItems" and not is_put and new is None):
                new = None
            self._write(table, old, new, transactional=op == "TransactWriteItems")

    def _read(self, size: int, consistent: bool = True, transactional: bool = False) -> None:
        self.usage.rru += read_units(size, consistent, transactional)

    def _write(self, table: str, old: dict[str, Any] | None, new: dict[str, Any] | None, transactional: bool) -> None:
        old_size, new_size = item_size(old), item_size(new)
        self.usage.wru += write_units(max(old_size, new_size), transactional)
        self.usage.largest_item = max(self.usage.largest_item, old_size, new_size)
        for index in self.indexes.get(table, ()):
            old_keyed = old is not None and all(k in old for k in index.keys)
            new_keyed = new is not None and all(k in new for k in index.keys)
            if new_keyed and old_keyed and all(old[k] == new[k] for k in index.keys):  # type: ignore[index]
                self.usage.gsi_wru += write_units(max(old_size, new_size))
                continue
            if old_keyed:
                self.usage.gsi_wru += write_units(old_size)
            if new_keyed:
                self.usage.gsi_wru += write_units(new_size)


def moto_old_image(table: str, key: Mapping[str, Any]) -> dict[str, Any] | None:
    """The item as stored in moto's in-process backend (no request is made, nothing is counted)."""
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.dynamodb.models import DynamoType, dynamodb_backends

    for region in ("us-east-1",):
        backend = dynamodb_backends[DEFAULT_ACCOUNT_ID][region]
        if table not in backend.tables:
            continue
        stored = backend.tables[table]
        hash_value = DynamoType(key[stored.hash_key_attr])
        range_value = DynamoType(key[stored.range_key_attr]) if stored.range_key_attr else None
        found = stored.get_item(hash_value, range_value)
        if found is None:
            return None
        return {name: _wire(value) for name, value in found.attrs.items()}
    return None


def _wire(value: Any) -> dict[str, Any]:
    """moto's DynamoType back to wire JSON."""
    if value.is_map():
        return {"M": {k: _wire(v) for k, v in value.value.items()}}
    if value.is_list():
        return {"L": [_wire(v) for v in value.value]}
    return {value.type: value.value}


def indexes_from_template(resources: Mapping[str, Mapping[str, Any]]) -> dict[str, tuple[Index, ...]]:
    """Every table's global secondary indexes, by the logical id that tests and bench use as the table name."""
    found: dict[str, tuple[Index, ...]] = {}
    for logical_id, resource in resources.items():
        if resource.get("Type") != "AWS::DynamoDB::Table":
            continue
        gsis = resource.get("Properties", {}).get("GlobalSecondaryIndexes") or []
        found[logical_id] = tuple(
            Index(g["IndexName"], tuple(k["AttributeName"] for k in g["KeySchema"])) for g in gsis
        )
    return found
