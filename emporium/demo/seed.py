"""Create the demo shops of API.md, idempotently: what exists already is left alone."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction

from emporium.catalog import bootstrap as catalog
from emporium.catalog import models as catalog_rows
from emporium.catalog.application import use_cases as catalog_cases
from emporium.demo.catalog_data import CATEGORIES, PRODUCTS
from emporium.identity.domain.roles import Role
from emporium.identity.models import User
from emporium.inventory import bootstrap as inventory
from emporium.inventory.application.use_cases import SetStock
from emporium.multitenancy.context import TenantRef, tenant_context
from emporium.shared_kernel.money import Money
from emporium.tenancy import bootstrap as tenancy
from emporium.tenancy.application.use_cases import CreateTenant
from emporium.tenancy.models import Tenant

SHOPS = (("acme", "Acme Inc."), ("globex", "Globex Corporation"))
OPERATOR = ("operator@example.com", "demo-operator-pass")
STOCK_PER_PRODUCT = 100


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


def steps() -> int:
    """Return the number of progress steps of a full run."""
    return len(SHOPS) * (3 + len(PRODUCTS)) + 1


def seed(advance: Callable[[], None] = lambda: None) -> SeedReport:
    """Create the demo tenants, accounts, categories and published products."""
    report = SeedReport()
    for slug, name in SHOPS:
        ref = _tenant(slug, name, report)
        advance()
        with tenant_context(ref), transaction.atomic():
            _account(f"owner@{slug}.example", "demo-owner-pass", Role.OWNER, report)
            _account(f"customer@{slug}.example", "demo-customer-pass", Role.CUSTOMER, report)
        advance()
        with tenant_context(ref):
            categories = _categories(report)
            advance()
            for row in PRODUCTS:
                _product(row, categories, report)
                advance()
    _operator(report)
    advance()
    return report


def _tenant(slug: str, name: str, report: SeedReport) -> TenantRef:
    row = Tenant.objects.filter(slug=slug).values_list("id", flat=True).first()
    if row is None:
        row = tenancy.create_tenant(CreateTenant(slug=slug, name=name)).id
        report.count("tenants")
    return TenantRef(row, slug)


def _account(email: str, password: str, role: Role, report: SeedReport) -> None:
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
