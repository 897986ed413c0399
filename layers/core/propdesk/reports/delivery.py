"""The daily report's morning link (日报送达): customer relations and engineering staff get it by SMS, once a day."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from pynamodb.attributes import UnicodeAttribute
from pynamodb.exceptions import PutError

from propdesk.dal.directory import DirectoryStore
from propdesk.dal.items import _Bindable
from propdesk.models.common import mask_phone
from propdesk.models.directory import Property, Staff
from propdesk.models.enums import STAFF_ROLES, Department, Language, Role
from propdesk.notify.sender import SmsSender
from propdesk.reports.periods import Period

# Who the daily report reaches (DOMAIN.md: "sent to customer relations and engineering").
READERS = frozenset({Department.CUSTOMER_SERVICE, Department.ENGINEERING})
OUTSIDERS = frozenset({Role.CONTRACTOR})  # an outside company's people work in engineering but are not its staff


def reads_daily(role: Role, department: str | None) -> bool:
    """Whether a member of staff is one the daily report is sent to."""
    return role in STAFF_ROLES - OUTSIDERS and department in {d.value for d in READERS}


TEXTS = {
    Language.ZH_CN: "{property}{day}日报已生成，请查看：{link}",
    Language.EN: "The daily report of {day} for {property} is ready: {link}",
}


class SentItem(_Bindable):
    """One staff member's link for one report, written before the send so a retried run sends it once."""

    class Meta:
        table_name = "unbound"

    pk = UnicodeAttribute(hash_key=True)
    sk = UnicodeAttribute(range_key=True)
    sent_at = UnicodeAttribute()


@dataclass(frozen=True, slots=True)
class Delivery:
    property_id: str
    staff_id: str
    phone: str  # masked: this record is logged


def report_link(base_url: str, period: Period, property_id: str) -> str:
    """The API's address of the report's HTML; the reader signs in, and it answers a short-lived link."""
    query = urlencode({"property_id": property_id, "format": "html"})
    return f"{base_url.rstrip('/')}/reports/{period.kind.value}/{period.label}?{query}"


def link_text(language: Language, prop: Property, period: Period, link: str) -> str:
    name = prop.name.split(" ")[0] if language is Language.ZH_CN else prop.name
    return TEXTS[language].format(property=name, day=period.label, link=link)


class DailyLinks:
    def __init__(self, books_table: str, directory: DirectoryStore, sender: SmsSender, base_url: str) -> None:
        SentItem.bind(books_table)
        self.directory = directory
        self.sender = sender
        self.base_url = base_url

    def send(self, prop: Property, period: Period, at_key: str) -> list[Delivery]:
        """Text the link to each reader of the property who has a phone and has not had it for this period."""
        link = report_link(self.base_url, period, prop.id)
        sent = []
        for staff in self.directory.list_records(Staff, prop.id):
            department = staff.department.value if staff.department else None
            if not reads_daily(staff.role, department) or not staff.phone:
                continue
            marker = SentItem(f"{prop.id}#REPORTLINK#{period.kind.value}#{period.label}", staff.id, sent_at=at_key)
            try:
                marker.save(condition=SentItem.pk.does_not_exist())
            except PutError as err:
                if err.cause_response_code == "ConditionalCheckFailedException":
                    continue  # this reader has today's link already
                raise
            try:
                self.sender.send(staff.phone, link_text(staff.language, prop, period, link))
            except Exception:
                marker.delete()  # not sent: the schedule's retry sends it
                raise
            sent.append(Delivery(prop.id, staff.id, mask_phone(staff.phone)))
        return sent
