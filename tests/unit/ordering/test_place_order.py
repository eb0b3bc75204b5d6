"""place_order on in-memory fakes of its ports: catalog prices, stock held, all or nothing."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from uuid import UUID

import pytest

from emporium.ordering.application.ports import ShopTerms
from emporium.ordering.application.use_cases import (
    CancelOrder,
    MarkOrderPaid,
    PlaceOrder,
    RecordShipment,
    cancel_order,
    mark_order_paid,
    place_order,
    record_shipment,
)
from emporium.ordering.domain.address import ShippingAddress
from emporium.ordering.domain.events import OrderPlaced
from emporium.ordering.domain.order import CancelReason, Order, OrderLine, OrderStatus
from emporium.shared_kernel.errors import BusinessRuleViolation, Conflict, InvalidInput
from emporium.shared_kernel.events import DomainEvent
from emporium.shared_kernel.messagebus import MessageBus
from emporium.shared_kernel.money import Money
from tests.fakes.ordering import FakeOrderingUnitOfWork, InMemoryPricing, InMemoryStockForOrders

CUSTOMER = UUID("c0000000-0000-4000-8000-000000000001")
# Ascending, so that stock is locked (and its events recorded) mug first.
MUG = UUID("a1000000-0000-4000-8000-000000000001")
PAN = UUID("a2000000-0000-4000-8000-000000000002")
KETTLE = UUID("a3000000-0000-4000-8000-000000000003")  # in the catalog, not published
GHOST = UUID("a4000000-0000-4000-8000-000000000004")  # not in the catalog
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
HOLD = timedelta(minutes=15)


def usd(amount: str) -> Money:
    return Money.of(amount, "USD")


class Shop:
    """The ordering use cases' world: a catalog, stock, a unit of work and a bus."""

    def __init__(self) -> None:
        self.handled: list[DomainEvent] = []
        bus = MessageBus()
        bus.register(OrderPlaced, self.handled.append)
        self.uow = FakeOrderingUnitOfWork(bus)
        self.pricing = InMemoryPricing()
        self.pricing.publish(MUG, "Mug", usd("4.00"))
        self.pricing.publish(PAN, "Pan", usd("45.90"))
        self.pricing.draft(KETTLE, "Kettle", usd("30.00"))
        self.stock = InMemoryStockForOrders(self.uow, {MUG: 10, PAN: 3, KETTLE: 5})

    def place(
        self, items: Sequence[tuple[UUID, int]], address: ShippingAddress | None = None
    ) -> Order:
        return place_order(
            PlaceOrder(CUSTOMER, items, shipping_address=address),
            self.uow,
            self.pricing,
            self.stock,
            lambda: ShopTerms("USD", Decimal("8.00")),
            lambda: NOW,
            HOLD,
        )

    def types(self) -> list[str]:
        return [envelope.type for envelope in self.uow.outbox]


@pytest.fixture
def shop() -> Shop:
    return Shop()


def assert_nothing_committed(shop: Shop) -> None:
    assert shop.uow.orders.rows == {}
    assert shop.stock.counts() == {MUG: (10, 0), PAN: (3, 0), KETTLE: (5, 0)}
    assert shop.stock.reservations.rows == {}
    assert shop.uow.outbox == []
    assert shop.handled == []


def test_an_order_is_priced_from_the_catalog_taxed_confirmed_and_its_stock_held(
    shop: Shop,
) -> None:
    order = shop.place([(MUG, 2), (PAN, 1)])

    assert order.status is OrderStatus.CONFIRMED
    assert (order.customer_id, order.currency, order.tax_rate) == (CUSTOMER, "USD", Decimal("8.00"))
    assert order.lines == (
        OrderLine(MUG, "Mug", usd("4.00"), 2),
        OrderLine(PAN, "Pan", usd("45.90"), 1),
    )
    # 8.00 + 45.90 = 53.90; 8 % of it is 4.312, rounded to 4.31.
    assert (order.subtotal, order.tax, order.total) == (usd("53.90"), usd("4.31"), usd("58.21"))
    assert order.reserved_until == datetime(2026, 11, 25, 12, 15, tzinfo=UTC)

    stored = shop.uow.orders.rows[order.id]
    assert (stored.status, stored.lines, stored.total, stored.version) == (
        OrderStatus.CONFIRMED,
        order.lines,
        usd("58.21"),
        1,
    )
    assert shop.stock.counts() == {MUG: (10, 2), PAN: (3, 1), KETTLE: (5, 0)}
    assert shop.stock.held(order.id) == {MUG: 2, PAN: 1}
    assert {r.expires_at for r in shop.stock.reservations.rows.values()} == {
        datetime(2026, 11, 25, 12, 15, tzinfo=UTC)
    }


