"""A shop whose orders go through ordering's use cases, delivered to the consumers in-process."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from uuid import UUID

import pytest

from emporium.multitenancy.context import TenantRef, tenant_context
from emporium.ordering import bootstrap as ordering
from emporium.ordering.application.use_cases import PlaceOrder
from tests.e2e.ordering.conftest import make_product


@dataclass
class Shops:
    """acme and globex without tax, a customer of each, and one product of each."""

    acme: TenantRef
    globex: TenantRef
    customers: dict[str, UUID]
    products: dict[str, UUID]

    def order(self, tenant: TenantRef, quantity: int, product: str | None = None) -> UUID:
        """Place an order of ``quantity`` units through ordering's use case; return its id."""
        with tenant_context(tenant):
            items = [(self.products[product or tenant.slug], quantity)]
            return ordering.place_order(PlaceOrder(self.customers[tenant.slug], items)).id


@pytest.fixture
def shops(
    settings: Any, make_tenant: Callable[..., TenantRef], make_account: Callable[..., Any]
) -> Shops:
    """Return the shops, with the consumers run in-process after each commit."""
    settings.CELERY_BROKER_URL = ""
    zero = Decimal("0.00")  # so an order's total is the sum of its lines
    acme = make_tenant("acme", "Acme Inc.", tax_rate=zero)
    globex = make_tenant("globex", "Globex Corporation", tax_rate=zero)
    customers = {
        tenant.slug: make_account(tenant, f"buyer@{tenant.slug}.example", "customer").pk
        for tenant in (acme, globex)
    }
    products = {
        "acme": make_product(acme, "Mug", "4.00", stock=50),
        "pan": make_product(acme, "Pan", "45.90", stock=50),
        "globex": make_product(globex, "Globex mug", "1.00", stock=50),
    }
    return Shops(acme, globex, customers, products)
