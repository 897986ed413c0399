"""The local stack's demo seed: 王芳's weekly cleaning plan issues its next visit the day before, once."""

from __future__ import annotations

from datetime import date, datetime

from local.seed import seed
from propdesk.books.household import HouseholdBook, Visit, VisitStatus
from propdesk.dal.tickets import TicketStore
from tests.integration.sweep.support import Context


def _fire(jobs, scheduled_at: str) -> dict:
    """The household schedule's event at the sweep function, as EventBridge Scheduler sends it."""
    return dict(jobs.sweep.lambda_handler({"job": "household_visits", "scheduled_at": scheduled_at}, Context()))


def test_the_demo_seed_plan_issues_its_next_visit_when_the_clock_passes_the_day_before(aws, clock, jobs):
    # Given the local stack's demo world, seeded on Monday 23 November: 王芳's weekly cleaning on Thursdays 09:00
    seed(aws["DirectoryTable"], aws["TicketsTable"], aws["BooksTable"])
    # When the household schedule fires on Tuesday, then on Wednesday (the day before)
    clock.current = datetime.fromisoformat("2026-11-24T10:00:00+08:00")
    tuesday = _fire(jobs, "2026-11-24T02:00:00Z")
    clock.current = datetime.fromisoformat("2026-11-25T10:00:00+08:00")
    wednesday = _fire(jobs, "2026-11-25T02:00:00Z")
    # Then Thursday's visit is issued on Wednesday, dispatched to the cleaner 何平 for 09:00
    assert (tuesday["issued"], wednesday["issued"]) == ({"prop-sun": 0}, {"prop-sun": 1})
    visit = HouseholdBook(aws["BooksTable"]).visit("prop-sun", "plan-demo-wang-clean", date(2026, 11, 26))
    assert visit is not None and visit.ticket_number is not None and visit.ticket_number.startswith("SUN-20261125-")
    order = TicketStore(aws["TicketsTable"]).get(visit.ticket_id)
    assert (order.status.value, order.assignee_id, order.contact_name) == ("dispatched", "staff-he-ping", "王芳")
    assert order.appointment_at == datetime.fromisoformat("2026-11-26T09:00:00+08:00")

    # Given a run that died after claiming next Thursday's visit (its order's id fixed) but before writing it
    book = HouseholdBook(aws["BooksTable"])
    claimed = Visit(
        property_id="prop-sun",
        plan_id="plan-demo-wang-clean",
        slot=date(2026, 12, 3),
        at=datetime.fromisoformat("2026-12-03T09:00:00+08:00"),
        day=date(2026, 12, 3),
        status=VisitStatus.ISSUING,
        ticket_id="t_" + "d1ed" * 8,
    )
    book.save(claimed, create=True)
    # When the schedule fires the day before, twice; Then that one order is written and dispatched, once
    clock.current = datetime.fromisoformat("2026-12-02T10:00:00+08:00")
    assert [_fire(jobs, "2026-12-02T02:00:00Z")["issued"] for _ in range(2)] == [{"prop-sun": 1}, {"prop-sun": 0}]
    finished = TicketStore(aws["TicketsTable"]).get("t_" + "d1ed" * 8)
    assert finished is not None and (finished.status.value, finished.assignee_id) == ("dispatched", "staff-he-ping")
