"""Where a tenant's rows are: every table, found by walking the installed models.

A model holds rows of a tenant when it has

- a foreign key (or one-to-one) to ``tenancy.Tenant``: every ``TenantOwnedModel``, the host map,
  accounts, audit entries (rows with ``tenant_id`` = the tenant's id), or the tenant row itself;
- a plain ``tenant`` column, the envelope's slug: the outbox, the inbox and the consumers'
  delivery failures (rows with ``tenant`` = the slug), plus the platform events about the
  tenant that the outbox keeps under no tenant (``tenancy.tenant_created``, ``_suspended``: their
  ``aggregate_id`` is the tenant's id);
- a foreign key to a model of the first kind and no tenant of its own: the admin's log entries
  of the tenant's accounts (and, by content type and object id, those about the tenant row);
- django-axes' sign-in records, whose ``username`` is ``<slug>:<e-mail>``
  (``identity.adapters.lockout``).

Nothing is listed by hand but django-axes: a model added tomorrow with a tenant foreign key is
exported and deleted with the others. Sessions are not rows of a table here (they are signed
blobs); ``deletion`` finds the tenant's by decoding them.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any
from uuid import UUID

from django.apps import apps
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q

from emporium.multitenancy.context import TenantRef

#: The owner's connection: it sees every tenant's rows (BYPASSRLS), as tenant management does.
OWNER = "admin"
TENANT_MODEL = "tenancy.Tenant"
#: Models keyed by the ``<slug>:<e-mail>`` that ``identity.adapters.lockout`` builds.
AXES_MODELS = ("axes.AccessAttempt", "axes.AccessLog", "axes.AccessFailureLog")


@dataclass(frozen=True)
class TenantTable:
    """The rows of one table that belong to one tenant."""

    model: type[models.Model]
    lookup: Q

    @property
    def label(self) -> str:
        """Return the model's label, e.g. ``ordering.Order``."""
        return str(self.model._meta.label)

    @property
    def table(self) -> str:
        """Return the database table's name, e.g. ``ordering_order``."""
        return str(self.model._meta.db_table)

    def rows(self, using: str = OWNER) -> models.QuerySet[Any]:
        """Return the tenant's rows, past every manager (no tenant scoping, no soft filter)."""
        return models.QuerySet(model=self.model, using=using).filter(self.lookup)

    @property
    def by_slug(self) -> bool:
        """Return whether the rows name the tenant by slug alone (no key PostgreSQL checks)."""
        return _slug_column(self.model) or self.label in AXES_MODELS

    @cached_property
    def references(self) -> frozenset[type[models.Model]]:
        """Return the models this one's foreign keys point at (deleted after this one)."""
        return frozenset(
            field.related_model
            for field in self.model._meta.concrete_fields
            if isinstance(field.related_model, type) and field.related_model is not self.model
        )


def _tenant_model() -> type[models.Model]:
    return apps.get_model(TENANT_MODEL)


def _tenant_key(model: type[models.Model]) -> models.Field[Any, Any] | None:
    """Return ``model``'s foreign key to the tenant, if it has one."""
    tenant = _tenant_model()
    for field in model._meta.concrete_fields:
        if field.is_relation and field.related_model is tenant:
            return field
    return None


def _slug_column(model: type[models.Model]) -> bool:
    """Return whether ``model`` keys rows by the tenant's slug in a plain ``tenant`` column."""
    try:
        field = model._meta.get_field("tenant")
    except Exception:  # noqa: BLE001  (FieldDoesNotExist: no such column)
        return False
    return not field.is_relation and isinstance(field, models.CharField)


def _direct(model: type[models.Model], tenant: TenantRef) -> Q | None:
    if model is _tenant_model():
        return Q(pk=tenant.id)
    key = _tenant_key(model)
    if key is not None:
        return Q(**{key.attname: tenant.id})
    if _slug_column(model):
        lookup = Q(tenant=tenant.slug)
        if _has_field(model, "aggregate_id"):
            # Platform events about the tenant itself (created, suspended) carry no tenant.
            lookup |= Q(tenant__isnull=True, aggregate_id=str(tenant.id))
        return lookup
    if model._meta.label in AXES_MODELS:
        return Q(username__startswith=f"{tenant.slug}:")
    return None


