"""Put the current tenant's slug on every log line."""

from __future__ import annotations

import logging

from emporium.multitenancy.context import current_tenant


class TenantFilter(logging.Filter):
    """Attach ``tenant`` (a slug, or "-" outside any tenant) to every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "tenant"):
            tenant = current_tenant()
            record.tenant = tenant.slug if tenant is not None else "-"
        return True
