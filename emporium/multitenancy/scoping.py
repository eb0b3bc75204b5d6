"""The first wall: tenant-owned models filter, stamp and check the current tenant themselves.

Every tenant-owned model subclasses ``TenantOwnedModel``. Its default and base managers see only
the current tenant's rows and refuse to run with no tenant in context; saving stamps the tenant,
refuses another tenant's row and refuses a foreign key that points into another tenant. Code that
truly works across tenants says so by using ``Model.cross_tenant``, which also switches to the
owner's connection (the only role PostgreSQL lets see every tenant).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar
from uuid import UUID

from django.db import models
from django.db.models import Q

from emporium.multitenancy.context import TenantContextMissing, current_tenant, require_tenant

M = TypeVar("M", bound=models.Model)

CROSS_TENANT_ALIAS = "admin"


class TenantMismatch(RuntimeError):
    """A write would put or point data into a tenant other than the current one."""


def _tenant_reference(field: models.Field[Any, Any]) -> type[TenantOwnedModel] | None:
    """Return the tenant-owned model a foreign key points at, or None."""
    if not isinstance(field, models.ForeignKey) or field.name == "tenant":  # OneToOne included
        return None
    target = field.related_model
    if isinstance(target, type) and issubclass(target, TenantOwnedModel):
        return target
    return None


def _require_same_tenant(model: type[models.Model], field_name: str, target: Any, pk: Any) -> None:
    # The scoped manager finds only rows of the current tenant.
    if pk is not None and not target.objects.filter(pk=pk).exists():
        raise TenantMismatch(f"{model.__name__}.{field_name} points at a row of another tenant.")


def _auto_paths(model: type[models.Model], prefix: str = "", depth: int = 5) -> list[str]:
    """Return the paths a bare ``select_related()`` follows: non-null FKs, recursively."""
    if depth == 0:
        return []
    paths = []
    for field in model._meta.concrete_fields:
        if isinstance(field, models.ForeignKey) and not field.null and field.name != "tenant":
            path = f"{prefix}{field.name}"
            paths.append(path)
            paths.extend(_auto_paths(field.related_model, f"{path}__", depth - 1))
    return paths


def _same_tenant_joins(model: type[models.Model], paths: Iterable[str], tenant_id: UUID) -> Q:
    """Return a condition keeping only joined rows of tenant-owned models in ``tenant_id``."""
    condition = Q()
    for path in paths:
        current: type[models.Model] = model
        nullable = False
        hops = path.split("__")
        for depth, name in enumerate(hops, start=1):
            field = current._meta.get_field(name)
            if not isinstance(field, models.ForeignKey):
                break  # reverse one-to-one: the related model's own manager is not involved
            nullable = nullable or field.null
            current = field.related_model
            if issubclass(current, TenantOwnedModel):
                prefix = "__".join(hops[:depth])
                same = Q(**{f"{prefix}__tenant_id": tenant_id})
                condition &= same | Q(**{f"{prefix}__isnull": True}) if nullable else same
    return condition


class TenantQuerySet(models.QuerySet[M]):
    """QuerySet whose joins and bulk writes stay inside the current tenant."""

    def select_related(self, *fields: Any) -> TenantQuerySet[M]:
        # A join bypasses the related model's manager: filter the joined rows by tenant too.
        related = super().select_related(*fields)
        if fields == (None,):
            return related
        paths = fields or _auto_paths(self.model)
        return related.filter(_same_tenant_joins(self.model, paths, require_tenant().id))

    def update(self, **kwargs: Any) -> int:
        if {"tenant", "tenant_id"} & kwargs.keys():
            raise TenantMismatch("A row's tenant never changes.")
        for name, value in kwargs.items():
            field = self.model._meta.get_field(name)
            target = _tenant_reference(field)  # type: ignore[arg-type]
            if target is not None:
                pk = value.pk if isinstance(value, models.Model) else value
                _require_same_tenant(self.model, field.name, target, pk)
        return super().update(**kwargs)

    def bulk_create(self, objs: Iterable[M], *args: Any, **kwargs: Any) -> list[M]:
        objs = list(objs)
        for obj in objs:
            assert isinstance(obj, TenantOwnedModel)
            obj.stamp_tenant()
        return super().bulk_create(objs, *args, **kwargs)

    def bulk_update(self, objs: Iterable[M], fields: Any, *args: Any, **kwargs: Any) -> int:
        objs = list(objs)
        for obj in objs:
            assert isinstance(obj, TenantOwnedModel)
            obj.stamp_tenant()
        return super().bulk_update(objs, fields, *args, **kwargs)


class TenantManager(models.Manager[M]):
    """Manager whose every query is filtered to the tenant in context."""

    # Related managers and FK descriptors are built from this class too; keep it scoped there.
    use_in_migrations = False

    def get_queryset(self) -> TenantQuerySet[M]:
        tenant = require_tenant()
        return TenantQuerySet(self.model, using=self._db).filter(tenant_id=tenant.id)

    def bulk_create(self, objs: Iterable[M], *args: Any, **kwargs: Any) -> list[M]:
        return self.get_queryset().bulk_create(objs, *args, **kwargs)

    def bulk_update(self, objs: Iterable[M], fields: Any, *args: Any, **kwargs: Any) -> int:
        return self.get_queryset().bulk_update(objs, fields, *args, **kwargs)


class TenantOrPlatformManager(models.Manager[M]):
    """Manager for rows of a tenant or of the platform (``tenant`` null): the current tenant's
    rows inside a tenant, platform rows outside any (accounts, audit events)."""

    def get_queryset(self) -> models.QuerySet[M]:
        tenant = current_tenant()
        queryset = super().get_queryset()
        if tenant is None:
            return queryset.filter(tenant__isnull=True)
        return queryset.filter(tenant_id=tenant.id)


class CrossTenantManager(models.Manager[M]):
    """The named entry point for code that works across tenants, on the owner's connection."""

    def get_queryset(self) -> models.QuerySet[M]:
        return super().get_queryset().using(CROSS_TENANT_ALIAS)


