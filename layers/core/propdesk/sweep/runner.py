"""Run the end-of-day sweep: open a checkpoint per property, then walk its open orders page by page."""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from propdesk import access
from propdesk.calendar import local_instant
from propdesk.dal.directory import DirectoryStore
from propdesk.dal.tickets import TicketStore
from propdesk.errors import ActionNotAllowed, ConcurrentUpdate
from propdesk.logic import commands
from propdesk.logic.tickets import TicketService
from propdesk.models.directory import Property, Staff
from propdesk.models.enums import Action, Status
from propdesk.models.ticket import Ticket
from propdesk.notices import Audience, Notice, NoticeKind
from propdesk.sla import TargetName
from propdesk.sweep import meeting, rules
from propdesk.sweep.checkpoint import Checkpoint, CheckpointStore, StaleCheckpoint
from propdesk.sweep.restart import Restarter
from propdesk.targets import RULES, due_of
from propdesk.workflow.timers import timer_notice

log = logging.getLogger(__name__)

PAGE_SIZE = 100
Publisher = Callable[[Sequence[Notice]], int]
MailWaiting = Callable[[str, datetime], list[dict[str, Any]]]  # the property's uncollected mail as list rows


@dataclass(frozen=True, slots=True)
class SweepTask:
    """What a queue message carries: which property's sweep of which day to continue."""

    property_id: str
    day: str


