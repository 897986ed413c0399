"""The daily (07:30, yesterday) and monthly (the 1st, last month) reports, fired by EventBridge Scheduler."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from functools import cache
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext
from reports_settings import settings

from propdesk import clock
from propdesk.books.duty import DutyStore
from propdesk.books.household import HouseholdBook
from propdesk.books.registers import RegisterStore
from propdesk.dal.directory import DirectoryStore
from propdesk.dal.tickets import TicketStore
from propdesk.logic.directory import DirectoryCache
from propdesk.logic.household import HouseholdDesk
from propdesk.logic.tickets import TicketService
from propdesk.models.directory import Property
from propdesk.notify.sender import make_sender
from propdesk.reports.build import ReportBuilder
from propdesk.reports.delivery import DailyLinks
from propdesk.reports.periods import ReportKind, parse, previous

logger = Logger()


@cache
def builder() -> ReportBuilder:
    cfg = settings()
    store = TicketStore(cfg.tickets_table)
    tickets = TicketService(store, directory(), DirectoryCache(directory()))
    household = HouseholdDesk(HouseholdBook(cfg.books_table), tickets)
    return ReportBuilder(
        store,
        cfg.reports_bucket,
        cfg.group_timezone,
        registers=RegisterStore(cfg.books_table),
        plan_visits=household.visit_counts,
        duty=DutyStore(cfg.books_table),
        directory=directory(),
    )


@cache
def directory() -> DirectoryStore:
    return DirectoryStore(settings().directory_table)


@cache
def daily_links() -> DailyLinks:
    cfg = settings()
    sender = make_sender(cfg.sms_provider, cfg.origination_identity)
    return DailyLinks(cfg.books_table, directory(), sender, str(cfg.public_base_url))


def _as_of(event: dict[str, Any]) -> datetime:
    scheduled = event.get("scheduled_at")
    return datetime.fromisoformat(scheduled.replace("Z", "+00:00")) if scheduled else clock.now()


@logger.inject_lambda_context(clear_state=True)
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    """`{"report": "daily"|"monthly", "scheduled_at": ..., "period": optional label to rebuild}`."""
    kind = ReportKind(event.get("report", "daily"))
    as_of = _as_of(event)
    label = event.get("period")
    period = parse(kind, label) if label else previous(kind, as_of, settings().group_timezone)
    properties = directory().list_records(Property, None)
    written = builder().build(properties, period, as_of)
    logger.info("report written", extra={"report": kind.value, "period": period.label, "scopes": len(written)})
    sent = []
    if kind is ReportKind.DAILY and not label:  # the morning's report, not a rebuild by hand
        for prop in properties:
            sent += daily_links().send(prop, period, as_of.isoformat())
        logger.info("daily links sent", extra={"period": period.label, "sent": [asdict(d) for d in sent]})
    keys = [k for w in written for k in w.keys]
    return {"report": kind.value, "period": period.label, "keys": keys, "links_sent": len(sent)}
