"""The sales report query of the analytics context."""

from __future__ import annotations

from datetime import date

from emporium.analytics.application.ports import SalesStore
from emporium.analytics.domain.report import SalesReport, period_of, sales_report


def report_sales(
    start: str | None, end: str | None, *, today: date, currency: str, store: SalesStore
) -> SalesReport:
    """Return the current tenant's sales from ``start`` to ``end`` (``YYYY-MM-DD``, inclusive)."""
    period = period_of(start, end, today)
    return sales_report(period, currency, store.days(period.start, period.end, currency))
