"""Who is asking, and what they may see. Roles come from verified token groups;
property membership comes from the directory, never from a request."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from propdesk.errors import Forbidden, NotFound, Unauthenticated
from propdesk.models.enums import Action, Role
from propdesk.models.ticket import Ticket, TicketEvent

# What a resident reads of the audit trail: each step of their ticket, with the figures that concern them.
# Timers, notices and the workflow's own lines, with their execution ARNs and staff ids, stay with staff.
_RESIDENT_STEPS = frozenset({"create"} | {a.value for a in Action})
_RESIDENT_FIGURES = frozenset(
    {
        "number",
        "kind",
        "channel",
        "department",
        "departments",
        "appointment_at",
        "amount_cents",
        "fee_cents",
        "rating",
        "satisfaction",
        "outcome",
        "urge_count",
    }
)


@dataclass(frozen=True, slots=True)
class Principal:
    """The caller, resolved from the token and the directory."""

    user_id: str  # staff id, resident id, or a system name
    role: Role
    property_id: str | None  # None: group level (call centre, group managers)
    unit_id: str | None = None
    department: str | None = None

    @property
    def identity(self) -> str:
        """The caller across the whole group: staff and resident ids are unique within a property only."""
        return f"{self.role.value}@{self.property_id or '*'}/{self.user_id}"

    @property
    def group_level(self) -> bool:
        return self.property_id is None and self.role is not Role.RESIDENT

    def can_see_property(self, property_id: str) -> bool:
        return self.group_level or self.property_id == property_id

    def can_see(self, ticket: Ticket) -> bool:
        if self.role is Role.RESIDENT:
            # Resident ids are unique within a property only (the directory keys them per property).
            return ticket.property_id == self.property_id and ticket.resident_id == self.user_id
        if self.role is Role.CONTRACTOR:
            return ticket.property_id == self.property_id and ticket.assignee_id == self.user_id
        return self.can_see_property(ticket.property_id)

    def require_ticket(self, ticket: Ticket | None, ticket_id: str) -> Ticket:
        """The ticket if visible; 404 with no data otherwise (never reveal that it exists)."""
        if ticket is None or not self.can_see(ticket):
            raise NotFound(f"ticket {ticket_id} not found")
        return ticket

    def visible_events(self, events: Iterable[TicketEvent]) -> list[TicketEvent]:
        """The audit trail as this caller may read it: whole for staff, the ticket's steps for its resident."""
        if self.role is not Role.RESIDENT:
            return list(events)
        return [
            event.model_copy(
                update={
                    # Staff are shown by their role: their ids are internal identifiers.
                    "actor_id": event.actor_id if event.actor_role is Role.RESIDENT else event.actor_role.value,
                    "data": {k: v for k, v in event.data.items() if k in _RESIDENT_FIGURES},
                }
            )
            for event in events
            if event.action in _RESIDENT_STEPS
        ]

    def require_property(self, property_id: str) -> None:
        if not self.can_see_property(property_id):
            raise NotFound(f"property {property_id} not found")

    def require_role(self, *roles: Role) -> None:
        if self.role not in roles:
            raise Forbidden(f"this needs one of the roles {', '.join(r.value for r in roles)}")


SYSTEM = Principal(user_id="system", role=Role.SYSTEM, property_id=None)


def parse_groups(raw: Any) -> list[str]:
    """Cognito groups in every shape API Gateway delivers: a list, "[a b]", "a,b", "a"."""
    if raw is None:
        return []
    if isinstance(raw, str):
        text = raw.strip()
        if text.startswith("[") and text.endswith("]"):
            try:
                parsed = json.loads(text)
            except ValueError:
                parsed = None
            if isinstance(parsed, list):
                return [str(g).strip() for g in parsed if str(g).strip()]
            text = text[1:-1]
        parts: Iterable[str] = text.replace(",", " ").split()
        return [p.strip().strip('"') for p in parts if p.strip().strip('"')]
    if isinstance(raw, list | tuple):
        return [str(g).strip() for g in raw if str(g).strip()]
    raise Unauthenticated("the token's groups claim has an unknown shape")


def roles_from_claims(claims: Mapping[str, Any]) -> list[Role]:
    known = {r.value for r in Role if r is not Role.SYSTEM}
    return [Role(g) for g in parse_groups(claims.get("cognito:groups")) if g in known]
