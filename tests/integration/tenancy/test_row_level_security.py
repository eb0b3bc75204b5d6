"""The second wall: PostgreSQL Row-Level Security, whatever SQL reaches the database.

These tests go around the ORM's tenant filter with raw SQL on the application's connection
(role ``emporium_app``: no superuser, no BYPASSRLS, owner of nothing) and check that PostgreSQL
itself shows and accepts only the rows of the tenant set transaction-locally by the backend.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import psycopg
import pytest
from django.db import (
    IntegrityError,
    ProgrammingError,
    connection,
    connections,
    transaction,
)

from emporium.multitenancy.checks import check_row_level_security
from emporium.multitenancy.context import TenantRef, tenant_context
from tests.testapps.tenant_probe.models import Item, Shelf

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

STOCK = {
    "acme": {"tools": {"hammer": 3, "saw": 5}, "toys": {"ball": 7}},
    "globex": {"tools": {"hammer": 11, "drill": 13}, "toys": {"ball": 17, "kite": 19}},
}
ACME_ITEMS = ["ball", "hammer", "saw"]
GLOBEX_ITEMS = ["ball", "drill", "hammer", "kite"]
# The four tables that have a tenant_id column today; later ones must follow the same rules.
KNOWN_TENANT_TABLES = {
    "tenancy_tenanthost",
    "tenancy_tenantsettings",
    "tenant_probe_item",
    "tenant_probe_shelf",
}
# How PostgreSQL prints the isolation policy's expression back.
ISOLATION_EXPR = (
    "(tenant_id = (NULLIF(current_setting('app.tenant_id'::text, true), ''::text))::uuid)"
)
INSERT_ITEM = (
    "INSERT INTO tenant_probe_item (tenant_id, shelf_id, name, quantity) VALUES (%s, %s, %s, 1)"
)


class Boom(Exception):
    pass


@contextmanager
def inside(tenant: TenantRef | None) -> Iterator[None]:
    with tenant_context(tenant), transaction.atomic():
        yield


def fetch(sql: str, params: Sequence[Any] = (), using: str = "default") -> list[tuple[Any, ...]]:
    with connections[using].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def item_names() -> list[str]:
    return [row[0] for row in fetch("SELECT name FROM tenant_probe_item ORDER BY name")]


def tenant_setting() -> str | None:
    return fetch("SELECT current_setting('app.tenant_id', true)")[0][0]


@pytest.fixture
def stock(acme_and_globex: tuple[TenantRef, TenantRef]) -> tuple[TenantRef, TenantRef]:
    """Both tenants' shelves and items, written through the ORM (the first wall)."""
    acme, globex = acme_and_globex
    for tenant in (acme, globex):
        with inside(tenant):
            for shelf_name, contents in STOCK[tenant.slug].items():
                shelf = Shelf.objects.create(name=shelf_name)
                for item_name, quantity in contents.items():
                    Item.objects.create(shelf=shelf, name=item_name, quantity=quantity)
    return acme, globex


def private_tables() -> list[str]:
    """Return the tenant tables of the current schema without a shared-read policy."""
    return [
        row[0]
        for row in fetch(
            """
            SELECT c.relname FROM pg_class c
            JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'tenant_id'
                AND NOT a.attisdropped
            WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'p')
              AND NOT EXISTS (SELECT 1 FROM pg_policy p
                              WHERE p.polrelid = c.oid AND p.polname = 'shared_read')
            ORDER BY c.relname
            """
        )
    ]


def row_counts(tables: list[str]) -> dict[str, int]:
    quote = connection.ops.quote_name
    return {table: fetch(f"SELECT count(*) FROM {quote(table)}")[0][0] for table in tables}


def read_then_raise(seen: list[list[str]]) -> None:
    """Read the item names in a savepoint, then roll it back by raising."""
    with transaction.atomic():
        seen.append(item_names())
        raise Boom


def insert_item_of(tenant: TenantRef) -> None:
    """In a savepoint, read a shelf then insert an item carrying ``tenant``'s id."""
    with transaction.atomic():
        shelf = fetch("SELECT id FROM tenant_probe_shelf WHERE name = 'tools'")[0][0]
        fetch(INSERT_ITEM + " RETURNING id", [tenant.id, shelf, "intruder"])


# --- reading ------------------------------------------------------------------------------


