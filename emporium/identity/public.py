"""What other contexts may use of identity: the API base view, permissions, events, signals."""

from emporium.identity.api.permissions import Owner, ShopStaff, SignedIn, roles
from emporium.identity.domain.events import CustomerRegistered
from emporium.identity.domain.roles import Role
from emporium.identity.models import account_email, account_of
from emporium.identity.signals import customer_registered
from emporium.infrastructure.http.idempotency import IdempotentCreateMixin
from emporium.infrastructure.http.views import TenantAPIView

__all__ = [
    "CustomerRegistered",
    "IdempotentCreateMixin",
    "Owner",
    "Role",
    "ShopStaff",
    "SignedIn",
    "TenantAPIView",
    "account_email",
    "account_of",
    "customer_registered",
    "roles",
]
