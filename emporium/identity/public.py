"""What other contexts may use of identity: permissions, who manages the shop, who an account
is (e-mail and name), events, signals, pages of the back office, and the security audit log:
``audit.record(audit.DATA_EXPORTED, request=..., user_id=..., **detail)``, its type names and
its named exceptions (``audit.scrub_account``, ``audit.delete_tenant_entries``; ADR 0021)."""

from datetime import datetime

from emporium.identity.adapters import audit
from emporium.identity.adapters.admin_site import BackOfficePage, register_back_office_page
from emporium.identity.adapters.customer_columns import CustomerColumns
from emporium.identity.adapters.customer_data import (
    PasswordCheck,
    Person,
    account_document,
    audit_documents,
    check_erasable,
    confirm_password,
    erase_account,
    person,
)
from emporium.identity.adapters.directory import AccountCard, account_cards, accounts_matching
from emporium.identity.api.permissions import Owner, ShopStaff, SignedIn, roles
from emporium.identity.domain.account import erased_email
from emporium.identity.domain.events import CustomerErased, CustomerRegistered
from emporium.identity.domain.roles import Role
from emporium.identity.models import (
    account_contact,
    account_email,
    account_of,
    customer_scope,
    manages_shop,
)
from emporium.identity.signals import customer_registered


def tenant_deleted_at(slug: str) -> datetime | None:
    """Return when the platform's audit last recorded the deletion of a shop named ``slug``.

    The owner's connection, as tenancy's own reads: tenancy asks before it creates a shop of
    that slug (``TENANCY_DELETED_AT``), to keep a deleted shop's slug in quarantine.
    """
    from emporium.identity.models import AuditEvent  # late: one read, past the managers

    moment: datetime | None = (
        AuditEvent.everywhere.using("admin")
        .filter(tenant__isnull=True, event=audit.TENANT_DELETED, detail__slug=slug)
        .order_by("-occurred_at")
        .values_list("occurred_at", flat=True)
        .first()
    )
    return moment


__all__ = [
    "AccountCard",
    "BackOfficePage",
    "CustomerColumns",
    "CustomerErased",
    "CustomerRegistered",
    "Owner",
    "PasswordCheck",
    "Person",
    "Role",
    "ShopStaff",
    "SignedIn",
    "account_cards",
    "account_contact",
    "account_document",
    "account_email",
    "account_of",
    "accounts_matching",
    "audit",
    "audit_documents",
    "check_erasable",
    "confirm_password",
    "customer_registered",
    "customer_scope",
    "erase_account",
    "erased_email",
    "manages_shop",
    "person",
    "register_back_office_page",
    "roles",
    "tenant_deleted_at",
]
