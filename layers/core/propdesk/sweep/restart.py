"""The port to the ticket workflow: restart a ticket that has no running execution.

The workflow package (issue 4) provides `WorkflowService.ensure_started(ticket)`. When the package is
absent from the layer, the sweep skips restarts and counts them instead of failing.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

from propdesk.dal.tickets import TicketStore
from propdesk.models.directory import Property
from propdesk.models.ticket import Ticket

Restarter = Callable[[Ticket], Any]


def restarter(store: TicketStore, properties: Callable[[str], Property]) -> Restarter | None:
    """The workflow's `ensure_started`, bound once to the sweep's store and directory cache; None if absent."""
    try:
        module = importlib.import_module("propdesk.workflow")
    except ModuleNotFoundError as err:
        if err.name not in ("propdesk.workflow", "propdesk"):
            raise  # the package exists but is broken: that must not pass silently
        return None
    service_type = getattr(module, "WorkflowService", None)
    if service_type is not None:
        # Built once per sandbox: the module-level ensure_started builds new clients on every call.
        restart: Restarter = service_type(store, properties).ensure_started
        return restart
    found = getattr(module, "ensure_started", None)
    return found if callable(found) else None
