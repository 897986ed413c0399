"""The directory a manager needs to run a property: properties, buildings, units, residents, staff.

Route functions for the four per-property collections are built in a loop, so
annotations must stay real objects (no `from __future__ import annotations`).
"""

from typing import Annotated, Any

from aws_lambda_powertools.event_handler import Response
from aws_lambda_powertools.event_handler.openapi.params import Body, Path
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter
from pydantic import BaseModel, ConfigDict, field_validator

from propdesk.errors import InvalidRequest
from propdesk.models.common import Flag, Id, Name, Subject
from propdesk.models.directory import Building, Property, Resident, ResidentListing, Staff, Unit
from propdesk.models.enums import STAFF_ROLES, Department, Language, Role
from propdesk.phones import PhoneText
from routes.deps import Caller, directory_service

router = APIGatewayHttpRouter()  # type: ignore[no-untyped-call]

PropertyId = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$")]
RecordId = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$")]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class BuildingIn(_In):
    id: Id
    name: Name


class UnitIn(_In):
    id: Id
    building_id: Id
    number: Annotated[str, Body(min_length=1, max_length=20)]
    contract_signed: Flag = False


class ResidentIn(_In):
    id: Id
    unit_id: Id
    name: Name
    phone: PhoneText
    language: Language = Language.ZH_CN
    user_sub: Subject | None = None
    sms_opt_out: Flag = False


class StaffIn(_In):
    id: Id
    name: Name
    role: Role
    department: Department | None = None
    phone: PhoneText | None = None
    language: Language = Language.ZH_CN
    user_sub: Subject | None = None

    @field_validator("role")
    @classmethod
    def _staff_role(cls, value: Role) -> Role:
        """A resident or the system is never staff: a 422 here, not a 500 from Staff later."""
        if value not in STAFF_ROLES:
            raise ValueError("must be a staff role")
        return value


def _check_id(path_id: str, body_id: str) -> None:
    if path_id != body_id:
        raise InvalidRequest(
            "the id in the body differs from the path", details=[{"field": "id", "problem": "mismatch"}]
        )


@router.get("/properties", summary="Properties the caller belongs to (all, for group level)", tags=["directory"])
def list_properties(caller: Caller) -> list[Property]:
    return directory_service().list_properties(caller)


@router.post("/properties", summary="Create a property (group-level managers)", tags=["directory"])
def create_property(caller: Caller, request: Annotated[Property, Body()]) -> Response[Property]:
    saved = directory_service().save_property(caller, request, create=True)
    return Response(status_code=201, content_type="application/json", body=saved)


@router.get("/properties/<property_id>", summary="One property", tags=["directory"])
def get_property(caller: Caller, property_id: PropertyId) -> Property:
    return directory_service().get_property(caller, property_id)


@router.put("/properties/<property_id>", summary="Update a property", tags=["directory"])
def update_property(caller: Caller, property_id: PropertyId, request: Annotated[Property, Body()]) -> Property:
    _check_id(property_id, request.id)
    return directory_service().save_property(caller, request, create=False)


def _with_phone(property_id: str, request: BaseModel) -> dict[str, Any]:
    """The record's fields under its property, a phone number in E.164 by the property's country."""
    data = {**request.model_dump(), "property_id": property_id}
    if data.get("phone"):
        data["phone"] = directory_service().phone(property_id, data["phone"])
    return data


def _register(segment: str, body_model: type[BaseModel], model: type[BaseModel], listed: type[BaseModel]) -> None:
    def list_records(caller: Caller, property_id: PropertyId) -> Any:
        return directory_service().list(caller, model, property_id)

    def create_record(caller: Caller, property_id: PropertyId, request: Any) -> Any:
        record = model.model_validate(_with_phone(property_id, request))
        saved = directory_service().save(caller, record, create=True)
        return Response(status_code=201, content_type="application/json", body=saved)

    def update_record(caller: Caller, property_id: PropertyId, record_id: RecordId, request: Any) -> Any:
        _check_id(record_id, request.id)
        record = model.model_validate(_with_phone(property_id, request))
        return directory_service().save(caller, record, create=False)

    list_records.__annotations__["return"] = list[listed]  # type: ignore[valid-type]
    create_record.__annotations__.update(request=Annotated[body_model, Body()], return_=None)
    create_record.__annotations__.pop("return_")
    create_record.__annotations__["return"] = Response[model]  # type: ignore[valid-type]
    update_record.__annotations__.update(request=Annotated[body_model, Body()])
    update_record.__annotations__["return"] = model
    noun = segment.rstrip("s")
    for fn, verb in ((list_records, "list"), (create_record, "create"), (update_record, "update")):
        fn.__name__ = fn.__qualname__ = f"{verb}_{segment if verb == 'list' else noun}"
    base = f"/properties/<property_id>/{segment}"
    router.get(base, summary=f"List {segment}", tags=["directory"])(list_records)
    router.post(base, summary=f"Create a {noun}", tags=["directory"])(create_record)
    router.put(f"{base}/<record_id>", summary=f"Update a {noun}", tags=["directory"])(update_record)


for _segment, _body, _model, _listed in (
    ("buildings", BuildingIn, Building, Building),
    ("units", UnitIn, Unit, Unit),
    ("residents", ResidentIn, Resident, ResidentListing),  # the gate's list has no phone numbers
    ("staff", StaffIn, Staff, Staff),
):
    _register(_segment, _body, _model, _listed)
