"""In-memory fakes of inventory's ports: stock with its ledger, reservations, the catalog."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from uuid import UUID

from emporium.inventory.domain.reservation import Reservation
from emporium.inventory.domain.stock import StockItem
from emporium.shared_kernel.messagebus import MessageBus
from tests.fakes.unit_of_work import FakeUnitOfWork, Table


@dataclass(frozen=True)
class StockMovement:
    """A ledger line, as the real adapter writes one: what moved, and the counts after."""

    product_id: UUID
    kind: str
    on_hand_delta: int
    reserved_delta: int
    on_hand_after: int
    reserved_after: int
    reference: str


class InMemoryStock:
    """Implement ``StockRepository``: stock items and one ledger line per write."""

    def __init__(self, uow: FakeUnitOfWork, on_hand: Mapping[UUID, int] | None = None) -> None:
        self.uow = uow
        self.items: Table[UUID, StockItem] = Table(
            uow, {pid: StockItem(id=pid, on_hand=n) for pid, n in (on_hand or {}).items()}
        )
        self._ledger: Table[int, StockMovement] = Table(uow)

    @property
    def rows(self) -> dict[UUID, StockItem]:
        return self.items.rows

    @property
    def ledger(self) -> list[StockMovement]:
        """Return the committed ledger lines, oldest first."""
        return [self._ledger.rows[n] for n in sorted(self._ledger.rows)]

    def get_for_update(self, product_id: UUID) -> StockItem:
        # As the real one, the first look at a product's stock creates its row, at zero.
        if self.items.get(product_id) is None:
            self.items.put(product_id, StockItem(id=product_id))
        return self._track(product_id)

    def lock_many(self, product_ids: Sequence[UUID]) -> dict[UUID, StockItem]:
        # Where no stock is kept the item is zero, and stays unwritten (see save_changed).
        return {pid: self._track(pid) for pid in product_ids}

    def _track(self, product_id: UUID) -> StockItem:
        item = self.items.get(product_id) or StockItem(id=product_id)
        self.uow.track(item)
        return item

    def save(self, item: StockItem, *, movement: str, reference: str = "") -> None:
        # Every save gets its line, changed or not: a recount that confirms the stock counts.
        before = self.items.get(item.id) or StockItem(id=item.id)
        self._ledger.put(
            len(self._ledger.keys()),
            StockMovement(
                product_id=item.id,
                kind=movement,
                on_hand_delta=item.on_hand - before.on_hand,
                reserved_delta=item.reserved - before.reserved,
                on_hand_after=item.on_hand,
                reserved_after=item.reserved,
                reference=reference,
            ),
        )
        self.items.put(item.id, item)

    def save_changed(self, items: Iterable[StockItem], *, movement: str, reference: str) -> None:
        for item in items:
            before = self.items.get(item.id)
            if before is not None and (before.on_hand, before.reserved) != (
                item.on_hand,
                item.reserved,
            ):
                self.save(item, movement=movement, reference=reference)


class InMemoryReservations:
    """Implement ``ReservationRepository``: one reservation per (order, product)."""

    def __init__(self, uow: FakeUnitOfWork) -> None:
        self.table: Table[tuple[UUID, UUID], Reservation] = Table(uow)

    @property
    def rows(self) -> dict[tuple[UUID, UUID], Reservation]:
        return self.table.rows

    def add(self, reservations: Sequence[Reservation]) -> None:
        for r in reservations:
            if self.table.get((r.order_id, r.product_id)) is not None:
                raise ValueError(f"order {r.order_id} already holds product {r.product_id}")
            self.table.put((r.order_id, r.product_id), r)

    def active_for_update(self, order_id: UUID) -> list[Reservation]:
        active = [r for r in self.table.values() if r.order_id == order_id and r.is_active]
        return sorted(active, key=lambda r: r.product_id)

    def save(self, reservations: Sequence[Reservation]) -> None:
        for r in reservations:
            self.table.put((r.order_id, r.product_id), r)


class FakeInventoryUnitOfWork(FakeUnitOfWork):
    """The inventory unit of work, with its stock and reservations in memory."""

    def __init__(
        self,
        on_hand: Mapping[UUID, int] | None = None,
        bus: MessageBus | None = None,
        tenant: str | None = "acme",
    ) -> None:
        super().__init__(bus, tenant)
        self.stock = InMemoryStock(self, on_hand)
        self.reservations = InMemoryReservations(self)


class InMemoryCatalog:
    """Implement inventory's ``Catalog`` port: the products of the current tenant."""

    def __init__(self, product_ids: Iterable[UUID]) -> None:
        self.product_ids = set(product_ids)

    def exists(self, product_id: UUID) -> bool:
        return product_id in self.product_ids
