"""The demo history's plan: the same every run, inside its four weeks, within the stock."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, timedelta

import pytest

from emporium.demo.catalog_data import PRODUCTS
from emporium.demo.plan import (
    CUSTOMERS,
    DAYS,
    STOCK_FLOOR,
    STOCK_PER_PRODUCT,
    Act,
    PlannedOrder,
    history_period,
    opening,
    plan_history,
    timeline,
)

TODAY = date(2026, 12, 3)
HOLD = timedelta(minutes=15)
SHOPS = ("acme", "globex")


def shape(orders: tuple[PlannedOrder, ...]) -> list[object]:
    """Return all of a plan but its moments, which move with the day."""
    return [
        (o.number, o.customer, o.items, o.fate, [(s.act, s.percent, s.restock) for s in o.steps])
        for o in orders
    ]


@pytest.mark.parametrize("slug", SHOPS)
def test_the_plan_is_the_same_every_time(slug: str) -> None:
    assert plan_history(slug, TODAY, HOLD) == plan_history(slug, TODAY, HOLD)


@pytest.mark.parametrize("slug", SHOPS)
def test_another_day_moves_the_plan_in_time_and_changes_nothing_else(slug: str) -> None:
    later = TODAY + timedelta(days=45)
    before, after = plan_history(slug, TODAY, HOLD), plan_history(slug, later, HOLD)

    assert shape(after) == shape(before)
    moments = zip(timeline(before), timeline(after), strict=True)
    assert {b.at - a.at for a, b in moments} == {timedelta(days=45)}


def test_the_shops_have_histories_of_their_own() -> None:
    assert shape(plan_history("acme", TODAY, HOLD)) != shape(plan_history("globex", TODAY, HOLD))


def test_the_numbers_of_the_plan() -> None:
    # Pinned: a change to the plan changes the demo data, and these numbers show by how much.
    acts = {
        slug: Counter(step.act.value for step in timeline(plan_history(slug, TODAY, HOLD)))
        for slug in SHOPS
    }

    assert acts == {
        "acme": {"place": 112, "pay": 95, "fulfil": 90, "expire": 9, "cancel": 8, "refund": 8},
        "globex": {"place": 114, "pay": 105, "fulfil": 96, "refund": 10, "cancel": 5, "expire": 4},
    }


@pytest.mark.parametrize("slug", SHOPS)
def test_every_step_is_inside_the_history_and_in_the_order_of_its_order(slug: str) -> None:
    first, last = history_period(TODAY)
    start, end = datetime(2026, 11, 5, tzinfo=UTC), datetime(2026, 12, 3, tzinfo=UTC)

    assert (first, last) == (date(2026, 11, 5), date(2026, 12, 2))
    assert (last - first).days + 1 == DAYS
    assert opening(TODAY) == datetime(2026, 11, 5, 7, tzinfo=UTC)
    for order in plan_history(slug, TODAY, HOLD):
        moments = [step.at for step in order.steps]
        assert order.steps[0].act is Act.PLACE
        assert moments == sorted(set(moments))  # strictly one after the other
        assert start + timedelta(hours=8) <= order.placed_at < start + timedelta(days=DAYS)
        assert all(moment < end for moment in moments)
        assert order.customer in CUSTOMERS
        assert order.items


@pytest.mark.parametrize("slug", SHOPS)
def test_payments_and_cancels_come_within_the_hold_and_expiries_after_it(slug: str) -> None:
    for order in plan_history(slug, TODAY, HOLD):
        deadline = order.placed_at + HOLD
        for step in order.steps:
            if step.act in (Act.PAY, Act.CANCEL):
                assert step.at < deadline
            if step.act is Act.EXPIRE:
                assert deadline <= step.at < deadline + timedelta(minutes=1)


@pytest.mark.parametrize("slug", SHOPS)
def test_the_planned_lines_leave_every_product_above_the_floor(slug: str) -> None:
    planned: Counter[str] = Counter()
    for order in plan_history(slug, TODAY, HOLD):
        assert len({name for name, _ in order.items}) == len(order.items)
        for name, quantity in order.items:
            planned[name] += quantity

    assert set(planned) <= {name for _category, name, _d, _p in PRODUCTS}
    assert max(planned.values()) <= STOCK_PER_PRODUCT - STOCK_FLOOR


@pytest.mark.parametrize("slug", SHOPS)
def test_each_shop_has_every_kind_of_ending(slug: str) -> None:
    steps = timeline(plan_history(slug, TODAY, HOLD))
    refunds = Counter((s.percent is None, s.restock) for s in steps if s.act is Act.REFUND)

    assert {Act.CANCEL, Act.EXPIRE, Act.FULFIL, Act.REFUND} <= {step.act for step in steps}
    assert refunds[(True, True)] >= 1  # all of it, the units back on sale
    assert refunds[(True, False)] >= 1  # all of it
    assert refunds[(False, False)] >= 1  # part of it


def test_a_hold_too_short_for_a_history_is_refused() -> None:
    with pytest.raises(ValueError, match="too short"):
        plan_history("acme", TODAY, timedelta(seconds=5))
