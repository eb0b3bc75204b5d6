"""Create the demo shops of API.md, idempotently: what exists already is left alone.

Each shop opens at the start of its history (``plan.opening``): its accounts, categories and
products are created then, and its orders follow day by day until yesterday (``plan`` says
which, ``history`` runs them through the use cases at their moments).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date

import time_machine
from django.conf import settings
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from emporium.analytics.bootstrap import catch_up as catch_up_projections
from emporium.catalog import bootstrap as catalog
from emporium.catalog import models as catalog_rows
from emporium.catalog.application import use_cases as catalog_cases
from emporium.demo.catalog_data import CATEGORIES, PRODUCTS
from emporium.demo.history import Clock, run_history
from emporium.demo.plan import (
    CUSTOMERS,
    STOCK_PER_PRODUCT,
    PlannedOrder,
    opening,
    plan_history,
    timeline,
)
from emporium.identity.domain.roles import Role
from emporium.identity.models import User
from emporium.inventory import bootstrap as inventory
from emporium.inventory.application.use_cases import SetStock
from emporium.multitenancy.context import TenantRef, tenant_context
from emporium.ordering.public import has_orders
from emporium.shared_kernel.money import Money
from emporium.tenancy import bootstrap as tenancy
from emporium.tenancy.application.use_cases import CreateTenant
from emporium.tenancy.models import Tenant

SHOPS = (("acme", "Acme Inc."), ("globex", "Globex Corporation"))
OPERATOR = ("operator@example.com", "demo-operator-pass")
#: While the seed runs, e-mail (the history's confirmations, receipts and refund notices, sent
#: by the consumers that run in-process without a broker) stays in memory: nothing is printed
#: or sent.
QUIET_EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

__all__ = ["OPERATOR", "SHOPS", "STOCK_PER_PRODUCT", "SeedReport", "plans", "seed", "steps"]


@dataclass
class SeedReport:
    """What one run created (zeros on a second run)."""

    created: dict[str, int] = field(default_factory=dict)

    def count(self, what: str, n: int = 1) -> None:
        """Count ``n`` more of ``what`` (a plural noun: "tenants", "categories")."""
        self.created[what] = self.created.get(what, 0) + n

    def summary(self) -> str:
        """Return "1 operator, 2 tenants, ...", or "nothing new"."""
        return (
            ", ".join(
                f"{n} {_singular(what) if n == 1 else what}"
                for what, n in sorted(self.created.items())
            )
            or "nothing new"
        )


def _singular(plural: str) -> str:
    return plural[: -len("ies")] + "y" if plural.endswith("ies") else plural.removesuffix("s")


def plans(today: date) -> dict[str, tuple[PlannedOrder, ...]]:
    """Return each demo shop's history, the ``DAYS`` days before ``today`` (UTC)."""
    hold = settings.EMPORIUM_RESERVATION_HOLD
    return {slug: plan_history(slug, today, hold) for slug, _name in SHOPS}


def steps(today: date | None = None) -> int:
    """Return the number of progress steps of a full run: the shops, then their histories."""
    history = sum(len(timeline(orders)) for orders in plans(today or _today()).values())
    return len(SHOPS) * (3 + len(PRODUCTS)) + 1 + history


def seed(advance: Callable[[], None] = lambda: None, today: date | None = None) -> SeedReport:
    """Create the demo tenants, accounts, categories, published products and order history.

    ``today`` (UTC, by default the current day) is the day after the history's last.
    """
    today = today or _today()
    report = SeedReport()
    histories = plans(today)
    start = opening(today)
    with (
        override_settings(EMAIL_BACKEND=QUIET_EMAIL_BACKEND),
        time_machine.travel(start, tick=False) as clock,
    ):
        for slug, name in SHOPS:
            clock.move_to(start)
            ref = _shop(slug, name, report, advance)
            _history(ref, histories[slug], clock, report, advance)
        clock.move_to(start)
        _operator(report)
        advance()
    return report


def _today() -> date:
    return timezone.now().date()  # aware UTC: the history's days are UTC days


def _shop(slug: str, name: str, report: SeedReport, advance: Callable[[], None]) -> TenantRef:
    ref = _tenant(slug, name, report)
    advance()
    with tenant_context(ref), transaction.atomic():
        _account(f"owner@{slug}.example", "demo-owner-pass", Role.OWNER, report)
        _account(f"customer@{slug}.example", "demo-customer-pass", Role.CUSTOMER, report)
        # The other customers of the history: no password, no sign-in.
        for customer in CUSTOMERS[1:]:
            _account(f"{customer}@{slug}.example", None, Role.CUSTOMER, report)
    advance()
    with tenant_context(ref):
        categories = _categories(report)
        advance()
        for row in PRODUCTS:
            _product(row, categories, report)
            advance()
    return ref


def _history(
    ref: TenantRef,
    orders: Sequence[PlannedOrder],
    clock: Clock,
    report: SeedReport,
    advance: Callable[[], None],
) -> None:
    """Add the shop's history unless it has orders already, in one transaction.

    One transaction: a shop has all of its history or none, so "has orders" is a sound mark
    of a shop seeded before. Without a broker the consumers (the projections, e-mails) run
    in-process when it commits, every event as a relay would hand it over. With one, the relay
    delivers them later: the projections catch up with the order events at once, so the demo
    figures are there from the start.
    """
    with tenant_context(ref):
        with transaction.atomic():
            added = not has_orders()  # a shop with any order has its history already
            if added:
                run_history(ref.slug, orders, clock, report.count, advance)
        if not added:
            for _step in timeline(orders):
                advance()
        else:
            catch_up_projections()


def _tenant(slug: str, name: str, report: SeedReport) -> TenantRef:
    row = Tenant.objects.filter(slug=slug).values_list("id", flat=True).first()
    if row is None:
        row = tenancy.create_tenant(CreateTenant(slug=slug, name=name)).id
        report.count("tenants")
    return TenantRef(row, slug)


def _account(email: str, password: str | None, role: Role, report: SeedReport) -> None:
    if not User.objects.filter(email=email).exists():
        User.objects.create_user(email, password, role=role, name=email.split("@")[0].title())
        report.count("accounts")


def _operator(report: SeedReport) -> None:
    with transaction.atomic():
        if not User.objects.filter(email=OPERATOR[0]).exists():
            User.objects.create_operator(*OPERATOR, name="Operator")
            report.count("operators")


def _categories(report: SeedReport) -> dict[str, object]:
    with transaction.atomic():
        existing = dict(catalog_rows.Category.objects.filter(parent=None).values_list("name", "id"))
    for name in CATEGORIES:
        if name not in existing:
            category = catalog.create_category(catalog_cases.CreateCategory(name=name))
            existing[name] = category.id
            report.count("categories")
    return existing


def _product(
    row: tuple[str, str, str, str], categories: dict[str, object], report: SeedReport
) -> None:
    category, name, description, price = row
    with transaction.atomic():
        if catalog_rows.Product.objects.filter(name=name).exists():
            return
    currency = "USD"
    product = catalog.create_product(
        catalog_cases.CreateProduct(
            name=name,
            description=description,
            category_id=categories[category],  # type: ignore[arg-type]
            price=Money.of(price, currency),
            currency=currency,
        )
    )
    catalog.publish_product(catalog_cases.PublishProduct(product.id))
    inventory.count_stock(SetStock(product.id, STOCK_PER_PRODUCT))
    report.count("products")
