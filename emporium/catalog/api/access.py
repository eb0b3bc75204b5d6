"""Who may call the catalog API: reads are open, writes are for the shop's staff and owners."""

from __future__ import annotations

from rest_framework.permissions import SAFE_METHODS, AllowAny, BasePermission

from emporium.identity.public import ShopStaff
from emporium.infrastructure.http.views import TenantAPIView


class CatalogView(TenantAPIView):
    """Anyone reads, with no token (a token that is sent must be valid); staff write.

    On an endpoint about one product the role check waits for the product, so a caller who
    may not see it gets 404 before a 403 could tell them it exists (``ShopStaff``).
    """

    def get_permissions(self) -> list[BasePermission]:
        if self.request.method in SAFE_METHODS:
            return [AllowAny()]
        return [ShopStaff()]
