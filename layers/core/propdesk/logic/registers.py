"""The site office's registers as use cases: who may write each entry, and what each step records and tells."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Annotated, Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, Strict, StringConstraints, model_validator

from propdesk import clock
from propdesk.access import Principal
from propdesk.books.registers import (
    EXTRA_CARD_CENTS,
    FIRST_VERSION,
    FREE_CARDS_PER_MEMBER,
    PERMIT_TARGET_MINUTES,
    Entry,
    MailItem,
    PassCard,
    Permit,
    Register,
    RegisterStore,
    Step,
    Subscription,
    Visit,
    Worker,
    entry_number,
    entry_pk,
    timer_instant,
)
from propdesk.dal.keys import iso_key
from propdesk.errors import Conflict, InvalidRequest, NotFound
from propdesk.logic.directory import DirectoryCache
from propdesk.models.common import Cents, Id, Name, ShortText
from propdesk.models.directory import Resident, Staff
from propdesk.models.enums import Department, Language, Role
from propdesk.notify.sender import SmsSender
from propdesk.numbering import local_day

E = TypeVar("E", bound=Entry)
C = TypeVar("C", PassCard, Subscription)  # the entries a cancellation ends
log = logging.getLogger(__name__)

# 管理处: the office keeps the registers; the desk and the manager work in the same office.
OFFICE = (Role.OFFICE_CLERK, Role.DESK_AGENT, Role.MANAGER)
GATE = (Role.SECURITY,)
Months = Annotated[int, Strict(), Field(ge=1, le=24)]
Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=500)]
Month = Annotated[str, StringConstraints(pattern=r"^[0-9]{4}-(0[1-9]|1[0-2])$")]

ZH, EN = Language.ZH_CN, Language.EN
MAIL_ITEMS = {
    "letter": {ZH: "信件", EN: "letter"},
    "parcel": {ZH: "包裹", EN: "parcel"},
    "registered": {ZH: "挂号信", EN: "registered letter"},
}
TEXTS = {
    "mail_arrived": {
        ZH: "{name}您好，您有一件{item}已到管理处（编号{number}），请本人携带证件签名领取。",
        EN: "Dear {name}, a {item} for you has arrived at the site office (no. {number}). "
        "Please collect it in person and sign for it.",
    },
    "permit_overdue": {
        ZH: "施工单位工作证{number}（{contractor}）受理已超过30分钟仍未办结，请跟进。",
        EN: "Work permit {number} ({contractor}) was not issued within 30 minutes of receipt; please follow up.",
    },
}
NOT_REFUNDABLE = {
    ZH: "订阅已取消；预付的订阅期不予退款。",
    EN: "The subscription is cancelled; prepaid periods are not refundable.",
}


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class PassCardIn(_In):
    resident_id: Id
    card_number: ShortText


class SignatureIn(_In):
    signature_key: Annotated[str, StringConstraints(min_length=10, max_length=400)]


class CancelIn(_In):
    reason: Reason


class WorkerIn(_In):
    name: Name


class PermitIn(_In):
    contractor: Name
    work: ShortText
    unit_id: Id | None = None
    workers: list[WorkerIn] = Field(min_length=1, max_length=50)
    documents: list[ShortText] = Field(min_length=1, max_length=20)
    fee_cents: Cents


class FeeIn(_In):
    amount_cents: Cents


class DocumentsIn(_In):
    passed: Annotated[bool, Strict()]
    note: ShortText | None = None


class MailIn(_In):
    resident_id: Id
    item: Literal["letter", "parcel", "registered"]
    sender: ShortText | None = None


class MailHandoverIn(SignatureIn):
    signed_by: Id


class SubscriptionIn(_In):
    resident_id: Id
    title: ShortText
    first_month: Month
    months: Months
    monthly_price_cents: Annotated[int, Strict(), Field(ge=1, le=10_000_000)]


class VisitIn(_In):
    visitor: Name
    purpose: ShortText
    resident_id: Id | None = None
    department: Department | None = None

    @model_validator(mode="after")
    def _one_host(self) -> VisitIn:
        if (self.resident_id is None) == (self.department is None):
            raise ValueError("name either resident_id or department: the one the office confirms with")
        return self


class VisitAnswerIn(_In):
    outcome: Literal["admitted", "refused"]
    confirmed_with: Name


class Cancellation(BaseModel):
    """A cancelled subscription and what the answer must say: prepaid months are not paid back."""

    subscription: Subscription
    refund_cents: int
    message: dict[str, str]


def _field_error(field: str, problem: str, message: str | None = None) -> InvalidRequest:
    return InvalidRequest(message or f"{field}: {problem}", details=[{"field": field, "problem": problem}])


class RegisterService:
    def __init__(
        self,
        store: RegisterStore,
        cache: DirectoryCache,
        attachments_bucket: str,
        sender: Callable[[], SmsSender] | None = None,
        permit_timer_arn: str | None = None,
        start_timer: Callable[[str, str, dict[str, Any]], None] | None = None,
        uploaded: Callable[[str, str], bool] | None = None,
    ) -> None:
        from propdesk.ports import registers as ports

        self.store = store
        self.cache = cache
        self.bucket = attachments_bucket
        self._sender = sender
        self.permit_timer_arn = permit_timer_arn
        self._start_timer = start_timer or ports.start_permit_timer
        self._uploaded = uploaded or ports.uploaded

    # ---- shared --------------------------------------------------------------------------

    def _allow(self, caller: Principal, property_id: str, *roles: Role) -> None:
        """Another property's caller learns nothing (404); a caller of this property without the role gets 403."""
        caller.require_property(property_id)
        self.cache.property(property_id)
        caller.require_role(*roles)

    def _read(self, caller: Principal, property_id: str, model: type[E], entry_id: str) -> tuple[E, int]:
        found = self.store.get(property_id, model.register, entry_id)
        if found is None or not isinstance(found[0], model):
            raise NotFound(f"{model.register.value} entry {entry_id} not found")
        return found[0], found[1]

    def _resident(self, property_id: str, resident_id: str) -> Resident:
        resident = self.cache.store.get(Resident, property_id, resident_id)
        if resident is None:
            raise _field_error("resident_id", "no such resident in this property", f"resident {resident_id} not found")
        return resident

    def _number(self, property_id: str, register: Register) -> str:
        prop = self.cache.property(property_id)
        day = local_day(clock.now(), prop.timezone)
        return entry_number(prop.code, register, day, self.store.next_seq(property_id, register, day))

    @staticmethod
    def _step(caller: Principal, action: str, note: str | None = None) -> Step:
        return Step(at=clock.now(), by=caller.user_id, role=caller.role, action=action, note=note)

    def _cancel(self, caller: Principal, entry: C, version: int, reason: str, what: str) -> C:
        """A pass card or subscription cancelled with its reason, once; the trail keeps who did it."""
        if entry.status == "cancelled":
            raise Conflict(f"{what} is already cancelled")
        changed = entry.model_copy(
            update={
                "status": "cancelled",
                "cancelled_at": clock.now(),
                "cancel_reason": reason,
                "trail": [*entry.trail, self._step(caller, "cancel", reason)],
            }
        )
        saved = self.store.update(changed, version)
        assert isinstance(saved, type(entry))
        return saved

    def _signature(self, entry: Entry, key: str) -> str:
        """The key of a signature image uploaded for this very entry, or a 400 naming signature_key."""
        if not key.startswith(self.signature_prefix(entry.property_id, entry.register, entry.id)):
            raise _field_error("signature_key", "not a signature uploaded for this entry")
        if not self._uploaded(self.bucket, key):
            raise _field_error("signature_key", "the signature image was not uploaded")
        return key

    @staticmethod
    def signature_prefix(property_id: str, register: Register, entry_id: str) -> str:
        return f"registers/{property_id}/{register.value}/{entry_id}/signature-"

    def signature_key(self, caller: Principal, property_id: str, register: Register, entry_id: str, ext: str) -> str:
        """Where the office's tablet uploads the signature of the person signing for this entry."""
        self._allow(caller, property_id, *OFFICE)
        if self.store.get(property_id, register, entry_id) is None:
            raise NotFound(f"{register.value} entry {entry_id} not found")
        stamp = clock.now().strftime("%Y%m%dT%H%M%S%f")
        return f"{self.signature_prefix(property_id, register, entry_id)}{stamp}-{secrets.token_hex(4)}.{ext}"

    def get(self, caller: Principal, property_id: str, register: Register, entry_id: str) -> Entry:
        self._allow(caller, property_id, *_READERS[register])
        found = self.store.get(property_id, register, entry_id)
        if found is None:
            raise NotFound(f"{register.value} entry {entry_id} not found")
        return found[0]

    def listing(
        self, caller: Principal, property_id: str, register: Register, status: str | None = None
    ) -> list[Entry]:
        self._allow(caller, property_id, *_READERS[register])
        if register is Register.MAIL and status is not None:
            return self.store.listing(property_id, register, begins_with=f"{status}#")
        entries = self.store.listing(property_id, register)
        return [e for e in entries if status is None or getattr(e, "status", None) == status]

    # ---- pass cards (业户出入证) -----------------------------------------------------------

    def issue_pass_card(self, caller: Principal, property_id: str, request: PassCardIn) -> PassCard:
        """Free for a member's first three cards (lost ones count), ¥50 for each card after."""
        self._allow(caller, property_id, *OFFICE)
        resident = self._resident(property_id, request.resident_id)
        held = self.store.listing(property_id, Register.PASS_CARDS, begins_with=f"{resident.id}#")
        if any(isinstance(c, PassCard) and c.card_number == request.card_number for c in held):
            raise _field_error("card_number", "this card is already issued to the resident")
        fee = 0 if len(held) < FREE_CARDS_PER_MEMBER else EXTRA_CARD_CENTS
        card = PassCard(
            id=self._number(property_id, Register.PASS_CARDS),
            property_id=property_id,
            resident_id=resident.id,
            unit_id=resident.unit_id,
            holder=resident.name,
            card_number=request.card_number,
            fee_cents=fee,
            issued_at=clock.now(),
            trail=[self._step(caller, "issue", f"fee {fee}")],
        )
        self.store.create(card)
        return card

    def hand_over_pass_card(self, caller: Principal, property_id: str, card_id: str, request: SignatureIn) -> PassCard:
        self._allow(caller, property_id, *OFFICE)
        card, version = self._read(caller, property_id, PassCard, card_id)
        if card.status != "issued":
            raise Conflict(
                f"pass card {card_id} is {card.status}", details=[{"field": "status", "problem": card.status}]
            )
        changed = card.model_copy(
            update={
                "status": "handed_over",
                "handed_over_at": clock.now(),
                "signature_key": self._signature(card, request.signature_key),
                "trail": [*card.trail, self._step(caller, "hand_over")],
            }
        )
        return self.store.update(changed, version)  # type: ignore[return-value]

    def cancel_pass_card(self, caller: Principal, property_id: str, card_id: str, request: CancelIn) -> PassCard:
        """A lost card is cancelled: the gate stops honouring it; it still counts towards the free three."""
        self._allow(caller, property_id, *OFFICE)
        card, version = self._read(caller, property_id, PassCard, card_id)
        return self._cancel(caller, card, version, request.reason, f"pass card {card_id}")

    # ---- contractor work permits (施工单位工作证) -------------------------------------------

    def receive_permit(self, caller: Principal, property_id: str, request: PermitIn) -> Permit:
        """Receive the people, documents and fee; the 30-minute target starts now, on a timer of its own."""
        self._allow(caller, property_id, *OFFICE)
        now = clock.now()
        permit = Permit(
            id=self._number(property_id, Register.PERMITS),
            property_id=property_id,
            contractor=request.contractor,
            unit_id=request.unit_id,
            work=request.work,
            workers=[Worker(name=w.name) for w in request.workers],
            documents=request.documents,
            fee_cents=request.fee_cents,
            received_at=now,
            due_at=now + timedelta(minutes=PERMIT_TARGET_MINUTES),
            trail=[self._step(caller, "receive")],
        )
        # The timer starts first: a receipt that then fails to commit leaves a timer that finds no permit and
        # ends quietly, while the other order could leave a committed permit that no timer watches.
        if self.permit_timer_arn:
            self._start_timer(self.permit_timer_arn, f"{property_id}_{permit.id}", self._timer_input(permit))
        self.store.create(permit)
        return permit

    def _timer_input(self, permit: Permit) -> dict[str, Any]:
        """The permit's keys, its due time, and each manager's escalation text in their language (no phones)."""
        managers = [s for s in self.cache.store.list_records(Staff, permit.property_id) if s.role is Role.MANAGER]
        return {
            "pk": entry_pk(permit.property_id, Register.PERMITS, permit.id),
            "sk": "ENTRY",
            "due_at": timer_instant(permit.due_at),
            "escalation": [
                {
                    "directory_pk": f"PROPERTY#{permit.property_id}",
                    "directory_sk": f"STAFF#{m.id}",
                    "text": permit_overdue_text(m.language, permit),
                }
                for m in managers
            ],
        }

    def pay_permit_fee(self, caller: Principal, property_id: str, permit_id: str, request: FeeIn) -> Permit:
        self._allow(caller, property_id, Role.FINANCE)
        permit, version = self._read(caller, property_id, Permit, permit_id)
        if permit.fee_paid_at is not None:
            raise Conflict(f"the fee of permit {permit_id} is already taken")
        if request.amount_cents != permit.fee_cents:
            raise _field_error("amount_cents", f"the permit's fee is {permit.fee_cents}")
        step = self._step(caller, "take_fee", str(request.amount_cents))
        changed = permit.model_copy(update={"fee_paid_at": clock.now(), "trail": [*permit.trail, step]})
        return self.store.update(changed, version)  # type: ignore[return-value]

    def check_permit_documents(
        self, caller: Principal, property_id: str, permit_id: str, request: DocumentsIn
    ) -> Permit:
        self._allow(caller, property_id, *GATE)
        permit, version = self._read(caller, property_id, Permit, permit_id)
        if permit.status == "issued":
            raise Conflict(f"permit {permit_id} is already issued")
        step = self._step(caller, "check_documents", request.note)
        changed = permit.model_copy(
            update={
                "documents_checked_at": clock.now(),
                "documents_passed": request.passed,
                "trail": [*permit.trail, step],
            }
        )
        return self.store.update(changed, version)  # type: ignore[return-value]

    def issue_permit(self, caller: Principal, property_id: str, permit_id: str) -> Permit:
        """Issued once finance took the fee and security passed the documents; late is late, never refused."""
        self._allow(caller, property_id, *OFFICE)
        permit, version = self._read(caller, property_id, Permit, permit_id)
        if permit.status == "issued":
            raise Conflict(f"permit {permit_id} is already issued")
        missing = []
        if permit.fee_paid_at is None:
            missing.append({"field": "fee", "problem": "finance has not taken the fee"})
        if not permit.documents_passed:
            missing.append({"field": "documents", "problem": "security has not passed the documents"})
        if missing:
            raise Conflict(f"permit {permit_id} cannot be issued yet", details=missing)
        workers = [
            w.model_copy(update={"permit_number": f"{permit.id}-{n:02d}"}) for n, w in enumerate(permit.workers, 1)
        ]
        changed = permit.model_copy(
            update={
                "status": "issued",
                "issued_at": clock.now(),
                "workers": workers,
                "trail": [*permit.trail, self._step(caller, "issue")],
            }
        )
        return self.store.update(changed, version)  # type: ignore[return-value]

    # ---- mail and parcels (邮件收发) -------------------------------------------------------

    def receive_mail(self, caller: Principal, property_id: str, request: MailIn) -> MailItem:
        """Counted and logged as it comes from the gate; the addressee is told by SMS in their language."""
        self._allow(caller, property_id, *OFFICE, *GATE)
        resident = self._resident(property_id, request.resident_id)
        item = MailItem(
            id=self._number(property_id, Register.MAIL),
            property_id=property_id,
            resident_id=resident.id,
            unit_id=resident.unit_id,
            item=request.item,
            sender=request.sender,
            received_at=clock.now(),
            trail=[self._step(caller, "receive")],
        )
        self.store.create(item)  # logged before anyone is told, so a failed SMS never loses the item
        told = item.model_copy(update={"notified": self._tell(resident, mail_arrived_text(resident, item))})
        return self.store.update(told, FIRST_VERSION)  # type: ignore[return-value]

    def _tell(self, resident: Resident, text: str) -> str:
        """Whether the resident was told: an SMS the provider refuses is recorded, not a refusal of the item."""
        from botocore.exceptions import BotoCoreError, ClientError

        if resident.sms_opt_out:
            return "opted_out"
        if self._sender is None:
            return "no_sender"
        try:
            self._sender().send(resident.phone, text)
        except (BotoCoreError, ClientError) as err:
            log.warning("mail notice not sent", extra={"resident_id": resident.id, "error": type(err).__name__})
            return "failed"
        return "sent"

    def hand_over_mail(self, caller: Principal, property_id: str, mail_id: str, request: MailHandoverIn) -> MailItem:
        """Only to the addressee, who signs; the office never signs on a resident's behalf."""
        self._allow(caller, property_id, *OFFICE)
        item, version = self._read(caller, property_id, MailItem, mail_id)
        if item.status != "waiting":
            raise Conflict(f"mail {mail_id} was already handed over")
        if request.signed_by != item.resident_id:
            if self.cache.staff(property_id, request.signed_by) is not None:
                raise _field_error(
                    "signed_by",
                    "the office never signs on a resident's behalf",
                    "the addressee signs for their own mail; the office never signs on a resident's behalf",
                )
            raise _field_error("signed_by", "not the addressee", "mail is handed over only to its addressee")
        changed = item.model_copy(
            update={
                "status": "handed_over",
                "handed_over_at": clock.now(),
                "signed_by": request.signed_by,
                "signature_key": self._signature(item, request.signature_key),
                "trail": [*item.trail, self._step(caller, "hand_over")],
            }
        )
        return self.store.update(changed, version)  # type: ignore[return-value]

    # ---- newspaper subscriptions (报刊订阅) -----------------------------------------------

    def subscribe(self, caller: Principal, property_id: str, request: SubscriptionIn) -> Subscription:
        """At least a month, billed in advance: the monthly price times the months."""
        self._allow(caller, property_id, *OFFICE)
        resident = self._resident(property_id, request.resident_id)
        subscription = Subscription(
            id=self._number(property_id, Register.NEWSPAPERS),
            property_id=property_id,
            resident_id=resident.id,
            unit_id=resident.unit_id,
            title=request.title,
            first_month=request.first_month,
            months=request.months,
            monthly_price_cents=request.monthly_price_cents,
            billed_cents=request.months * request.monthly_price_cents,
            created_at=clock.now(),
            trail=[self._step(caller, "subscribe")],
        )
        self.store.create(subscription)
        return subscription

    def confirm_subscription(
        self, caller: Principal, property_id: str, subscription_id: str, request: SignatureIn
    ) -> Subscription:
        """The resident's signed confirmation."""
        self._allow(caller, property_id, *OFFICE)
        subscription, version = self._read(caller, property_id, Subscription, subscription_id)
        if subscription.status != "awaiting_confirmation":
            raise Conflict(f"subscription {subscription_id} is {subscription.status}")
        changed = subscription.model_copy(
            update={
                "status": "confirmed",
                "confirmed_at": clock.now(),
                "signature_key": self._signature(subscription, request.signature_key),
                "trail": [*subscription.trail, self._step(caller, "confirm")],
            }
        )
        return self.store.update(changed, version)  # type: ignore[return-value]

    def cancel_subscription(
        self, caller: Principal, property_id: str, subscription_id: str, request: CancelIn
    ) -> Cancellation:
        self._allow(caller, property_id, *OFFICE)
        subscription, version = self._read(caller, property_id, Subscription, subscription_id)
        saved = self._cancel(caller, subscription, version, request.reason, f"subscription {subscription_id}")
        return Cancellation(subscription=saved, refund_cents=0, message={k.value: v for k, v in NOT_REFUNDABLE.items()})

    # ---- visitors ----------------------------------------------------------------------

    def ask_visit(self, caller: Principal, property_id: str, request: VisitIn) -> Visit:
        """The gate asks the office whether to let a visitor in."""
        self._allow(caller, property_id, *GATE, *OFFICE)
        unit_id = self._resident(property_id, request.resident_id).unit_id if request.resident_id else None
        visit = Visit(
            id=self._number(property_id, Register.VISITORS),
            property_id=property_id,
            visitor=request.visitor,
            resident_id=request.resident_id,
            unit_id=unit_id,
            department=request.department,
            purpose=request.purpose,
            asked_at=clock.now(),
            trail=[self._step(caller, "ask")],
        )
        self.store.create(visit)
        return visit

    def answer_visit(self, caller: Principal, property_id: str, visit_id: str, request: VisitAnswerIn) -> Visit:
        """The office confirmed with the resident or department; the answer is recorded with its time."""
        self._allow(caller, property_id, *OFFICE)
        visit, version = self._read(caller, property_id, Visit, visit_id)
        if visit.status != "asked":
            raise Conflict(f"visit {visit_id} was already answered: {visit.status}")
        changed = visit.model_copy(
            update={
                "status": request.outcome,
                "answered_at": clock.now(),
                "confirmed_with": request.confirmed_with,
                "trail": [*visit.trail, self._step(caller, request.outcome, request.confirmed_with)],
            }
        )
        return self.store.update(changed, version)  # type: ignore[return-value]


