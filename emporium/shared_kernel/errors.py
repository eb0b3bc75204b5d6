"""Errors that use cases raise; the HTTP adapter maps each kind to its status."""

from __future__ import annotations

from collections.abc import Mapping, Sequence


class DomainError(Exception):
    """Base of every error a use case may raise on purpose."""

    #: Last segment of the problem ``type``; subclasses and instances may refine it.
    code = "domain-error"
    title = "Request refused"

    def __init__(self, detail: str = "", *, code: str | None = None) -> None:
        super().__init__(detail or self.title)
        self.detail = detail or self.title
        if code is not None:
            self.code = code


class InvalidInput(DomainError):
    """The input is malformed or a field fails validation (400)."""

    code = "validation-error"
    title = "Invalid input"

    def __init__(
        self,
        detail: str = "",
        *,
        errors: Mapping[str, Sequence[str]] | None = None,
        code: str | None = None,
    ) -> None:
        super().__init__(detail, code=code)
        self.errors = {field: list(messages) for field, messages in (errors or {}).items()}


class NotFound(DomainError):
    """The object does not exist for this caller in this tenant (404)."""

    code = "not-found"
    title = "Not found"


class Forbidden(DomainError):
    """The caller sees the object but may not do this (403)."""

    code = "permission-denied"
    title = "Permission denied"


class Conflict(DomainError):
    """A conflict with current state that may pass later (409)."""

    code = "conflict"
    title = "Conflict"


class ConcurrentUpdate(Conflict):
    """Another writer changed the aggregate between our read and our write (409)."""

    code = "concurrent-update"
    title = "Concurrent update"


class BusinessRuleViolation(DomainError):
    """A business rule refuses the request (422)."""

    code = "business-rule-violated"
    title = "Business rule violated"


class PaymentRequired(DomainError):
    """A payment was refused by its provider (402); ``code`` tells why."""

    code = "payment-declined"
    title = "Payment declined"


class DependencyUnavailable(DomainError):
    """A dependency (payment provider, broker) cannot be reached; retry later (503)."""

    code = "service-unavailable"
    title = "Service unavailable"

    def __init__(self, detail: str = "", *, retry_after: int = 30, code: str | None = None) -> None:
        super().__init__(detail, code=code)
        self.retry_after = retry_after
