"""The end-of-day sweep: the schedule fans out one message per property; queue workers sweep in pages.

The same function issues the household plans' visits of the next day (`"job": "household_visits"`), on a
schedule of its own, and on the 1st archives last month's household statements.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime, timedelta
from functools import cache, partial
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext
from sweep_settings import settings

from propdesk import clock
from propdesk.books.duty import DutyStore, Shift
from propdesk.books.household import HouseholdBook
from propdesk.books.registers import RegisterStore
from propdesk.dal.directory import DirectoryStore
from propdesk.dal.tickets import TicketStore
from propdesk.logic.directory import DirectoryCache
from propdesk.logic.duty import DutyLog, shift_beginning
from propdesk.logic.household import HouseholdDesk, archive_month
from propdesk.logic.registers import morning_mail
from propdesk.logic.tickets import TicketService
from propdesk.models.directory import Property
from propdesk.notices import Notice
from propdesk.ports import notices
from propdesk.sweep.checkpoint import CheckpointStore
from propdesk.sweep.restart import restarter
from propdesk.sweep.runner import SweepRunner, SweepTask

logger = Logger()


@cache
def _queue() -> Any:
    import boto3

    return boto3.client("sqs")


def _publish(batch: Sequence[Notice]) -> int:
    return notices.publish(batch, settings().notices_queue_url)


@cache
def runner() -> SweepRunner:
    cfg = settings()
    directory = DirectoryStore(cfg.directory_table)
    store = TicketStore(cfg.tickets_table)
    cache_ = DirectoryCache(directory)
    service = TicketService(store, directory, cache_)
    return SweepRunner(
        service,
        store,
        directory,
        CheckpointStore(cfg.tickets_table),
        cfg.reports_bucket,
        _publish,
        restarter(store, cache_.property),
        cfg.page_size,
        partial(morning_mail, RegisterStore(cfg.books_table)),
    )


@cache
def household() -> HouseholdDesk:
    return HouseholdDesk(HouseholdBook(settings().books_table), runner().service)


def issue_household_visits(event: dict[str, Any]) -> dict[str, Any]:
    """Each property's plan visits of tomorrow become dispatched orders; a re-run issues nothing twice."""
    scheduled = event.get("scheduled_at")
    as_of = datetime.fromisoformat(scheduled.replace("Z", "+00:00")) if scheduled else clock.now()
    desk = household()
    issued: dict[str, int] = {}
    archived: list[str] = []
    for prop in runner().directory.list_records(Property, None):
        issued[prop.id] = len(desk.issue_due(prop, as_of))
        local = as_of.astimezone(prop.zone)
        if local.day == 1:  # the month end: last month's statements, checked and archived
            last_month = f"{(local.replace(day=1) - timedelta(days=1)):%Y-%m}"
            archived += archive_month(desk, settings().reports_bucket, [prop], last_month, as_of)
    logger.info("household visits issued", extra={"as_of": as_of.isoformat(), "issued": sum(issued.values())})
    return {"as_of": as_of.isoformat(), "issued": issued, "archived": archived}


def _enqueue(task: SweepTask) -> None:
    body = json.dumps({"property_id": task.property_id, "day": task.day})
    _queue().send_message(QueueUrl=settings().sweep_queue_url, MessageBody=body)


def start(event: dict[str, Any]) -> dict[str, Any]:
    """The schedule's firing: one task per property whose sweep of the day is not finished."""
    scheduled = event.get("scheduled_at")
    as_of = datetime.fromisoformat(scheduled.replace("Z", "+00:00")) if scheduled else clock.now()
    sweeper = runner()
    properties = sweeper.directory.list_records(Property, None)
    wanted = event.get("property_id")
    # Without the schedule's instant the run was started by hand: a run of its own, judged at now.
    tasks = sweeper.begin([p for p in properties if wanted in (None, p.id)], as_of, manual=not scheduled)
    for task in tasks:
        _enqueue(task)
    logger.info("sweep started", extra={"as_of": as_of.isoformat(), "tasks": len(tasks)})
    return {"as_of": as_of.isoformat(), "tasks": [t.property_id for t in tasks]}


def duty_log() -> DutyLog:
    sweeper = runner()
    return DutyLog(DutyStore(settings().books_table), sweeper.store, sweeper.service.cache)


def hand_over(event: dict[str, Any]) -> dict[str, Any]:
    """The half-hourly firing: a handover record for every property whose desk opens or closes now.

    By hand, `property_id` and `to_shift` write one for that property at once, whatever the time.
    """
    scheduled = event.get("scheduled_at")
    as_of = datetime.fromisoformat(scheduled.replace("Z", "+00:00")) if scheduled else clock.now()
    log = duty_log()
    written = []
    for prop in runner().directory.list_records(Property, None):
        if event.get("property_id") not in (None, prop.id):
            continue
        to_shift = Shift(event["to_shift"]) if event.get("to_shift") else shift_beginning(prop, as_of)
        if to_shift is not None:
            handover = log.hand_over(prop, as_of, to_shift)
            written.append({"property_id": prop.id, "to_shift": to_shift.value, "open": handover.open_count})
    logger.info("handovers written", extra={"as_of": as_of.isoformat(), "handovers": len(written)})
    return {"job": "handover", "as_of": as_of.isoformat(), "handovers": written}


def work(record: dict[str, Any], context: LambdaContext) -> bool:
    """One queue message: continue that property's sweep, and hand over before the time limit."""
    body = json.loads(record["body"])
    task = SweepTask(body["property_id"], body["day"])
    seconds_left = lambda: context.get_remaining_time_in_millis() / 1000  # noqa: E731 - read at each page
    finished = runner().run(task, seconds_left, settings().reserve_seconds)
    if not finished:
        _enqueue(task)
    return finished


@logger.inject_lambda_context(clear_state=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    if "Records" in event:
        # One message per batch (BatchSize 1): a failure redelivers exactly the property it stopped.
        done = [work(record, context) for record in event["Records"]]
        return {"finished": sum(done), "continued": len(done) - sum(done)}
    if event.get("job") == "household_visits":
        return issue_household_visits(event)
    if event.get("job") == "handover":
        return hand_over(event)
    return start(event)
