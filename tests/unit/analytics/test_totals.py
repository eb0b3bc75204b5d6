"""The totals a rebuild reports: orders and units of every day, revenue per currency."""

from __future__ import annotations

from datetime import date

from emporium.analytics.domain.facts import DayFigures
from emporium.analytics.domain.totals import Totals, totals
from emporium.shared_kernel.money import Money

NOV_25, NOV_26 = date(2026, 11, 25), date(2026, 11, 26)


def test_no_figures_total_nothing() -> None:
    assert totals([]) == Totals(0, 0, ())


def test_days_add_up_and_revenue_is_kept_per_currency_in_code_order() -> None:
    figures = [
        DayFigures(NOV_25, "USD", 2, 7, 2660),
        DayFigures(NOV_25, "EUR", 1, 1, 300),
        DayFigures(NOV_26, "USD", 1, 1, 100),
    ]

    assert totals(figures) == Totals(4, 9, (Money(300, "EUR"), Money(2760, "USD")))


def test_a_day_emptied_by_cancels_adds_no_revenue_line() -> None:
    figures = [DayFigures(NOV_25, "USD", 0, 0, 0), DayFigures(NOV_26, "EUR", 1, 3, 450)]

    assert totals(figures) == Totals(1, 3, (Money(450, "EUR"),))
