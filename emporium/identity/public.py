"""What other contexts may use of identity: permissions, who manages the shop, who an account
is (e-mail and name), events, signals, pages of the back office, and the security audit log:
``audit.record(audit.DATA_EXPORTED, request=..., user_id=..., **detail)``, its type names and
its named exceptions (``audit.scrub_account``, ``audit.delete_tenant_entries``; ADR 0021)."""

from emporium.identity.adapters import audit
from emporium.identity.adapters.admin_site import BackOfficePage, register_back_office_page
from emporium.identity.adapters.customer_columns import CustomerColumns
from emporium.identity.adapters.directory import AccountCard, account_cards, accounts_matching
from emporium.identity.api.permissions import Owner, ShopStaff, SignedIn, roles
from emporium.identity.domain.events import CustomerRegistered
from emporium.identity.domain.roles import Role
from emporium.identity.models import account_email, account_of, customer_scope, manages_shop
from emporium.identity.signals import customer_registered

__all__ = [
    "AccountCard",
    "BackOfficePage",
    "CustomerColumns",
    "CustomerRegistered",
    "Owner",
    "Role",
    "ShopStaff",
    "SignedIn",
    "account_cards",
    "account_email",
    "account_of",
    "accounts_matching",
    "audit",
    "customer_registered",
    "customer_scope",
    "manages_shop",
    "register_back_office_page",
    "roles",
]