class TenantOwnedModel(models.Model):
    """Abstract base of every row that belongs to one tenant."""

    tenant = models.ForeignKey(
        "tenancy.Tenant", on_delete=models.PROTECT, editable=False, related_name="+"
    )

    objects: TenantManager[Any] = TenantManager()
    cross_tenant: CrossTenantManager[Any] = CrossTenantManager()

    class Meta:
        abstract = True
        # FK descriptors, refresh_from_db() and save()'s UPDATE go through the base manager.
        base_manager_name = "objects"
        default_manager_name = "objects"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.stamp_tenant()
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        self.stamp_tenant()
        return super().delete(*args, **kwargs)

    def stamp_tenant(self) -> UUID:
        """Set the current tenant on an unsaved row, refuse another tenant's, check its FKs."""
        tenant = require_tenant()
        if self.tenant_id is None:
            self.tenant_id = tenant.id
        elif self.tenant_id != tenant.id:
            raise TenantMismatch(
                f"{type(self).__name__} belongs to another tenant than {tenant.slug}."
            )
        self._check_foreign_keys(tenant.id)
        return tenant.id

    def _check_foreign_keys(self, tenant_id: UUID) -> None:
        for field in self._meta.concrete_fields:
            target = _tenant_reference(field)
            value = getattr(self, field.attname)
            if target is None or value is None:
                continue
            cached = field.get_cached_value(self, default=None)  # type: ignore[attr-defined]
            cached_tenant = getattr(cached, "tenant_id", None)
            if cached_tenant is None:
                _require_same_tenant(type(self), field.name, target, value)
            elif cached_tenant != tenant_id:
                raise TenantMismatch(
                    f"{type(self).__name__}.{field.name} points at a row of another tenant."
                )


__all__ = [
    "CrossTenantManager",
    "TenantContextMissing",
    "TenantManager",
    "TenantMismatch",
    "TenantOrPlatformManager",
    "TenantOwnedModel",
    "TenantQuerySet",
]
