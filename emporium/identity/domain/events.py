"""Events of the identity context."""

from __future__ import annotations

from dataclasses import dataclass

from emporium.shared_kernel.events import DomainEvent


@dataclass(frozen=True, kw_only=True)
class CustomerRegistered(DomainEvent):
    context = "identity"

    email: str
    name: str


@dataclass(frozen=True, kw_only=True)
class CustomerErased(DomainEvent):
    """A customer's personal data was erased; consumers scrub what they hold of it."""

    context = "identity"

    customer_id: str
