"""The current tenant, carried in a context variable through requests, tasks and commands."""

from __future__ import annotations

import contextvars
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import ParamSpec, TypeVar
from uuid import UUID

P = ParamSpec("P")
R = TypeVar("R")


@dataclass(frozen=True, slots=True)
class TenantRef:
    """What code needs to know of the tenant it works for: its id and slug."""

    id: UUID
    slug: str


class TenantContextMissing(RuntimeError):
    """Tenant-owned data was touched with no tenant in context."""


_current: contextvars.ContextVar[TenantRef | None] = contextvars.ContextVar(
    "current_tenant", default=None
)


def current_tenant() -> TenantRef | None:
    """Return the tenant in context, or None."""
    return _current.get()


def current_tenant_slug() -> str | None:
    """Return the slug of the tenant in context, or None (what event envelopes carry)."""
    tenant = _current.get()
    return tenant.slug if tenant is not None else None


def require_tenant() -> TenantRef:
    """Return the tenant in context, or raise ``TenantContextMissing``."""
    tenant = _current.get()
    if tenant is None:
        raise TenantContextMissing(
            "No tenant in context: tenant-owned data needs one (use tenant_context or a "
            "named cross-tenant entry point)."
        )
    return tenant


@contextmanager
def tenant_context(tenant: TenantRef | None) -> Iterator[TenantRef | None]:
    """Make ``tenant`` current inside the block and restore the previous one after, always."""
    token = _current.set(tenant)
    try:
        yield tenant
    finally:
        _current.reset(token)


def carry_context(func: Callable[P, R]) -> Callable[P, R]:
    """Wrap ``func`` so that, run in another thread, it sees this thread's tenant (and context).

    A new thread starts with an empty context; ``copy_context`` is taken now, when the unit of
    work hands the function to a thread, not when the thread runs it.
    """
    context = contextvars.copy_context()

    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        return context.run(func, *args, **kwargs)

    return run