def test_the_order_placed_event_is_committed_after_the_stock_events_then_handled(
    shop: Shop,
) -> None:
    order = shop.place([(PAN, 1), (MUG, 2)])

    assert shop.types() == [
        "inventory.stock_reserved",
        "inventory.stock_reserved",
        "ordering.order_placed",
    ]
    mug, pan, placed = shop.uow.outbox
    assert [(e.aggregate_id, e.payload["quantity"], e.payload["reserved"]) for e in (mug, pan)] == [
        (str(MUG), 2, 2),
        (str(PAN), 1, 1),
    ]
    assert (placed.tenant, placed.aggregate_id, placed.aggregate_version) == (
        "acme",
        str(order.id),
        1,
    )
    assert placed.payload == {
        "customer_id": str(CUSTOMER),
        "currency": "USD",
        "lines": [
            {
                "product_id": str(PAN),
                "name": "Pan",
                "quantity": 1,
                "unit_price": {"amount": "45.90", "currency": "USD"},
                "line_total": {"amount": "45.90", "currency": "USD"},
            },
            {
                "product_id": str(MUG),
                "name": "Mug",
                "quantity": 2,
                "unit_price": {"amount": "4.00", "currency": "USD"},
                "line_total": {"amount": "8.00", "currency": "USD"},
            },
        ],
        "tax_rate": "8.00",
        "shipping_address": None,
        "subtotal": {"amount": "53.90", "currency": "USD"},
        "tax": {"amount": "4.31", "currency": "USD"},
        "total": {"amount": "58.21", "currency": "USD"},
        "reserved_until": "2026-11-25T12:15:00Z",
    }
    assert [event.event_id for event in shop.handled] == [placed.id]


def test_the_lines_keep_the_price_they_were_ordered_at(shop: Shop) -> None:
    order = shop.place([(MUG, 1)])

    shop.pricing.publish(MUG, "Mug", usd("5.00"))

    assert shop.uow.orders.rows[order.id].lines == (OrderLine(MUG, "Mug", usd("4.00"), 1),)
    assert shop.place([(MUG, 1)]).lines == (OrderLine(MUG, "Mug", usd("5.00"), 1),)


@pytest.mark.parametrize(("product", "name"), [(KETTLE, "unpublished"), (GHOST, "unknown")])
def test_a_product_not_for_sale_refuses_the_order_and_holds_nothing(
    shop: Shop, product: UUID, name: str
) -> None:
    with pytest.raises(BusinessRuleViolation) as refused:
        shop.place([(MUG, 1), (product, 1)])

    assert refused.value.code == "unknown-product"
    assert refused.value.detail == f"Not for sale in this shop: {product}."
    # The mug was held before the refusal; the rollback let it go.
    assert_nothing_committed(shop)


def test_too_little_stock_is_a_conflict_naming_the_product_and_nothing_is_held(
    shop: Shop,
) -> None:
    with pytest.raises(Conflict) as refused:
        shop.place([(MUG, 1), (PAN, 4)])

    assert refused.value.code == "insufficient-stock"
    assert (
        refused.value.detail == f"Insufficient stock for product {PAN}: 4 requested, 3 available."
    )
    assert_nothing_committed(shop)


def test_stock_is_checked_before_unknown_products(shop: Shop) -> None:
    with pytest.raises(Conflict) as refused:
        shop.place([(GHOST, 1), (PAN, 4)])

    assert refused.value.code == "insufficient-stock"
    assert_nothing_committed(shop)


def test_held_stock_is_not_sold_twice(shop: Shop) -> None:
    first = shop.place([(PAN, 3)])

    with pytest.raises(Conflict) as refused:
        shop.place([(PAN, 1)])

    assert (
        refused.value.detail == f"Insufficient stock for product {PAN}: 1 requested, 0 available."
    )
    assert list(shop.uow.orders.rows) == [first.id]
    assert shop.stock.counts()[PAN] == (3, 3)


