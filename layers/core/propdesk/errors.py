"""Domain errors. The API maps each class to one HTTP status in one place."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """Base of every error a client can cause; carries a stable code and details."""

    code = "error"
    status = 400

    def __init__(self, message: str, details: list[dict[str, Any]] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details or []


class InvalidRequest(DomainError):
    code = "invalid_request"
    status = 400


class Unauthenticated(DomainError):
    code = "unauthenticated"
    status = 401


class Forbidden(DomainError):
    code = "forbidden"
    status = 403


class NotFound(DomainError):
    code = "not_found"
    status = 404


class Conflict(DomainError):
    code = "conflict"
    status = 409


class ActionNotAllowed(Conflict):
    """The action is not allowed from the ticket's current status for this role."""

    code = "action_not_allowed"


class ConcurrentUpdate(Conflict):
    """Another action changed the record between this one's read and its write."""

    code = "concurrent_update"


class LimitExceeded(DomainError):
    code = "limit_exceeded"
    status = 429
