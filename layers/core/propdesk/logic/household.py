"""Household services (家政): the price list, priced requests, monthly plans and the orders of their visits.

Each visit of a plan is one household work order, issued the day before by the scheduled job, dispatched to
the plan's team member and then handled like any other order; the plan's visit record (its line on the
monthly register) names the order, so a re-run or a late run never issues a visit twice.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from typing import Annotated, Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field, Strict, field_validator

from propdesk import clock
from propdesk.access import SYSTEM, Principal
from propdesk.books.household import (
    MONTHLY,
    PRICED_DEPARTMENTS,
    TEAM,
    HouseholdBook,
    HouseholdService,
    Plan,
    PlanNote,
    PlanStatus,
    PriceItem,
    RequestStatus,
    ServiceRequest,
    Visit,
    VisitStatus,
)
from propdesk.errors import ConcurrentUpdate, Conflict, Forbidden, InvalidRequest, NotFound
from propdesk.logic import commands
from propdesk.logic.tickets import TicketService
from propdesk.models.common import Cents, Day, Flag, Id, Instant, LongText, Name, WallTime
from propdesk.models.directory import Property, Resident, Staff, Unit
from propdesk.models.enums import Action, Channel, Department, Role, Status
from propdesk.models.ticket import Ticket
from propdesk.numbering import new_ticket_id

SERVICE_NAMES = {
    HouseholdService.MONTHLY_CLEANING: "包月清洁",
    HouseholdService.MONTHLY_GREENING: "包月绿化",
    HouseholdService.DEEP_CLEANING: "开荒保洁",
    HouseholdService.HOURLY_CLEANING: "钟点清洁",
    HouseholdService.PAID_SERVICE: "有偿服务",
}
DESK = frozenset({Role.DESK_AGENT, Role.CALLCENTRE_AGENT, Role.MANAGER})
# Who records a request, confirms a time with the resident and keeps the plans: the desk and the butler.
KEEPERS = DESK | {Role.BUTLER}
# What a resident may own in the book: a request and a plan are read alike.
Owned = TypeVar("Owned", ServiceRequest, Plan)
# Field staff who take a visit's order (the roles the lifecycle lets accept household work).
TEAM_WORKERS = frozenset({Role.TECHNICIAN})
Weekday = Annotated[int, Strict(), Field(ge=1, le=7)]
Note = Annotated[str, Field(min_length=1, max_length=500)]


def yuan(cents: int | None) -> str | None:
    """12000 fen -> "120.00": money is kept in fen and shown in yuan with two decimals."""
    return None if cents is None else f"{cents // 100}.{cents % 100:02d}"


# ---- inputs ------------------------------------------------------------------------------------------


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class PriceIn(_In):
    id: Id
    department: Department
    name: Name
    unit: Annotated[str, Field(min_length=1, max_length=20)]
    price_cents: Cents

    @field_validator("department")
    @classmethod
    def _priced(cls, value: Department) -> Department:
        if value not in PRICED_DEPARTMENTS:
            raise ValueError("the price list covers engineering, cleaning and greening")
        return value


class RequestIn(_In):
    service: HouseholdService
    description: LongText
    resident_id: Id | None = None  # the desk names the resident; a resident asks for their own home
    department: Department | None = None  # a paid service of the price list: its team
    channel: Channel = Channel.VISIT


class AssessmentIn(_In):
    price_cents: Annotated[int, Strict(), Field(gt=0, le=100_000_000)]
    unit: Annotated[str, Field(min_length=1, max_length=20)] = "次"
    butler_id: Id | None = None
    agreed_at: Instant | None = None  # hourly cleaning: the time agreed with the area's team leader
    note: Note | None = None


class ConfirmIn(_In):
    appointment_at: Instant  # the time confirmed with the resident
    note: Note | None = None


class PlanIn(_In):
    request_id: Id
    weekdays: list[Weekday] = Field(min_length=1, max_length=7)
    at: WallTime
    starts_on: Day
    ends_on: Day | None = None
    assignee_id: Id


class PlanChangeIn(_In):
    weekdays: list[Weekday] | None = Field(default=None, min_length=1, max_length=7)
    at: WallTime | None = None
    price_cents: Annotated[int, Strict(), Field(gt=0, le=100_000_000)] | None = None
    assignee_id: Id | None = None
    ends_on: Day | None = None
    note: Note | None = None


class ReasonIn(_In):
    reason: Annotated[str, Field(min_length=2, max_length=500)]
    ends_on: Day | None = None  # ending: the last day with visits (today when left out)


class MoveIn(_In):
    at: Instant
    agreed_with_resident: Flag  # a visit moves only with the resident's agreement
    note: Note | None = None


# ---- the use cases ---------------------------------------------------------------------------------


def _field(field: str, problem: str, message: str) -> InvalidRequest:
    return InvalidRequest(message, details=[{"field": field, "problem": problem}])


AHEAD_DAYS = 180  # how far ahead a visit or an appointment may be booked, as for a ticket's appointment


def _ahead(at: datetime, now: datetime, field: str) -> datetime:
    """A time to come: after now and within AHEAD_DAYS (a 400 naming the field otherwise)."""
    if at <= now:
        raise _field(field, "in the past", f"{field} must be in the future")
    if at > now + timedelta(days=AHEAD_DAYS):
        raise _field(field, "too far ahead", f"{field} is more than {AHEAD_DAYS} days ahead")
    return at


def _local(day: date, at: time, prop: Property) -> datetime:
    return datetime.combine(day, at, tzinfo=prop.zone)


class HouseholdDesk:
    """The household book as the desk, the team leaders, the managers and the issuing job use it."""

    def __init__(self, book: HouseholdBook, tickets: TicketService) -> None:
        self.book = book
        self.tickets = tickets
        self.cache = tickets.cache
        self.directory = tickets.directory

    # ---- who may do what

    def _staff_of(self, principal: Principal, property_id: str, roles: frozenset[Role]) -> Property:
        """The property, if the caller is one of its staff in one of these roles (another property: 404)."""
        principal.require_property(property_id)
        prop = self.cache.property(property_id)
        if principal.role not in roles:
            raise Forbidden(f"this needs one of the roles {', '.join(sorted(r.value for r in roles))}")
        return prop

    def _one(self, principal: Principal, property_id: str, model: type[Owned], record_id: str, noun: str) -> Owned:
        """One request or plan: a resident reads only their own, a contractor none (404 either way)."""
        principal.require_property(property_id)
        found = self.book.get(model, property_id, record_id)
        if (
            found is None
            or principal.role is Role.CONTRACTOR
            or (principal.role is Role.RESIDENT and found.resident_id != principal.user_id)
        ):
            raise NotFound(f"{noun} {record_id} not found")
        return found

    def _all(self, principal: Principal, property_id: str, model: type[Owned]) -> list[Owned]:
        """A property's requests or plans: a resident's own, or all of them for the staff who keep them."""
        principal.require_property(property_id)
        found = self.book.records(model, property_id)
        if principal.role is Role.RESIDENT:
            return [r for r in found if r.resident_id == principal.user_id]
        self._staff_of(principal, property_id, KEEPERS | {Role.TEAM_LEADER, Role.DISPATCHER})
        return found

    def _member(self, property_id: str, staff_id: str, field: str, roles: frozenset[Role]) -> Staff:
        staff = self.cache.staff(property_id, staff_id)
        if staff is None or staff.role not in roles:
            raise _field(field, "not staff of this property in a fitting role", f"{field} is not a fitting member")
        return staff

    # ---- the price list (有偿服务收费标准)

    def prices(self, principal: Principal, property_id: str) -> list[PriceItem]:
        """Every staff member and the property's residents read the price list."""
        principal.require_property(property_id)
        self.cache.property(property_id)
        return sorted(self.book.records(PriceItem, property_id), key=lambda p: (p.department.value, p.id))

    def save_price(self, principal: Principal, property_id: str, request: PriceIn, *, create: bool) -> PriceItem:
        self._staff_of(principal, property_id, frozenset({Role.MANAGER}))
        stored = None if create else self.book.get(PriceItem, property_id, request.id)
        if not create and stored is None:
            raise NotFound(f"price {request.id} not found")
        item = PriceItem(property_id=property_id, version=stored.version if stored else 0, **request.model_dump())
        return self.book.save(item, create=create)

    # ---- a new customer's request: priced on site, then its time confirmed

    def create_request(self, principal: Principal, property_id: str, request: RequestIn) -> ServiceRequest:
        principal.require_property(property_id)
        if principal.role is Role.RESIDENT:
            resident_id = principal.user_id
            if request.resident_id not in (None, resident_id):
                raise NotFound("resident not found")
        else:
            self._staff_of(principal, property_id, KEEPERS)
            if request.resident_id is None:
                raise _field("resident_id", "required", "the desk names the resident the request is for")
            resident_id = request.resident_id
        resident = self._resident(property_id, resident_id)
        department = TEAM.get(request.service) or request.department
        if department is None or department not in PRICED_DEPARTMENTS:
            raise _field("department", "required", "a paid service names its team: engineering, cleaning, greening")
        channel = Channel.APP if principal.role is Role.RESIDENT else request.channel
        if channel is Channel.SMS:
            raise _field("channel", "not recorded here", "SMS requests come through the SMS webhook")
        now = clock.now()
        record = ServiceRequest(
            id="hr_" + new_ticket_id()[2:14],
            property_id=property_id,
            resident_id=resident.id,
            unit_id=resident.unit_id,
            service=request.service,
            department=department,
            description=request.description,
            created_by=principal.user_id,
            created_at=now,
            channel=channel,
        )
        return self.book.save(record, create=True)

    def request(self, principal: Principal, property_id: str, request_id: str) -> ServiceRequest:
        return self._one(principal, property_id, ServiceRequest, request_id, "request")

    def requests(self, principal: Principal, property_id: str) -> list[ServiceRequest]:
        return self._all(principal, property_id, ServiceRequest)

    def assess(self, principal: Principal, property_id: str, request_id: str, body: AssessmentIn) -> ServiceRequest:
        """The team leader prices the work on site (a move-in deep cleaning: the cleaning team leader alone)."""
        self._staff_of(principal, property_id, frozenset({Role.TEAM_LEADER}))
        found = self.request(principal, property_id, request_id)
        leader = self._member(property_id, principal.user_id, "team_leader", frozenset({Role.TEAM_LEADER}))
        if leader.department is not found.department:
            raise Forbidden(f"the {found.department.value} team leader prices this request")
        if found.status is RequestStatus.CONFIRMED:
            raise Conflict("the request is confirmed already; change its plan or its order instead")
        if found.service is not HouseholdService.DEEP_CLEANING:
            if body.butler_id is None:
                raise _field("butler_id", "required", "a new customer's request is priced with the butler on site")
            self._member(property_id, body.butler_id, "butler_id", frozenset({Role.BUTLER}))
        if found.service is HouseholdService.HOURLY_CLEANING and body.agreed_at is None:
            raise _field("agreed_at", "required", "hourly cleaning needs the time agreed with the team leader")
        now = clock.now()
        if body.agreed_at is not None:
            _ahead(body.agreed_at, now, "agreed_at")
        updated = found.model_copy(
            update={
                "status": RequestStatus.ASSESSED,
                "price_cents": body.price_cents,
                "unit_label": body.unit,
                "assessed_by": leader.id,
                "butler_id": body.butler_id,
                "assessed_at": now,
                "agreed_at": body.agreed_at,
                "assessment_note": body.note,
            }
        )
        return self.book.save(updated)

    def confirm(
        self, principal: Principal, property_id: str, request_id: str, body: ConfirmIn
    ) -> tuple[ServiceRequest, Ticket]:
        """The time confirmed with the resident: the order is issued, priced, with its appointment."""
        self._staff_of(principal, property_id, KEEPERS)
        found = self.request(principal, property_id, request_id)
        if found.service in MONTHLY:
            raise Conflict("a monthly service is confirmed as a plan: POST its plan with this request_id")
        unfinished = found.status is RequestStatus.CONFIRMED and found.ticket_id is not None
        if unfinished and found.appointment_at == body.appointment_at and found.price_cents is not None:
            assert found.ticket_id is not None
            if self.tickets.tickets.get(found.ticket_id) is None:  # confirmed, but its order was never written
                return found, self._issue_order(principal, found, found.price_cents, found.ticket_id)
        if found.status is not RequestStatus.ASSESSED or found.price_cents is None:
            raise Conflict(f"the request is {found.status.value}: it is priced on site before any order")
        if found.agreed_at is not None and body.appointment_at != found.agreed_at:
            raise _field(
                "appointment_at",
                "differs from the time the team leader agreed",
                f"hourly cleaning comes at the time agreed with the team leader: {found.agreed_at.isoformat()}",
            )
        _ahead(body.appointment_at, clock.now(), "appointment_at")
        ticket_id = new_ticket_id()
        # The request is marked first: a second confirmation loses on its version and issues nothing.
        marked = self.book.save(
            found.model_copy(
                update={
                    "status": RequestStatus.CONFIRMED,
                    "appointment_at": body.appointment_at,
                    "ticket_id": ticket_id,
                }
            )
        )
        return marked, self._issue_order(principal, marked, found.price_cents, ticket_id)

    def _issue_order(self, principal: Principal, request: ServiceRequest, price_cents: int, ticket_id: str) -> Ticket:
        assert request.appointment_at is not None
        fields = self._order_fields(request, price_cents, request.appointment_at, SERVICE_NAMES[request.service])
        return self.tickets.create_order(principal, request.property_id, request.channel, fields, ticket_id)

    # ---- monthly plans (包月)

    def create_plan(self, principal: Principal, property_id: str, body: PlanIn) -> Plan:
        self._staff_of(principal, property_id, KEEPERS)
        found = self.request(principal, property_id, body.request_id)
        if found.service not in MONTHLY:
            raise _field("request_id", "not a monthly service", "only a monthly cleaning or greening becomes a plan")
        if found.status is not RequestStatus.ASSESSED or found.price_cents is None:
            raise Conflict(f"the request is {found.status.value}: it is priced on site before any plan")
        self._check_assignee(property_id, body.assignee_id, found.department)
        today = clock.now().astimezone(self.cache.property(property_id).zone).date()
        if body.starts_on < today:
            raise _field("starts_on", "in the past", "a plan starts today or later")
        if body.starts_on > today + timedelta(days=AHEAD_DAYS):
            raise _field("starts_on", "too far ahead", f"a plan starts within {AHEAD_DAYS} days")
        if body.ends_on is not None and body.ends_on < body.starts_on:
            raise _field("ends_on", "before starts_on", "a plan ends on or after its first day")
        now = clock.now()
        plan = Plan(
            id=f"plan-{found.id.removeprefix('hr_')}",
            property_id=property_id,
            resident_id=found.resident_id,
            unit_id=found.unit_id,
            service=found.service,
            department=found.department,
            weekdays=sorted(set(body.weekdays)),
            at=body.at,
            price_cents=found.price_cents,
            starts_on=body.starts_on,
            ends_on=body.ends_on,
            assignee_id=body.assignee_id,
            request_id=found.id,
            created_at=now,
            updated_at=now,
            history=[PlanNote(at=now, by=principal.user_id, action="create")],
        )
        confirmed = found.model_copy(update={"status": RequestStatus.CONFIRMED, "plan_id": plan.id})
        return self.book.save_together(confirmed, plan)

    def _check_assignee(self, property_id: str, assignee_id: str, department: Department) -> None:
        member = self._member(property_id, assignee_id, "assignee_id", TEAM_WORKERS)
        if member.department is not department:
            raise _field("assignee_id", f"not of the {department.value} team", "the visits go to the plan's team")

    def plan(self, principal: Principal, property_id: str, plan_id: str) -> Plan:
        return self._one(principal, property_id, Plan, plan_id, "plan")

    def plans(self, principal: Principal, property_id: str) -> list[Plan]:
        return self._all(principal, property_id, Plan)

    def change_plan(self, principal: Principal, property_id: str, plan_id: str, body: PlanChangeIn) -> Plan:
        """Weekdays, time, price, team member or last day; visits already issued keep their orders."""
        self._staff_of(principal, property_id, KEEPERS)
        found = self.plan(principal, property_id, plan_id)
        if found.status is PlanStatus.ENDED:
            raise Conflict("the plan has ended")
        if body.price_cents is not None and principal.role is not Role.MANAGER:
            raise Forbidden("a plan's price is changed by the manager")
        if body.assignee_id is not None:
            self._check_assignee(property_id, body.assignee_id, found.department)
        today = clock.now().astimezone(self.cache.property(property_id).zone).date()
        if body.ends_on is not None and body.ends_on < max(today, found.starts_on):
            raise _field("ends_on", "in the past", "a plan ends today or later, and not before its first day")
        changes = body.model_dump(exclude_none=True, exclude={"note"}, mode="json")
        if not changes:
            raise _field("body", "nothing to change", "name at least one of weekdays, at, price_cents, assignee_id")
        update = body.model_dump(exclude_none=True, exclude={"note"})
        if "weekdays" in update:
            update["weekdays"] = sorted(set(update["weekdays"]))
        return self._note(principal, found, "change", body.note, changes, **update)

    def pause_plan(self, principal: Principal, property_id: str, plan_id: str, body: ReasonIn) -> Plan:
        return self._status(principal, property_id, plan_id, body, PlanStatus.ACTIVE, PlanStatus.PAUSED, "pause")

    def resume_plan(self, principal: Principal, property_id: str, plan_id: str, body: ReasonIn) -> Plan:
        return self._status(principal, property_id, plan_id, body, PlanStatus.PAUSED, PlanStatus.ACTIVE, "resume")

    def end_plan(self, principal: Principal, property_id: str, plan_id: str, body: ReasonIn) -> Plan:
        """Ended: no visit after its last day is issued; a visit already issued keeps its order."""
        self._staff_of(principal, property_id, KEEPERS)
        found = self.plan(principal, property_id, plan_id)
        if found.status is PlanStatus.ENDED:
            raise Conflict("the plan has ended already")
        today = clock.now().astimezone(self.cache.property(property_id).zone).date()
        last = body.ends_on or today
        if last < today:
            raise _field("ends_on", "in the past", "a plan ends today or later")
        data = {"ends_on": last.isoformat()}
        return self._note(principal, found, "end", body.reason, data, ends_on=last, status=PlanStatus.ENDED)

    def _status(
        self,
        principal: Principal,
        property_id: str,
        plan_id: str,
        body: ReasonIn,
        was: PlanStatus,
        to: PlanStatus,
        what: str,
    ) -> Plan:
        self._staff_of(principal, property_id, KEEPERS)
        found = self.plan(principal, property_id, plan_id)
        if found.status is not was:
            raise Conflict(f"cannot {what} a plan that is {found.status.value}")
        return self._note(principal, found, what, body.reason, {}, status=to)

    def _note(
        self, principal: Principal, plan: Plan, action: str, note: str | None, data: dict[str, Any], **update: Any
    ) -> Plan:
        now = clock.now()
        line = PlanNote(at=now, by=principal.user_id, action=action, note=note, data=data)
        return self.book.save(plan.model_copy(update={**update, "updated_at": now, "history": [*plan.history, line]}))

    # ---- visits and the monthly register (包月登记表)

    def move_visit(self, principal: Principal, property_id: str, plan_id: str, slot: date, body: MoveIn) -> Visit:
        """Move one visit with the resident's agreement; an issued visit's order gets the new appointment."""
        self._staff_of(principal, property_id, KEEPERS)
        if not body.agreed_with_resident:
            raise _field("agreed_with_resident", "must be true", "a visit moves only with the resident's agreement")
        plan = self.plan(principal, property_id, plan_id)
        prop = self.cache.property(property_id)
        now = clock.now()
        _ahead(body.at, now, "at")
        visit = self.book.visit(property_id, plan_id, slot)
        new = visit is None
        if visit is None:
            if not plan.runs_on(slot):
                raise NotFound(f"plan {plan_id} has no visit on {slot.isoformat()}")
            visit = Visit(
                property_id=property_id,
                plan_id=plan_id,
                slot=slot,
                at=_local(slot, plan.at, prop),
                day=slot,
                status=VisitStatus.MOVED,
            )
        if visit.status is VisitStatus.ISSUING:
            raise ConcurrentUpdate("the visit's order is being issued now; try again in a moment")
        if visit.status is VisitStatus.ISSUED and visit.ticket_id is not None:
            appointment = commands.AppointmentInput(appointment_at=body.at, note=body.note)
            self.tickets.act(principal, visit.ticket_id, Action.BOOK_APPOINTMENT, appointment)
        moved = visit.model_copy(
            update={
                "at": body.at,
                "day": body.at.astimezone(prop.zone).date(),
                "moved_from": visit.moved_from or visit.at,
                "note": body.note,
            }
        )
        return self.book.save(moved, create=new)

    def register(self, principal: Principal, property_id: str, plan_id: str, month: str) -> dict[str, Any]:
        """The plan's lines of one month: each visit day, when the team comes, and how its order stands."""
        plan = self.plan(principal, property_id, plan_id)
        prop = self.cache.property(property_id)
        first, last = _month_bounds(month)
        return {
            "plan": plan,
            "month": month,
            "lines": self._lines(plan, prop, first, last, clock.now()),
        }

    def _lines(self, plan: Plan, prop: Property, first: date, last: date, now: datetime) -> list[dict[str, Any]]:
        recorded = {v.slot: v for v in self.book.plan_visits(prop.id, plan.id, first, last)}
        lines = []
        day = first
        while day <= last:
            visit = recorded.get(day)
            if visit is not None or plan.runs_on(day):
                lines.append(self._line(plan, prop, day, visit, now))
            day += timedelta(days=1)
        return lines

    def _line(self, plan: Plan, prop: Property, slot: date, visit: Visit | None, now: datetime) -> dict[str, Any]:
        # Shown in the property's own time, as the desk and the resident agreed it.
        at = (visit.at if visit else _local(slot, plan.at, prop)).astimezone(prop.zone)
        moved_from = visit.moved_from.astimezone(prop.zone) if visit and visit.moved_from else None
        ticket = self.tickets.tickets.get(visit.ticket_id) if visit and visit.ticket_id else None
        return {
            "slot": slot,
            "at": at,
            "moved_from": moved_from,
            "state": visit_state(at, ticket, prop, now),
            "ticket_id": ticket.id if ticket else None,
            "ticket_number": ticket.number if ticket else None,
            "ticket_status": ticket.status.value if ticket else None,
            "price_cents": plan.price_cents,
        }

    # ---- the issuing job

    def issue_due(self, prop: Property, as_of: datetime) -> list[Visit]:
        """Issue every visit of tomorrow (local), and any of today still ahead that a missed run left."""
        today = as_of.astimezone(prop.zone).date()
        plans = {p.id: p for p in self.book.records(Plan, prop.id)}
        issued: list[Visit] = []
        for day in (today, today + timedelta(days=1)):
            for plan, visit in self._due_on(prop, plans, day):
                if (visit.at if visit else _local(day, plan.at, prop)) > as_of:
                    result = self._issue(prop, plan, day, visit, as_of)
                    if result is not None:
                        issued.append(result)
        return issued

    def _due_on(self, prop: Property, plans: dict[str, Plan], day: date) -> list[tuple[Plan, Visit | None]]:
        """The plans' visits that take place on this day: by the plan's days, and those moved to it."""
        on_day = {(v.plan_id, v.slot): v for v in self.book.visits_between(prop.id, day, day)}
        due: list[tuple[Plan, Visit | None]] = []
        for plan in plans.values():
            if plan.runs_on(day):
                due.append((plan, on_day.pop((plan.id, day), None)))
        for (plan_id, _slot), visit in on_day.items():
            moved_to = plans.get(plan_id)
            if moved_to is not None and moved_to.status is PlanStatus.ACTIVE:
                due.append((moved_to, visit))
        return due

    def _issue(self, prop: Property, plan: Plan, day: date, visit: Visit | None, now: datetime) -> Visit | None:
        if visit is None:
            claim = Visit(
                property_id=prop.id,
                plan_id=plan.id,
                slot=day,
                at=_local(day, plan.at, prop),
                day=day,
                status=VisitStatus.ISSUING,
                ticket_id=new_ticket_id(),
            )
            try:
                visit = self.book.save(claim, create=True)
            except ConcurrentUpdate:
                visit = self.book.visit(prop.id, plan.id, day)
                if visit is None or visit.day != day:
                    return None  # moved to another day: issued the day before that one
        if visit.status is VisitStatus.ISSUED:
            return None
        if visit.status is VisitStatus.MOVED:
            visit = self.book.save(
                visit.model_copy(update={"status": VisitStatus.ISSUING, "ticket_id": new_ticket_id()})
            )
        assert visit.ticket_id is not None
        ticket = self._order_of(prop, plan, visit)
        if ticket.status is Status.CLASSIFIED:
            dispatch = commands.DispatchInput(department=plan.department, assignee_id=plan.assignee_id)
            ticket = self.tickets.act(SYSTEM, ticket.id, Action.DISPATCH, dispatch)
        done = visit.model_copy(update={"status": VisitStatus.ISSUED, "ticket_number": ticket.number, "issued_at": now})
        return self.book.save(done)

    def _order_of(self, prop: Property, plan: Plan, visit: Visit) -> Ticket:
        """The visit's order: created under the id the claim fixed, or found when an earlier run created it."""
        assert visit.ticket_id is not None
        existing = self.tickets.tickets.get(visit.ticket_id)
        if existing is not None:
            return existing
        local = visit.at.astimezone(prop.zone)
        title = f"{SERVICE_NAMES[plan.service]} {local:%Y-%m-%d %H:%M}"
        request = self.book.get(ServiceRequest, prop.id, plan.request_id)
        fields = self._order_fields(request or plan, plan.price_cents, visit.at, title)
        fields["description"] = f"{title} ({plan.id})"
        try:
            channel = request.channel if request else Channel.VISIT
            return self.tickets.create_order(SYSTEM, prop.id, channel, fields, visit.ticket_id)
        except ConcurrentUpdate:
            found = self.tickets.tickets.get(visit.ticket_id)
            if found is None:
                raise
            return found

    def _order_fields(
        self, source: ServiceRequest | Plan, price_cents: int, at: datetime, title: str
    ) -> dict[str, Any]:
        resident = self._resident(source.property_id, source.resident_id)
        unit = self.directory.get(Unit, source.property_id, resident.unit_id)
        description = source.description if isinstance(source, ServiceRequest) else title
        return {
            "title": title,
            "description": description,
            "category": source.service.value,
            "paid": True,
            "price_agreed": True,
            "quote_cents": price_cents,
            "department": source.department,
            "appointment_at": at,
            "resident_id": resident.id,
            "unit_id": resident.unit_id,
            "building_id": unit.building_id if unit else None,
            "contact_name": resident.name,
            "contact_phone": resident.phone,
            "language": resident.language,
        }

    def _resident(self, property_id: str, resident_id: str) -> Resident:
        resident = self.directory.get(Resident, property_id, resident_id)
        if resident is None:
            raise _field("resident_id", "unknown in this property", "resident not found in this property")
        return resident

    # ---- counts and the month end

    def visit_counts(self, prop: Property, first: date, last: date, as_of: datetime) -> dict[str, int]:
        """Plan visits that took place on the local days [first, last]: issued, done, missed, pending."""
        counts = {"issued": 0, "done": 0, "missed": 0, "pending": 0}
        for visit in self.book.visits_between(prop.id, first, last):
            if visit.status is VisitStatus.MOVED:
                continue  # moved, not issued yet: counted on the day it takes place
            ticket = self.tickets.tickets.get(visit.ticket_id) if visit.ticket_id else None
            counts["issued"] += 1
            counts[visit_state(visit.at, ticket, prop, as_of)] += 1
        return counts

    def statement(self, principal: Principal | None, prop: Property, month: str, as_of: datetime) -> dict[str, Any]:
        """The month's plan orders and paid orders, grouped by customer (业户), with one statement per plan."""
        if principal is not None:
            self._staff_of(principal, prop.id, frozenset({Role.MANAGER}))
        first, last = _month_bounds(month)
        plan_tickets: set[str] = set()
        plans_out: list[dict[str, Any]] = []
        for plan in self.book.records(Plan, prop.id):
            if plan.starts_on > last or (plan.ends_on is not None and plan.ends_on < first):
                continue
            lines = [
                line
                for line in self._lines(plan, prop, first, last, as_of)
                if line["ticket_id"] is not None or line["state"] == "missed"
            ]
            plan_tickets.update(line["ticket_id"] for line in lines if line["ticket_id"])
            done = sum(1 for line in lines if line["state"] == "done")
            plans_out.append(
                {
                    "plan_id": plan.id,
                    "resident_id": plan.resident_id,
                    "unit_id": plan.unit_id,
                    "service": plan.service.value,
                    "price_cents": plan.price_cents,
                    "visits": [_json_line(line) for line in lines],
                    "done": done,
                    "missed": sum(1 for line in lines if line["state"] == "missed"),
                    "amount_cents": done * plan.price_cents,
                    "amount_yuan": yuan(done * plan.price_cents),
                }
            )
        since = _local(first, time(0), prop)
        until = _local(last + timedelta(days=1), time(0), prop)
        paid_orders = [
            t
            for t in self.tickets.tickets.iter_created(prop.id, since, until)
            if t.paid and t.id not in plan_tickets and t.status is not Status.VOIDED
        ]
        customers: dict[str, dict[str, Any]] = {}
        for entry in plans_out:
            customer = customers.setdefault(entry["resident_id"], _customer(entry["resident_id"], entry["unit_id"]))
            customer["plans"].append(entry["plan_id"])
            customer["amount_cents"] += entry["amount_cents"]
        for t in paid_orders:
            key = t.resident_id or f"unit:{t.unit_id}"
            customer = customers.setdefault(key, _customer(t.resident_id, t.unit_id))
            fee = t.fee_cents if t.fee_cents is not None else (t.quote_cents or 0)
            done = t.completed_at is not None
            customer["orders"].append(
                {"ticket_id": t.id, "number": t.number, "status": t.status.value, "fee_cents": fee, "done": done}
            )
            customer["amount_cents"] += fee if done else 0
        for customer in customers.values():
            customer["amount_yuan"] = yuan(customer["amount_cents"])
        return {
            "property_id": prop.id,
            "month": month,
            "as_of": as_of.isoformat(),
            "plans": plans_out,
            "customers": [customers[k] for k in sorted(customers)],
        }


