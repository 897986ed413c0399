"""`python -m bench.knowledge`: the knowledge base (答客问) with 3,000 entries on moto, searched and changed through
the API handler in-process; prints DynamoDB requests and milliseconds per operation (median of the runs)."""

from __future__ import annotations

import os
import statistics
import sys
import time
from collections import Counter
from typing import Any

import botocore.session

from bench.sandbox import FAKE_ENV

ENTRIES = 3000
RUNS = 25
QUERIES = ("停车 多少钱", "门禁卡", "装修 材料", "pet", "垃圾分类 几点开放")


def main() -> None:
    os.environ.update(FAKE_ENV)
    from moto import mock_aws

    from tests.integration.books.test_knowledge import FEES, big_book
    from tests.support import infra
    from tests.support.api import ApiClient, reset_api_state
    from tests.support.seed import seed

    counts: Counter[str] = Counter()
    original = botocore.session.Session.create_client

    def counting(session: Any, *args: Any, **kwargs: Any) -> Any:
        client = original(session, *args, **kwargs)
        client.meta.events.register("before-call.dynamodb", lambda model, **_: counts.update([model.name]))
        return client

    botocore.session.Session.create_client = counting  # type: ignore[method-assign]
    with mock_aws():
        physical = {**infra.create_tables(), **infra.create_buckets()}
        os.environ.update(infra.function_environment("ApiFunction", physical))
        world = seed(physical["DirectoryTable"])
        api = ApiClient()
        reset_api_state()
        from propdesk.books.knowledge import KnowledgeStore

        started = time.perf_counter()
        KnowledgeStore(physical["BooksTable"]).import_entries(big_book("SUN", ENTRIES))
        print(f"import of {ENTRIES} entries: {time.perf_counter() - started:.1f} s")
        desk, manager = world["desk"], world["manager"]
        api.get("/properties/SUN/knowledge", desk, query={"category": "topic1"})  # warm: caller and property known

        def measure(name: str, call: Any) -> None:
            times, per_call = [], Counter[str]()
            for n in range(RUNS):
                counts.clear()
                started = time.perf_counter()
                reply = call(n)
                times.append((time.perf_counter() - started) * 1000)
                assert reply.status in (200, 201), reply.body
                per_call = Counter(counts)
            requests = ", ".join(f"{op} {k}" for op, k in sorted(per_call.items()))
            print(f"| {name} | {requests} | {statistics.median(times):.1f} | {max(times):.1f} |")

        print("| operation | DynamoDB requests | median ms | max ms |")
        print("|---|---|---|---|")
        measure(
            "search by words",
            lambda n: api.get("/properties/SUN/knowledge", desk, query={"q": QUERIES[n % len(QUERIES)]}),
        )
        measure(
            "search by category", lambda n: api.get("/properties/SUN/knowledge", desk, query={"category": "topic3"})
        )
        created: list[str] = []

        def create(n: int) -> Any:
            reply = api.post("/properties/SUN/knowledge", manager, body=FEES)
            created.append(reply.body["id"])
            return reply

        measure("add an entry", create)
        body = {**FEES, "tags": ["物业费", "滞纳金"], "version": 1}
        measure("change an entry", lambda n: api.put(f"/properties/SUN/knowledge/{created[n]}", manager, body=body))


if __name__ == "__main__":
    sys.exit(main())
