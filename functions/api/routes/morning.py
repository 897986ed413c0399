"""The morning-meeting list (早会清单) the end-of-day sweep leaves in the reports bucket, for the people who
work it: the desk, the control room at night, the dispatcher and the manager of the property."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Literal

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Path, Query
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter
from pydantic import BaseModel

from propdesk import clock
from propdesk.access import Principal
from propdesk.errors import NotFound
from propdesk.models.common import Day
from propdesk.models.enums import Role
from propdesk.reports import storage
from propdesk.sweep import meeting
from routes.deps import Caller, directory_cache
from routes.reports import INLINE_BYTES, LINK_SECONDS, reports_bucket

router = APIGatewayHttpRouter()  # type: ignore[no-untyped-call]

READERS = (Role.DESK_AGENT, Role.CONTROL_ROOM, Role.DISPATCHER, Role.MANAGER)
RECENT_DAYS = 31
PropertyId = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$")]
SweepDay = Annotated[Day, Path(description="the property-local day of the sweep, e.g. 2026-11-23")]


class MorningItem(BaseModel):
    """One unfinished order (or uncollected mail) with the person responsible for it at the meeting."""

    department: str
    number: str
    ticket_id: str
    kind: str
    status: str
    responsible: str
    age_hours: float
    next_due: str | None
    breaches: list[str]
    coordination: bool


class MorningDepartment(BaseModel):
    department: str
    items: list[MorningItem]


class MorningList(BaseModel):
    """The list as the sweep wrote it: `day` names a run by hand (`2026-11-23-manual-112200`) as such."""

    property_id: str
    day: str
    as_of: str
    total: int
    departments: list[MorningDepartment]
    mail_waiting: list[MorningItem] = []


class MorningLink(BaseModel):
    """A short-lived link to the CSV, or to a list too large to answer inline."""

    url: str
    expires_in: int
    format: Literal["json", "csv"]


class MorningDays(BaseModel):
    """The days of the last month with a list, newest first."""

    days: list[str]


def _may_read(caller: Principal, property_id: str) -> None:
    caller.require_property(property_id)
    caller.require_role(*READERS)


def _list_key(property_id: str, day: date) -> str | None:
    """The day's end-of-day list; before it exists, the newest run made by hand that day; None if neither."""
    bucket = reports_bucket()
    scheduled = meeting.list_key(property_id, day.isoformat(), "json")
    if storage.exists(bucket, scheduled):
        return scheduled
    by_hand = storage.list_keys(bucket, meeting.manual_prefix(property_id, day.isoformat()))
    runs = [k for k in by_hand if k.endswith(".json") and "/parts/" not in k]
    return runs[-1] if runs else None


@router.get(
    "/properties/<property_id>/morning",
    summary="The days of the last month whose morning-meeting list the sweep has written, newest first",
    tags=["morning meeting"],
)
def list_morning_days(caller: Caller, property_id: PropertyId) -> MorningDays:
    _may_read(caller, property_id)
    today = clock.now().astimezone(directory_cache().property(property_id).zone).date()
    folder = meeting.lists_folder(property_id)
    since = folder + (today - timedelta(days=RECENT_DAYS)).isoformat()
    names = storage.list_names(reports_bucket(), folder, after=since)
    days = {name.split("-manual-")[0].removesuffix(".json") for name in names if name.endswith(".json")}
    return MorningDays(days=sorted(days, reverse=True))


@router.get(
    "/properties/<property_id>/morning/<day>",
    summary="The morning-meeting list the end-of-day sweep wrote on a day: unfinished orders by department, "
    "each with the person responsible; or a short-lived link to its CSV",
    description="The list swept after the desk closed that day; until it exists, the newest sweep run by hand "
    "that day. The meeting of a morning reads the list of the evening before.",
    tags=["morning meeting"],
    responses={
        200: {"description": "The list, or for format=csv a presigned link to the file"},
        303: {"description": "A list too large to answer inline: Location is a presigned link to it"},
        404: {"description": "No such property for this caller, or no sweep of that day yet"},
    },
)
def get_morning_list(
    caller: Caller,
    property_id: PropertyId,
    day: SweepDay,
    format: Annotated[Literal["json", "csv"], Query()] = "json",
) -> Response[MorningList | MorningLink]:
    _may_read(caller, property_id)
    swept = date.fromisoformat(str(day))
    key = _list_key(property_id, swept)
    if key is None:
        raise NotFound(f"the sweep has not written a morning-meeting list of {swept.isoformat()} for {property_id} yet")
    bucket = reports_bucket()
    if format == "csv":
        url = storage.presign(bucket, key.removesuffix(".json") + ".csv", LINK_SECONDS)
        link = MorningLink(url=url, expires_in=LINK_SECONDS, format=format)
        return Response(status_code=200, content_type="application/json", body=link)
    if (storage.size(bucket, key) or 0) > INLINE_BYTES:
        url = storage.presign(bucket, key, LINK_SECONDS)
        link = MorningLink(url=url, expires_in=LINK_SECONDS, format=format)
        return Response(status_code=303, content_type="application/json", body=link, headers={"Location": url})
    text = storage.get_text(bucket, key)
    if text is None:
        raise NotFound(f"the morning-meeting list of {swept.isoformat()} for {property_id} is gone")
    return Response(status_code=200, content_type="application/json", body=MorningList.model_validate_json(text))
