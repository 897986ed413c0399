"""Domain models: what PropDesk knows, independent of how it is stored or sent."""

from propdesk.models.directory import Building, Property, Resident, Staff, Unit
from propdesk.models.enums import (
    Action,
    Area,
    Channel,
    Department,
    Language,
    Role,
    Status,
    TicketKind,
)
from propdesk.models.ticket import (
    Attachment,
    Materials,
    SlaTarget,
    SubTask,
    Ticket,
    TicketEvent,
)

__all__ = [
    "Action",
    "Area",
    "Attachment",
    "Building",
    "Channel",
    "Department",
    "Language",
    "Materials",
    "Property",
    "Resident",
    "Role",
    "SlaTarget",
    "Staff",
    "Status",
    "SubTask",
    "Ticket",
    "TicketEvent",
    "TicketKind",
    "Unit",
]