def test_raw_sql_in_a_transaction_sees_only_the_tenants_rows(stock) -> None:
    acme, globex = stock
    with inside(acme):
        acme_view = (item_names(), fetch("SELECT name FROM tenant_probe_shelf ORDER BY name"))
        acme_setting = tenant_setting()
        acme_total = fetch("SELECT sum(quantity) FROM tenant_probe_item")[0][0]
    with inside(globex):
        globex_view = (item_names(), fetch("SELECT name FROM tenant_probe_shelf ORDER BY name"))
        globex_setting = tenant_setting()

    assert acme_view == (ACME_ITEMS, [("tools",), ("toys",)])
    assert acme_setting == str(acme.id)
    assert acme_total == 15
    assert globex_view == (GLOBEX_ITEMS, [("tools",), ("toys",)])
    assert globex_setting == str(globex.id)


def test_setting_globex_by_hand_hides_acmes_rows(stock) -> None:
    acme, globex = stock
    with inside(acme):
        assert item_names() == ACME_ITEMS
        fetch("SELECT set_config('app.tenant_id', %s, true)", [str(globex.id)])

        by_tenant = fetch("SELECT name FROM tenant_probe_item WHERE tenant_id = %s", [acme.id])
        by_name = fetch("SELECT id FROM tenant_probe_item WHERE name = 'saw'")
        everything = item_names()
        # Both walls now disagree (ORM: acme, database: globex), so the ORM finds nothing.
        orm_count = Item.objects.count()

    assert by_tenant == []
    assert by_name == []
    assert everything == GLOBEX_ITEMS
    assert orm_count == 0


def test_no_tenant_set_shows_no_row_of_any_private_table(stock) -> None:
    acme, _ = stock
    tables = private_tables()
    with inside(acme):
        acme_counts = row_counts(tables)
    with inside(None):
        setting = tenant_setting()
        none_counts = row_counts(tables)

    known = ("tenancy_tenantsettings", "tenant_probe_item", "tenant_probe_shelf")
    assert "tenancy_tenanthost" not in tables
    # Not vacuous: the same tables hold acme's rows, seen with acme set.
    assert {table: acme_counts.get(table) for table in known} == {
        "tenancy_tenantsettings": 1,
        "tenant_probe_item": 3,
        "tenant_probe_shelf": 2,
    }
    assert setting == ""
    assert none_counts == dict.fromkeys(tables, 0)


@pytest.mark.django_db(transaction=True)
def test_outside_any_transaction_no_row_is_visible_even_with_a_tenant(stock) -> None:
    acme, _ = stock
    with tenant_context(acme):
        assert connection.get_autocommit() is True
        raw = item_names()
        orm = list(Item.objects.values_list("name", flat=True))
        setting = tenant_setting()
        with transaction.atomic():
            inside_a_transaction = item_names()

    assert raw == []
    assert orm == []
    assert setting in ("", None)
    assert inside_a_transaction == ACME_ITEMS


# --- writing ------------------------------------------------------------------------------


def test_insert_carrying_another_tenants_id_is_rejected(stock) -> None:
    acme, globex = stock
    with inside(acme):
        acme_tools = Shelf.objects.get(name="tools").pk
        with pytest.raises(ProgrammingError) as info, transaction.atomic():
            fetch(INSERT_ITEM + " RETURNING id", [globex.id, acme_tools, "intruder"])

        cause = info.value.__cause__
        assert isinstance(cause, psycopg.errors.InsufficientPrivilege)
        assert cause.sqlstate == "42501"
        assert str(info.value) == (
            'new row violates row-level security policy for table "tenant_probe_item"'
        )
        # The savepoint rolled back; the transaction goes on with acme's rows.
        assert item_names() == ACME_ITEMS
    with inside(globex):
        assert item_names() == GLOBEX_ITEMS


