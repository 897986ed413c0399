"""The property directory: properties, buildings, units, residents and staff."""

from __future__ import annotations

from datetime import time
from zoneinfo import ZoneInfo, available_timezones

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from propdesk.models.common import Count, Day, Flag, Id, Name, Phone, Subject, WallTime
from propdesk.models.enums import Department, Language, Role


class PropertySettings(BaseModel):
    """Per-property rules; every threshold a desk may tune, with the manuals' defaults."""

    model_config = ConfigDict(extra="forbid")

    callback_all: Flag = False  # one site calls back 100% of jobs
    quote_expiry_days: Count = Field(default=7, ge=1, le=60)
    identification_expiry_days: Count = Field(default=3, ge=1, le=60)
    appointment_confirm_days: Count = Field(default=3, ge=1, le=60)
    daily_sms_cap: Count = Field(default=500, ge=0, le=100_000)
    # Per-caller limits (answered 429 with Retry-After); API Gateway throttling is the outer bound.
    tickets_per_resident_hour: Count = Field(default=10, ge=1, le=1_000)
    attachments_per_ticket_day: Count = Field(default=20, ge=1, le=500)
    sms_replies_per_number_hour: Count = Field(default=3, ge=0, le=100)
    sms_replies_per_number_day: Count = Field(default=10, ge=0, le=1_000)
    sms_per_resident_day: Count = Field(default=20, ge=0, le=1_000)  # notices to one resident
    max_page_size: Count = Field(default=100, ge=1, le=100)  # a larger `limit` is served as this many


class Property(BaseModel):
    """A property (项目/小区); every record belongs to exactly one."""

    model_config = ConfigDict(extra="forbid")

    id: Id
    code: str = Field(pattern=r"^[A-Z]{2,6}$", description="prefix of ticket numbers, e.g. SUN")
    name: Name
    timezone: str = "Asia/Shanghai"
    country: str = Field(
        default="CN", pattern=r"^[A-Z]{2}$", description="ISO 3166 region of phone numbers written without +code"
    )
    desk_opens: WallTime = time(8, 0)
    desk_closes: WallTime = time(21, 0)
    holidays: list[Day] = Field(default_factory=list, max_length=366)
    settings: PropertySettings = Field(default_factory=PropertySettings)
    # The property's own SMS and phone numbers: a message or call to one opens its ticket here.
    numbers: list[Phone] = Field(default_factory=list, max_length=20)

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        if value not in _timezones():
            raise ValueError(f"unknown timezone {value!r}; use an IANA name such as Asia/Shanghai")
        return value

    @model_validator(mode="after")
    def _desk_hours_ordered(self) -> Property:
        if self.desk_opens >= self.desk_closes:
            raise ValueError("desk_opens must be before desk_closes")
        return self

    @field_validator("numbers")
    @classmethod
    def _numbers_once(cls, value: list[str]) -> list[str]:
        if len(set(value)) != len(value):
            raise ValueError("a receiving number is listed twice")
        return value

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


_TZ_CACHE: set[str] = set()


def _timezones() -> set[str]:
    if not _TZ_CACHE:
        _TZ_CACHE.update(available_timezones())
    return _TZ_CACHE


class Building(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: Id
    property_id: Id
    name: Name


class Unit(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: Id
    property_id: Id
    building_id: Id
    number: str = Field(min_length=1, max_length=20)
    contract_signed: Flag = False  # 已签约: required for call-centre complaints


class Resident(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: Id
    property_id: Id
    unit_id: Id
    name: Name
    phone: Phone
    language: Language = Language.ZH_CN
    user_sub: Subject | None = None  # the Cognito user, when the resident uses the app
    sms_opt_out: Flag = False


class ResidentListing(Resident):
    """A resident in the property's list: without the phone number for a role that only names residents."""

    phone: Phone | None = None  # type: ignore[assignment]


class Staff(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: Id
    property_id: Id | None  # None: group level (call centre, group managers)
    name: Name
    role: Role
    department: Department | None = None
    phone: Phone | None = None
    language: Language = Language.ZH_CN
    user_sub: Subject | None = None

    @field_validator("role")
    @classmethod
    def _staff_role(cls, value: Role) -> Role:
        if value in (Role.RESIDENT, Role.SYSTEM):
            raise ValueError("a staff member's role must be a staff role")
        return value
