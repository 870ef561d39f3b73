"""Errors that services raise and views turn into a Vietnamese message with a 4xx status."""

from __future__ import annotations

from django.utils.functional import Promise


class DomainError(Exception):
    """A request the platform refuses, with a message the user can act on (HTTP 400)."""

    status_code = 400

    def __init__(
        self,
        message: str | Promise,
        *,
        field: str | None = None,
        code: str = "invalid",
        errors: dict[str, str] | None = None,
    ):
        super().__init__(str(message))
        self.message = str(message)
        self.field = field
        self.code = code
        self.errors = errors or {}  # field → message, when one request has several bad fields


class Conflict(DomainError):
    """The request clashes with the current state (a duplicate, a wrong state): HTTP 409."""

    status_code = 409


class NotAllowed(DomainError):
    """The user may see the object but not do this to it: HTTP 403."""

    status_code = 403


class NotFound(DomainError):
    """Missing, or not the user's to see: the two are answered alike (HTTP 404)."""

    status_code = 404


class Busy(DomainError):
    """The platform could not finish in time; the same request may be sent again: HTTP 503."""

    status_code = 503
