"""What each consumed command does to the rows; each runs inside its envelope's transaction."""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone

from shipments import rules
from shipments.commands import (
    CancelRefundedShipment,
    Command,
    DeleteTenant,
    EraseCustomer,
    RequestFulfilment,
)
from shipments.models import ErasedCustomer, InboxMessage, OutboxMessage, Shipment, ShipmentEvent
from shipments.rules import ShipmentStatus


def request_fulfilment(command: RequestFulfilment) -> None:
    """Create the order's shipment, pending until the warehouse's delay has passed."""
    if Shipment.objects.filter(tenant=command.tenant, order_id=command.order_id).exists():
        # Already there: requested before under another event id, or cancelled by a refund
        # that arrived first. Either way the one shipment of this order stands.
        return
    now = timezone.now()
    address = command.address
    if ErasedCustomer.objects.filter(
        tenant=command.tenant, customer_id=command.customer_id
    ).exists():
        # The customer's erasure came first: keep nothing of them but the country.
        address = {**address, **dict.fromkeys(rules.PERSONAL_ADDRESS_FIELDS, "")}
    shipment = Shipment.objects.create(
        tenant=command.tenant,
        order_id=command.order_id,
        customer_id=command.customer_id,
        ship_name=address["name"],
        ship_line1=address["line1"],
        ship_line2=address["line2"],
        ship_city=address["city"],
        ship_postal_code=address["postal_code"],
        ship_country=address["country"],
        lines=command.lines,
        status=ShipmentStatus.PENDING.value,
        ship_after=rules.ship_after(now, settings.FULFILMENT_SHIP_AFTER_SECONDS),
        created_at=now,
    )
    ShipmentEvent.objects.create(
        shipment=shipment,
        status=ShipmentStatus.PENDING.value,
        occurred_at=now,
        description="Fulfilment requested; awaiting picking",
    )


def cancel_refunded_shipment(command: CancelRefundedShipment) -> None:
    """Cancel the order's shipment after a full refund, unless it has left the warehouse."""
    if not command.fully:
        return
    now = timezone.now()
    # Locked: the shipper either shipped it already (we see shipped) or waits for our commit.
    shipment = (
        Shipment.objects.select_for_update()
        .filter(tenant=command.tenant, order_id=command.order_id)
        .first()
    )
    if shipment is None:
        # The refund overtook the request (a redelivery reorders them): leave a cancelled
        # shipment, so that the late request finds the order and ships nothing.
        shipment = Shipment.objects.create(
            tenant=command.tenant,
            order_id=command.order_id,
            customer_id=command.customer_id,
            status=ShipmentStatus.CANCELLED.value,
            ship_after=now,
            created_at=now,
        )
    elif rules.refund_cancels(ShipmentStatus(shipment.status), command.fully):
        shipment.status = ShipmentStatus.CANCELLED.value
        shipment.save(update_fields=["status"])
    else:
        return
    ShipmentEvent.objects.create(
        shipment=shipment,
        status=ShipmentStatus.CANCELLED.value,
        occurred_at=now,
        description="Order refunded; shipment cancelled",
    )


def erase_customer(command: EraseCustomer) -> None:
    """Blank name and street address of the customer's shipments; country and tracking stay.
    The customer is remembered as erased, so that a request arriving later is blanked too."""
    blank = {f"ship_{name}": "" for name in rules.PERSONAL_ADDRESS_FIELDS}
    Shipment.objects.filter(tenant=command.tenant, customer_id=command.customer_id).update(**blank)
    ErasedCustomer.objects.get_or_create(tenant=command.tenant, customer_id=command.customer_id)


def delete_tenant(command: DeleteTenant) -> None:
    """Delete the tenant's shipments (their history too), erased customers, inbox rows and
    outbox rows, sent or not."""
    ShipmentEvent.objects.filter(shipment__tenant=command.tenant).delete()
    Shipment.objects.filter(tenant=command.tenant).delete()
    ErasedCustomer.objects.filter(tenant=command.tenant).delete()
    # The deletion's own inbox row stays, so a redelivery of it is still recognised.
    InboxMessage.objects.filter(tenant=command.tenant).exclude(event_id=command.event_id).delete()
    # Unsent and given-up rows too: Emporium refuses them for good (the shop is gone), and
    # pruning never deletes an unsent or given-up row, so they would stay forever.
    OutboxMessage.objects.filter(tenant=command.tenant).delete()


def handle(command: Command) -> None:
    """Apply ``command`` with its handler."""
    match command:
        case RequestFulfilment():
            request_fulfilment(command)
        case CancelRefundedShipment():
            cancel_refunded_shipment(command)
        case EraseCustomer():
            erase_customer(command)
        case DeleteTenant():
            delete_tenant(command)
