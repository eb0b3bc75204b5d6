"""ordering.public.order_history: the stored events, as the envelopes the outbox carried."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import transaction

from emporium.infrastructure.outbox.models import OutboxMessage
from emporium.multitenancy.context import TenantRef, tenant_context
from emporium.ordering import bootstrap
from emporium.ordering.application.use_cases import CancelOrder, PlaceOrder
from emporium.ordering.domain.order import CancelReason
from emporium.ordering.public import order_history, order_history_size
from tests.e2e.ordering.conftest import make_product

PLACED, CANCELLED = "ordering.order_placed", "ordering.order_cancelled"

pytestmark = pytest.mark.django_db


def test_the_history_carries_the_envelopes_the_outbox_carried_in_the_order_they_happened(
    acme_and_globex: tuple[TenantRef, TenantRef], make_account: Callable[..., Any]
) -> None:
    acme, globex = acme_and_globex
    customer = make_account(acme, "ann@acme.example", "customer").pk
    mug = make_product(acme, "Mug", "4.00", stock=10)
    with tenant_context(acme):
        first = bootstrap.place_order(PlaceOrder(customer, [(mug, 2)]))
        second = bootstrap.place_order(PlaceOrder(customer, [(mug, 1)]))
        bootstrap.cancel_order(CancelOrder(first.id, CancelReason.CUSTOMER))
    other = make_account(globex, "gil@globex.example", "customer").pk
    with tenant_context(globex):
        bootstrap.place_order(
            PlaceOrder(other, [(make_product(globex, "Globex mug", "1.00", stock=5), 1)])
        )
    outbox = {row.id: row.to_envelope() for row in OutboxMessage.objects.filter(tenant="acme")}

    # In a transaction: on PostgreSQL a tenant's rows are visible only inside one.
    with tenant_context(acme), transaction.atomic():
        # One row per round trip: the order holds across chunks.
        history = list(order_history([PLACED, CANCELLED], chunk_size=1))
        size = order_history_size([PLACED, CANCELLED])
        placed_only = [envelope.type for envelope in order_history([PLACED])]

    assert [(e.type, e.aggregate_id, e.aggregate_version) for e in history] == [
        (PLACED, str(first.id), 1),
        (PLACED, str(second.id), 1),
        (CANCELLED, str(first.id), 2),
    ]
    assert history == [outbox[envelope.id] for envelope in history]
    assert [sorted(e.payload) for e in history] == [
        [
            "currency",
            "customer_id",
            "lines",
            "reserved_until",
            "subtotal",
            "tax",
            "tax_rate",
            "total",
        ],
        [
            "currency",
            "customer_id",
            "lines",
            "reserved_until",
            "subtotal",
            "tax",
            "tax_rate",
            "total",
        ],
        ["customer_id", "lines", "reason", "total"],
    ]
    assert {e.tenant for e in history} == {"acme"}
    assert size == 3
    assert placed_only == [PLACED, PLACED]
