"""The payments use cases' world for unit tests: an order to pay, a card provider, fakes."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from emporium.payments.application.pay_order import PayOrder, pay_order
from emporium.payments.application.ports import PayableOrder
from emporium.payments.domain.payment import Payment
from emporium.shared_kernel.money import Money
from tests.fakes.payments import (
    GOOD_TOKEN,
    FakePaymentsUnitOfWork,
    FakeProvider,
    InMemoryOrders,
)

CUSTOMER = UUID("c0000000-0000-4000-8000-000000000001")
OTHER_CUSTOMER = UUID("c0000000-0000-4000-8000-000000000002")
STAFF = UUID("5a000000-0000-4000-8000-000000000001")
ORDER = UUID("0a000000-0000-4000-8000-00000000000a")
NOW = datetime(2026, 11, 25, 12, 3, 9, tzinfo=UTC)


def usd(amount: str) -> Money:
    return Money.of(amount, "USD")


TOTAL = usd("58.21")


class Checkout:
    """A confirmed order of ``CUSTOMER`` for ``TOTAL``, a shop taking cards, a clock at NOW."""

    def __init__(self, status: str = "confirmed") -> None:
        self.uow = FakePaymentsUnitOfWork()
        self.orders = InMemoryOrders(
            self.uow, {ORDER: PayableOrder(ORDER, CUSTOMER, status, TOTAL)}
        )
        self.card = FakeProvider()
        self.providers = {"card": self.card}
        self.enabled = {"card"}
        self.now = NOW

    def pay(
        self,
        data: Mapping[str, Any] | None = None,
        *,
        payer: UUID = CUSTOMER,
        manages_shop: bool = False,
        method: str = "card",
        order: UUID = ORDER,
    ) -> Payment:
        command = PayOrder(
            order, payer, manages_shop, method, {"token": GOOD_TOKEN} if data is None else data
        )
        return pay_order(
            command, self.uow, self.orders, self.providers, lambda: self.enabled, lambda: self.now
        )

    def events(self) -> list[tuple[str, str, dict[str, Any]]]:
        return [(e.type, e.aggregate_id, e.payload) for e in self.uow.outbox]
