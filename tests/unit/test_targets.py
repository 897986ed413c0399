"""The timers' rule book, driven through the lifecycle table and `actions.apply` as the API drives them.

Every due time below is written by hand as a local wall-clock time (Shanghai, desk 08:00-21:00) from
DOMAIN.md's "How each timer is counted"; none is computed by the code under test.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from propdesk import lifecycle, targets
from propdesk.access import SYSTEM, Principal
from propdesk.errors import ActionNotAllowed, InvalidRequest
from propdesk.logic import actions
from propdesk.logic import commands as c
from propdesk.models.directory import Property
from propdesk.models.enums import Action, Channel, Role, Status, TicketKind
from propdesk.models.ticket import Ticket
from propdesk.sla import TargetName

SHANGHAI = ZoneInfo("Asia/Shanghai")
PROP = Property(id="SUN", code="SUN", name="Sunshine")
DESK = Principal(user_id="desk", role=Role.DESK_AGENT, property_id="SUN")
TECH = Principal(user_id="tech", role=Role.TECHNICIAN, property_id="SUN")
RESIDENT = Principal(user_id="zhang", role=Role.RESIDENT, property_id="SUN")
CALLCENTRE = Principal(user_id="hotline", role=Role.CALLCENTRE_AGENT, property_id=None)

_INPUTS: dict[Action, type[Any]] = {
    Action.CLASSIFY: c.ClassifyInput,
    Action.DISPATCH: c.DispatchInput,
    Action.ACCEPT: c.NoteInput,
    Action.ARRIVE: c.NoteInput,
    Action.BOOK_APPOINTMENT: c.AppointmentInput,
    Action.PAUSE: c.ReasonInput,
    Action.RESUME: c.ReasonInput,
    Action.START: c.NoteInput,
    Action.COMPLETE: c.CompleteInput,
    Action.RESOLVE_SUBTASK: c.ResolveSubtaskInput,
    Action.SIGN_OFF: c.SignOffInput,
    Action.REFUSE: c.ReasonInput,
    Action.RECORD_CALLBACK: c.CallbackInput,
    Action.CLOSE: c.CloseInput,
    Action.VOID: c.ReasonInput,
    Action.REOPEN: c.ReasonInput,
    Action.COORDINATE: c.CoordinateInput,
}


def sh(day: int, hour: int, minute: int = 0) -> datetime:
    """A local wall-clock time in Shanghai, November 2026 (the 23rd is a Monday)."""
    return datetime(2026, 11, day, hour, minute, tzinfo=SHANGHAI)


def new_ticket(kind: TicketKind = TicketKind.REPAIR, **fields: object) -> Ticket:
    base: dict[str, object] = {
        "id": "t_1",
        "number": "SUN-20261123-0001",
        "property_id": "SUN",
        "kind": kind,
        "channel": Channel.APP,
        "status": Status.RECEIVED,
        "description": "漏水",
        "created_by": "zhang",
        "recorded_by": Role.RESIDENT,
        "created_at": sh(23, 10, 0),
        "updated_at": sh(23, 10, 0),
    }
    return Ticket.model_validate(base | fields)


def act(t: Ticket, who: Principal, action: Action, at: datetime, prop: Property = PROP, **body: object) -> Ticket:
    """One action as the API takes it: the lifecycle table decides, `actions.apply` does it."""
    row = lifecycle.transition_for(t, action, who.role, prop.settings.callback_all)
    payload = _INPUTS[action].model_validate(body)
    updated, _data, _note = actions.apply(t, row, payload, who, prop, at)
    return updated


def dispatched(t: Ticket | None = None, at: datetime | None = None) -> Ticket:
    t = act(t or new_ticket(), DESK, Action.CLASSIFY, sh(23, 10, 0), department="engineering")
    return act(t, DESK, Action.DISPATCH, at or sh(23, 10, 5), assignee_id="tech")


def due(t: Ticket, name: str) -> datetime:
    return targets.due_of(t.sla[name])


# ---- the rule book ----------------------------------------------------------------------------------


def test_every_timer_has_exactly_one_rule():
    assert set(targets.RULES) == set(TargetName)
    assert targets.RECURRING == (
        TargetName.COORDINATION_CHECK,
        TargetName.COORDINATION_UPDATE,
        TargetName.BUTLER_REPORT,
    )


# ---- callback from completion -----------------------------------------------------------------------


def _completed(t: Ticket, at: datetime) -> Ticket:
    """Accepted 10:10, on site 10:15, started 10:20, completed at `at`."""
    t = act(t, TECH, Action.ACCEPT, sh(23, 10, 10))
    t = act(t, TECH, Action.ARRIVE, sh(23, 10, 15))
    t = act(t, TECH, Action.START, sh(23, 10, 20))
    return act(t, TECH, Action.COMPLETE, at, notes="修好了")


def test_the_callback_is_due_24_hours_after_completion_not_sign_off():
    t = _completed(dispatched(), sh(23, 11, 0))
    t = act(t, RESIDENT, Action.SIGN_OFF, sh(23, 18, 30), rating=2)  # unsatisfied: a callback is required
    callback = t.sla["callback"]
    assert callback.started_at == sh(23, 11, 0)
    assert due(t, "callback") == sh(24, 11, 0)


def test_after_rework_the_callback_counts_from_the_last_completion():
    t = _completed(dispatched(), sh(23, 11, 0))
    t = act(t, RESIDENT, Action.REFUSE, sh(23, 12, 0), reason="还在漏水")
    assert due(t, "rework") == sh(23, 21, 0)  # finished again the same desk day
    t = act(t, TECH, Action.START, sh(23, 14, 0))
    t = act(t, TECH, Action.COMPLETE, sh(23, 16, 45))
    assert t.sla["rework"].met_at == sh(23, 16, 45) and not t.sla["rework"].breached
    t = act(t, RESIDENT, Action.SIGN_OFF, sh(24, 9, 0), rating=3)
    assert due(t, "callback") == sh(24, 16, 45)


def test_a_complaints_callback_is_due_24_hours_after_its_last_sub_task():
    t = act(new_ticket(TicketKind.COMPLAINT), DESK, Action.CLASSIFY, sh(23, 10, 0))
    t = act(t, DESK, Action.DISPATCH, sh(23, 10, 5), departments=["engineering", "cleaning"])
    t = act(t, DESK, Action.RESOLVE_SUBTASK, sh(23, 15, 0), department="engineering", outcome="done")
    t = act(t, DESK, Action.RESOLVE_SUBTASK, sh(24, 9, 30), department="cleaning", outcome="rejected")
    assert t.status is Status.COMPLETED and due(t, "callback") == sh(25, 9, 30)


# ---- complaints and closed tickets ------------------------------------------------------------------


def test_complaints_carry_no_first_response_target():
    t = act(new_ticket(TicketKind.COMPLAINT, channel=Channel.CALL_CENTRE), DESK, Action.CLASSIFY, sh(23, 10, 0))
    t = act(t, DESK, Action.DISPATCH, sh(23, 10, 5), departments=["engineering"])
    assert "on_site" not in t.sla and "accept_inspect" not in t.sla
    assert due(t, "same_day") == sh(23, 21, 0)


@pytest.mark.parametrize(
    ("action", "who", "body"),
    [(Action.VOID, DESK, {"reason": "重复报修"}), (Action.CLOSE, SYSTEM, {"reason": "stale"})],
)
def test_no_target_stays_open_on_a_closed_ticket(action, who, body):
    t = dispatched()  # on site due 10:20, same day due 21:00
    t = act(t, who, action, sh(23, 10, 50), **body)
    assert t.status.value in ("voided", "closed")
    assert all(not target.open for target in t.sla.values())
    on_site, same_day = t.sla["on_site"], t.sla["same_day"]
    # The on-site due had passed: breached by 30 minutes; the same-day due had not
    assert on_site.met_at == t.closed_at == sh(23, 10, 50)
    assert on_site.breached and on_site.breach_seconds == 30 * 60
    assert same_day.met_at == sh(23, 10, 50) and not same_day.breached
    assert t.next_due() is None


# ---- appointments -------------------------------------------------------------------------------------


def test_booking_within_the_on_site_target_meets_it_and_the_appointment_runs_its_own():
    t = dispatched()  # 10:05: on site due 10:20
    assert due(t, "on_site") == sh(23, 10, 20)
    t = act(t, DESK, Action.BOOK_APPOINTMENT, sh(23, 10, 12), appointment_at=sh(23, 14, 0).isoformat())
    on_site = t.sla["on_site"]
    assert on_site.met_at == sh(23, 10, 12) and not on_site.breached
    assert due(t, "appointment") == sh(23, 14, 0)
    # The technician comes ten minutes after the booked time: the appointment is met late, apart
    t = act(t, TECH, Action.ACCEPT, sh(23, 13, 0))
    t = act(t, TECH, Action.ARRIVE, sh(23, 14, 10))
    appointment = t.sla["appointment"]
    assert appointment.met_at == sh(23, 14, 10) and appointment.breached and appointment.breach_seconds == 600
    assert not t.sla["on_site"].breached


def test_an_appointment_booked_before_dispatch_is_honoured():
    t = act(new_ticket(), DESK, Action.CLASSIFY, sh(23, 10, 0), department="engineering")
    t = act(t, DESK, Action.BOOK_APPOINTMENT, sh(23, 10, 2), appointment_at=sh(23, 15, 0).isoformat())
    t = act(t, DESK, Action.DISPATCH, sh(23, 10, 5), assignee_id="tech")
    # No fresh 15-minute target against the agreed visit: the appointment is the target
    assert "on_site" not in t.sla and "accept_inspect" not in t.sla
    assert due(t, "appointment") == sh(23, 15, 0)
    # The wait for the resident (10:05-15:00, all desk time) moves the same-day due by 4 h 55 min of desk time
    assert due(t, "same_day") == sh(24, 12, 55)


def test_rebooking_replaces_the_appointment_time():
    t = dispatched()
    t = act(t, DESK, Action.BOOK_APPOINTMENT, sh(23, 10, 12), appointment_at=sh(23, 14, 0).isoformat())
    t = act(t, DESK, Action.BOOK_APPOINTMENT, sh(23, 13, 30), appointment_at=sh(24, 9, 0).isoformat())
    assert due(t, "appointment") == sh(24, 9, 0) and t.sla["appointment"].open


# ---- accept & inspect -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "channel", "recorded_by"),
    [
        (TicketKind.WARRANTY, Channel.APP, Role.RESIDENT),
        (TicketKind.REPAIR, Channel.CALL_CENTRE, None),  # the 400 hotline, recorded by the intake channel
        (TicketKind.REPAIR, Channel.PHONE, Role.CALLCENTRE_AGENT),  # a call-centre agent, whatever channel
        (TicketKind.HOUSEHOLD_SERVICE, Channel.CALL_CENTRE, None),
    ],
)
def test_warranty_and_call_centre_orders_get_accept_and_inspect_instead_of_on_site(kind, channel, recorded_by):
    t = dispatched(new_ticket(kind, channel=channel, recorded_by=recorded_by))
    assert "on_site" not in t.sla
    assert due(t, "accept_inspect") == sh(23, 10, 35)


def test_a_desk_agents_phone_order_gets_on_site():
    t = dispatched(new_ticket(channel=Channel.PHONE, recorded_by=None))
    assert "accept_inspect" not in t.sla and due(t, "on_site") == sh(23, 10, 20)


def test_accept_and_inspect_is_met_by_being_on_site_not_by_accepting_alone():
    t = dispatched(new_ticket(TicketKind.WARRANTY))  # 10:05: due 10:35
    t = act(t, TECH, Action.ACCEPT, sh(23, 10, 10))
    assert t.sla["accept_inspect"].open
    t = act(t, TECH, Action.ARRIVE, sh(23, 10, 40))
    target = t.sla["accept_inspect"]
    assert target.met_at == sh(23, 10, 40) and target.breached and target.breach_seconds == 5 * 60


# ---- pauses: the resident away ----------------------------------------------------------------------------


def _in_progress() -> Ticket:
    t = dispatched()
    t = act(t, TECH, Action.ACCEPT, sh(23, 10, 10))
    t = act(t, TECH, Action.ARRIVE, sh(23, 10, 15))
    return act(t, TECH, Action.START, sh(23, 10, 20))


def test_a_pause_moves_a_same_day_due_by_the_desk_time_inside_it():
    t = act(_in_progress(), DESK, Action.PAUSE, sh(23, 11, 0), reason="业主临时外出")
    assert t.paused_since == sh(23, 11, 0)
    t = act(t, DESK, Action.RESUME, sh(23, 14, 0), reason="业主已回家")
    # Three desk hours inside the pause: 21:00 plus three desk hours is 11:00 the next morning
    assert t.paused_since is None and due(t, "same_day") == sh(24, 11, 0)


def test_a_pause_over_the_night_counts_only_its_desk_hours():
    t = act(_in_progress(), DESK, Action.PAUSE, sh(23, 20, 0), reason="业主出差")
    t = act(t, DESK, Action.RESUME, sh(24, 9, 0), reason="业主回来了")
    # 20:00-21:00 and 08:00-09:00: two desk hours, so 21:00 becomes 10:00 (never a night-time due)
    assert due(t, "same_day") == sh(24, 10, 0)


def test_a_pause_moves_wall_clock_targets_by_wall_time_and_desk_time_targets_by_desk_time():
    t = act(_in_progress(), DESK, Action.COORDINATE, sh(23, 10, 30))
    # Engineering contacts the resident within half a desk day (6.5 desk hours); the desk replies within 24 h
    assert due(t, "coordination_contact") == sh(23, 17, 0)
    assert due(t, "coordination_reply") == sh(24, 10, 30)
    t = act(t, DESK, Action.PAUSE, sh(23, 11, 0), reason="业主出差")
    t = act(t, DESK, Action.RESUME, sh(24, 9, 0), reason="业主回来了")
    # The pause holds 22 wall hours and 11 desk hours (11:00-21:00, 08:00-09:00)
    assert due(t, "coordination_reply") == sh(25, 8, 30)
    assert due(t, "coordination_contact") == sh(24, 15, 0)  # 17:00 + 11 desk hours: 21:00 on the 23rd, then 15:00
    assert t.paused_seconds == 22 * 3600


def test_the_desk_pause_is_refused_twice_and_resume_needs_a_running_pause():
    t = _in_progress()
    with pytest.raises(ActionNotAllowed, match="allowed now"):
        act(t, DESK, Action.RESUME, sh(23, 11, 0), reason="业主回来了")
    t = act(t, DESK, Action.PAUSE, sh(23, 11, 0), reason="业主出差")
    with pytest.raises(ActionNotAllowed, match="allowed now"):
        act(t, DESK, Action.PAUSE, sh(23, 12, 0), reason="又出门了")


def test_arriving_ends_the_pause_and_a_target_met_in_a_pause_is_judged_against_the_moved_due():
    t = dispatched()  # on site due 10:20
    t = act(t, DESK, Action.PAUSE, sh(23, 10, 10), reason="业主不在家")
    t = act(t, TECH, Action.ACCEPT, sh(23, 10, 30))
    t = act(t, TECH, Action.ARRIVE, sh(23, 10, 40))  # 30 minutes of pause: due 10:50, met at 10:40
    on_site = t.sla["on_site"]
    assert t.paused_since is None and on_site.met_at == sh(23, 10, 40) and not on_site.breached
    assert due(t, "on_site") == sh(23, 10, 50)


# ---- the butler's report ----------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [Status.IN_PROGRESS, Status.COORDINATION])
def test_the_butler_reports_every_four_desk_hours_coordination_sheets_included(status):
    from propdesk.calendar import DeskCalendar

    t = _in_progress().model_copy(update={"status": status, "coordination_opened_at": sh(23, 21, 0)})
    [butler] = [s for s in targets.started_by_workflow(t, DeskCalendar(), sh(23, 10, 20)) if s.name == "butler_report"]
    assert butler.due_at == sh(23, 14, 5)  # dispatched 10:05
    dues = []
    for _ in range(4):
        butler.due_at = targets.next_reminder(t, butler, DeskCalendar())
        dues.append(butler.due_at)
    # 18:05; then 2 h 55 min to the 21:00 close and 1 h 05 min the next morning; then every 4 desk hours
    assert dues == [sh(23, 18, 5), sh(24, 9, 5), sh(24, 13, 5), sh(24, 17, 5)]


# ---- an unsatisfied callback ----------------------------------------------------------------------------


def _signed_off() -> Ticket:
    t = _completed(dispatched(), sh(23, 11, 0))
    return act(t, RESIDENT, Action.SIGN_OFF, sh(23, 11, 30), rating=3)


def test_an_unsatisfied_callback_sends_a_repair_back_to_rework_and_a_later_callback_decides():
    t = act(_signed_off(), DESK, Action.RECORD_CALLBACK, sh(23, 15, 0), satisfaction=2)
    # Not closed: back to rework, finished again by the close of the desk day
    assert t.status is Status.REWORK and t.sla["callback"].met_at == sh(23, 15, 0)
    assert due(t, "rework") == sh(23, 21, 0)
    assert lifecycle.find_transition(t, Action.CLOSE, Role.DESK_AGENT) is None
    t = act(t, TECH, Action.START, sh(23, 16, 0))
    t = act(t, TECH, Action.COMPLETE, sh(23, 17, 0))
    # Even a satisfied sign-off of a free job needs the later callback, due 24 h after the new completion
    t = act(t, RESIDENT, Action.SIGN_OFF, sh(23, 17, 10), rating=5)
    assert due(t, "callback") == sh(24, 17, 0)
    assert lifecycle.find_transition(t, Action.CLOSE, Role.SYSTEM) is None
    t = act(t, DESK, Action.RECORD_CALLBACK, sh(24, 10, 0), satisfaction=5)
    assert t.status is Status.CALLBACK_DONE
    t = act(t, SYSTEM, Action.CLOSE, sh(24, 10, 0))
    assert t.status is Status.CLOSED


def test_an_unsatisfied_complaint_stays_open_for_the_manager_who_closes_it_only_with_a_reason():
    manager = Principal(user_id="boss", role=Role.MANAGER, property_id="SUN")
    t = act(new_ticket(TicketKind.COMPLAINT), DESK, Action.CLASSIFY, sh(23, 10, 0))
    t = act(t, DESK, Action.DISPATCH, sh(23, 10, 5), departments=["engineering"])
    t = act(t, DESK, Action.RESOLVE_SUBTASK, sh(23, 15, 0), department="engineering", outcome="done")
    t = act(t, DESK, Action.RECORD_CALLBACK, sh(23, 16, 0), satisfaction=1)
    assert t.status is Status.COMPLETED and t.is_open
    assert lifecycle.find_transition(t, Action.CLOSE, Role.DESK_AGENT) is None
    with pytest.raises(InvalidRequest, match="reason"):
        act(t, manager, Action.CLOSE, sh(23, 17, 0))
    t = act(t, manager, Action.CLOSE, sh(23, 17, 0), reason="已与业主面谈，诉求超出物业范围")
    assert t.status is Status.CLOSED and all(not target.open for target in t.sla.values())


def test_a_pause_over_the_spring_forward_night_moves_wall_and_desk_targets_by_what_really_elapsed():
    # New York springs forward at 02:00 on Sunday 8 March 2026: the night is one wall-clock hour short
    ny = ZoneInfo("America/New_York")
    prop = Property(id="SUN", code="SUN", name="Hudson", timezone="America/New_York")
    t = new_ticket(
        created_at=datetime(2026, 3, 7, 20, 45, tzinfo=ny), updated_at=datetime(2026, 3, 7, 20, 45, tzinfo=ny)
    )
    t = act(t, DESK, Action.CLASSIFY, datetime(2026, 3, 7, 20, 45, tzinfo=ny), prop, department="engineering")
    t = act(t, DESK, Action.DISPATCH, datetime(2026, 3, 7, 20, 50, tzinfo=ny), prop, assignee_id="tech")
    assert due(t, "on_site") == datetime(2026, 3, 7, 21, 5, tzinfo=ny)
    assert due(t, "same_day") == datetime(2026, 3, 7, 21, 0, tzinfo=ny)
    t = act(t, DESK, Action.PAUSE, datetime(2026, 3, 7, 20, 55, tzinfo=ny), prop, reason="resident out")
    t = act(t, DESK, Action.RESUME, datetime(2026, 3, 8, 8, 55, tzinfo=ny), prop, reason="resident back")
    # 20:55 EST to 08:55 EDT is 11 elapsed hours: the on-site due keeps its 10 minutes after the resume
    assert due(t, "on_site") == datetime(2026, 3, 8, 9, 5, tzinfo=ny)
    # Desk time inside the pause: 20:55-21:00 and 08:00-08:55, one hour: the same-day due is 09:00
    assert due(t, "same_day") == datetime(2026, 3, 8, 9, 0, tzinfo=ny)


def test_a_reopened_order_dispatched_again_runs_fresh_targets():
    manager = Principal(user_id="boss", role=Role.MANAGER, property_id="SUN")
    t = act(dispatched(), manager, Action.CLOSE, sh(23, 10, 10), reason="业主说不用修了")
    t = act(t, manager, Action.REOPEN, sh(24, 9, 0), reason="业主说还没修")
    t = act(t, DESK, Action.CLASSIFY, sh(24, 9, 5), department="engineering")
    t = act(t, DESK, Action.DISPATCH, sh(24, 9, 10), assignee_id="tech")
    assert due(t, "on_site") == sh(24, 9, 25) and t.sla["on_site"].open
    assert due(t, "same_day") == sh(24, 21, 0) and t.sla["same_day"].open


def test_a_second_dispatch_keeps_an_unmet_first_response_and_its_day():
    t = dispatched()  # 10:05
    t = act(t, DESK, Action.DISPATCH, sh(23, 10, 30), assignee_id="tech2")
    assert due(t, "on_site") == sh(23, 10, 20) and due(t, "same_day") == sh(23, 21, 0)


def test_the_appointment_is_reported_apart_from_the_on_site_target():
    from propdesk.reports.figures import Figures

    t = dispatched()
    t = act(t, DESK, Action.BOOK_APPOINTMENT, sh(23, 10, 12), appointment_at=sh(23, 14, 0).isoformat())
    t = act(t, TECH, Action.ACCEPT, sh(23, 13, 0))
    t = act(t, TECH, Action.ARRIVE, sh(23, 14, 10))
    figures = Figures()
    figures.add(t, sh(23, 18, 0))
    report = figures.to_dict()["sla"]
    assert (report["on_site"]["met_on_time"], report["on_site"]["met_late"]) == (1, 0)
    assert (report["appointment"]["met_on_time"], report["appointment"]["met_late"]) == (0, 1)


def test_a_warranty_order_is_due_by_the_contractors_deadline_whatever_wait_came_before():
    # The visit booked for the next day paused the same-day clock; the contract's deadline is an instant of its own
    t = dispatched(new_ticket(TicketKind.WARRANTY))
    t = act(t, DESK, Action.BOOK_APPOINTMENT, sh(23, 10, 10), appointment_at=sh(24, 10, 0))
    assert due(t, "same_day") > sh(23, 21, 0)
    t = act(t, TECH, Action.ACCEPT, sh(24, 9, 50))
    t = act(t, TECH, Action.ARRIVE, sh(24, 9, 55))
    warranty = Principal(user_id="wu", role=Role.WARRANTY_ENGINEER, property_id="SUN")
    payload = c.RouteInput(contractor_id="zheng", deadline=sh(27, 18, 0))
    row = lifecycle.transition_for(t, Action.ROUTE, warranty.role)
    t, _data, _note = actions.apply(t, row, payload, warranty, PROP, sh(24, 10, 0))
    assert due(t, "same_day") == sh(27, 18, 0)
