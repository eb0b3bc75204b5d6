"""Reads of the ordering context: order documents and histories, visibility included."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.db.models import Prefetch, QuerySet

from emporium.infrastructure.http.fields import optional_timestamp, timestamp
from emporium.ordering import models as rows
from emporium.ordering.domain.stream import UPCASTERS


def visible_orders(customer_id: UUID | None) -> QuerySet[rows.Order]:
    """Return the orders a caller may see: all of the shop's, or one customer's own."""
    orders = rows.Order.objects.prefetch_related(
        Prefetch("lines", queryset=rows.OrderLine.objects.order_by("position"))
    )
    return orders if customer_id is None else orders.filter(customer_id=customer_id)


def order_customer(order_id: UUID) -> UUID | None:
    """Return the customer of the current tenant's order, or None if there is no such order."""
    return rows.Order.objects.filter(pk=order_id).values_list("customer_id", flat=True).first()


def has_orders() -> bool:
    """Return whether the current tenant has any order, whatever its status."""
    return rows.Order.objects.exists()


def order_document(row: rows.Order) -> dict[str, Any]:
    """Return the order as API.md shows it."""
    return {
        "id": str(row.id),
        "status": row.status,
        "lines": [
            {
                "product_id": str(line.product_id),
                "name": line.name,
                "quantity": line.quantity,
                "unit_price": line.unit_price.to_dict(),
                "line_total": (line.unit_price * line.quantity).to_dict(),
            }
            for line in row.lines.all()
        ],
        "subtotal": row.subtotal.to_dict(),
        "tax": row.tax.to_dict(),
        "total": row.total.to_dict(),
        "reserved_until": optional_timestamp(row.reserved_until),
        # The payment that paid it; every attempt is listed by GET /payments/?order=<id>.
        "payments": [str(row.payment_id)] if row.payment_id else [],
        "shipping_address": row.shipping_address,
        "fulfilment": fulfilment_document(row),
        "created_at": timestamp(row.created_at),
    }


def fulfilment_document(row: rows.Order) -> dict[str, Any] | None:
    """Return the order's shipment as the order shows it, or None if it was never requested."""
    if not row.fulfilment_status:
        return None
    return {
        "status": row.fulfilment_status,
        "carrier": row.carrier or None,
        "tracking_number": row.tracking_number or None,
        "shipped_at": optional_timestamp(row.shipped_at),
    }


def fulfilment_requested(order_id: UUID) -> bool:
    """Return whether the current tenant's order was sent to the fulfilment service."""
    return rows.Order.objects.filter(pk=order_id).exclude(fulfilment_status="").exists()


def history(order_id: UUID) -> list[dict[str, Any]]:
    """Return the order's stored events, oldest first, each payload in its current shape."""
    events = rows.OrderEvent.objects.filter(order_id=order_id).order_by("version")
    return [
        {
            "id": str(event.id),
            "type": event.type,
            "occurred_at": timestamp(event.occurred_at),
            "aggregate_version": event.version,
            "payload": UPCASTERS.upcast(event.type, event.schema_version, event.payload),
        }
        for event in events
    ]
