"""The Account: a person's sign-in to one shop, with one role there."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from uuid import UUID, uuid4

from emporium.identity.domain.events import CustomerErased, CustomerRegistered
from emporium.identity.domain.roles import Role
from emporium.shared_kernel.aggregate import Aggregate
from emporium.shared_kernel.errors import BusinessRuleViolation, InvalidInput

MAX_EMAIL_LENGTH = 254
MAX_NAME_LENGTH = 200


class NotErasable(BusinessRuleViolation):
    """Only customers are erased this way; owners and staff leave through the owner (422)."""

    code = "not-erasable"
    title = "Not erasable"


#: Where an erased account's e-mail points: a reserved domain (RFC 2606) that names no one.
ERASED_EMAIL_DOMAIN = "erased.invalid"


def erased_email(account_id: UUID) -> str:
    """Return the e-mail an erased account keeps: unique in its shop, naming no one."""
    return f"erased-{account_id}@{ERASED_EMAIL_DOMAIN}"


class EmailTaken(BusinessRuleViolation):
    """The shop has an account with this e-mail already (422)."""

    code = "email-taken"
    title = "E-mail taken"


def normalize_email(email: str) -> str:
    """Return the e-mail as accounts store and look it up: trimmed, lower case."""
    return email.strip().lower()


def _valid_email(email: str) -> str:
    email = normalize_email(email)
    local, at, domain = email.rpartition("@")
    if not (at and local and domain) or len(email) > MAX_EMAIL_LENGTH:
        raise InvalidInput("Enter a valid e-mail address.", errors={"email": ["Invalid."]})
    return email


def _valid_name(name: str) -> str:
    name = name.strip()
    if not name:
        raise InvalidInput("A name is required.", errors={"name": ["Required."]})
    # Control characters (newlines included) have no place in a name that e-mails repeat.
    if len(name) > MAX_NAME_LENGTH or any(unicodedata.category(c) == "Cc" for c in name):
        raise InvalidInput(
            f"Enter a name of at most {MAX_NAME_LENGTH} printable characters.",
            errors={"name": [f"At most {MAX_NAME_LENGTH} characters, no control characters."]},
        )
    return name


@dataclass(kw_only=True, eq=False)
class Account(Aggregate[UUID]):
    """An account of the current shop; the password lives with the row, never here."""

    id: UUID = field(default_factory=uuid4)
    email: str
    name: str
    role: Role

    @classmethod
    def register_customer(cls, email: str, name: str) -> Account:
        """Return a new customer account that has recorded CustomerRegistered."""
        account = cls(email=_valid_email(email), name=_valid_name(name), role=Role.CUSTOMER)
        account.record(CustomerRegistered, email=account.email, name=account.name)
        return account

    def erase(self) -> None:
        """Forget who the customer is (e-mail, name) and record CustomerErased.

        Owners and staff are refused: a shop must keep someone who runs it, and their accounts
        leave through a role change first.
        """
        if self.role is not Role.CUSTOMER:
            raise NotErasable(f"An account with the role {self.role.value} cannot be erased.")
        self.email = erased_email(self.id)
        self.name = ""
        self.record(CustomerErased, customer_id=str(self.id))
