"""What other contexts may use of identity: permissions, events, signals."""

from emporium.identity.api.permissions import Owner, ShopStaff, SignedIn, roles
from emporium.identity.domain.events import CustomerRegistered
from emporium.identity.domain.roles import Role
from emporium.identity.models import account_email, account_of
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
    "roles",
]
