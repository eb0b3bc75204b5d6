"""The demo shops' history as data: who ordered what, when, and what became of each order.

``plan_history`` is a pure function of the shop, the day the history ends and the reservation
hold: a ``random.Random`` seeded with the shop's slug decides every draw, so the same shop gets
the same orders, lines, customers and outcomes on every run and machine. The day only moves them
in time: how many orders there are, and what becomes of each, does not depend on the date.

Plain Python (no Django): the seed runs the plan through the use cases; tests read it directly.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum

from emporium.demo.catalog_data import PRODUCTS

#: Units counted for every product when the shop opens, at the start of its history.
STOCK_PER_PRODUCT = 100
#: The history covers this many whole UTC days, ending the day before ``today``.
DAYS = 28
#: The shop's customers with a history: the local part of ``<name>@<slug>.example``. The first
#: is the documented demo customer; the others have no password (history only).
CUSTOMERS = ("customer", "ada", "grace", "alan", "edsger")
#: How often each customer orders, in the order of ``CUSTOMERS``.
_CUSTOMER_WEIGHTS = (4, 2, 2, 1, 1)
#: No planned order takes a product below this many units, whatever is cancelled or restocked.
STOCK_FLOOR = 20
#: Orders are placed between these UTC hours of a day.
_FIRST_HOUR, _LAST_HOUR = 8, 22


class Act(StrEnum):
    """What a step does to its order, through which use case."""

    PLACE = "place"  # ordering: place_order
    PAY = "pay"  # payments: pay_order, by card
    FULFIL = "fulfil"  # ordering: fulfil_order
    CANCEL = "cancel"  # ordering: cancel_order, by the customer
    EXPIRE = "expire"  # ordering: expire_order, as the minute's sweep would
    REFUND = "refund"  # payments: refund_payment


class Fate(StrEnum):
    """What becomes of an order, if the history lasts long enough for it."""

    FULFILLED = "fulfilled"  # paid, then shipped a few hours to three days later
    CANCELLED = "cancelled"  # cancelled by the customer before paying
    EXPIRED = "expired"  # never paid: the sweep cancels it when the hold runs out
    REFUNDED = "refunded"  # shipped, then all of it refunded (the goods are not back on sale)
    RETURNED = "returned"  # shipped, then all of it refunded and the units restocked
    PARTLY_REFUNDED = "partly refunded"  # shipped, then part of it refunded


_FATES = tuple(Fate)
_FATE_WEIGHTS = (78, 5, 5, 3, 5, 4)
#: A partial refund is this many percent of the payment.
_PARTIAL_PERCENTS = (10, 15, 20, 25, 30, 50)


@dataclass(frozen=True)
class Step:
    """One use case run for one order at one moment."""

    at: datetime
    order: int  # the order's number in the plan
    act: Act
    percent: int | None = None  # REFUND: the share of the payment; None is all that is left
    restock: bool = False  # REFUND: the order's units go back on sale

    @property
    def sort_key(self) -> tuple[datetime, int, int]:
        """Return the step's place in the shop's timeline: by time, then order, then act."""
        return self.at, self.order, list(Act).index(self.act)


@dataclass(frozen=True)
class PlannedOrder:
    """An order of the history: its customer, its lines, its fate and the steps taken so far."""

    number: int
    customer: str  # the local part of the customer's e-mail
    items: tuple[tuple[str, int], ...]  # (product name, quantity)
    fate: Fate
    steps: tuple[Step, ...]  # PLACE first; only the steps before the history's end

    @property
    def placed_at(self) -> datetime:
        """Return when the order was placed."""
        return self.steps[0].at


def history_period(today: date) -> tuple[date, date]:
    """Return the first and the last day of the history that ends before ``today``."""
    return today - timedelta(days=DAYS), today - timedelta(days=1)


def opening(today: date) -> datetime:
    """Return when the shop opens: 07:00 UTC on the first day, before its first order."""
    first, _ = history_period(today)
    return datetime.combine(first, time(7), tzinfo=UTC)


def plan_history(slug: str, today: date, hold: timedelta) -> tuple[PlannedOrder, ...]:
    """Return the orders of ``slug``'s history, the ``DAYS`` UTC days before ``today``.

    ``hold`` is how long an order's stock is reserved (``EMPORIUM_RESERVATION_HOLD``): payments
    and cancels come before it runs out, expiries just after. A step that would come on or
    after ``today`` is left out (the order is then still paid, or fulfilled, or not refunded).
    """
    if hold < timedelta(seconds=10):
        raise ValueError("The reservation hold is too short for a history: 10 s at least.")
    rng = random.Random(f"emporium-demo:{slug}")  # noqa: S311  (demo data, not security)
    first, _ = history_period(today)
    end = datetime.combine(today, time(), tzinfo=UTC)
    names = [name for _category, name, _description, _price in PRODUCTS]
    popularity = [rng.uniform(0.3, 3.0) for _ in names]
    left = dict.fromkeys(names, STOCK_PER_PRODUCT)
    orders: list[PlannedOrder] = []
    for day in range(DAYS):
        start = datetime.combine(first + timedelta(days=day), time(), tzinfo=UTC)
        # A shop that grows: about 3 orders a day in the first days, about 5 in the last.
        count = rng.randint(1, 5) + day // 10
        seconds = sorted(rng.randrange(_FIRST_HOUR * 3600, _LAST_HOUR * 3600) for _ in range(count))
        for second in seconds:
            customer = rng.choices(CUSTOMERS, weights=_CUSTOMER_WEIGHTS)[0]
            items = _items(rng, names, popularity, left)
            fate = rng.choices(_FATES, weights=_FATE_WEIGHTS)[0]
            placed = start + timedelta(seconds=second)
            number = len(orders)
            steps = [s for s in _steps(rng, number, placed, fate, hold) if s.at < end]
            if items:
                orders.append(PlannedOrder(number, customer, items, fate, tuple(steps)))
    return tuple(orders)


def _items(
    rng: random.Random, names: Sequence[str], popularity: Sequence[float], left: dict[str, int]
) -> tuple[tuple[str, int], ...]:
    """Draw the lines of an order; a line that would take a product below the floor is left out.

    The stock is counted down for every line planned, whatever the order's fate, so the real
    stock (which gets cancelled, expired and restocked units back) never goes below the floor.
    """
    wanted = rng.choices((1, 2, 3), weights=(6, 3, 1))[0]
    chosen: list[str] = []
    while len(chosen) < wanted:
        name = rng.choices(names, weights=popularity)[0]
        if name not in chosen:
            chosen.append(name)
    items = []
    for name in chosen:
        quantity = rng.choices((1, 2, 3), weights=(7, 2, 1))[0]
        if left[name] - quantity >= STOCK_FLOOR:
            left[name] -= quantity
            items.append((name, quantity))
    return tuple(items)


def _steps(
    rng: random.Random, number: int, placed: datetime, fate: Fate, hold: timedelta
) -> list[Step]:
    """Draw the moments of an order's steps, from its placing on, by its fate."""
    held = int(hold.total_seconds())
    steps = [Step(placed, number, Act.PLACE)]
    # The customer pays, or cancels, while the stock is held; the sweep runs every minute.
    within_hold = placed + timedelta(seconds=rng.randint(held // 10, held * 2 // 3))
    if fate is Fate.CANCELLED:
        return [*steps, Step(within_hold, number, Act.CANCEL)]
    if fate is Fate.EXPIRED:
        swept = placed + hold + timedelta(seconds=rng.randint(0, 59))
        return [*steps, Step(swept, number, Act.EXPIRE)]
    shipped = within_hold + timedelta(minutes=rng.randint(6 * 60, 72 * 60))
    steps += [Step(within_hold, number, Act.PAY), Step(shipped, number, Act.FULFIL)]
    refunded = shipped + timedelta(minutes=rng.randint(24 * 60, 5 * 24 * 60))
    if fate is Fate.REFUNDED:
        steps.append(Step(refunded, number, Act.REFUND))
    elif fate is Fate.RETURNED:
        steps.append(Step(refunded, number, Act.REFUND, restock=True))
    elif fate is Fate.PARTLY_REFUNDED:
        percent = rng.choice(_PARTIAL_PERCENTS)
        steps.append(Step(refunded, number, Act.REFUND, percent=percent))
    return steps


def timeline(orders: Sequence[PlannedOrder]) -> list[Step]:
    """Return every step of ``orders`` in the order they are taken."""
    return sorted((step for order in orders for step in order.steps), key=lambda s: s.sort_key)
