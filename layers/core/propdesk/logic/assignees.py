"""Who may be handed a ticket's work: staff of the ticket's own property, in a role that does that work."""

from __future__ import annotations

from pydantic import BaseModel

from propdesk import lifecycle
from propdesk.errors import InvalidRequest
from propdesk.logic.directory import DirectoryCache
from propdesk.models.enums import STAFF_ROLES, Action, Role
from propdesk.models.ticket import Ticket


def workers_for(ticket: Ticket) -> frozenset[Role]:
    """The roles the lifecycle table lets accept this kind of work order (派工单)."""
    return frozenset(
        role
        for row in lifecycle.TABLE
        if row.action is Action.ACCEPT and (row.kinds is None or ticket.kind in row.kinds)
        for role in row.roles
        if role is not Role.SYSTEM
    )


def check_people(directory: DirectoryCache, ticket: Ticket, action: Action, payload: BaseModel) -> None:
    """Refuse a person named in an action who is not staff of the ticket's property in a fitting role."""
    if action is Action.DISPATCH:
        _require(directory, ticket, "assignee_id", getattr(payload, "assignee_id", None), workers_for(ticket))
    elif action is Action.ROUTE:
        _require(
            directory, ticket, "contractor_id", getattr(payload, "contractor_id", None), frozenset({Role.CONTRACTOR})
        )
    elif action is Action.COORDINATE:
        _require(directory, ticket, "owner_id", getattr(payload, "owner_id", None), STAFF_ROLES)


def _require(
    directory: DirectoryCache, ticket: Ticket, field: str, staff_id: str | None, roles: frozenset[Role]
) -> None:
    if staff_id is None:
        return
    # Staff ids are unique within a property only: the ticket's property is part of the lookup.
    staff = directory.staff(ticket.property_id, staff_id)
    if staff is None:
        raise InvalidRequest(
            f"{field} is not staff of this ticket's property",
            details=[{"field": field, "problem": "unknown in this property"}],
        )
    if staff.role not in roles:
        raise InvalidRequest(
            f"{field} names a {staff.role.value}, who does not take this work",
            details=[{"field": field, "problem": f"role {staff.role.value} may not take this work"}],
        )
