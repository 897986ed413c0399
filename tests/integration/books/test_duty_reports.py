"""The reports read the duty log: contacts by channel and outcome, days not reviewed; the daily link; the month."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta
from typing import Any

import boto3
import pytest

from propdesk.calendar import local_instant
from propdesk.dal.directory import DirectoryStore
from propdesk.models.directory import Staff
from tests.integration.books.duty_fixtures import SHANGHAI, Account, Day, account, today
from tests.integration.sweep.support import Context, reset_warm_state
from tests.support import infra
from tests.support.api import load_function
from tests.support.events import sms_sent

__all__ = ["account", "today"]

BASE_URL = "https://desk.example.com"


@pytest.fixture(scope="module")
def reports(account: Account) -> Iterator[Any]:
    """The reports function in-process with the template's environment, on the module's account."""
    with pytest.MonkeyPatch.context() as patch:
        for key, value in infra.function_environment("ReportsFunction", account.physical).items():
            patch.setenv(key, value)
        patch.setenv("PUBLIC_BASE_URL", BASE_URL)
        reset_warm_state()
        module = load_function("reports")
        module.daily_links.cache_clear()
        yield module
        module.daily_links.cache_clear()
        reset_warm_state()


@pytest.fixture(scope="module")
def phones(account: Account) -> dict[str, str]:
    """Phones for a desk agent, an engineering technician and a cleaner: who receives the morning link."""
    store = DirectoryStore(account.physical["DirectoryTable"])
    numbers = {"desk": "+8613700000001", "tech": "+8613700000002", "cleaner": "+8613700000003"}
    for staff_id, phone in numbers.items():
        member = store.get(Staff, "SUN", staff_id)
        assert member is not None
        store.put(member.model_copy(update={"phone": phone}), create=False)
    return numbers


def morning(reports: Any, day: Day) -> dict[str, Any]:
    """The 07:30 schedule the morning after `day`."""
    at = local_instant(day.day + timedelta(days=1), time(7, 30), SHANGHAI)
    event = {"report": "daily", "scheduled_at": at.isoformat().replace("+00:00", "Z")}
    return dict(reports.lambda_handler(event, Context()))


def daily(account: Account, day: Day, who: str = "manager", **query: str) -> Any:
    return account.api.get(f"/reports/daily/{day.label}", account.world[who], query={"property_id": "SUN", **query})


def page(account: Account, day: Day) -> str:
    """The HTML the report's link opens, as stored in the reports bucket."""
    key = f"reports/daily/SUN/{day.label}.html"
    body = boto3.client("s3").get_object(Bucket=account.physical["ReportsBucket"], Key=key)["Body"]
    return str(body.read().decode("utf-8"))


def test_the_daily_report_counts_contacts_from_the_log_and_shows_a_day_nobody_reviewed(account, reports, today):
    api, world = account.api, account.world
    # Given a day of contacts: an app report, an answered call, a transferred visit, a call at night
    assert api.post("/tickets", world["zhang"], body={"kind": "repair", "description": "门锁坏了"}).status == 201
    contacts = "/properties/SUN/duty/contacts"
    call = {"channel": "phone", "request": "物业费怎么交", "outcome": "answered", "answer": "App 或前台缴纳"}
    visit = {"channel": "visit", "request": "借梯子", "outcome": "transferred", "transferred_to": "engineering"}
    night = {"channel": "phone", "request": "邻居吵闹", "outcome": "transferred", "transferred_to": "security"}
    for hour, body in ((11, call), (14, visit), (22, night)):
        today.at(hour)
        assert api.post(contacts, world["desk"], body=body).status == 201

    # When the next morning's report runs, nobody having reviewed the day
    morning(reports, today)

    # Then its contacts are the log's four, by channel and outcome; tickets are counted apart
    report = daily(account, today)
    assert report.status == 200, report.body
    counted = report.body["contacts"]
    assert counted["total"] == 4
    assert counted["by_channel"] == {
        "app": 1,
        "phone": 2,
        "visit": 1,
        "sms": 0,
        "call_centre": 0,
        "self_inspection": 0,
    }
    assert counted["by_outcome"] == {"answered": 1, "ticket_created": 1, "ticket_linked": 0, "transferred": 2}
    assert counted["by_shift"] == {"desk": 3, "control_room": 1}
    assert counted["unreviewed_days"] == [{"property_id": "SUN", "day": today.label}]
    assert report.body["figures"]["tickets"]["by_channel"] == {"app": 1}
    # and the page people read says so, in both languages
    html = page(account, today)
    assert f"经理未审阅 Not reviewed by the manager: {today.label} (SUN)" in html
    assert "当场答复 Answered at once" in html and "中控室（夜间） Control room (night)" in html