def _has_field(model: type[models.Model], name: str) -> bool:
    return any(field.name == name for field in model._meta.concrete_fields)


def _through(model: type[models.Model], owned: dict[type[models.Model], Q]) -> Q | None:
    """Return the lookup of ``model``'s rows that point at a row of the tenant, if any."""
    lookups = [
        Q(
            **{
                f"{field.name}__in": models.QuerySet(model=field.related_model)
                .filter(owned[target])
                .values("pk")
            }
        )
        for field in model._meta.concrete_fields
        if field.is_relation and (target := field.related_model) in owned and target is not model
    ]
    if not lookups:
        return None
    combined = lookups[0]
    for lookup in lookups[1:]:
        combined |= lookup
    return combined


def _about_the_tenant(model: type[models.Model], tenant: TenantRef) -> Q | None:
    """Return the lookup of rows that point at the tenant row by content type and object id
    (the admin's log of an operator's change to the shop), if ``model`` has such a pair."""
    app_label, model_name = TENANT_MODEL.lower().split(".")
    pairs = {
        (generic.ct_field, generic.fk_field)
        for generic in model._meta.private_fields
        if isinstance(generic, GenericForeignKey)
    }
    # Without a declared generic key, Django's own convention (the admin's LogEntry).
    fields = {field.name: field for field in model._meta.concrete_fields}
    if "object_id" in fields:
        pairs |= {
            (name, "object_id")
            for name, field in fields.items()
            if field.is_relation and field.related_model is ContentType
        }
    lookups = [
        Q(
            **{
                f"{type_field}__app_label": app_label,
                f"{type_field}__model": model_name,
                id_field: str(tenant.id),
            }
        )
        for type_field, id_field in sorted(pairs)
    ]
    if not lookups:
        return None
    combined = lookups[0]
    for lookup in lookups[1:]:
        combined |= lookup
    return combined


def tenant_tables(tenant: TenantRef) -> list[TenantTable]:
    """Return every table that holds rows of ``tenant``, by label; the tenant row's last."""
    found: dict[type[models.Model], Q] = {}
    candidates = [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy
    ]
    for model in candidates:
        lookup = _direct(model, tenant)
        if lookup is not None:
            found[model] = lookup
    direct = dict(found)
    for model in candidates:
        if model not in found and (lookup := _through(model, direct)) is not None:
            found[model] = lookup
        if model not in direct and (about := _about_the_tenant(model, tenant)) is not None:
            found[model] = found[model] | about if model in found else about
    tables = [TenantTable(model, lookup) for model, lookup in found.items()]
    return sorted(tables, key=lambda table: (table.model is _tenant_model(), table.label))


def deletion_order(tables: list[TenantTable]) -> list[TenantTable]:
    """Return ``tables`` so that each comes before every table it references."""
    remaining = {table.model: table for table in tables}
    ordered: list[TenantTable] = []
    while remaining:
        # A table nothing left references can go now; ties by label, so the order is stable.
        free = sorted(
            (
                table
                for table in remaining.values()
                if not any(
                    table.model in other.references
                    for other in remaining.values()
                    if other is not table
                )
            ),
            key=lambda table: table.label,
        )
        if not free:  # a cycle: PostgreSQL checks deferred keys at commit, so any order does
            free = sorted(remaining.values(), key=lambda table: table.label)[:1]
        for table in free:
            ordered.append(table)
            del remaining[table.model]
    return ordered


def tenant_by_slug(slug: str, using: str = OWNER) -> TenantRef | None:
    """Return the tenant named ``slug`` whatever its status, or None."""
    row = (
        models.QuerySet(model=_tenant_model(), using=using)
        .filter(slug=slug)
        .values_list("id", "slug")
        .first()
    )
    return TenantRef(id=UUID(str(row[0])), slug=str(row[1])) if row else None
