"""A tenant's rows as JSON Lines: one line per row, streamed through server-side cursors.

The archive's first line describes it: ``{"archive": "emporium-tenant", "version": 1, "tenant":
{"id", "slug"}, "exported_at", "tables": {label: rows}}``; then every row of every table of
``tables.tenant_tables``, table by table in label order, rows by primary key:
``{"model": "ordering.Order", "table": "ordering_order", "row": {column: value}}``. Values are
JSON: UUIDs, decimals and IP addresses as strings, instants and dates in ISO 8601, bytes in
base64, JSON columns as they are. The credentials a shop has no use for elsewhere (password
hashes, token hashes, the webhook secret) are written as ``null`` (``WITHHELD``).

All tables are read in one read-only, repeatable-read transaction on the owner's connection, so
the counts of the first line and the rows after it are one snapshot. Memory stays bounded:
rows come in chunks of ``CHUNK_SIZE`` from a server-side cursor and are written as they come.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import IO, Any

from django.db import connections, transaction
from django.utils import timezone

from emporium.composition.offboarding.tables import (
    OWNER,
    TenantTable,
    tenant_by_slug,
    tenant_tables,
)
from emporium.multitenancy.context import TenantRef

ARCHIVE = "emporium-tenant"
VERSION = 1
CHUNK_SIZE = 2000
#: Columns written as null: secrets that open the shop, not data it owns.
WITHHELD = frozenset(
    {
        ("identity.User", "password"),
        ("identity.AccessToken", "key_hash"),
        ("tenancy.TenantSettings", "webhook_secret"),
    }
)

#: Called after each row written: (rows written so far, rows in all).
Progress = Callable[[int, int], None]


class TenantGone(LookupError):
    """The tenant was deleted (or its slug taken by another) before the export's snapshot."""


@dataclass(frozen=True)
class Exported:
    """What an export wrote: rows per model label."""

    tables: dict[str, int]

    @property
    def rows(self) -> int:
        """Return the rows written in all."""
        return sum(self.tables.values())


def jsonable(value: Any) -> Any:
    """Return ``value`` as JSON can hold it (see the module's docstring)."""
    if value is None or isinstance(value, bool | int | float | str | list | dict):
        return value
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, uuid.UUID | Decimal):
        return str(value)
    if isinstance(value, bytes | bytearray | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    return str(value)


def _columns(table: TenantTable) -> list[tuple[str, str, bool]]:
    """Return (attribute, column, withheld) of each concrete field, in the model's order."""
    return [
        (field.attname, str(field.column), (table.label, field.name) in WITHHELD)
        for field in table.model._meta.concrete_fields
    ]


def snapshot(using: str) -> None:
    """Make the transaction just opened on ``using`` read every table at one moment, read-only.

    Its first statement: PostgreSQL's ``REPEATABLE READ READ ONLY`` (SQLite's one writer already
    gives a reader one snapshot per transaction).
    """
    connection = connections[using]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")


def export_tenant(
    tenant: TenantRef,
    out: IO[str],
    progress: Progress | None = None,
    using: str = OWNER,
) -> Exported:
    """Write every row of ``tenant`` to ``out`` as JSON Lines; return the counts.

    Raise ``TenantGone``, writing nothing, if the snapshot holds no such tenant: a shop
    deleted since the caller looked it up would otherwise export as an empty archive.
    """
    tables = tenant_tables(tenant)
    with transaction.atomic(using=using):
        snapshot(using)
        if tenant_by_slug(tenant.slug, using) != tenant:
            raise TenantGone(f"No tenant {tenant.slug!r}.")
        counts = {table.label: table.rows(using).count() for table in tables}
        total = sum(counts.values())
        header = {
            "archive": ARCHIVE,
            "version": VERSION,
            "tenant": {"id": str(tenant.id), "slug": tenant.slug},
            "exported_at": timezone.now().isoformat(),
            "tables": counts,
        }
        out.write(json.dumps(header, ensure_ascii=False) + "\n")
        written = 0
        for table in tables:
            columns = _columns(table)
            prefix = json.dumps({"model": table.label, "table": table.table}, ensure_ascii=False)
            rows = (
                table.rows(using)
                .order_by("pk")
                .values_list(*(attname for attname, _, _ in columns))
                .iterator(chunk_size=CHUNK_SIZE)
            )
            for values in rows:
                row = {
                    column: None if withheld else jsonable(value)
                    for (_, column, withheld), value in zip(columns, values, strict=True)
                }
                # The prefix's closing brace makes room for the row: one dumps per row only.
                line = prefix[:-1] + ', "row": ' + json.dumps(row, ensure_ascii=False) + "}\n"
                out.write(line)
                written += 1
                if progress is not None:
                    progress(written, total)
    return Exported(tables=counts)
