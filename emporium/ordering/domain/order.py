"""The Order aggregate: lines with price snapshots, tax, and the life from placed to fulfilled.

The order is event-sourced. Its methods check the rules and record events; ``_when`` is the
only place that changes its state, from an event, so an order folded from its stored events
(``Order.from_events``) is the order that recorded them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal, localcontext
from enum import StrEnum
from uuid import UUID, uuid4

from emporium.ordering.domain.address import ShippingAddress
from emporium.ordering.domain.events import (
    FulfilmentRequested,
    LineSnapshot,
    OrderCancelled,
    OrderFulfilled,
    OrderPaid,
    OrderPlaced,
    OrderRefunded,
)
from emporium.shared_kernel.aggregate import Aggregate
from emporium.shared_kernel.errors import BusinessRuleViolation, InvalidInput
from emporium.shared_kernel.events import DomainEvent
from emporium.shared_kernel.money import Money, UnknownCurrency, minor_digits

# Far above any stock a product can hold (inventory's MAX_ON_HAND), and within a 32-bit column.
MAX_QUANTITY = 1_000_000_000


class CorruptStream(ValueError):
    """Stored events that cannot be one order's life: a wrong start, a gap, a stranger, a type."""


class OrderStatus(StrEnum):
    PENDING = "pending"  # being built; never stored
    CONFIRMED = "confirmed"  # placed, stock reserved until reserved_until
    PAID = "paid"
    FULFILLED = "fulfilled"
    CANCELLED = "cancelled"
    REFUNDED = "refunded"  # paid (or fulfilled), then all of it refunded


class FulfilmentStatus(StrEnum):
    """Where the fulfilment service is with a paid order that has a shipping address."""

    REQUESTED = "requested"
    SHIPPED = "shipped"


class CancelReason(StrEnum):
    CUSTOMER = "customer"
    STAFF = "staff"
    EXPIRED = "expired"


def reservation_ran_out(status: str, reserved_until: datetime | None, now: datetime) -> bool:
    """Return whether a confirmed order's stock hold has ended by ``now`` (at reserved_until)."""
    return status == OrderStatus.CONFIRMED and reserved_until is not None and reserved_until <= now


def _require_aware(moment: datetime, what: str) -> datetime:
    # A naive datetime is a programming error, not a client's: compare only absolute instants.
    if not isinstance(moment, datetime) or moment.utcoffset() is None:
        raise ValueError(f"{what} must be a timezone-aware datetime.")
    return moment


@dataclass(frozen=True)
class OrderLine:
    """One product of an order, with its name and price as they were when it was ordered."""

    product_id: UUID
    name: str
    unit_price: Money
    quantity: int

    def __post_init__(self) -> None:
        quantity = self.quantity
        # bool is an int subclass; True as a quantity is always a mistake.
        if isinstance(quantity, bool) or not isinstance(quantity, int):
            raise InvalidInput(
                "The quantity must be a whole number.",
                errors={"quantity": ["A whole number from 1."]},
            )
        if not 1 <= quantity <= MAX_QUANTITY:
            raise InvalidInput(
                f"The quantity must be from 1 to {MAX_QUANTITY}.",
                errors={"quantity": [f"A whole number from 1 to {MAX_QUANTITY}."]},
            )
        if not isinstance(self.name, str) or not self.name.strip():
            raise InvalidInput("An order line needs the product's name.")
        if self.unit_price.is_negative:
            raise InvalidInput("A unit price cannot be negative.")

    @property
    def line_total(self) -> Money:
        """Return the unit price times the quantity."""
        return self.unit_price * self.quantity

    def snapshot(self) -> LineSnapshot:
        """Return the line as events carry it."""
        return LineSnapshot(
            product_id=str(self.product_id),
            name=self.name,
            quantity=self.quantity,
            unit_price=self.unit_price,
            line_total=self.line_total,
        )


@dataclass(frozen=True)
class OrderState:
    """Everything an order is, as plain values: what a fold and a snapshot must agree on."""

    id: UUID
    version: int
    customer_id: UUID
    currency: str
    tax_rate: Decimal
    lines: tuple[OrderLine, ...]
    status: str
    reserved_until: datetime | None
    created_at: datetime
    payment_id: UUID | None
    paid_at: datetime | None
    cancel_reason: str | None
    subtotal: Money
    tax: Money
    total: Money
    shipping_address: ShippingAddress | None
    fulfilment_status: str | None
    carrier: str | None
    tracking_number: str | None
    shipped_at: datetime | None

    def differences(self, other: OrderState) -> list[str]:
        """Return ``name: ours != theirs`` for each field where ``other`` differs."""
        return [
            f"{name}: {getattr(self, name)!r} != {getattr(other, name)!r}"
            for name in self.__dataclass_fields__
            if getattr(self, name) != getattr(other, name)
        ]


