"""Run a shop's planned history through the use cases, each step at its own moment.

The use cases, their adapters and the domain read the clock in many places (an order's
``created_at``, every event's ``occurred_at``, ``reserved_until``, ``paid_at``, a refund's
moment, the rows of the ledger and the outbox), most with no clock to pass in. So the seed sets
the process clock itself to each step's moment (``time_machine``, not ticking) and calls the
use cases as a request would: every one of them reads the historical moment.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Protocol
from uuid import UUID

from emporium.catalog import models as catalog_rows
from emporium.demo.plan import Act, PlannedOrder, Step, timeline
from emporium.identity.models import User
from emporium.ordering import bootstrap as ordering
from emporium.ordering.application.use_cases import (
    CancelOrder,
    ExpireOrder,
    FulfilOrder,
    PlaceOrder,
)
from emporium.ordering.domain.order import CancelReason
from emporium.payments import bootstrap as payments
from emporium.payments.application.pay_order import PayOrder
from emporium.payments.application.refund_payment import RefundPayment
from emporium.payments.domain.payment import Payment

#: The card test number that captures (API.md, "Card test numbers").
CARD_NUMBER = "4242424242424242"


class Clock(Protocol):
    """The process clock, set by the seed (a ``time_machine`` traveller)."""

    def move_to(self, destination: datetime) -> None: ...


@dataclass
class _Placed:
    """What the run knows of an order once it is placed."""

    order_id: UUID
    customer_id: UUID
    payment: Payment | None = None


def run_history(
    slug: str,
    orders: Sequence[PlannedOrder],
    clock: Clock,
    count: Callable[[str], None],
    advance: Callable[[], None],
) -> None:
    """Take every step of ``orders`` in time order, in the current shop (``slug``).

    ``count`` is told "orders", "payments" or "refunds" for each one made, ``advance`` called
    once per step. A step that fails raises: in the caller's transaction, no history is kept.
    """
    products = dict(catalog_rows.Product.objects.values_list("name", "id"))
    customers = dict(User.objects.values_list("email", "id"))
    by_number = {order.number: order for order in orders}
    placed: dict[int, _Placed] = {}
    for step in timeline(orders):
        clock.move_to(step.at)
        if step.act is Act.PLACE:
            plan = by_number[step.order]
            customer_id = customers[f"{plan.customer}@{slug}.example"]
            items = [(products[name], quantity) for name, quantity in plan.items]
            order = ordering.place_order(PlaceOrder(customer_id, items))
            placed[step.order] = _Placed(order.id, customer_id)
            count("orders")
        else:
            _take(step, placed[step.order], count)
        advance()


def _take(step: Step, order: _Placed, count: Callable[[str], None]) -> None:
    if step.act is Act.PAY:
        # Valid for three more years from the moment it pays.
        card = {"card_number": CARD_NUMBER, "exp_month": 12, "exp_year": step.at.year + 3}
        pay = PayOrder(order.order_id, order.customer_id, False, "card", {**card, "cvc": "123"})
        order.payment = payments.pay_order(pay)
        count("payments")
    elif step.act is Act.FULFIL:
        ordering.fulfil_order(FulfilOrder(order.order_id))
    elif step.act is Act.CANCEL:
        ordering.cancel_order(CancelOrder(order.order_id, CancelReason.CUSTOMER))
    elif step.act is Act.EXPIRE:
        if not ordering.expire_order(ExpireOrder(order.order_id)):
            raise RuntimeError(f"Order {order.order_id} did not expire at {step.at}.")
    elif step.act is Act.REFUND:
        if order.payment is None:
            raise RuntimeError(f"Order {order.order_id} has no payment to refund.")
        amount = None  # all that is left
        if step.percent is not None:
            amount = order.payment.amount.apply_rate(Decimal(step.percent) / 100)
        payments.refund_payment(
            RefundPayment(order.payment.id, amount, restock=step.restock), by=None
        )
        count("refunds")
