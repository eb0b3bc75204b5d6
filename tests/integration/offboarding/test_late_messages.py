"""What still arrives for a deleted shop is harmless: skipped, answered, never retried.

Messages queued before the deletion (a broker's, a retry record's, the fulfilment service's
pushes) name a tenant that no longer exists. Each is dropped once, leaving no inbox or failure
row behind (either would be the shop's data again); a suspended shop's still wait for it.
And the deletion's own event reaches the fulfilment service over HTTP without a broker.
"""

from __future__ import annotations

import json
from io import StringIO
from typing import Any
from uuid import uuid4

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from emporium.fulfilment import bootstrap
from emporium.infrastructure.bus import message_bus
from emporium.infrastructure.messaging.inbox import ConsumerRegistry, InactiveTenant, consume_once
from emporium.infrastructure.messaging.models import DeliveryFailure, InboxMessage
from emporium.infrastructure.messaging.retries import RetryPolicy, record_failure, retry_due
from emporium.infrastructure.outbox.models import OutboxMessage
from emporium.shared_kernel.events import EventEnvelope
from emporium.tenancy.adapters.repository import DjangoTenancyUnitOfWork
from emporium.tenancy.adapters.resolution import active_tenant, tenant_exists
from emporium.tenancy.application.use_cases import (
    CreateTenant,
    DeleteTenant,
    SuspendTenant,
    create_tenant,
    delete_tenant,
    suspend_tenant,
)
from tests.integration.fulfilment.conftest import KEY
from tests.integration.fulfilment.fake_service import Answer, FakeService
from tests.integration.fulfilment.test_link_events import dispatched, push

pytestmark = pytest.mark.django_db


def uow() -> DjangoTenancyUnitOfWork:
    # The app's connection, so that the rows stay in the test's transaction.
    return DjangoTenancyUnitOfWork(message_bus(), using="default")


def envelope(tenant: str) -> EventEnvelope:
    return EventEnvelope(
        id=uuid4(),
        type="ordering.order_placed",
        occurred_at=timezone.now(),
        tenant=tenant,
        aggregate_id=str(uuid4()),
        aggregate_version=1,
        payload={},
    )


def ran(_: EventEnvelope) -> None:
    pytest.fail("the handler ran for a tenant that is gone")


def test_an_envelope_of_a_deleted_tenant_is_skipped_without_a_trace() -> None:
    create_tenant(CreateTenant(slug="initech", name="Initech"), uow())
    late = envelope("initech")
    delete_tenant(DeleteTenant("initech"), uow())

    assert consume_once("probe", late, ran) is False
    assert not InboxMessage.objects.filter(tenant="initech").exists()


def test_a_retry_recorded_before_the_deletion_is_dropped_at_its_next_attempt() -> None:
    create_tenant(CreateTenant(slug="initech", name="Initech"), uow())
    late = envelope("initech")
    record_failure("probe", late, RuntimeError("down"), RetryPolicy(backoff=timezone.timedelta(0)))
    delete_tenant(DeleteTenant("initech"), uow())
    registry = ConsumerRegistry()
    registry.register("probe", late.type, ran)

    outcome = retry_due(registry, RetryPolicy(), consumers=["probe"])

    assert (outcome.succeeded, outcome.failed) == (1, 0)
    assert not DeliveryFailure.objects.filter(tenant="initech").exists()
    assert not InboxMessage.objects.filter(tenant="initech").exists()


def test_a_shop_created_after_its_slug_was_looked_up_is_not_taken_for_deleted() -> None:
    assert active_tenant("initech") is None  # caches "missing" for the host lookup
    create_tenant(CreateTenant(slug="initech", name="Initech"), uow())

    assert tenant_exists("initech") is True
    # Until the creation's commit forgets the cached "missing", its envelopes wait and are
    # retried, as a suspended shop's: never dropped as a deleted shop's.
    with pytest.raises(InactiveTenant):
        consume_once("probe", envelope("initech"), ran)


def test_an_envelope_of_a_suspended_tenant_still_fails_so_it_is_retried() -> None:
    create_tenant(CreateTenant(slug="initech", name="Initech"), uow())
    suspend_tenant(SuspendTenant("initech"), uow())

    with pytest.raises(InactiveTenant):
        consume_once("probe", envelope("initech"), ran)


def test_the_service_s_push_for_a_deleted_shop_is_refused_for_good_and_applies_nothing() -> None:
    create_tenant(CreateTenant(slug="initech", name="Initech"), uow())
    delete_tenant(DeleteTenant("initech"), uow())

    response = push(dispatched(uuid4(), tenant="initech"), tenant="initech")

    # A 4xx: the service's relay marks its row failed instead of trying again (ADR 0018).
    assert response.status_code == 404
    assert response.json()["type"].endswith("tenant-not-found")
    assert not InboxMessage.objects.filter(tenant="initech").exists()


def test_without_a_broker_the_deletion_is_pushed_to_the_service_as_a_platform_event(
    service: FakeService, link_settings: Any
) -> None:
    created = create_tenant(CreateTenant(slug="initech", name="Initech"), uow())
    delete_tenant(DeleteTenant("initech"), uow())
    row = OutboxMessage.objects.get(type="tenancy.tenant_deleted")
    service.answer(Answer(204, None))

    with transaction.atomic():
        bootstrap._forward(row.to_envelope())

    [pushed] = service.api_requests()
    assert (pushed.method, pushed.path, pushed.tenant, pushed.signed) == (
        "POST",
        "/internal/events/",
        None,  # no X-Tenant: a platform event
        True,
    )
    sent = json.loads(pushed.body)
    assert (sent["type"], sent["tenant"], sent["aggregate_id"], sent["payload"]) == (
        "tenancy.tenant_deleted",
        None,
        str(created.id),
        {"slug": "initech"},
    )


@pytest.fixture
def service() -> Any:
    running = FakeService(KEY)
    yield running
    running.stop()


@pytest.fixture
def link_settings(settings: Any, service: FakeService) -> Any:
    settings.FULFILMENT_SERVICE_URLS = service.url
    settings.FULFILMENT_SERVICE_KEY = KEY
    yield settings
    bootstrap.forget_link()


@pytest.mark.django_db(transaction=True, databases=["default", "admin"])
def test_creating_a_shop_forgets_a_cached_missing_lookup_of_its_slug() -> None:
    assert active_tenant("initech") is None  # cached "missing"

    call_command("create_tenant", "initech", "--name", "Initech", stdout=StringIO())

    found = active_tenant("initech")
    assert found is not None
    assert found.slug == "initech"
