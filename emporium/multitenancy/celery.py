"""Celery tasks that carry the tenant they were sent in and run inside it.

``@shared_task(base=TenantTask)`` makes a tenant-owned task: sending it with no tenant in
context raises at once (never a task that silently runs for nobody); the worker restores the
tenant from the message header and runs the body in one transaction, so Row-Level Security
sees that tenant; a task of a tenant deleted since it was sent does nothing, even when a new
tenant has taken its slug (the header's id is compared). Platform tasks
(the outbox relay, expiry sweeps) use plain tasks and name their cross-tenant work explicitly.
"""

from __future__ import annotations

import logging
import uuid
from typing import Any

from celery import Task
from django.db import transaction

from emporium.multitenancy.context import TenantRef, require_tenant, tenant_context
from emporium.multitenancy.lookup import still_exists

logger = logging.getLogger(__name__)

TENANT_HEADER = "emporium_tenant"


def _header_of(request: Any) -> dict[str, str] | None:
    # Custom headers arrive as request attributes over the broker, and inside
    # ``request.headers`` when a task runs eagerly.
    value = getattr(request, TENANT_HEADER, None)
    if value is None:
        value = (getattr(request, "headers", None) or {}).get(TENANT_HEADER)
    return value


class TenantTask(Task):
    """Base class of tasks that work on one tenant's data."""

    #: Run the body in one database transaction (the tenant reaches PostgreSQL per transaction).
    atomic = True

    def apply_async(self, args: Any = None, kwargs: Any = None, **options: Any) -> Any:
        tenant = require_tenant()
        headers = dict(options.pop("headers", None) or {})
        headers[TENANT_HEADER] = {"id": str(tenant.id), "slug": tenant.slug}
        return super().apply_async(args, kwargs, headers=headers, **options)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        header = _header_of(self.request)
        if not header:
            raise RuntimeError(f"Task {self.name} is tenant-owned but arrived with no tenant.")
        tenant = TenantRef(id=uuid.UUID(header["id"]), slug=header["slug"])
        if not still_exists(tenant):
            # Sent before the tenant was deleted: nothing of it is left to work on, and a new
            # tenant of the same slug (another id) is not the one it was sent for.
            logger.info(
                "Task %s skipped: tenant %s (%s) was deleted", self.name, tenant.slug, tenant.id
            )
            return None
        with tenant_context(tenant):
            if not self.atomic:
                return super().__call__(*args, **kwargs)
            with transaction.atomic():
                return super().__call__(*args, **kwargs)
