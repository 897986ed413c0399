"""The knowledge base (答客问) through the public API: entries per property and for the group, in zh-CN and en,
searched by words and category, changed with a history; other properties and roles see nothing of it."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws

from tests.support import infra
from tests.support.api import ApiClient, reset_api_state
from tests.support.requests import DynamoDBRequests
from tests.support.seed import seed

FEES = {
    "category": "fees",
    "tags": ["物业费", "缴费"],
    "question": {"zh-CN": "物业费怎么交？", "en": "How do I pay the management fee?"},
    "answer": {
        "zh-CN": "物业费每月5日前在App或前台缴纳，2.5元/平方米。",
        "en": "Pay the management fee by the 5th of each month in the app or at the desk: CNY 2.50 per m².",
    },
}
PARKING = {
    "category": "parking",
    "tags": ["停车"],
    "question": {"zh-CN": "地下车库月租车位多少钱？"},
    "answer": {"zh-CN": "地下车位月租300元，在前台办理。"},
}
DECORATION = {
    "category": "decoration",
    "tags": ["装修", "renovation"],
    "question": {"zh-CN": "装修可以在周末施工吗？", "en": "May renovation work go on at weekends?"},
    "answer": {"zh-CN": "周末只可做无噪音的工序。", "en": "Only quiet work is allowed at weekends."},
}


@pytest.fixture
def ddb() -> Iterator[DynamoDBRequests]:
    """DynamoDB requests by operation; no Scan is ever made."""
    counter = DynamoDBRequests()
    counter.install()
    yield counter
    counter.uninstall()
    assert counter.total_seen["Scan"] == 0, dict(counter.total_seen)


@pytest.fixture(scope="module")
def desk_world() -> Iterator[tuple[Any, Any]]:
    """One moto account, API and seeded world for the module: an account costs seconds on a shared machine."""
    with pytest.MonkeyPatch.context() as patch, mock_aws():
        physical = {**infra.create_tables(), **infra.create_buckets()}
        for key, value in infra.function_environment("ApiFunction", physical).items():
            patch.setenv(key, value)
        api = ApiClient()
        reset_api_state()
        yield api, seed(physical["DirectoryTable"])
        reset_api_state()


@pytest.fixture
def world(desk_world: tuple[Any, Any]) -> Any:
    return desk_world[1]


@pytest.fixture
def book(desk_world: tuple[Any, Any], clock: Any) -> Iterator[Any]:
    """The API with an empty knowledge base: each test starts from a new books table."""
    empty_books_table()
    routes = sys.modules["routes.knowledge"]
    routes.knowledge_service.cache_clear()
    yield desk_world[0]
    routes.knowledge_service.cache_clear()


def empty_books_table() -> None:
    tpl = infra.template()
    props = tpl.resolve(tpl.resources["BooksTable"]["Properties"], {})
    client = boto3.client("dynamodb", region_name=infra.REGION)
    client.delete_table(TableName="BooksTable")
    client.create_table(**infra._table_kwargs("BooksTable", props))


def add(api: Any, world: Any, entry: dict[str, Any], who: str = "manager", pid: str | None = "SUN") -> dict[str, Any]:
    path = f"/properties/{pid}/knowledge" if pid else "/knowledge"
    reply = api.post(path, world[who], body=entry)
    assert reply.status == 201, reply.body
    return dict(reply.body)


def search(api: Any, world: Any, who: str = "desk", pid: str = "SUN", **query: str) -> list[str]:
    reply = api.get(f"/properties/{pid}/knowledge", world[who], query=query)
    assert reply.status == 200, reply.body
    return [e["question"].get("zh-CN") or e["question"]["en"] for e in reply.body]


def test_the_desk_finds_an_entry_by_chinese_words_english_words_tags_and_category(book, world, clock):
    add(book, world, FEES)
    add(book, world, PARKING)
    add(book, world, DECORATION)

    assert search(book, world, q="物业费") == ["物业费怎么交？"]
    assert search(book, world, q="车位月租") == ["地下车库月租车位多少钱？"]
    assert search(book, world, q="ＲＥＮＯＶＡＴＩＯＮ weekends") == ["装修可以在周末施工吗？"]
    assert search(book, world, q="management fee") == ["物业费怎么交？"]
    assert search(book, world, category="parking") == ["地下车库月租车位多少钱？"]
    assert search(book, world, q="周末", category="fees") == []
    assert search(book, world, q="电梯坏了") == []


def test_an_entry_keeps_who_changed_it_and_when_and_its_history(book, world, clock):
    entry = add(book, world, FEES)
    assert (entry["version"], entry["created_by"], entry["updated_at"]) == (1, "manager", "2026-11-23T02:00:00Z")
    clock.advance(hours=2)
    changed = {**FEES, "answer": {**FEES["answer"], "zh-CN": "物业费每月10日前缴纳。"}, "version": 1}
    reply = book.put(f"/properties/SUN/knowledge/{entry['id']}", world["manager"], body=changed)
    assert reply.status == 200, reply.body
    assert (reply.body["version"], reply.body["updated_at"]) == (2, "2026-11-23T04:00:00Z")
    # Someone who read version 1 and saves now is told, and nothing is written
    stale = book.put(f"/properties/SUN/knowledge/{entry['id']}", world["manager"], body=changed)
    assert (stale.status, stale.error, stale.body["details"][0]["current"]) == (409, "concurrent_update", 2)

    history = book.get(f"/properties/SUN/knowledge/{entry['id']}/history", world["desk"]).body
    assert [(h["version"], h["change"], h["by"], h["at"]) for h in history] == [
        (1, "created", "manager", "2026-11-23T02:00:00Z"),
        (2, "updated", "manager", "2026-11-23T04:00:00Z"),
    ]
    assert history[0]["entry"]["answer"]["zh-CN"] == "物业费每月5日前在App或前台缴纳，2.5元/平方米。"


def test_a_changed_question_is_found_by_its_new_words_only(book, world, clock):
    entry = add(book, world, PARKING)
    changed = {**PARKING, "question": {"zh-CN": "电动车充电桩在哪里？"}, "version": 1}
    assert book.put(f"/properties/SUN/knowledge/{entry['id']}", world["manager"], body=changed).status == 200
    assert search(book, world, q="充电桩") == ["电动车充电桩在哪里？"]
    assert search(book, world, q="车库月租") == []


def test_the_groups_entries_reach_every_property_and_a_propertys_stay_its_own(book, world, clock):
    add(book, world, FEES)  # SUN's own
    group = add(book, world, DECORATION, who="groupmanager", pid=None)
    assert group["property_id"] is None

    assert search(book, world, q="装修 周末") == ["装修可以在周末施工吗？"]
    assert search(book, world, who="moondesk", pid="MOON", q="装修 周末") == ["装修可以在周末施工吗？"]
    assert search(book, world, who="moondesk", pid="MOON", q="物业费") == []
    assert book.get(f"/properties/MOON/knowledge/{group['id']}", world["moondesk"]).status == 200
    sun_id = search_ids(book, world, q="物业费")[0]
    for path in (f"/properties/MOON/knowledge/{sun_id}", f"/properties/SUN/knowledge/{sun_id}"):
        assert book.get(path, world["moondesk"]).status == 404
    # A property's manager cannot change the group's entries through the property
    change = {**DECORATION, "version": 1}
    assert book.put(f"/properties/SUN/knowledge/{group['id']}", world["manager"], body=change).status == 404
    assert book.put(f"/knowledge/{group['id']}", world["manager"], body=change).status == 403
    assert book.put(f"/knowledge/{group['id']}", world["groupmanager"], body=change).status == 200


def search_ids(api: Any, world: Any, **query: str) -> list[str]:
    return [e["id"] for e in api.get("/properties/SUN/knowledge", world["desk"], query=query).body]


def test_who_may_not_read_or_keep_a_propertys_book(book, world, clock, ddb):
    add(book, world, FEES)
    for who, pid, status in (
        ("zhang", "SUN", 403),  # residents do not read the desk's book
        ("tech", "SUN", 403),
        ("contractor", "SUN", 403),
        ("moondesk", "SUN", 404),  # another property's book does not exist for them
        ("desk", "MOON", 404),
    ):
        reply = book.get(f"/properties/{pid}/knowledge", world[who], query={"q": "物业费"})
        assert (reply.status, reply.error) == (status, {403: "forbidden", 404: "not_found"}[status]), who
    # Only the manager keeps the book: nothing is written for anyone else
    for who in ("desk", "butler", "callcentre", "zhang", "tech"):
        with ddb.measure() as counts:
            reply = book.post("/properties/SUN/knowledge", world[who], body=PARKING)
        assert (reply.status, reply.error) == (403, "forbidden"), who
        assert "TransactWriteItems" not in counts, who
    assert search(book, world, category="parking") == []


def test_a_bad_entry_names_its_field_and_writes_nothing(book, world, clock):
    for body, field in (
        ({**FEES, "question": {"zh-CN": "物业费？"}}, "body"),  # answered in a language it was not asked in
        ({**FEES, "question": {}}, "body.question"),
        ({**FEES, "question": {"fr": "Frais ?"}, "answer": {"fr": "Oui"}}, "body.question.fr.[key]"),
        ({**FEES, "category": ""}, "body.category"),
        ({**FEES, "tags": ["x"] * 11}, "body.tags"),
        ({**FEES, "owner": "me"}, "body.owner"),
    ):
        reply = book.post("/properties/SUN/knowledge", world["manager"], body=body)
        assert reply.status == 422 and reply.error == "validation_failed", reply.body
        assert any(d["field"].startswith(field) for d in reply.body["details"]), reply.body["details"]
    assert search(book, world, category="fees") == []


def test_a_search_without_words_or_category_is_refused(book, world, clock):
    for query in ({}, {"q": "？！"}):
        reply = book.get("/properties/SUN/knowledge", world["desk"], query=query)
        assert (reply.status, reply.body["details"][0]["field"]) == (400, "q")


# ---- a book of a few thousand entries ------------------------------------------------------------------

TOPICS = ["物业费", "停车", "装修", "快递", "门禁卡", "电梯", "宠物", "垃圾分类", "水电", "供暖", "租赁", "绿化"]
ASKS = ["怎么办理", "多少钱", "几点开放", "需要什么材料", "可以代办吗", "去哪里交", "怎么投诉", "什么时候"]
PLACES = ["一期", "二期", "三期", "东区", "西区", "南门", "北门", "会所"]
WHO = ["业主", "租户", "家人", "访客"]


def big_book(property_id: str, count: int) -> list[Any]:
    """`count` different entries of the shape a property's 答客问 has: a place, a topic and a way of asking."""
    from propdesk.books.knowledge import KnowledgeEntry

    at = "2026-11-01T00:00:00Z"
    entries = []
    for n in range(count):
        topic, ask = TOPICS[n % 12], ASKS[n // 12 % 8]
        place, who = PLACES[n // 96 % 8], WHO[n // 768 % 4]
        entries.append(
            KnowledgeEntry(
                id=f"kb-{n:05d}",
                property_id=property_id,
                category=f"topic{n % 12}",
                tags=[topic],
                question={"zh-CN": f"{who}问{place}{topic}{ask}"},
                answer={"zh-CN": f"答复{n}"},
                version=1,
                created_at=at,
                created_by="import",
                updated_at=at,
                updated_by="import",
            )
        )
    return entries


def test_a_search_of_3000_entries_is_two_batch_reads_and_a_change_one_transaction(book, world, clock, ddb):
    from propdesk.books.knowledge import KnowledgeStore

    KnowledgeStore("BooksTable").import_entries(big_book("SUN", 3000))
    search(book, world, who="desk", category="topic1")  # a warm sandbox: the caller and property are known
    search(book, world, who="manager", category="topic1")

    # Words: the terms of the query (property's and group's) in one read, the best entries in another
    with ddb.measure() as counts:
        found = book.get("/properties/SUN/knowledge", world["desk"], query={"q": "停车 多少钱", "limit": "5"}).body
    assert counts == {"BatchGetItem": 2}
    # Every parking fee question shares all three terms (停车, 多少, 少钱); ties in the book's order
    assert [e["question"]["zh-CN"] for e in found] == [
        "业主问一期停车多少钱",
        "业主问二期停车多少钱",
        "业主问三期停车多少钱",
        "业主问东区停车多少钱",
        "业主问西区停车多少钱",
    ]
    # A category alone: one Query of the property's page, enough to fill it
    with ddb.measure() as counts:
        assert len(book.get("/properties/SUN/knowledge", world["desk"], query={"category": "topic3"}).body) == 20
    assert counts == {"Query": 1}
    # A new entry: one transaction with its history and its terms (a short one: moto copies the table per item)
    short = {"category": "parking", "tags": ["车位"], "question": {"zh-CN": "车位"}, "answer": {"zh-CN": "月租300元"}}
    with ddb.measure() as counts:
        created = add(book, world, short)
    assert counts == {"TransactWriteItems": 1}
    # A change: the entry read, then one transaction
    with ddb.measure() as counts:
        body = {**short, "tags": ["车位", "滞纳金"], "version": 1}
        assert book.put(f"/properties/SUN/knowledge/{created['id']}", world["manager"], body=body).status == 200
    assert counts == {"GetItem": 1, "TransactWriteItems": 1}


# ---- answering inquiries and suggestions from the book ---------------------------------------------------


def inquiry(api: Any, world: Any, resident: str, description: str, kind: str = "inquiry") -> dict[str, Any]:
    body = {"kind": kind, "channel": "phone", "description": description, "resident_id": resident}
    reply = api.post("/properties/SUN/tickets", world["desk"], body=body)
    assert reply.status == 201, reply.body
    return dict(reply.body)


def told(tid: str) -> list[tuple[str, str]]:
    """What the resident's phone reads when the workflow tells them how their ticket ended, in their language
    (the workflow's own notice and the notifier's own template; the state machine is tested in workflow/)."""
    from zoneinfo import ZoneInfo

    from propdesk.dal.tickets import TicketStore
    from propdesk.notify.templates import render
    from propdesk.workflow.service import ending_notices

    store = TicketStore("TicketsTable")
    ticket = store.get(tid)
    assert ticket is not None
    ending = next(e for e in reversed(store.events(tid)) if e.to_status is ticket.status)
    zone = ZoneInfo("Asia/Shanghai")
    notices = ending_notices(ticket, ending)
    return [(n.kind.value, render(n.kind, ticket.language, n.number, n.params, zone)) for n in notices]


def test_an_inquiry_answered_by_citing_an_entry_reaches_each_resident_in_their_language(book, world, clock):
    fees = add(book, world, FEES)
    parking = add(book, world, PARKING)  # in Chinese only
    zhang = inquiry(book, world, "zhang", "物业费在哪交")
    smith = inquiry(book, world, "smith", "How do I pay the fee?")
    smith_parking = inquiry(book, world, "smith", "Parking rent?")

    for ticket, entry in ((zhang, fees), (smith, fees), (smith_parking, parking)):
        reply = book.post(f"/tickets/{ticket['id']}/actions/answer", world["desk"], body={"entry_id": entry["id"]})
        assert reply.status == 200 and reply.body["status"] == "closed", reply.body

    assert told(zhang["id"]) == [
        ("inquiry_answered", f"您的咨询{zhang['number']}答复：物业费每月5日前在App或前台缴纳，2.5元/平方米。")
    ]
    assert told(smith["id"]) == [
        (
            "inquiry_answered",
            f"Answer to your inquiry {smith['number']}: Pay the management fee by the 5th of each month in the app"
            " or at the desk: CNY 2.50 per m².",
        )
    ]
    # An entry kept in Chinese only is sent as it is
    assert told(smith_parking["id"]) == [
        ("inquiry_answered", f"Answer to your inquiry {smith_parking['number']}: 地下车位月租300元，在前台办理。")
    ]
    # The audit trail names the entry cited; the resident sees the answer on the ticket in the app
    events = book.get(f"/tickets/{smith['id']}/events", world["desk"]).body["events"]
    assert events[-1]["data"] == {"outcome": "answered", "entry_id": fees["id"]}
    assert book.get(f"/tickets/{smith['id']}", world["smith"]).body["answer"].startswith("Pay the management fee")


def test_an_entry_of_another_property_cannot_be_cited(book, world, clock):
    moon = add(book, world, FEES, who="groupmanager", pid="MOON")
    ticket = inquiry(book, world, "zhang", "物业费在哪交")
    reply = book.post(f"/tickets/{ticket['id']}/actions/answer", world["desk"], body={"entry_id": moon["id"]})
    assert (reply.status, reply.body["details"][0]["field"]) == (400, "entry_id")
    assert book.get(f"/tickets/{ticket['id']}", world["desk"]).body["status"] == "received"


def test_the_managers_answer_to_an_escalated_inquiry_is_added_to_the_book_in_the_same_step(book, world, clock):
    ticket = inquiry(book, world, "zhang", "小区游泳池什么时候开放？")
    escalated = book.post(
        f"/tickets/{ticket['id']}/actions/answer",
        world["desk"],
        body={"answer": "前台无法答复，转经理", "outcome": "escalated"},
    )
    assert escalated.body["status"] == "escalated"
    # The desk may not write the book
    refused = book.post(
        f"/tickets/{ticket['id']}/actions/answer",
        world["desk"],
        body={"answer": "夏季开放", "add_to_book": {"category": "amenities"}},
    )
    assert (refused.status, book.get(f"/tickets/{ticket['id']}", world["desk"]).body["status"]) == (403, "escalated")
    clock.advance(hours=3)
    answer = {
        "answer": "游泳池每年6月1日至9月30日开放，每天9:00-21:00。",
        "add_to_book": {"category": "amenities", "tags": ["游泳池"], "question": "小区游泳池什么时候开放？"},
    }
    reply = book.post(f"/tickets/{ticket['id']}/actions/answer", world["manager"], body=answer)
    assert reply.status == 200 and reply.body["status"] == "closed", reply.body

    assert told(ticket["id"]) == [
        ("inquiry_answered", f"您的咨询{ticket['number']}答复：游泳池每年6月1日至9月30日开放，每天9:00-21:00。")
    ]
    found = book.get("/properties/SUN/knowledge", world["desk"], query={"q": "游泳池"}).body
    assert [(e["question"], e["answer"], e["updated_by"], e["updated_at"]) for e in found] == [
        (
            {"zh-CN": "小区游泳池什么时候开放？"},
            {"zh-CN": "游泳池每年6月1日至9月30日开放，每天9:00-21:00。"},
            "manager",
            "2026-11-23T05:00:00Z",
        )
    ]


def test_an_adopted_suggestion_stays_open_until_it_is_done(book, world, clock):
    ticket = inquiry(book, world, "zhang", "建议增加充电桩", kind="suggestion")
    adoption = {"answer": "采纳，下月安装", "outcome": "adopted"}
    adopted = book.post(f"/tickets/{ticket['id']}/actions/answer", world["desk"], body=adoption)
    assert (adopted.status, adopted.body["status"], adopted.body["answer"]) == (200, "adopted", "采纳，下月安装")
    # Still open: it cannot be answered as if it were an inquiry, and is done only as "done"
    wrong = book.post(f"/tickets/{ticket['id']}/actions/answer", world["desk"], body={"answer": "好的"})
    assert (wrong.status, wrong.body["details"][0]["field"]) == (400, "outcome")
    done = book.post(
        f"/tickets/{ticket['id']}/actions/answer", world["desk"], body={"answer": "充电桩已安装", "outcome": "done"}
    )
    assert done.body["status"] == "closed"
    assert told(ticket["id"]) == [("suggestion_done", f"您的建议（{ticket['number']}）已落实：充电桩已安装")]


def test_a_bad_answer_names_its_field_and_changes_nothing(book, world, clock):
    ticket = inquiry(book, world, "zhang", "物业费在哪交")
    for body, field in (
        ({}, "body"),
        ({"answer": "x", "entry_id": "kb-1"}, "body"),
        ({"entry_id": "kb-1", "add_to_book": {"category": "fees"}}, "body"),
        ({"answer": "x", "add_to_book": {"category": ""}}, "body.add_to_book.category"),
    ):
        reply = book.post(f"/tickets/{ticket['id']}/actions/answer", world["desk"], body=body)
        assert reply.status == 422 and any(d["field"] == field for d in reply.body["details"]), reply.body
    assert book.get(f"/tickets/{ticket['id']}", world["desk"]).body["status"] == "received"