_READERS: dict[Register, tuple[Role, ...]] = {
    Register.PASS_CARDS: (*OFFICE, *GATE),
    Register.PERMITS: (*OFFICE, *GATE, Role.FINANCE),
    Register.MAIL: (*OFFICE, *GATE),
    Register.NEWSPAPERS: OFFICE,
    Register.VISITORS: (*OFFICE, *GATE),
}


def mail_arrived_text(resident: Resident, item: MailItem) -> str:
    language = resident.language
    return TEXTS["mail_arrived"][language].format(
        name=resident.name, item=MAIL_ITEMS[item.item][language], number=item.id
    )


def permit_overdue_text(language: Language, permit: Permit) -> str:
    return TEXTS["permit_overdue"][language].format(number=permit.id, contractor=permit.contractor)


def waiting_mail(store: RegisterStore, property_id: str) -> list[MailItem]:
    """Mail not yet collected, oldest first (one Query): for the morning list and the reports."""
    return [m for m in store.listing(property_id, Register.MAIL, begins_with="waiting#") if isinstance(m, MailItem)]


def morning_mail(store: RegisterStore, property_id: str, as_of: datetime) -> list[dict[str, Any]]:
    """Uncollected mail as rows of the morning-meeting list, under the site office that holds it."""
    return [
        {
            "department": "site_office",
            "number": m.id,
            "ticket_id": m.id,
            "kind": f"mail:{m.item}",
            "status": m.status,
            "responsible": f"{m.unit_id}/{m.resident_id}",
            "age_hours": round((as_of - m.received_at).total_seconds() / 3600, 1),
            "next_due": None,
            "breaches": [],
            "coordination": False,
        }
        for m in waiting_mail(store, property_id)
    ]