def test_update_and_delete_of_another_tenants_rows_change_nothing(stock) -> None:
    acme, globex = stock
    with inside(acme):
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE tenant_probe_item SET quantity = 0 WHERE tenant_id = %s", [globex.id]
            )
            by_tenant = cursor.rowcount
            cursor.execute("UPDATE tenant_probe_item SET quantity = 0 WHERE name = 'kite'")
            by_name = cursor.rowcount
            cursor.execute("DELETE FROM tenant_probe_item WHERE tenant_id = %s", [globex.id])
            deleted = cursor.rowcount
            cursor.execute("UPDATE tenant_probe_item SET quantity = quantity + 1")
            own = cursor.rowcount
        with (
            pytest.raises(ProgrammingError, match="violates row-level security policy"),
            transaction.atomic(),
        ):
            fetch("UPDATE tenant_probe_item SET tenant_id = %s RETURNING id", [globex.id])
    with inside(globex):
        globex_rows = fetch("SELECT name, quantity FROM tenant_probe_item ORDER BY name")

    assert (by_tenant, by_name, deleted, own) == (0, 0, 0, 3)
    assert globex_rows == [("ball", 17), ("drill", 13), ("hammer", 11), ("kite", 19)]


# --- savepoints ---------------------------------------------------------------------------


def test_savepoint_rolled_back_by_an_exception_keeps_the_tenant(stock) -> None:
    acme, _ = stock
    with inside(acme):
        assert item_names() == ACME_ITEMS
        seen_in_savepoint = []
        with pytest.raises(Boom):
            read_then_raise(seen_in_savepoint)

        after = (item_names(), tenant_setting())

    assert seen_in_savepoint == [ACME_ITEMS]
    assert after == (ACME_ITEMS, str(acme.id))


def test_savepoint_rolled_back_by_a_database_error_keeps_the_tenant(stock) -> None:
    acme, _ = stock
    with inside(acme):
        assert item_names() == ACME_ITEMS
        with pytest.raises(IntegrityError), transaction.atomic():
            Shelf.objects.create(name="tools")  # unique per tenant

        after = (item_names(), tenant_setting())

    assert after == (ACME_ITEMS, str(acme.id))


def test_savepoint_failing_under_another_tenant_rolls_back_cleanly(stock) -> None:
    """A platform loop: one transaction, a savepoint per tenant, a failure in one of them."""
    acme, globex = stock
    with inside(acme):
        assert item_names() == ACME_ITEMS
        with pytest.raises(IntegrityError), transaction.atomic(), tenant_context(globex):
            Shelf.objects.create(name="tools")  # globex has one already

        after = (item_names(), tenant_setting())

    assert after == (ACME_ITEMS, str(acme.id))


@pytest.mark.django_db(transaction=True)
def test_first_query_inside_a_savepoint_that_rolls_back(stock) -> None:
    acme, _ = stock
    with tenant_context(acme), transaction.atomic():
        pid = fetch("SELECT pg_backend_pid()")[0][0]
        seen_in_savepoint = []
        with pytest.raises(Boom):
            read_then_raise(seen_in_savepoint)
        after = (item_names(), tenant_setting())

    assert seen_in_savepoint == [ACME_ITEMS]
    assert after == (ACME_ITEMS, str(acme.id))
    # The transaction is over: the same connection carries no tenant any more.
    assert connection.get_autocommit() is True
    assert fetch("SELECT pg_backend_pid(), current_setting('app.tenant_id', true)") in (
        [(pid, "")],
        [(pid, None)],
    )


@pytest.mark.django_db(transaction=True)
def test_first_statement_failing_inside_a_savepoint(stock) -> None:
    acme, globex = stock
    with tenant_context(acme), transaction.atomic():
        with pytest.raises(ProgrammingError):
            insert_item_of(globex)
        after = (item_names(), tenant_setting())

    assert after == (ACME_ITEMS, str(acme.id))
    assert fetch("SELECT current_setting('app.tenant_id', true)") in ([("",)], [(None,)])


# --- server-side cursors (QuerySet.iterator) ------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_iterator_as_the_first_statement_of_a_transaction_sees_the_tenants_rows(stock) -> None:
    acme, _ = stock
    with tenant_context(acme), transaction.atomic():
        first = [item.name for item in Item.objects.order_by("name").iterator()]
        then = sorted(Item.objects.values_list("name", flat=True))

    assert first == ACME_ITEMS
    assert then == ACME_ITEMS


def test_switching_tenant_then_reading_through_a_server_side_cursor(stock) -> None:
    acme, globex = stock
    with inside(acme):
        assert item_names() == ACME_ITEMS
        with tenant_context(globex):
            with connection.chunked_cursor() as cursor:
                cursor.execute("SELECT name FROM tenant_probe_item ORDER BY name")
                chunked = [row[0] for row in cursor.fetchall()]
            plain = item_names()

    assert chunked == GLOBEX_ITEMS
    assert plain == GLOBEX_ITEMS


