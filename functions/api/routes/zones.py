"""Zones (责任区域): the manager assigns buildings to a butler or desk agent; each reads their zone's open work."""

from __future__ import annotations

from functools import cache
from typing import Annotated

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Body, Path, Query
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter
from pydantic import BaseModel, ConfigDict, Field

from api_settings import settings
from propdesk.books.zones import Zone, ZoneBook
from propdesk.dal.tickets import TicketStore
from propdesk.logic.zones import ZoneService
from propdesk.models.common import Id, Name
from routes.deps import Caller, directory_cache, page_view
from routes.views import TicketView

router = APIGatewayHttpRouter()  # type: ignore[no-untyped-call]

PropertyId = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$")]
ZoneId = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$")]


@cache
def zone_service() -> ZoneService:
    cfg = settings()
    return ZoneService(ZoneBook(cfg.books_table), TicketStore(cfg.tickets_table), directory_cache())


class ZoneIn(BaseModel):
    """A zone as the manager writes it: its name, its person, its buildings."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: Name
    staff_id: Id
    building_ids: list[Id] = Field(min_length=1, max_length=200)


class MyZone(BaseModel):
    zone: Zone
    items: list[TicketView]
    cursor: str | None


@router.get("/properties/<property_id>/zones", summary="The property's zones (staff)", tags=["zones"])
def list_zones(caller: Caller, property_id: PropertyId) -> list[Zone]:
    return zone_service().of_property(caller, property_id)


@router.get("/properties/<property_id>/zones/<zone_id>", summary="One zone (staff)", tags=["zones"])
def get_zone(caller: Caller, property_id: PropertyId, zone_id: ZoneId) -> Zone:
    return zone_service().get(caller, property_id, zone_id)


@router.put(
    "/properties/<property_id>/zones/<zone_id>",
    summary="Create or replace a zone: a butler's buildings or a desk agent's responsibility zone (manager)",
    tags=["zones"],
)
def put_zone(caller: Caller, property_id: PropertyId, zone_id: ZoneId, request: Annotated[ZoneIn, Body()]) -> Zone:
    return zone_service().save(caller, property_id, zone_id, request.name, request.staff_id, request.building_ids)


@router.delete("/properties/<property_id>/zones/<zone_id>", summary="Remove a zone (manager)", tags=["zones"])
def delete_zone(caller: Caller, property_id: PropertyId, zone_id: ZoneId) -> Response[None]:
    zone_service().delete(caller, property_id, zone_id)
    return Response(status_code=204)


@router.get("/my-zone", summary="My zone and its open matters, soonest due first (butler, desk agent)", tags=["zones"])
def my_zone(
    caller: Caller,
    limit: Annotated[int, Query(ge=1, le=100)] = 25,
    cursor: Annotated[str | None, Query(max_length=2000)] = None,
) -> MyZone:
    zone, page = zone_service().my_zone(caller, limit, cursor)
    view = page_view(page, caller)
    return MyZone(zone=zone, items=view.items, cursor=view.cursor)