REGISTER_FIGURES = (
    "permits_received",
    "permits_issued",
    "permits_on_time",
    "permits_late",
    "permits_overdue",
    "mail_received",
    "mail_waiting",
)


def register_figures(store: RegisterStore, property_id: str, since: datetime, until: datetime) -> dict[str, int]:
    """The registers' lines of a report (four Queries): permits received in the period, issued and on time
    (the 30-minute target), issued late or still overdue; mail received in the period and waiting now."""
    start, end = iso_key(since), iso_key(until)
    permits = [
        p for p in store.listing(property_id, Register.PERMITS, between=(start, end + "~")) if isinstance(p, Permit)
    ]
    received_mail = sum(
        len(store.listing(property_id, Register.MAIL, between=(f"{state}#{start}", f"{state}#{end}~")))
        for state in ("handed_over", "waiting")
    )
    return {
        "permits_received": len(permits),
        "permits_issued": sum(p.issued_at is not None for p in permits),
        "permits_on_time": sum(p.issued_at is not None and p.on_time is True for p in permits),
        "permits_late": sum(p.issued_at is not None and p.on_time is False for p in permits),
        "permits_overdue": sum(p.issued_at is None and p.overdue_at is not None for p in permits),
        "mail_received": received_mail,
        "mail_waiting": len(waiting_mail(store, property_id)),
    }