# --- catalog ------------------------------------------------------------------------------


def tenant_table_catalog() -> dict[str, tuple[Any, ...]]:
    rows = fetch(
        """
        SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity,
               pg_get_userbyid(c.relowner) = current_user,
               coalesce((SELECT array_agg(p.polname::text ORDER BY p.polname)
                         FROM pg_policy p WHERE p.polrelid = c.oid), '{}')
        FROM pg_class c
        JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = 'tenant_id'
            AND NOT a.attisdropped
        WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'p')
        ORDER BY c.relname
        """
    )
    return {row[0]: row[1:] for row in rows}


def test_every_tenant_table_forces_rls_with_the_isolation_policy() -> None:
    catalog = tenant_table_catalog()

    assert set(catalog) >= KNOWN_TENANT_TABLES
    assert {
        table: (enabled, forced, owned_by_app, policies)
        for table, (enabled, forced, owned_by_app, policies) in catalog.items()
    } == {
        table: (
            True,
            True,
            False,
            ["shared_read", "tenant_isolation"]
            if table == "tenancy_tenanthost"
            else ["tenant_isolation"],
        )
        for table in catalog
    }


def test_policy_expressions() -> None:
    rows = fetch(
        """
        SELECT c.relname, p.polname, p.polcmd::text, p.polpermissive,
               pg_get_expr(p.polqual, p.polrelid), pg_get_expr(p.polwithcheck, p.polrelid)
        FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid
        WHERE c.relname IN ('tenancy_tenanthost', 'tenant_probe_item')
        ORDER BY c.relname, p.polname
        """
    )

    assert rows == [
        ("tenancy_tenanthost", "shared_read", "r", True, "true", None),
        ("tenancy_tenanthost", "tenant_isolation", "*", True, ISOLATION_EXPR, ISOLATION_EXPR),
        ("tenant_probe_item", "tenant_isolation", "*", True, ISOLATION_EXPR, ISOLATION_EXPR),
    ]


@pytest.mark.django_db(databases=["default", "admin"])
def test_the_application_role_is_no_superuser_bypasses_nothing_and_owns_nothing() -> None:
    app_role = fetch(
        "SELECT current_user, rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user"
    )
    owned = fetch(
        """
        SELECT c.relname FROM pg_class c
        WHERE c.relnamespace = current_schema()::regnamespace
          AND pg_get_userbyid(c.relowner) = current_user
        """
    )
    owner_role = fetch(
        "SELECT current_user, rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user",
        using="admin",
    )
    owner_tables = {
        row[0]
        for row in fetch(
            "SELECT relname FROM pg_class WHERE relnamespace = current_schema()::regnamespace "
            "AND pg_get_userbyid(relowner) = current_user",
            using="admin",
        )
    }

    assert app_role == [(connection.settings_dict["USER"], False, False)]
    assert owned == []
    assert owner_role[0][0] == connections["admin"].settings_dict["USER"]
    assert owner_role[0][2] is True
    assert owner_tables >= KNOWN_TENANT_TABLES


# --- system check ---------------------------------------------------------------------------


@pytest.mark.django_db(databases=["default", "admin"])
def test_system_check_passes_and_reports_a_table_whose_rls_is_not_forced() -> None:
    assert check_row_level_security(databases=["admin"]) == []

    with transaction.atomic(using="admin"):
        with connections["admin"].cursor() as cursor:
            cursor.execute("ALTER TABLE tenant_probe_item NO FORCE ROW LEVEL SECURITY")
        errors = check_row_level_security(databases=["admin"])
        transaction.set_rollback(True, using="admin")

    restored = check_row_level_security(databases=["admin"])
    forced = fetch(
        "SELECT relforcerowsecurity FROM pg_class WHERE relname = 'tenant_probe_item'",
        using="admin",
    )

    assert [(e.id, e.obj, e.msg) for e in errors] == [
        (
            "tenancy.E010",
            Item,
            "Table tenant_probe_item lacks forced row-level security with policy "
            "tenant_isolation (enabled=True, forced=False, policy=True).",
        )
    ]
    assert restored == []
    assert forced == [(True,)]
