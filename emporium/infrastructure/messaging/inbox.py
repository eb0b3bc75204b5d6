"""Idempotent consumers: each (consumer, event id) has its side effects once, however often sent."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable

from django.db import IntegrityError, transaction

from emporium.infrastructure.messaging.models import InboxMessage
from emporium.multitenancy.context import TenantRef, tenant_context
from emporium.multitenancy.lookup import active_tenant, tenant_exists
from emporium.shared_kernel.events import EventEnvelope

logger = logging.getLogger(__name__)

#: A consumer's work on one envelope; it runs inside the envelope's tenant and transaction.
EnvelopeHandler = Callable[[EventEnvelope], None]


class InactiveTenant(LookupError):
    """An envelope names a tenant that is not (or no longer) active."""


class DeletedTenant(InactiveTenant):
    """An envelope names a tenant that was deleted: there is nothing left to apply it to."""


def envelope_tenant(slug: str | None) -> TenantRef | None:
    """Return the tenant an envelope's slug names, or None for a platform event."""
    if slug is None:
        return None
    tenant = active_tenant(slug)
    if tenant is None:
        if not tenant_exists(slug):
            raise DeletedTenant(f"no tenant {slug!r}: it was deleted")
        raise InactiveTenant(f"no active tenant {slug!r}")
    return tenant


def consume_once(
    consumer: str, envelope: EventEnvelope, handler: EnvelopeHandler, using: str = "default"
) -> bool:
    """Run ``handler(envelope)`` unless ``consumer`` already has; return whether it ran.

    The handler runs in the envelope's tenant, in one transaction with the inbox row: if it
    raises, neither stays and a redelivery runs it again. The row is inserted first, so a
    concurrent delivery of the same event waits on the unique key and then skips. An envelope
    of a deleted tenant (late in a queue, or retried) is skipped without a trace: nothing of
    the tenant is left to apply it to, and an inbox or failure row would be its data again.
    """
    try:
        tenant = envelope_tenant(envelope.tenant)
    except DeletedTenant:
        logger.info(
            "Consumer %s skips %s %s: tenant %s was deleted",
            consumer,
            envelope.type,
            envelope.id,
            envelope.tenant,
            extra={"event_id": str(envelope.id), "event_type": envelope.type},
        )
        return False
    # The tenant first: on PostgreSQL it reaches row-level security when the transaction starts.
    with tenant_context(tenant), transaction.atomic(using=using):
        try:
            with transaction.atomic(using=using):
                InboxMessage.objects.using(using).create(
                    consumer=consumer,
                    event_id=envelope.id,
                    event_type=envelope.type,
                    tenant=envelope.tenant,
                )
        except IntegrityError:
            return False
        handler(envelope)
    return True


class ConsumerRegistry:
    """The in-process consumers of integration events: by event type, a name and a handler."""

    def __init__(self) -> None:
        self._consumers: defaultdict[str, dict[str, EnvelopeHandler]] = defaultdict(dict)

    def register(self, consumer: str, event_type: str, handler: EnvelopeHandler) -> None:
        """Have ``consumer`` handle every envelope of ``event_type`` (once per event id)."""
        self._consumers[event_type][consumer] = handler

    def event_types(self) -> list[str]:
        """Return the event types that have at least one consumer."""
        return [event_type for event_type, named in self._consumers.items() if named]

    def consumers_for(self, event_type: str) -> list[tuple[str, EnvelopeHandler]]:
        """Return the (name, handler) pairs for ``event_type``, in registration order."""
        return list(self._consumers.get(event_type, {}).items())

    def handler_for(self, consumer: str, event_type: str) -> EnvelopeHandler | None:
        """Return ``consumer``'s handler of ``event_type``, or None if it has none."""
        return self._consumers.get(event_type, {}).get(consumer)


_registry = ConsumerRegistry()


def consumer_registry() -> ConsumerRegistry:
    """Return the process-wide registry that each context's ``AppConfig.ready`` fills."""
    return _registry