class SweepRunner:
    def __init__(
        self,
        service: TicketService,
        store: TicketStore,
        directory: DirectoryStore,
        checkpoints: CheckpointStore,
        bucket: str,
        publish: Publisher,
        restart: Restarter | None,
        page_size: int = PAGE_SIZE,
        mail_waiting: MailWaiting | None = None,
    ) -> None:
        self.service = service
        self.store = store
        self.directory = directory
        self.checkpoints = checkpoints
        self.bucket = bucket
        self.publish = publish
        self.restart = restart
        self.page_size = page_size
        self.mail_waiting = mail_waiting

    def begin(self, properties: Iterable[Property], as_of: datetime, *, manual: bool = False) -> list[SweepTask]:
        """A checkpoint per property for its local day; unfinished ones (new or stalled) get a task.

        A run by hand, or any run before the desk closes, is a run of its own (its own checkpoint and list):
        it never marks the day's scheduled sweep done.
        """
        tasks = []
        for prop in properties:
            local = as_of.astimezone(prop.zone)
            day = local.date().isoformat()
            # Only a run after the desk closed is the day's sweep: one fired earlier, even with the schedule's
            # input, is a run of its own, so the evening's scheduled sweep still runs.
            if manual or as_of < local_instant(local.date(), prop.desk_closes, prop.zone):
                day = f"{day}-manual-{local:%H%M%S}"
            cp = self.checkpoints.open(prop.id, day, as_of.isoformat())
            if not cp.done:
                tasks.append(SweepTask(prop.id, day))
        return tasks

    def run(self, task: SweepTask, seconds_left: Callable[[], float], reserve_seconds: float) -> bool:
        """Sweep pages until done (True) or until only `reserve_seconds` remain (False: send a continuation)."""
        cp = self.checkpoints.get(task.property_id, task.day)
        if cp is None or cp.done:
            return True
        prop = self.service.cache.property(task.property_id)
        staff = self.directory.list_records(Staff, prop.id)
        as_of = datetime.fromisoformat(cp.as_of)
        try:
            while True:
                cp = self._page(cp, prop, staff, as_of)
                if cp.cursor is None:
                    mail = self.mail_waiting(prop.id, as_of) if self.mail_waiting else None
                    total = meeting.assemble(self.bucket, prop.id, cp.day, cp.as_of, mail)
                    self.checkpoints.finish(cp)
                    log.info("sweep finished", extra={"property_id": prop.id, "day": cp.day, "open": total})
                    return True
                if seconds_left() < reserve_seconds:
                    return False
        except StaleCheckpoint as err:
            # A duplicate message's worker got there first; that worker carries the sweep on.
            log.info("sweep page already recorded", extra={"reason": str(err)})
            return True

    def _page(self, cp: Checkpoint, prop: Property, staff: list[Staff], as_of: datetime) -> Checkpoint:
        page = self.store.open_by_due(prop.id, self.page_size, cp.cursor)
        counts: Counter[str] = Counter()
        rows = []
        for ticket in page.tickets:
            after = self.sweep_one(ticket, prop, staff, as_of, counts)
            counts["seen"] += 1
            if after is not None and after.is_open:
                rows.append(rules.meeting_row(after, as_of))
        meeting.write_part(self.bucket, prop.id, cp.day, cp.page, rows)
        # A page whose cursor repeats (nothing new behind it) ends the walk instead of looping.
        cursor = page.cursor if page.cursor != cp.cursor else None
        return self.checkpoints.advance(cp, cursor, counts)

    def sweep_one(
        self, ticket: Ticket, prop: Property, staff: list[Staff], as_of: datetime, counts: Counter[str]
    ) -> Ticket | None:
        """Apply tonight's decision to one ticket; returns the ticket as it now stands (None: gone)."""
        decision = rules.decide(ticket, prop, as_of)
        if decision.outcome is not rules.Outcome.NOTHING:
            # The index copy may lag behind the table: decide again on the consistent read.
            fresh = self.store.get(ticket.id)
            if fresh is None:
                return None
            ticket, decision = fresh, rules.decide(fresh, prop, as_of)
        try:
            if decision.outcome is rules.Outcome.COORDINATE:
                ticket = self._coordinate(ticket, staff, as_of)
                counts["coordinated"] += 1
            elif decision.outcome is not rules.Outcome.NOTHING:
                ticket = self._close(ticket, decision, as_of)
                counts[f"closed_{decision.outcome.value}"] += 1
            elif self._coordinated_tonight(ticket, prop, as_of):
                # A redone page after a crash: the sheet exists, the resident's notice may not have left.
                self._tell_coordination(ticket, as_of)
                counts["coordination_retold"] += 1
        except (ActionNotAllowed, ConcurrentUpdate) as err:
            # Someone acted on the ticket between our read and our write; tomorrow's sweep sees the result.
            log.info("sweep skipped a changing ticket", extra={"ticket_id": ticket.id, "reason": str(err)})
            counts["skipped_changing"] += 1
            return ticket
        if ticket.is_open and self.restart is not None:
            if self.restart(ticket):
                counts["restarted"] += 1
        elif ticket.is_open:
            counts["restart_unavailable"] += 1
        return ticket

    def _coordinate(self, ticket: Ticket, staff: list[Staff], as_of: datetime) -> Ticket:
        owner = rules.coordination_owner(ticket, staff)
        payload = commands.CoordinateInput(owner_id=owner, note="日清：当日未完成，转协调单 / missed its day")
        updated = self.service.act(access.SYSTEM, ticket.id, Action.COORDINATE, payload)
        self._tell_coordination(updated, as_of)
        return updated

    @staticmethod
    def _coordinated_tonight(ticket: Ticket, prop: Property, as_of: datetime) -> bool:
        opened = ticket.coordination_opened_at
        return (
            ticket.status is Status.COORDINATION
            and opened is not None
            and opened >= as_of
            and rules.local_date(opened, prop.zone) == rules.local_date(as_of, prop.zone)
        )

    def _tell_coordination(self, ticket: Ticket, as_of: datetime) -> None:
        """The people told when the workflow's same-day timer passes learn the order became a coordination
        sheet, who owns it and when they hear next.

        It is the timer's own notice (same id, kind and audience), so whichever of the two tells first, each
        person is told once.
        """
        opened = ticket.coordination_opened_at
        assert opened is not None
        due = {
            name: ticket.sla[name].due_at.isoformat()
            for name in (TargetName.COORDINATION_CONTACT.value, TargetName.COORDINATION_REPLY.value)
            if name in ticket.sla
        }
        missed = rules.day_target(ticket, as_of)
        name, at = (TargetName(missed.name), due_of(missed)) if missed else (TargetName.SAME_DAY, opened)
        notice = timer_notice(ticket, name.value, at, RULES[name].level, owner_id=ticket.assignee_id, due=due)
        self.publish([notice])

    def _close(self, ticket: Ticket, decision: rules.Decision, as_of: datetime) -> Ticket:
        # Told before the close: a closed order leaves the open index, so a crash after the close could
        # never tell. The id is fixed per ticket and day, so a redone page tells the notifier nothing new.
        notice = Notice(
            id=f"sweep:{ticket.id}:{NoticeKind.STALE_CLOSED.value}:{as_of.date().isoformat()}",
            kind=NoticeKind.STALE_CLOSED,
            ticket_id=ticket.id,
            property_id=ticket.property_id,
            number=ticket.number,
            audience=[Audience.RESIDENT],
            at=as_of,
            params={"reason": decision.outcome.value, "days": decision.days, "text": decision.reason},
        )
        self.publish([notice])
        return self.service.act(access.SYSTEM, ticket.id, Action.CLOSE, commands.CloseInput(reason=decision.reason))
