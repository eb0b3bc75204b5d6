"""Analytics' projection rows on the ORM: writers of one generation, readers of the live one."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator
from datetime import date, datetime
from typing import Any
from uuid import UUID

from django.db.models import Case, F, QuerySet, Value, When

from emporium.analytics import models as rows
from emporium.analytics.domain.customers import CustomerSummary, SummaryDelta
from emporium.analytics.domain.dashboard import week_of
from emporium.analytics.domain.facts import DayFigures, OrderFact
from emporium.analytics.domain.products import ProductDay
from emporium.infrastructure.projections.runner import live_generation
from emporium.shared_kernel.money import Money

SALES = "sales"
CUSTOMER_SUMMARY = "customer-summary"
PRODUCT_SALES = "product-sales"

#: Every table of the product-sales projection.
PRODUCT_SALES_TABLES: tuple[type[Any], ...] = (
    rows.UnpaidOrderLines,
    rows.ProductSales,
    rows.WeeklyProductSales,
)


def to_domain(row: rows.OrderFact) -> OrderFact:
    """Return the domain fact of ``row``."""
    revenue = Money(row.revenue_minor, row.currency) if row.placed_on is not None else None
    return OrderFact(
        order_id=str(row.order_id),
        placed_on=row.placed_on,
        units=row.units,
        revenue=revenue,
        cancelled=row.cancelled,
    )


def figures_of(row: rows.DailySales) -> DayFigures:
    """Return the figures of a day row."""
    return DayFigures(
        row.day, row.currency, row.orders, row.units, row.revenue_minor, row.refunds_minor
    )


def _kept_unless(column: str, moment: datetime | None, *, earlier: bool) -> Case | F:
    """Return ``column``, or ``moment`` where that is earlier (or later) or the column NULL."""
    # Case rather than Least/Greatest: with a NULL column those answer NULL on SQLite only.
    if moment is None:
        return F(column)
    keep = f"{column}__lte" if earlier else f"{column}__gte"
    return Case(When(**{keep: moment}, then=F(column)), default=Value(moment))


class _Generation:
    """Rows of one projection: of ``generation`` when given (writers), else the live one."""

    projection: str

    def __init__(self, generation: int | None = None, using: str = "default") -> None:
        self.generation = generation
        self.using = using

    def _rows(self, model: type[Any]) -> QuerySet[Any]:
        found: QuerySet[Any] = model.objects.db_manager(self.using).all()
        if self.generation is None:
            return found.filter(generation=live_generation(self.projection))
        return found.filter(generation=self.generation)

    def _writing(self) -> int:
        if self.generation is None:
            raise RuntimeError(f"writes to {self.projection} name their generation")
        return self.generation

    def _add(self, model: type[Any], key: dict[str, Any], changes: dict[str, Any]) -> QuerySet[Any]:
        """Make the row of ``key`` if missing, then change it in one UPDATE; return its query.

        ``changes`` are column values or expressions such as ``F("orders") + 1``, which add in
        the database to the committed value.
        """
        model.objects.db_manager(self.using).bulk_create(
            [model(generation=self._writing(), **key)], ignore_conflicts=True
        )
        row = self._rows(model).filter(**key)
        row.update(**changes)
        return row


class DjangoSalesStore(_Generation):
    """Implement ``SalesStore``; call the writers inside the runner's transaction."""

    projection = SALES

    def facts_of(self, order_ids: Collection[str]) -> dict[str, OrderFact]:
        generation = self._writing()
        facts = rows.OrderFact.objects.db_manager(self.using)
        facts.bulk_create(
            [rows.OrderFact(generation=generation, order_id=UUID(i)) for i in sorted(order_ids)],
            ignore_conflicts=True,
        )
        stored = self._rows(rows.OrderFact).filter(order_id__in=list(order_ids))
        found = {str(row.order_id): to_domain(row) for row in stored}
        return {i: found[i] for i in order_ids}

    def save_facts(self, facts: Iterable[OrderFact]) -> None:
        for fact in facts:
            self._rows(rows.OrderFact).filter(order_id=fact.order_id).update(
                placed_on=fact.placed_on,
                units=fact.units,
                revenue_minor=fact.revenue.minor if fact.revenue else 0,
                currency=fact.revenue.currency if fact.revenue else "",
                cancelled=fact.cancelled,
            )

    def record_refunds_once(self, refunds: Collection[tuple[str, str]]) -> set[str]:
        generation = self._writing()
        ids = [UUID(refund_id) for refund_id, _ in refunds]
        known = self._rows(rows.RefundFact).filter(refund_id__in=ids)
        seen = set(known.values_list("refund_id", flat=True))
        new = [(r, o) for r, o in refunds if UUID(r) not in seen]
        rows.RefundFact.objects.db_manager(self.using).bulk_create(
            rows.RefundFact(generation=generation, refund_id=UUID(r), order_id=UUID(o))
            for r, o in new
        )
        return {r for r, _ in new}

    def add_to_days(self, deltas: Iterable[DayFigures]) -> None:
        for delta in sorted(deltas, key=lambda d: (d.day, d.currency)):
            day = self._add(
                rows.DailySales,
                {"day": delta.day, "currency": delta.currency},
                {
                    "orders": F("orders") + delta.orders,
                    "units": F("units") + delta.units,
                    "revenue_minor": F("revenue_minor") + delta.revenue_minor,
                    "refunds_minor": F("refunds_minor") + delta.refunds_minor,
                },
            )
            if min(delta.orders, delta.units, delta.revenue_minor, delta.refunds_minor) < 0:
                # A cancel can take a day back to nothing: no row then, as a replay that saw
                # the place and the cancel in one batch never writes one (reads count a day
                # without a row as zero).
                day.filter(orders=0, units=0, revenue_minor=0, refunds_minor=0).delete()

    def days(self, start: date, end: date, currency: str) -> Iterator[DayFigures]:
        found = self._rows(rows.DailySales).filter(day__range=(start, end), currency=currency)
        for row in found.order_by("day"):
            yield figures_of(row)

    def all_days(self) -> Iterator[DayFigures]:
        for row in self._rows(rows.DailySales).order_by("day", "currency"):
            yield figures_of(row)

    def drop(self) -> None:
        """Delete this generation's rows of the current tenant."""
        for model in (rows.OrderFact, rows.RefundFact, rows.DailySales):
            self._rows(model).delete()


