"""The periodic catch-up: every tenant's projections, one failing projection stopping no other."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from emporium.analytics import bootstrap
from emporium.analytics.adapters.projections import PROJECTIONS
from emporium.infrastructure.messaging.inbox import consume_once, consumer_registry
from emporium.infrastructure.outbox.models import OutboxMessage
from emporium.infrastructure.projections import runner
from emporium.infrastructure.projections.ports import PositionedEvent
from emporium.ordering.public import order_event_source
from tests.integration.analytics.conftest import HeldDelivery, Shops, today
from tests.integration.analytics.rows import days_of, state_of

pytestmark = pytest.mark.django_db


class Broken:
    """A projection that fails on every event, named to run before analytics' own."""

    name = "a-broken-projection"
    event_types = frozenset({"ordering.order_placed"})

    def apply(self, events: Sequence[PositionedEvent], generation: int) -> None:
        raise RuntimeError("this projection cannot apply anything")

    def drop(self, generation: int) -> None:
        pass


def test_the_periodic_catch_up_brings_every_tenant_up_to_date(
    shops: Shops, held: HeldDelivery
) -> None:
    shops.order(shops.acme, 2)
    shops.order(shops.globex, 3)
    shops.order(shops.globex, 1)

    assert bootstrap.catch_up_every_tenant() == len(PROJECTIONS) * 3
    assert bootstrap.catch_up_every_tenant() == 0

    assert days_of(shops.acme) == [(today(), "USD", 1, 2, 800, 0)]
    assert days_of(shops.globex) == [(today(), "USD", 2, 4, 400, 0)]
    for projection in PROJECTIONS:
        assert state_of(shops.acme, projection.name) == (1, 1, None)
        assert state_of(shops.globex, projection.name) == (2, 1, None)


def test_a_failing_projection_stops_neither_the_others_nor_the_other_tenants(
    shops: Shops,
    held: HeldDelivery,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    registry = runner.projection_registry()
    monkeypatch.setattr(registry, "_by_name", dict(registry._by_name))
    registry.register(Broken(), order_event_source())
    shops.order(shops.acme, 2)
    shops.order(shops.globex, 3)

    assert bootstrap.catch_up_every_tenant() == len(PROJECTIONS) * 2

    assert days_of(shops.acme) == [(today(), "USD", 1, 2, 800, 0)]
    assert days_of(shops.globex) == [(today(), "USD", 1, 3, 300, 0)]
    for tenant in (shops.acme, shops.globex):
        assert state_of(tenant, Broken.name) == (0, 1, None)  # stopped at the event it failed on
        for projection in PROJECTIONS:
            assert state_of(tenant, projection.name) == (1, 1, None)
    failures = [
        r for r in caplog.records if r.levelname == "ERROR" and Broken.name in r.getMessage()
    ]
    assert sorted(r.getMessage() for r in failures) == [
        f"Catching up projection {Broken.name} of tenant acme failed",
        f"Catching up projection {Broken.name} of tenant globex failed",
    ]


def test_in_the_consumers_delivery_a_failing_projection_stops_no_other(
    shops: Shops, held: HeldDelivery, monkeypatch: pytest.MonkeyPatch
) -> None:
    registry = runner.projection_registry()
    monkeypatch.setattr(registry, "_by_name", dict(registry._by_name))
    registry.register(Broken(), order_event_source())
    shops.order(shops.acme, 2)
    [row] = OutboxMessage.objects.filter(type="ordering.order_placed")
    envelope = row.to_envelope()
    handler = consumer_registry().handler_for(bootstrap.CONSUMER, envelope.type)
    assert handler is not None

    assert consume_once(bootstrap.CONSUMER, envelope, handler) is True

    assert days_of(shops.acme) == [(today(), "USD", 1, 2, 800, 0)]
    assert state_of(shops.acme, Broken.name) == (0, 1, None)
    for projection in PROJECTIONS:
        assert state_of(shops.acme, projection.name) == (1, 1, None)
