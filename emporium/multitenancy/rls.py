"""The second wall: Row-Level Security policies on every table with a ``tenant_id`` column.

``apply_policies`` runs after every ``migrate`` on the owner's connection (post_migrate), so a
new tenant-owned table gets its policy with no one remembering to write it. It reads the
catalog, not the models: a table with a ``tenant_id`` column cannot slip through.
"""

from __future__ import annotations

import logging
from typing import Any

from django.apps import apps
from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper

logger = logging.getLogger(__name__)

TENANT_SETTING = "app.tenant_id"
# current_setting(..., true) is NULL before the setting was ever made on a connection and ''
# after a transaction-local setting ended: both mean "no tenant", which matches no row.
CURRENT_TENANT_SQL = f"nullif(current_setting('{TENANT_SETTING}', true), '')::uuid"
ISOLATION_POLICY = "tenant_isolation"
SHARED_READ_POLICY = "shared_read"

TENANT_TABLES_SQL = """
    SELECT c.table_name
    FROM information_schema.columns c
    JOIN information_schema.tables t
      ON t.table_schema = c.table_schema AND t.table_name = c.table_name
    WHERE c.table_schema = current_schema() AND c.column_name = 'tenant_id'
      AND t.table_type = 'BASE TABLE'
    ORDER BY c.table_name
"""


def tables_with_policy(kind: str) -> set[str]:
    """Return the tables whose models declare ``rls_policy = kind``."""
    return {
        model._meta.db_table
        for model in apps.get_models()
        if getattr(model, "rls_policy", "private") == kind
    }


def isolation_condition(table: str, platform_rows: set[str]) -> str:
    """Return the policy condition: the current tenant's rows (and, where the model says so,
    rows of no tenant while no tenant is set: platform operators, platform audit events)."""
    own = f"tenant_id = {CURRENT_TENANT_SQL}"
    if table in platform_rows:
        return f"({own} OR (tenant_id IS NULL AND {CURRENT_TENANT_SQL} IS NULL))"
    return f"({own})"


def tenant_tables(connection: BaseDatabaseWrapper) -> list[str]:
    """Return every table of the current schema that has a ``tenant_id`` column."""
    with connection.cursor() as cursor:
        cursor.execute(TENANT_TABLES_SQL)
        return [row[0] for row in cursor.fetchall()]


def apply_policies(connection: BaseDatabaseWrapper) -> list[str]:
    """Enable and force RLS with the fitting policy on every tenant table; return the tables."""
    shared = tables_with_policy("shared-read")
    platform_rows = tables_with_policy("tenant-or-platform")
    tables = tenant_tables(connection)
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table in tables:
            name = quote(table)
            cursor.execute(f"ALTER TABLE {name} ENABLE ROW LEVEL SECURITY")
            cursor.execute(f"ALTER TABLE {name} FORCE ROW LEVEL SECURITY")
            cursor.execute(f"DROP POLICY IF EXISTS {ISOLATION_POLICY} ON {name}")
            condition = isolation_condition(table, platform_rows)
            cursor.execute(
                f"CREATE POLICY {ISOLATION_POLICY} ON {name} "
                f"USING {condition} WITH CHECK {condition}"
            )
            cursor.execute(f"DROP POLICY IF EXISTS {SHARED_READ_POLICY} ON {name}")
            if table in shared:
                # Permissive policies are OR'ed: every row readable, writes still isolated.
                cursor.execute(
                    f"CREATE POLICY {SHARED_READ_POLICY} ON {name} FOR SELECT USING (true)"
                )
    logger.info("row-level security applied to %d tenant tables", len(tables))
    return tables


def apply_policies_after_migrate(using: str = "default", **kwargs: Any) -> None:
    """post_migrate receiver: apply the policies when the owner's connection migrated."""
    connection = connections[using]
    # Only the owner may alter its tables; test flushes emit post_migrate on the app's role.
    if connection.vendor != "postgresql" or using != "admin":
        return
    apply_policies(connection)
