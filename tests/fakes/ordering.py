"""In-memory fakes of ordering's ports: orders, the catalog's offers, stock held for orders."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from uuid import UUID

from emporium.inventory.domain.reservation import Reservation, commit, lock_order, release, reserve
from emporium.inventory.domain.stock import StockItem
from emporium.ordering.application.ports import Offer
from emporium.ordering.domain.order import Order, OrderStatus
from emporium.shared_kernel.messagebus import MessageBus
from emporium.shared_kernel.money import Money
from tests.fakes.unit_of_work import FakeUnitOfWork, Table


class InMemoryOrders:
    """Implement ``OrderRepository`` on a table of the unit of work; ``rows`` as committed."""

    def __init__(self, uow: FakeUnitOfWork) -> None:
        self.uow = uow
        self.table: Table[UUID, Order] = Table(uow)

    @property
    def rows(self) -> dict[UUID, Order]:
        return self.table.rows

    def add(self, order: Order) -> None:
        if self.table.get(order.id) is not None:
            raise ValueError(f"order {order.id} is already stored")  # the primary key
        self.table.put(order.id, order)
        self.uow.track(order)

    def get_for_update(self, order_id: UUID) -> Order | None:
        order = self.table.get(order_id)
        if order is not None:
            self.uow.track(order)
        return order

    def save(self, order: Order) -> None:
        if self.table.get(order.id) is None:
            raise ValueError(f"order {order.id} was never stored")
        self.table.put(order.id, order)
        self.uow.track(order)

    def expired_ids(self, now: datetime, limit: int) -> list[UUID]:
        due = [
            order
            for order in self.table.values()
            if order.status is OrderStatus.CONFIRMED
            and order.reserved_until is not None
            and order.reserved_until <= now
        ]
        due.sort(key=lambda order: (order.reserved_until, order.id))
        return [order.id for order in due[:limit]]


class FakeOrderingUnitOfWork(FakeUnitOfWork):
    """The ordering unit of work, with its orders in memory."""

    def __init__(self, bus: MessageBus | None = None, tenant: str | None = "acme") -> None:
        super().__init__(bus, tenant)
        self.orders = InMemoryOrders(self)


class InMemoryPricing:
    """Implement ``Pricing``: the catalog's products, of which only the published are offered."""

    def __init__(self) -> None:
        self._products: dict[UUID, tuple[Offer, bool]] = {}

    def publish(self, product_id: UUID, name: str, price: Money) -> None:
        """Offer the product at ``price``."""
        self._products[product_id] = (Offer(name, price), True)

    def draft(self, product_id: UUID, name: str, price: Money) -> None:
        """Keep the product in the catalog, unpublished: it has no offer."""
        self._products[product_id] = (Offer(name, price), False)

    def current_offers(self, product_ids: Iterable[UUID]) -> dict[UUID, Offer]:
        offers = {}
        for product_id in product_ids:
            if product_id in self._products:
                offer, published = self._products[product_id]
                if published:
                    offers[product_id] = offer
        return offers


Ending = Callable[[StockItem, Reservation], Reservation]


class InMemoryStockForOrders:
    """Implement ordering's ``Inventory`` port with inventory's rules, in the ordering unit of work.

    Counts are ``StockItem``s and holds are ``Reservation``s, in tables of the caller's unit of
    work: as the real reservations share the order's transaction, an order that is refused or
    rolled back holds nothing. Each call's stock events are staged in that unit of work when
    the call succeeds, as the real adapter's nested unit of work commits them: they reach the
    outbox before the order's own events, and not at all if the order rolls back.
    """

    def __init__(self, uow: FakeUnitOfWork, on_hand: Mapping[UUID, int]) -> None:
        self.uow = uow
        self.items: Table[UUID, StockItem] = Table(
            uow, {pid: StockItem(id=pid, on_hand=count) for pid, count in on_hand.items()}
        )
        self.reservations: Table[tuple[UUID, UUID], Reservation] = Table(uow)

    def counts(self) -> dict[UUID, tuple[int, int]]:
        """Return the committed (on hand, reserved) of each product."""
        return {pid: (item.on_hand, item.reserved) for pid, item in self.items.rows.items()}

    def held(self, order_id: UUID) -> dict[UUID, int]:
        """Return the committed, still active holds of ``order_id`` by product."""
        return {
            r.product_id: r.quantity
            for r in self.reservations.rows.values()
            if r.order_id == order_id and r.is_active
        }

    def reserve(self, order_id: UUID, items: Sequence[tuple[UUID, int]], until: datetime) -> None:
        stock = self._lock(pid for pid, _ in items)
        # All or nothing: the first product short raises before anything is written.
        held = [reserve(stock[pid], order_id, quantity, until) for pid, quantity in sorted(items)]
        self._write(stock.values(), held)

    def release(self, order_id: UUID) -> None:
        self._end(order_id, release)

    def commit(self, order_id: UUID) -> None:
        self._end(order_id, commit)

    def _end(self, order_id: UUID, ending: Ending) -> None:
        active = sorted(
            (r for r in self.reservations.values() if r.order_id == order_id and r.is_active),
            key=lambda r: r.product_id,
        )
        stock = self._lock(r.product_id for r in active)
        self._write(stock.values(), [ending(stock[r.product_id], r) for r in active])

    def _lock(self, product_ids: Iterable[UUID]) -> dict[UUID, StockItem]:
        return {pid: self.items.get(pid) or StockItem(id=pid) for pid in lock_order(product_ids)}

    def _write(self, items: Iterable[StockItem], reservations: Iterable[Reservation]) -> None:
        for item in items:
            self.items.put(item.id, item)
            self.uow.stage(item.pull_events())
        for r in reservations:
            self.reservations.put((r.order_id, r.product_id), r)
