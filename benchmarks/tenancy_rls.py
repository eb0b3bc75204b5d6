"""Measure what Row-Level Security costs per transaction on the real database.

Compares, over the same rows: (a) the application role with the tenant set transaction-locally
and the ORM's automatic tenant filter, RLS on top; (b) the owner role (BYPASSRLS) with the same
explicit filter. Prints transactions per second for each and their ratio.

    DJANGO_SETTINGS_MODULE=tests.settings <PostgreSQL URLs> python benchmarks/tenancy_rls.py
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")

import django

django.setup()

from django.db import connections, transaction  # noqa: E402
from rich.console import Console  # noqa: E402
from rich.progress import track  # noqa: E402
from rich.table import Table  # noqa: E402

from emporium.multitenancy.context import TenantRef, tenant_context  # noqa: E402
from emporium.tenancy import bootstrap  # noqa: E402
from emporium.tenancy.application.use_cases import CreateTenant  # noqa: E402
from emporium.tenancy.models import Tenant  # noqa: E402
from tests.testapps.tenant_probe.models import Item, Shelf  # noqa: E402

TENANTS = 20
ITEMS_PER_TENANT = 2_000
ROUNDS = 3_000


def prepare() -> list[tuple[TenantRef, list[int]]]:
    """Create the benchmark's tenants with their rows (owner role), once; return their pks."""
    refs = []
    for n in track(range(TENANTS), description="seeding tenants"):
        slug = f"bench-{n:02d}"
        row = Tenant.objects.using("admin").filter(slug=slug).first()
        if row is None:
            created = bootstrap.create_tenant(CreateTenant(slug=slug, name=slug))
            ref = TenantRef(created.id, slug)
        else:
            ref = TenantRef(row.id, slug)
        with tenant_context(ref), transaction.atomic(using="admin"):
            if not Shelf.objects.using("admin").exists():
                shelf = Shelf(name="main")
                shelf.save(using="admin")
                Item.objects.db_manager("admin").bulk_create(
                    Item(shelf=shelf, name=f"item-{i}", quantity=i) for i in range(ITEMS_PER_TENANT)
                )
            pks = list(Item.objects.using("admin").values_list("pk", flat=True))
        refs.append((ref, pks))
    return refs


def run(alias: str, refs: list[tuple[TenantRef, list[int]]]) -> float:
    """Return transactions per second of one primary-key read and one update per transaction."""
    start = time.perf_counter()
    for n in range(ROUNDS):
        ref, pks = refs[n % len(refs)]
        with tenant_context(ref), transaction.atomic(using=alias):
            item = Item.objects.using(alias).filter(pk=pks[n % len(pks)]).first()
            assert item is not None
            assert item.tenant_id == ref.id
            Item.objects.using(alias).filter(pk=item.pk).update(quantity=n)
    return ROUNDS / (time.perf_counter() - start)


def main() -> None:
    if connections["default"].vendor != "postgresql":
        sys.exit("This benchmark needs PostgreSQL: set DATABASE_URL and DATABASE_ADMIN_URL.")
    refs = prepare()
    run("default", refs[:2])  # warm up both pools
    run("admin", refs[:2])
    app = run("default", refs)
    owner = run("admin", refs)
    table = Table("path", "transactions/s")
    table.add_row("application role + RLS (tenant set per transaction)", f"{app:,.0f}")
    table.add_row("owner role, explicit tenant filter only", f"{owner:,.0f}")
    table.add_row("ratio (RLS / no RLS)", f"{app / owner:.2f}")
    Console().print(table)
    Console().print(
        f"{TENANTS} tenants x {ITEMS_PER_TENANT} rows, {ROUNDS} transactions each: "
        "1 primary-key read + 1 update (+1 set_config on the RLS path)."
    )


if __name__ == "__main__":
    main()