@dataclass(kw_only=True, eq=False)
class Order(Aggregate[UUID]):
    """An order of one customer in one currency; ``tax_rate`` is a percentage (8.00 is 8 %)."""

    id: UUID = field(default_factory=uuid4)
    customer_id: UUID
    currency: str
    tax_rate: Decimal
    # A tuple, so lines change only through add_line and its rules.
    lines: tuple[OrderLine, ...] = ()
    status: OrderStatus = OrderStatus.PENDING
    reserved_until: datetime | None = None
    created_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    payment_id: UUID | None = None
    paid_at: datetime | None = None
    cancel_reason: CancelReason | None = None
    # Personal data: erasure scrubs it here, in the events and at the fulfilment service.
    shipping_address: ShippingAddress | None = None
    fulfilment_status: FulfilmentStatus | None = None
    carrier: str | None = None
    tracking_number: str | None = None
    shipped_at: datetime | None = None

    def __post_init__(self) -> None:
        try:
            minor_digits(self.currency)
        except UnknownCurrency as exc:
            raise InvalidInput(f"Unknown currency {self.currency!r}.") from exc
        rate = self.tax_rate
        if not isinstance(rate, Decimal) or not rate.is_finite() or not 0 <= rate <= 100:
            raise InvalidInput(
                "The tax rate must be a percentage from 0 to 100.",
                errors={"tax_rate": ["A decimal from 0 to 100."]},
            )
        _require_aware(self.created_at, "created_at")
        if self.reserved_until is not None:
            _require_aware(self.reserved_until, "reserved_until")
        if any(line.unit_price.currency != self.currency for line in self.lines):
            raise ValueError(f"Every line of the order must be in {self.currency}.")

    # --- building -----------------------------------------------------------------------------

    def add_line(self, product_id: UUID, name: str, unit_price: Money, quantity: int) -> OrderLine:
        """Add a product at its current name and price; only while the order is being built."""
        if self.status is not OrderStatus.PENDING:
            raise BusinessRuleViolation(
                f"Lines can only be added while the order is being built; it is {self.status}.",
                code="not-editable",
            )
        if unit_price.currency != self.currency:
            raise InvalidInput(
                f"The order is in {self.currency}, the price in {unit_price.currency}.",
                errors={"unit_price": [f"Must be in {self.currency}."]},
            )
        if any(line.product_id == product_id for line in self.lines):
            # One line per product: a repeated product is a malformed request, not a merge.
            raise InvalidInput(
                f"Product {product_id} is already in the order.",
                errors={"items": [f"Product {product_id} appears more than once."]},
                code="repeated-product",
            )
        line = OrderLine(product_id=product_id, name=name, unit_price=unit_price, quantity=quantity)
        self.lines = (*self.lines, line)
        return line

    # --- amounts ------------------------------------------------------------------------------

    @property
    def subtotal(self) -> Money:
        """Return the sum of the line totals."""
        return sum((line.line_total for line in self.lines), Money.zero(self.currency))

    @property
    def tax(self) -> Money:
        """Return the tax on the subtotal, rounded half to even to the minor unit."""
        # Dividing by 100 only moves the exponent; enough precision keeps it exact whatever
        # the ambient decimal context says.
        with localcontext() as exact:
            exact.prec = max(28, len(self.tax_rate.as_tuple().digits) + 3)
            fraction = self.tax_rate / 100
        return self.subtotal.apply_rate(fraction)

    @property
    def total(self) -> Money:
        """Return the subtotal plus the tax."""
        return self.subtotal + self.tax

    # --- life ---------------------------------------------------------------------------------

    def confirm(self, reserved_until: datetime) -> None:
        """Place the order, its stock reserved until ``reserved_until``; records OrderPlaced."""
        if self.status is not OrderStatus.PENDING:
            raise BusinessRuleViolation(
                f"Only an order being built can be placed; this one is {self.status}.",
                code="already-placed",
            )
        _require_aware(reserved_until, "reserved_until")
        if not self.lines:
            raise InvalidInput(
                "An order needs at least one line.", errors={"items": ["At least one item."]}
            )
        subtotal, tax, total = self.subtotal, self.tax, self.total
        if not total.is_positive:
            raise BusinessRuleViolation(
                "An order needs a positive total.", code="non-positive-total"
            )
        self._raise(
            OrderPlaced,
            # An order is created when it is placed: the pending order is never stored.
            occurred_at=self.created_at,
            customer_id=str(self.customer_id),
            currency=self.currency,
            lines=self._snapshots(),
            tax_rate=self.tax_rate,
            subtotal=subtotal,
            tax=tax,
            total=total,
            reserved_until=reserved_until,
            shipping_address=self.shipping_address,
        )

    def cancel(self, reason: CancelReason | str) -> None:
        """Cancel a confirmed order, so its stock can return; records OrderCancelled."""
        why = CancelReason(reason)  # ValueError for a reason that is not one of ours
        if self.status is not OrderStatus.CONFIRMED:
            raise BusinessRuleViolation(
                f"Only a confirmed order can be cancelled; this one is {self.status}.",
                code="not-cancellable",
            )
        self._raise(
            OrderCancelled,
            customer_id=str(self.customer_id),
            reason=why.value,
            lines=self._snapshots(),
            total=self.total,
        )

    def mark_paid(self, payment_id: UUID, at: datetime) -> None:
        """Record the payment of a confirmed order; records OrderPaid and FulfilmentRequested."""
        _require_aware(at, "at")
        if self.status is not OrderStatus.CONFIRMED:
            raise BusinessRuleViolation(
                f"Only a confirmed order can be paid; this one is {self.status}.",
                code="not-payable",
            )
        # Past reserved_until the order is over, whether or not the sweep has cancelled it yet:
        # its stock is about to go back on sale.
        if reservation_ran_out(self.status, self.reserved_until, at):
            raise reservation_expired()
        customer_id = str(self.customer_id)
        self._raise(
            OrderPaid,
            customer_id=customer_id,
            payment_id=str(payment_id),
            total=self.total,
            paid_at=at,
        )
        # Only goods with somewhere to go are sent to the service; the rest staff fulfil.
        if self.shipping_address is not None:
            self._raise(
                FulfilmentRequested,
                customer_id=customer_id,
                lines=self._snapshots(),
                shipping_address=self.shipping_address,
            )

    def record_refund(
        self,
        *,
        payment_id: UUID,
        refund_id: UUID,
        amount: Money,
        refunded_total: Money,
        at: datetime,
        restock: bool = False,
    ) -> bool:
        """Record a refund of the order's payment; return whether the order is now refunded.

        ``refunded_total`` is every refund of the payment so far, this one included. When it
        reaches the total the order becomes ``refunded``; a partial refund leaves its status.
        ``restock`` (the units go back on sale) needs the refund that completes it.
        """
        _require_aware(at, "at")
        if self.status not in (OrderStatus.PAID, OrderStatus.FULFILLED):
            raise BusinessRuleViolation(
                f"Only a paid or fulfilled order can be refunded; this one is {self.status}.",
                code="not-refundable",
            )
        if payment_id != self.payment_id:
            raise ValueError(f"Payment {payment_id} did not pay order {self.id}.")
        if not Money.zero(self.currency) < amount <= refunded_total <= self.total:
            raise ValueError(
                f"A refund of {amount} (of {refunded_total}) does not fit {self.total}."
            )
        fully = refunded_total == self.total
        if restock and not fully:
            raise BusinessRuleViolation(
                "Restocking goes with the refund of everything that is left of the payment.",
                code="restock-needs-full-refund",
            )
        self._raise(
            OrderRefunded,
            customer_id=str(self.customer_id),
            payment_id=str(payment_id),
            refund_id=str(refund_id),
            amount=amount,
            refunded_total=refunded_total,
            fully=fully,
            restocked=restock,
            refunded_at=at,
        )
        return fully

    def fulfil(self) -> None:
        """Mark a paid order without a shipment as fulfilled by staff; records OrderFulfilled."""
        if self.status is not OrderStatus.PAID:
            raise BusinessRuleViolation(
                f"Only a paid order can be fulfilled; this one is {self.status}.",
                code="not-fulfillable",
            )
        if self.fulfilment_status is not None:
            # A second way out of the door would ship it twice.
            raise BusinessRuleViolation(
                "This order was sent to the fulfilment service, which fulfils it when it ships.",
                code="fulfilled-by-service",
            )
        self._raise(OrderFulfilled, customer_id=str(self.customer_id))

    def record_shipment(self, carrier: str, tracking_number: str, shipped_at: datetime) -> bool:
        """Record the service's dispatch of the order; return False if it changed nothing.

        The same shipment reported again changes nothing. An order that is no longer paid
        (refunded while the parcel was packed) keeps its status: the report is only logged.
        """
        _require_aware(shipped_at, "shipped_at")
        if not carrier or not tracking_number:
            raise InvalidInput("A shipment has a carrier and a tracking number.")
        if self.fulfilment_status is FulfilmentStatus.SHIPPED:
            if self.tracking_number == tracking_number:
                return False
            raise BusinessRuleViolation(
                f"Order {self.id} already shipped as {self.tracking_number}.",
                code="already-shipped",
            )
        if self.fulfilment_status is None:
            raise BusinessRuleViolation(
                f"Order {self.id} was never sent to the fulfilment service.",
                code="no-shipment-requested",
            )
        if self.status is not OrderStatus.PAID:
            return False
        self._raise(
            OrderFulfilled,
            customer_id=str(self.customer_id),
            carrier=carrier,
            tracking_number=tracking_number,
            shipped_at=shipped_at,
        )
        return True

    def expire(self, now: datetime) -> bool:
        """Cancel a confirmed order whose reservation has run out; return whether it did."""
        _require_aware(now, "now")
        if not reservation_ran_out(self.status, self.reserved_until, now):
            return False
        self.cancel(CancelReason.EXPIRED)
        return True

    def _snapshots(self) -> tuple[LineSnapshot, ...]:
        return tuple(line.snapshot() for line in self.lines)

    # --- events -------------------------------------------------------------------------------

    def _raise(self, event_factory: type[DomainEvent], /, **fields: object) -> None:
        self._when(self.record(event_factory, **fields))

    def _when(self, event: DomainEvent) -> None:
        """Change the state as ``event`` says; never check a rule here (the event happened)."""
        match event:
            case OrderPlaced():
                self.currency = event.currency
                self.tax_rate = event.tax_rate
                self.lines = tuple(
                    OrderLine(UUID(line.product_id), line.name, line.unit_price, line.quantity)
                    for line in event.lines
                )
                self.status = OrderStatus.CONFIRMED
                self.reserved_until = event.reserved_until
                self.created_at = event.occurred_at
                self.shipping_address = event.shipping_address
            case OrderCancelled():
                self.status = OrderStatus.CANCELLED
                self.cancel_reason = CancelReason(event.reason)
            case OrderPaid():
                self.status = OrderStatus.PAID
                self.payment_id = UUID(event.payment_id)
                self.paid_at = event.paid_at
            case OrderFulfilled():
                self.status = OrderStatus.FULFILLED
                if event.tracking_number is not None:
                    self.fulfilment_status = FulfilmentStatus.SHIPPED
                    self.carrier = event.carrier
                    self.tracking_number = event.tracking_number
                    self.shipped_at = event.shipped_at
            case FulfilmentRequested() if event.shipping_address is not None:
                self.fulfilment_status = FulfilmentStatus.REQUESTED
            case OrderRefunded() if event.fully:
                self.status = OrderStatus.REFUNDED
            case OrderRefunded() | FulfilmentRequested():
                pass  # a v1 request (no address) was never sent anywhere
            case _:
                raise CorruptStream(f"{event.type} is not an event of an order")
        self.version = event.aggregate_version

    @classmethod
    def from_events(cls, events: Iterable[DomainEvent]) -> Order:
        """Return the order its stored events tell, oldest first, numbered 1, 2, 3 ..."""
        stream = iter(events)
        placed = next(stream, None)
        if not isinstance(placed, OrderPlaced) or placed.aggregate_version != 1:
            raise CorruptStream("an order's stream starts with ordering.order_placed at version 1")
        order = cls(
            id=UUID(placed.aggregate_id),
            customer_id=UUID(placed.customer_id),
            currency=placed.currency,
            tax_rate=placed.tax_rate,
            created_at=placed.occurred_at,
        )
        order._when(placed)
        for event in stream:
            if event.aggregate_id != placed.aggregate_id:
                raise CorruptStream(f"event {event.event_id} belongs to another order")
            if event.aggregate_version != order.version + 1:
                raise CorruptStream(
                    f"version {event.aggregate_version} follows {order.version} in the stream"
                )
            order._when(event)
        return order

    def state(self) -> OrderState:
        """Return the order's state as plain values."""
        return OrderState(
            id=self.id,
            version=self.version,
            customer_id=self.customer_id,
            currency=self.currency,
            tax_rate=self.tax_rate,
            lines=self.lines,
            status=self.status.value,
            reserved_until=self.reserved_until,
            created_at=self.created_at,
            payment_id=self.payment_id,
            paid_at=self.paid_at,
            cancel_reason=self.cancel_reason.value if self.cancel_reason else None,
            subtotal=self.subtotal,
            tax=self.tax,
            total=self.total,
            shipping_address=self.shipping_address,
            fulfilment_status=self.fulfilment_status.value if self.fulfilment_status else None,
            carrier=self.carrier,
            tracking_number=self.tracking_number,
            shipped_at=self.shipped_at,
        )


def reservation_expired() -> BusinessRuleViolation:
    """Return the refusal of a payment that comes after the order's reservation ran out."""
    return BusinessRuleViolation(
        "The order's reservation has run out and its stock is going back on sale; "
        "place the order again.",
        code="reservation-expired",
    )