def test_a_reviewed_day_shows_its_review_and_the_html_warns_of_a_missing_one(account, reports, today):
    api, world = account.api, account.world
    call = {"channel": "phone", "request": "停车位", "outcome": "answered", "answer": "地库 B2 有空位"}
    assert api.post("/properties/SUN/duty/contacts", world["desk"], body=call).status == 201
    today.at(21, 30)
    review = {"note": "已核对，记录完整"}
    assert api.post(f"/properties/SUN/duty/{today.label}/review", world["manager"], body=review).status == 201

    morning(reports, today)

    counted = daily(account, today).body["contacts"]
    assert (counted["reviewed_days"], counted["unreviewed_days"]) == (1, [])
    assert counted["days"][0]["note"] == "已核对，记录完整"
    html = page(account, today)
    assert f"经理审阅 Manager&#x27;s review {today.label} · manager: 已核对，记录完整" in html
    assert "Not reviewed" not in html
    group = daily(account, today, who="groupmanager", property_id="_group").body["contacts"]
    assert group["unreviewed_days"] == [{"property_id": "MOON", "day": today.label}]  # MOON's manager did not


def test_customer_relations_and_engineering_get_the_link_each_morning_once(account, reports, phones, today):
    before = len(sms_sent())

    first = morning(reports, today)
    again = morning(reports, today)  # the schedule retried

    texts = dict(sms_sent()[before:])
    assert (first["links_sent"], again["links_sent"]) == (2, 0)
    link = f"{BASE_URL}/reports/daily/{today.label}?property_id=SUN&format=html"
    assert texts == {
        phones["desk"]: f"阳光花园{today.label}日报已生成，请查看：{link}",
        phones["tech"]: f"阳光花园{today.label}日报已生成，请查看：{link}",
    }
    # Those it reaches and the desk may read it; the cleaning team and residents may not, nor the month
    assert daily(account, today, who="desk").status == 200
    assert daily(account, today, who="tech").status == 200
    assert daily(account, today, who="cleaner").status == 403
    assert daily(account, today, who="zhang").status == 403
    monthly = account.api.get("/reports/monthly/2026-09", account.world["desk"], query={"property_id": "SUN"})
    assert monthly.status == 403


def test_the_monthly_report_totals_category_department_paid_and_free_and_analyses_each_unfinished_item(
    account, reports, clock
):
    api, world = account.api, account.world
    clock.current = datetime(2026, 6, 10, 2, 0, tzinfo=UTC)  # 10:00, in a month no other test touches

    def report(kind: str, description: str) -> str:
        reply = api.post("/tickets", world["zhang"], body={"kind": kind, "description": description})
        assert reply.status == 201, reply.body
        return str(reply.body["id"])

    def act(ticket: str, action: str, body: dict[str, Any]) -> None:
        reply = api.post(f"/tickets/{ticket}/actions/{action}", world["desk"], body=body)
        assert reply.status == 200, reply.body

    # Given a free plumbing job that became a coordination sheet, a paid lock job, and an inquiry
    pipe = report("repair", "水管漏水")
    act(pipe, "classify", {"category": "plumbing", "paid": False, "department": "engineering"})
    act(pipe, "dispatch", {"assignee_id": "tech", "department": "engineering"})
    act(pipe, "coordinate", {"owner_id": "tech", "note": "等厂家配件，预计下周到"})
    lock = report("repair", "换锁")
    act(lock, "classify", {"category": "lock", "paid": True, "department": "engineering"})
    report("inquiry", "快递柜在哪")

    # When the monthly report runs on 1 July
    reports.lambda_handler({"report": "monthly", "scheduled_at": "2026-06-30T22:00:00Z"}, Context())

    # Then the month's totals, and every unfinished item with its cause and owner
    month = api.get("/reports/monthly/2026-06", world["manager"], query={"property_id": "SUN"}).body
    figures = month["figures"]
    assert figures["by_category"] == {"lock": 1, "plumbing": 1, "unclassified": 1}
    assert figures["by_department"] == {"engineering": 2, "unassigned": 1}
    assert figures["paid"] == {"jobs": 1, "revenue_cents": 0, "free_jobs": 1}
    items = {item["number"]: item for item in month["unfinished_items"]}
    numbers = {t["id"]: t["number"] for t in api.get("/tickets", world["desk"], query={"limit": "100"}).body["items"]}
    assert (items[numbers[pipe]]["cause"], items[numbers[pipe]]["owner"]) == ("等厂家配件，预计下周到", "Tech")
    assert (items[numbers[lock]]["cause"], items[numbers[lock]]["owner"]) == (
        "未转协调单 / no coordination sheet",
        "unassigned",
    )
