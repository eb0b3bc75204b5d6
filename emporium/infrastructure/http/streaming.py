"""A streamed response body that keeps its tenant and one transaction until it is done.

Django iterates a ``StreamingHttpResponse`` after the view has returned: the request's
transaction (``ATOMIC_REQUESTS``) has committed and the tenant middleware has reset the tenant.
A body that reads tenant rows must bring both along, and keep them away from whoever iterates
it: a generator runs in the context of each caller of ``next()``, so a tenant set inside it
would show outside between two chunks, and a tenant set outside would reach it.

Memory stays bounded under WSGI (runserver, gunicorn), which sends each chunk as it comes;
Django's ASGI handler would collect a synchronous body whole before sending it.
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable, Generator, Iterator
from typing import Generic, TypeVar

from django.db import transaction

from emporium.multitenancy.context import TenantRef, tenant_context

T = TypeVar("T")


class TenantStream(Generic[T]):
    """Iterate ``make()`` inside ``tenant`` and one transaction, in a context of its own.

    The tenant and the transaction begin with the first chunk and end with the last, or with
    ``close()`` (which Django calls when the response is closed, whether the client read it all
    or went away). Every step runs in a copy of the creator's context (its request id
    included), so neither the tenant nor anything else crosses between the body and its reader.
    """

    def __init__(self, tenant: TenantRef, make: Callable[[], Iterator[T]]) -> None:
        self._closed = False
        self._context = contextvars.copy_context()
        self._chunks = self._held(tenant, make)

    @staticmethod
    def _held(tenant: TenantRef, make: Callable[[], Iterator[T]]) -> Generator[T, None, None]:
        with tenant_context(tenant), transaction.atomic():
            yield from make()

    def __iter__(self) -> TenantStream[T]:
        return self

    def __next__(self) -> T:
        return self._context.run(next, self._chunks)

    def close(self) -> None:
        """End the body: its transaction and tenant end where they began, in its context."""
        if not self._closed:
            self._closed = True
            self._context.run(self._chunks.close)

    def __del__(self) -> None:
        # A body dropped unread or half read still ends its transaction in its own context.
        self.close()