def test_an_order_without_a_positive_total_is_refused_and_holds_nothing(shop: Shop) -> None:
    shop.pricing.publish(MUG, "Free mug", usd("0.00"))

    with pytest.raises(BusinessRuleViolation) as refused:
        shop.place([(MUG, 1)])

    assert refused.value.code == "non-positive-total"
    assert_nothing_committed(shop)


@pytest.mark.parametrize(
    ("items", "errors"),
    [
        ([], {"items": ["At least one item."]}),
        ([(MUG, 0)], {"items.0.quantity": ["A whole number of at least 1."]}),
        ([(MUG, 1), (PAN, True)], {"items.1.quantity": ["A whole number of at least 1."]}),
        ([(MUG, 1), (MUG, 2)], {"items.1.product_id": ["This product is already in the order."]}),
    ],
)
def test_malformed_items_are_invalid_input_before_any_work(
    shop: Shop, items: list[tuple[UUID, int]], errors: dict[str, list[str]]
) -> None:
    with pytest.raises(InvalidInput) as refused:
        shop.place(items)

    assert refused.value.errors == errors
    assert_nothing_committed(shop)


def test_cancelling_returns_the_held_stock(shop: Shop) -> None:
    order = shop.place([(MUG, 2), (PAN, 1)])

    cancelled = cancel_order(CancelOrder(order.id, CancelReason.CUSTOMER), shop.uow, shop.stock)

    assert cancelled.status is OrderStatus.CANCELLED
    assert shop.uow.orders.rows[order.id].status is OrderStatus.CANCELLED
    assert shop.stock.counts() == {MUG: (10, 0), PAN: (3, 0), KETTLE: (5, 0)}
    assert shop.stock.held(order.id) == {}
    assert shop.types()[3:] == [
        "inventory.stock_released",
        "inventory.stock_released",
        "ordering.order_cancelled",
    ]


def test_paying_sells_the_held_stock(shop: Shop) -> None:
    order = shop.place([(MUG, 2), (PAN, 1)])
    payment_id = UUID("0d000000-0000-4000-8000-00000000000d")

    paid = mark_order_paid(
        MarkOrderPaid(order.id, payment_id), shop.uow, shop.stock, NOW + timedelta(minutes=5)
    )

    assert (paid.status, paid.payment_id) == (OrderStatus.PAID, payment_id)
    assert shop.stock.counts() == {MUG: (8, 0), PAN: (2, 0), KETTLE: (5, 0)}
    assert shop.types()[3:] == [
        "inventory.stock_committed",
        "inventory.stock_committed",
        "ordering.order_paid",
    ]  # no address: nothing is sent to the fulfilment service


ADDRESS = ShippingAddress("Ann Lee", "1 Quay St", "", "Bristol", "BS1 4DJ", "GB")
SHIPPED_AT = NOW + timedelta(hours=1)


def test_an_order_with_an_address_is_sent_to_the_service_and_its_shipment_recorded_once(
    shop: Shop,
) -> None:
    order = shop.place([(MUG, 1)], address=ADDRESS)
    mark_order_paid(
        MarkOrderPaid(order.id, UUID("0d000000-0000-4000-8000-00000000000d")),
        shop.uow,
        shop.stock,
        NOW + timedelta(minutes=5),
    )
    shipment = RecordShipment(order.id, "Parcelforce Sim", "PF0001", SHIPPED_AT)

    first = record_shipment(shipment, shop.uow)
    again = record_shipment(shipment, shop.uow)

    assert (first, again) == (True, False)
    stored = shop.uow.orders.rows[order.id]
    assert (stored.status, stored.shipping_address, stored.tracking_number) == (
        OrderStatus.FULFILLED,
        ADDRESS,
        "PF0001",
    )
    assert shop.types()[-3:] == [
        "ordering.order_paid",
        "ordering.fulfilment_requested",
        "ordering.order_fulfilled",
    ]
    assert shop.uow.outbox[-2].payload["shipping_address"] == ADDRESS.to_dict()