def _customer(resident_id: str | None, unit_id: str | None) -> dict[str, Any]:
    return {"resident_id": resident_id, "unit_id": unit_id, "plans": [], "orders": [], "amount_cents": 0}


def _json_line(line: dict[str, Any]) -> dict[str, Any]:
    return {
        "slot": line["slot"].isoformat(),
        "at": line["at"].isoformat(),
        "state": line["state"],
        "ticket_number": line["ticket_number"],
        "ticket_status": line["ticket_status"],
    }


def visit_state(at: datetime, ticket: Ticket | None, prop: Property, now: datetime) -> str:
    """done (its order was completed), missed (its order voided, or its day over without it done), pending."""
    if ticket is not None and ticket.completed_at is not None:
        return "done"
    if ticket is not None and ticket.status is Status.VOIDED:
        return "missed"
    if now >= _local(at.astimezone(prop.zone).date() + timedelta(days=1), time(0), prop):
        return "missed"  # a visit never issued (the job did not run) is missed too
    return "pending"


def _month_bounds(month: str) -> tuple[date, date]:
    try:
        year, number = (int(part) for part in month.split("-"))
        if not 2000 <= year <= 2100:
            raise ValueError(month)
        last_day = calendar.monthrange(year, number)[1]
    except (ValueError, calendar.IllegalMonthError):
        raise _field("month", "must be a month such as 2026-12", "month must look like 2026-12") from None
    return date(year, number, 1), date(year, number, last_day)


def statement_key(property_id: str, month: str, plan_id: str | None = None) -> str:
    """Where the month end archives its statements in the reports bucket."""
    name = f"plan-{plan_id}" if plan_id else "customers"
    return f"household/{property_id}/{month}/{name}.json"


def archive_month(
    desk: HouseholdDesk, bucket: str, properties: Iterable[Property], month: str, as_of: datetime
) -> list[str]:
    """The month end: each plan's statement and the customers' summary, archived in the reports bucket."""
    import json

    from propdesk.reports import storage

    keys = []
    for prop in properties:
        whole = desk.statement(None, prop, month, as_of)
        for plan in whole["plans"]:
            key = statement_key(prop.id, month, plan["plan_id"])
            body = {k: whole[k] for k in ("property_id", "month", "as_of")} | plan
            storage.put_text(bucket, key, json.dumps(body, ensure_ascii=False, indent=1))
            keys.append(key)
        key = statement_key(prop.id, month)
        storage.put_text(bucket, key, json.dumps(whole, ensure_ascii=False, indent=1))
        keys.append(key)
    return keys
