"""The end of the desk's day (日清) and its reports (日报, 月报) end to end: a sweep fired by hand at 11:22 leaves
the day's orders to their day, the same-day timer turns an unfinished order into a coordination sheet at 21:00
and tells each person once, the 21:30 sweep lists it for the morning meeting, and the daily and monthly reports
count the day as a manager reads them.

Every due below is written by hand from DOMAIN.md's timer rules, as the property's wall clock (Asia/Shanghai);
every SMS is the exact text its recipient reads; every figure is counted by hand from the two orders.
"""

from __future__ import annotations

import csv
import io

import boto3
import pytest
import requests

from tests.e2e.scenarios.harness import Harness, local_time

pytestmark = [pytest.mark.e2e, pytest.mark.enable_socket]

STACK_START = "2026-12-31 08:30"  # a Thursday; the monthly report of December runs at 06:00 on New Year's Day
TECHNICIAN = "staff-zhou-qiang"


def _meeting_list(desk: Harness, name: str) -> dict[str, list[str]]:
    """The morning-meeting list (早会清单) CSV the sweep left for the desk lead, by its file name: each order's row
    by number, its next due as the property's wall clock."""
    s3 = boto3.client(
        "s3",
        endpoint_url=desk.info["moto_url"],
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    [bucket] = [b["Name"] for b in s3.list_buckets()["Buckets"] if "reportsbucket" in b["Name"].lower()]
    listed = s3.list_objects_v2(Bucket=bucket, Prefix=f"meetings/prop-sun/{name}").get("Contents", [])
    found = [o["Key"] for o in listed if o["Key"].endswith(".csv")]
    assert len(found) == 1, f"the sweep left no meeting list {name}*.csv (found {found})"
    key = found[0]
    rows = list(csv.reader(io.StringIO(s3.get_object(Bucket=bucket, Key=key)["Body"].read().decode("utf-8-sig"))))
    assert rows[0] == [
        "部门 department",
        "工单号 number",
        "类型 kind",
        "状态 status",
        "责任人 responsible",
        "时长(小时) age_hours",
        "下一到期 next_due",
        "超时项 breaches",
        "协调单 coordination",
    ]
    return {row[1]: [*row[:6], local_time(row[6] or None) or "", *row[7:]] for row in rows[1:]}


def _report_page(desk: Harness, kind: str, period: str) -> str:
    """The report's HTML page as the manager opens it from the link the API gives."""
    link = desk.call("manager", "GET", f"/reports/{kind}/{period}?format=html")
    page = requests.get(link["url"], timeout=30)
    page.raise_for_status()
    return page.content.decode("utf-8")


def _card(value: str, zh: str, en: str) -> str:
    """One figure card of a report page: the number over its Chinese and English label."""
    return f'<div class="card"><b>{value}</b><span>{zh}<br>{en}</span></div>'


def test_the_day_ends_with_one_coordination_sheet_told_once_the_morning_list_and_the_reports(desk: Harness) -> None:
    # Given two repairs reported from the app at 09:00 and dispatched to 周强 at 09:05
    desk.at("2026-12-31 09:00")
    drain = desk.report("resident", kind="repair", description="卫生间地漏堵塞，积水严重")
    handle = desk.report("resident-en", kind="repair", description="The balcony door handle is loose")
    a, b = drain["number"], handle["number"]
    desk.at("2026-12-31 09:05")
    for ticket in (drain, handle):
        desk.act("desk", ticket, "classify", category="plumbing 水管", paid=False, department="engineering")
        desk.act("desk", ticket, "dispatch", department="engineering", assignee_id=TECHNICIAN)
    # And 周强 is on site for both at 09:15, within the 15 minutes
    desk.at("2026-12-31 09:15")
    for ticket in (drain, handle):
        desk.act("technician", ticket, "accept")
        desk.act("technician", ticket, "arrive")
        desk.act("technician", ticket, "start")
    assert desk.targets(desk.ticket(drain)) == {
        "on_site": "due 2026-12-31 09:20, met 09:15",
        "same_day": "due 2026-12-31 21:00, open",
        "butler_report": "due 2026-12-31 13:05, open",
    }

    # When the door handle is finished at 10:00, signed off "so-so" at 10:30 and called back satisfied at 11:00
    desk.at("2026-12-31 10:00")
    desk.act("technician", handle, "complete", notes="tightened the handle 紧固把手")
    desk.at("2026-12-31 10:30")
    desk.act("resident-en", handle, "sign_off", rating=3)
    desk.at("2026-12-31 11:00")
    desk.act("desk", handle, "record_callback", satisfaction=5, notes="satisfied after all 满意")
    closed = desk.wait_for_status(handle, "closed")
    assert desk.targets(closed) == {
        "on_site": "due 2026-12-31 09:20, met 09:15",
        "same_day": "due 2026-12-31 21:00, met 10:00",
        "butler_report": "due 2026-12-31 13:05, met 10:00",
        "callback": "due 2027-01-01 10:00, met 2026-12-31 11:00",
    }
    assert desk.sms(b) == {
        "technician": [f"新工单{b}已派给您，请尽快接单。"],
        "resident-en": [
            f"Ticket {b} is finished; please inspect and sign off.",
            f"Ticket {b} is done. Please reply 1-5 to rate our service (5 = very satisfied).",
        ],
    }

    # When the desk lead fires the sweep by hand at 11:22
    desk.at("2026-12-31 11:22")
    fired = requests.post(f"{desk.control}/fire/SweepSchedule", timeout=120).json()
    assert fired["outcome"] == "invoked"
    desk.settle()
    # Then the drain, due at 21:00, is left to its day: listed, not turned into a coordination sheet
    assert desk.ticket(drain)["status"] == "in_progress"
    early = _meeting_list(desk, "2026-12-31-manual-1122")
    assert early[a] == ["engineering", a, "repair", "in_progress", TECHNICIAN, "2.4", "2026-12-31 13:05", "", "False"]
    assert desk.sms(a) == {"technician": [f"新工单{a}已派给您，请尽快接单。"]}

    # When the desk closes at 21:00 with the drain unfinished: its day is missed, it becomes a coordination sheet
    desk.at("2026-12-31 21:00")
    sheet = desk.ticket(drain)
    assert (sheet["status"], sheet["assignee_id"]) == ("coordination", TECHNICIAN)
    # And the 21:30 sweep still runs, finds the sheet, and tells nobody again
    desk.at("2026-12-31 21:31")
    sheet = desk.ticket(drain)
    assert desk.targets(sheet) == {
        "on_site": "due 2026-12-31 09:20, met 09:15",
        "same_day": "due 2026-12-31 21:00, breached",
        "butler_report": "due 2027-01-01 08:05, open",  # 13:05, 17:05, then 3 h 55 tonight and 5 min tomorrow
        "coordination_contact": "due 2027-01-01 14:30, open",  # half a desk day (6 h 30) from the next opening
        "coordination_reply": "due 2027-01-01 21:00, open",  # 24 hours
        "coordination_check": "due 2027-01-04 08:00, open",  # 3 days on falls on the close: the next opening
        "coordination_update": "due 2027-01-06 08:00, open",  # 5 days on, likewise
    }
    missed = f"工单{a}未能当日完成，已转协调单跟进。"
    report_progress = f"工单{a}：请向前台报告进度。"
    assert desk.sms(a) == {
        "technician": [f"新工单{a}已派给您，请尽快接单。", missed],
        "butler": [report_progress, report_progress],
        "resident": [missed],
        "dispatcher": [missed],
        "control-room": [missed],  # 21:00: the desk has handed over to the control room for the night
    }
    tonight = _meeting_list(desk, "2026-12-31.csv")
    assert tonight[a] == [
        "engineering",
        a,
        "repair",
        "coordination",
        TECHNICIAN,
        "12.5",
        "2026-12-31 21:00",  # its earliest open due: the day it missed, which the queues sort first
        "same_day",
        "True",
    ]
    assert b not in tonight

    # When the reports run in the night (monthly at 06:00, daily at 07:30)
    desk.at("2027-01-01 07:31")
    daily = desk.call("manager", "GET", "/reports/daily/2026-12-31")
    monthly = desk.call("manager", "GET", "/reports/monthly/2026-12")
    # Then each counts the two orders of the day: one finished and called back, one open as a coordination sheet
    for report in (daily, monthly):
        figures = report["figures"]
        assert (figures["received"], figures["finished"], figures["unfinished"]) == (2, 1, 1)
        assert figures["tickets"] == {
            "by_channel": {"app": 2},
            "by_kind": {"repair": 2},
            "matrix": {"app": {"repair": 2}},
        }
        assert figures["by_department"] == {"engineering": 2}
        assert figures["overdue_by_department"] == {"engineering": 1}
        assert figures["callbacks"] == {"due": 1, "made": 1, "made_on_time": 1, "late": 0}
        assert figures["satisfaction"] == {
            "count": 1,
            "average": 5.0,
            "distribution": {"1": 0, "2": 0, "3": 0, "4": 0, "5": 1},
        }
        assert figures["coordination"] == {"opened": 1, "still_open": 1}
        assert figures["paid"] == {"jobs": 0, "revenue_cents": 0, "free_jobs": 2}
        sla = figures["sla"]
        assert sla["on_site"] == {
            "met_on_time": 2,
            "met_late": 0,
            "open_overdue": 0,
            "open_pending": 0,
            "total": 2,
            "on_time_rate": 1.0,
        }
        assert sla["same_day"] == {
            "met_on_time": 1,
            "met_late": 0,
            "open_overdue": 1,
            "open_pending": 0,
            "total": 2,
            "on_time_rate": 0.5,
        }
        assert sla["callback"]["met_on_time"] == 1 and sla["callback"]["total"] == 1
    # And the pages the manager opens show the same figures, and the month's page lists the open sheet
    for page in (_report_page(desk, "daily", "2026-12-31"), _report_page(desk, "monthly", "2026-12")):
        for card in (
            _card("2", "受理工单", "Tickets received"),
            _card("1", "已完成", "Finished"),
            _card("1", "未完成", "Unfinished"),
            _card("1/1", "已回访", "Made"),
            _card("5.0", "平均分", "Average"),
            _card("1 (1)", "新开", "Opened"),
            _card("0", "有偿工单", "Paid jobs"),
            _card("¥0.00", "收入（元）", "Revenue (CNY)"),
        ):
            assert card in page
    month = _report_page(desk, "monthly", "2026-12")
    row = (
        f"<tr><td>{a}</td><td>报修 Repair</td><td>coordination</td><td>工程部 Engineering</td>"
        f"<td>{TECHNICIAN}</td><td>周强</td>"
        "<td>未能当日完成，协调单未写明原因 / not finished the same day; the sheet states no reason</td>"
        "<td>21.0</td><td>2026-12-31 21:00</td><td>当日完成 Same day</td></tr>"
    )
    assert row in month