class DjangoCustomerSummaryStore(_Generation):
    """Implement ``CustomerSummaryStore``."""

    projection = CUSTOMER_SUMMARY

    def add(self, deltas: Iterable[SummaryDelta]) -> None:
        for delta in sorted(deltas, key=lambda d: d.customer_id):
            customer = UUID(delta.customer_id)
            first, last = delta.first_order_at, delta.last_order_at
            if delta.orders:
                self._add(
                    rows.CustomerSummary,
                    {"customer_id": customer},
                    {
                        "orders": F("orders") + delta.orders,
                        "first_order_at": _kept_unless("first_order_at", first, earlier=True),
                        "last_order_at": _kept_unless("last_order_at", last, earlier=False),
                    },
                )
            for currency, minor in sorted(delta.paid_minor.items()):
                self._add(
                    rows.CustomerPaidTotal,
                    {"customer_id": customer, "currency": currency},
                    {"paid_minor": F("paid_minor") + minor},
                )

    def summary(self, customer_id: str) -> CustomerSummary:
        customer = UUID(customer_id)
        row = self._rows(rows.CustomerSummary).filter(customer_id=customer).first()
        paid = self._rows(rows.CustomerPaidTotal).filter(customer_id=customer)
        return CustomerSummary(
            customer_id=customer_id,
            orders=row.orders if row else 0,
            paid_total=tuple(
                Money(total.paid_minor, total.currency) for total in paid.order_by("currency")
            ),
            first_order_at=row.first_order_at if row else None,
            last_order_at=row.last_order_at if row else None,
        )

    def all(self) -> list[CustomerSummary]:
        """Return every customer's summary, by customer id (for checks and rebuild tests)."""
        ids = set(self._rows(rows.CustomerSummary).values_list("customer_id", flat=True))
        ids |= set(self._rows(rows.CustomerPaidTotal).values_list("customer_id", flat=True))
        return [self.summary(str(customer)) for customer in sorted(ids)]

    def drop(self) -> None:
        """Delete this generation's rows of the current tenant."""
        for model in (rows.CustomerSummary, rows.CustomerPaidTotal):
            self._rows(model).delete()


class DjangoProductSalesStore(_Generation):
    """Implement ``ProductSalesStore``."""

    projection = PRODUCT_SALES

    def unpaid_lines(self, order_ids: Collection[str]) -> dict[str, list[dict[str, Any]]]:
        found = self._rows(rows.UnpaidOrderLines).filter(order_id__in=[UUID(i) for i in order_ids])
        return {str(row.order_id): row.lines for row in found}

    def keep_lines(self, lines: dict[str, list[dict[str, Any]]]) -> None:
        generation = self._writing()
        rows.UnpaidOrderLines.objects.db_manager(self.using).bulk_create(
            rows.UnpaidOrderLines(generation=generation, order_id=UUID(order_id), lines=kept)
            for order_id, kept in lines.items()
        )

    def forget_lines(self, order_ids: Collection[str]) -> None:
        self._writing()
        self._rows(rows.UnpaidOrderLines).filter(order_id__in=[UUID(i) for i in order_ids]).delete()

    def add_sales(self, deltas: Iterable[ProductDay]) -> None:
        weeks: dict[tuple[str, date, str], list[Any]] = {}
        for delta in sorted(deltas, key=lambda d: (d.product_id, d.day, d.currency)):
            self._add(
                rows.ProductSales,
                {
                    "product_id": UUID(delta.product_id),
                    "day": delta.day,
                    "currency": delta.currency,
                },
                {
                    "name": delta.name,
                    "units": F("units") + delta.units,
                    "revenue_minor": F("revenue_minor") + delta.revenue_minor,
                },
            )
            # Days in order: the week keeps its last day's name.
            week = weeks.setdefault(
                (delta.product_id, week_of(delta.day), delta.currency), [0, 0, ""]
            )
            week[0] += delta.units
            week[1] += delta.revenue_minor
            week[2] = delta.name
        for (product_id, monday, currency), (units, revenue, name) in sorted(weeks.items()):
            self._add(
                rows.WeeklyProductSales,
                {"product_id": UUID(product_id), "week": monday, "currency": currency},
                {
                    "name": name,
                    "units": F("units") + units,
                    "revenue_minor": F("revenue_minor") + revenue,
                },
            )

    def all(self) -> list[ProductDay]:
        """Return every product's days, by product, day and currency."""
        found = self._rows(rows.ProductSales).order_by("product_id", "day", "currency")
        return [
            ProductDay(
                str(row.product_id), row.day, row.currency, row.name, row.units, row.revenue_minor
            )
            for row in found
        ]

    def drop(self) -> None:
        """Delete this generation's rows of the current tenant."""
        for model in PRODUCT_SALES_TABLES:
            self._rows(model).delete()
