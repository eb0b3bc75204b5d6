"""System checks that keep every tenant-owned model inside both walls."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.apps import apps
from django.core import checks
from django.db import connections, models

from emporium.multitenancy.rls import ISOLATION_POLICY
from emporium.multitenancy.scoping import TenantManager, TenantOwnedModel


def tenant_owned_models() -> list[type[TenantOwnedModel]]:
    """Return every concrete tenant-owned model."""
    return [
        model
        for model in apps.get_models()
        if issubclass(model, TenantOwnedModel) and not model._meta.proxy
    ]


def _leads_with_tenant(model: type[models.Model], fields: Sequence[str]) -> bool:
    if not fields:
        return False
    first = model._meta.get_field(fields[0])
    return first.name == "tenant"


def _constraint_leads_with_tenant(model: type[models.Model], constraint: Any) -> bool:
    """Return whether a unique constraint's first field, or first expression, is the tenant."""
    fields = list(getattr(constraint, "fields", ()) or ())
    if fields:
        return _leads_with_tenant(model, fields)
    expressions = list(getattr(constraint, "expressions", ()) or ())
    first = expressions[0] if expressions else None
    return isinstance(first, models.F) and _leads_with_tenant(model, [str(first.name)])  # type: ignore[attr-defined]


def _model_errors(model: type[TenantOwnedModel]) -> Iterable[checks.CheckMessage]:
    opts = model._meta
    label = opts.label
    if not isinstance(model._base_manager, TenantManager):
        yield checks.Error(
            f"{label}'s base manager is not tenant-scoped.",
            hint="Inherit Meta from TenantOwnedModel.Meta (base_manager_name = 'objects').",
            obj=model,
            id="tenancy.E001",
        )
    for field in opts.concrete_fields:
        if field.primary_key or field.name == "tenant":
            continue
        if field.unique:
            yield checks.Error(
                f"{label}.{field.name} is unique across tenants.",
                hint="Use a UniqueConstraint(fields=['tenant', ...]).",
                obj=model,
                id="tenancy.E002",
            )
        elif getattr(field, "db_index", False):
            yield checks.Error(
                f"{label}.{field.name} has an index that does not lead with tenant_id.",
                hint="Set db_index=False and add Index(fields=['tenant', ...]).",
                obj=model,
                id="tenancy.E003",
            )
    for constraint in opts.constraints:
        if isinstance(constraint, models.UniqueConstraint) and not _constraint_leads_with_tenant(
            model, constraint
        ):
            yield checks.Error(
                f"{label} constraint {constraint.name} does not lead with tenant.",
                obj=model,
                id="tenancy.E004",
            )
    for together in opts.unique_together:
        if not _leads_with_tenant(model, list(together)):
            yield checks.Error(
                f"{label} unique_together {together} does not lead with tenant.",
                obj=model,
                id="tenancy.E004",
            )
    for index in opts.indexes:
        if not _leads_with_tenant(model, [f.lstrip("-") for f in index.fields]):
            yield checks.Error(
                f"{label} index {index.name} does not lead with tenant.",
                obj=model,
                id="tenancy.E005",
            )


@checks.register("tenancy")
def check_tenant_owned_models(**kwargs: Any) -> list[checks.CheckMessage]:
    """Check the application-level rules of every tenant-owned model."""
    return [error for model in tenant_owned_models() for error in _model_errors(model)]


POLICY_SQL = """
    SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity,
           EXISTS (SELECT 1 FROM pg_policy p WHERE p.polrelid = c.oid AND p.polname = %s)
    FROM pg_class c
    WHERE c.relname = ANY(%s) AND c.relnamespace = current_schema()::regnamespace
"""


@checks.register("tenancy", checks.Tags.database)
def check_row_level_security(
    databases: Sequence[str] | None = None, **kwargs: Any
) -> list[checks.CheckMessage]:
    """Check, on PostgreSQL, that every tenant-owned table has RLS enabled, forced and a policy."""
    errors: list[checks.CheckMessage] = []
    for alias in databases or ():
        connection = connections[alias]
        if connection.vendor != "postgresql":
            continue
        tables = {model._meta.db_table: model for model in tenant_owned_models()}
        with connection.cursor() as cursor:
            cursor.execute(POLICY_SQL, [ISOLATION_POLICY, list(tables)])
            found = {row[0]: row[1:] for row in cursor.fetchall()}
        for table, model in tables.items():
            enabled, forced, has_policy = found.get(table, (False, False, False))
            if not (enabled and forced and has_policy):
                errors.append(
                    checks.Error(
                        f"Table {table} lacks forced row-level security with policy "
                        f"{ISOLATION_POLICY} (enabled={enabled}, forced={forced}, "
                        f"policy={has_policy}).",
                        hint="Run `manage.py setup_database` (migrate as the owner).",
                        obj=model,
                        id="tenancy.E010",
                    )
                )
    return errors
