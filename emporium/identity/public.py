"""What other contexts may use of identity: permissions, who manages the shop, events, signals."""

from emporium.identity.api.permissions import Owner, ShopStaff, SignedIn, roles
from emporium.identity.domain.events import CustomerRegistered
from emporium.identity.domain.roles import Role
from emporium.identity.models import account_email, account_of, customer_scope, manages_shop
from emporium.identity.signals import customer_registered

__all__ = [
    "CustomerRegistered",
    "Owner",
    "Role",
    "ShopStaff",
    "SignedIn",
    "account_email",
    "account_of",
    "customer_registered",
    "customer_scope",
    "manages_shop",
    "roles",
]
