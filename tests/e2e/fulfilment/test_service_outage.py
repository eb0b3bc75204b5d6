"""The fulfilment service down for a while, as real processes on PostgreSQL and RabbitMQ.

Orders paid while the service is stopped wait in its queue; tracking answers 503 at once once
the breaker has opened, in every process that shares the cache; when the service is back each
order is shipped and recorded exactly once, and the breaker closes after its cooldown. Sized
for a two-core machine: the whole test takes well under 90 s.
"""

from __future__ import annotations

import json
import select
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from django.conf import settings

from emporium.fulfilment.public import BreakerState, breaker_status
from emporium.multitenancy.context import tenant_context
from emporium.ordering import bootstrap as ordering
from emporium.ordering.application.use_cases import PlaceOrder
from emporium.ordering.domain.address import ShippingAddress
from emporium.payments import bootstrap as payments
from emporium.payments.application.pay_order import PayOrder
from tests.e2e.fulfilment.conftest import ADDRESS, CARD, CARRIER, PROBLEMS, Shop
from tests.e2e.fulfilment.link import Link
from tests.faults import processes

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.rabbitmq,
    pytest.mark.django_db(transaction=True, databases=["default", "admin"]),
]

ORDERS = 200
#: The breaker's cooldown, here and in the processes: long enough for the other process's
#: check, short enough not to slow the test.
COOLDOWN = 5.0
#: Failed calls that open the breaker (ADR 0018).
OPENING_FAILURES = 5
#: What "at once" means for an answer of the open breaker.
AT_ONCE = 0.5
#: From the service's restart until every order is fulfilled.
CATCH_UP_DEADLINE = 60.0
BUDGET = 90.0


def place_orders(shop: Shop, count: int) -> list[str]:
    """Place ``count`` orders of ann's with an address, through the use case."""
    address = ShippingAddress(**ADDRESS)
    customer = shop.users["ann"].pk
    with tenant_context(shop.tenant):
        return [
            str(
                ordering.place_order(
                    PlaceOrder(customer, [(shop.product, 1)], shipping_address=address)
                ).id
            )
            for _ in range(count)
        ]


def pay_orders(shop: Shop, orders: list[str]) -> None:
    """Pay each order by card as ann, through the payments use case."""
    customer = shop.users["ann"].pk
    with tenant_context(shop.tenant):
        for order in orders:
            payment = payments.pay_order(PayOrder(UUID(order), customer, False, "card", CARD))
            assert payment.status == "captured"


def assert_unavailable(response: Any) -> int:
    """Check a 503 ``service-unavailable`` with a Retry-After; return its seconds."""
    assert response.status_code == 503, response.content
    assert response.json()["type"] == PROBLEMS + "service-unavailable"
    retry_after = int(response["Retry-After"])
    assert 1 <= retry_after <= COOLDOWN
    return retry_after


class OtherProcess:
    """Another Emporium process (``other_process.py``) on the test's databases and caches."""

    def __init__(self, shop: Shop, order: str, link: Link, log: Path) -> None:
        env = processes.command_env(
            EMPORIUM_TEST_FULFILMENT_URLS=link.url,
            FULFILMENT_BREAKER_COOLDOWN_SECONDS=str(COOLDOWN),
        )
        self._log = log.open("w")
        self.popen = subprocess.Popen(
            [sys.executable, "-m", "tests.e2e.fulfilment.other_process"],
            cwd=processes.ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._log,
            text=True,
        )
        self._send(
            {
                "prefixes": {a: settings.CACHES[a]["KEY_PREFIX"] for a in ("default", "platform")},
                "host": f"{shop.slug}.localhost",
                "token": shop.tokens["ann"],
                "order": order,
            }
        )
        self.log = log

    def _send(self, message: object) -> None:
        assert self.popen.stdin is not None
        self.popen.stdin.write(json.dumps(message) + "\n")
        self.popen.stdin.flush()

    def read(self, timeout: float = 60.0) -> dict[str, Any]:
        assert self.popen.stdout is not None
        ready, _, _ = select.select([self.popen.stdout], [], [], timeout)
        line = self.popen.stdout.readline() if ready else ""
        if not line:
            self.close()
            raise AssertionError(f"the other process said nothing:\n{self.log.read_text()}")
        return dict(json.loads(line))

    def go(self) -> dict[str, Any]:
        self._send("go")
        return self.read()

    def close(self) -> None:
        processes.stop(self.popen, timeout=10)  # type: ignore[arg-type]
        self._log.close()


def connections_to(listener: socket.socket) -> int:
    """Return how many connections wait on ``listener`` (non-blocking), closing them."""
    count = 0
    while True:
        try:
            connection, _ = listener.accept()
        except BlockingIOError:
            return count
        connection.close()
        count += 1


def test_orders_paid_while_the_service_is_down_are_each_shipped_once_when_it_is_back(
    start_link: Callable[..., Link],
    shop: Shop,
    subtests: pytest.Subtests,
    report: Callable[[str], None],
    tmp_path: Path,
) -> None:
    started = time.monotonic()
    link = start_link(ship_after=1, cooldown=COOLDOWN)
    up = time.monotonic() - started
    orders = place_orders(shop, ORDERS)

    link.stop_service()
    # Another Emporium process, set up while the orders are paid (Redis carries the breaker).
    other = (
        OtherProcess(shop, orders[-1], link, tmp_path / "other.log") if settings.REDIS_URL else None
    )
    try:
        paying = time.monotonic()
        pay_orders(shop, orders)
        paid = time.monotonic() - paying
        assert set(shop.statuses(orders).values()) == {"paid"}
        other_ready = other.read() if other is not None else None

        # While it is down: each call fails (every try refused) and says when to come back.
        for order in orders[:OPENING_FAILURES]:
            assert_unavailable(shop.track(order))
        opened = breaker_status()
        assert opened.state is BreakerState.OPEN
        assert opened.consecutive_failures == OPENING_FAILURES
        asked = time.monotonic()
        refused = shop.track(orders[OPENING_FAILURES])
        refused_in = time.monotonic() - asked
        assert_unavailable(refused)
        assert refused_in < AT_ONCE
        assert breaker_status().consecutive_failures == OPENING_FAILURES  # nothing was tried

        with subtests.test("another process refuses at once, without connecting"):
            if other is None:
                pytest.skip("service unavailable: Redis (the processes share the breaker there)")
            assert other_ready == {"ready": 200, "breaker": "closed"}
            # Whatever tries to connect to the service's port now reaches this socket instead.
            with socket.socket() as listener:
                listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                listener.bind(("127.0.0.1", link.port))
                listener.listen(8)
                listener.setblocking(False)
                there = other.go()
                attempts = connections_to(listener)
            assert (there["status"], there["type"]) == (503, PROBLEMS + "service-unavailable")
            assert 1 <= int(there["retry_after"]) <= COOLDOWN
            assert there["seconds"] < AT_ONCE
            assert there["breaker"] == "open"
            assert attempts == 0
            report(f"another process: 503 in {there['seconds'] * 1000:.0f} ms, no connection")
    finally:
        if other is not None:
            other.close()

    back = time.monotonic()
    link.start_service()
    link.wait_until(
        lambda: set(shop.statuses(orders).values()) == {"fulfilled"},
        CATCH_UP_DEADLINE,
        f"all {ORDERS} orders fulfilled",
    )
    caught_up = time.monotonic() - back

    # Exactly once: one shipment per order, one tracking number each, one order_fulfilled each.
    shipments = link.shipments(shop.slug)
    assert sorted(shipments) == sorted(orders)
    assert {shipment["status"] for shipment in shipments.values()} == {"shipped"}
    assert {shipment["carrier"] for shipment in shipments.values()} == {CARRIER}
    assert len({shipment["tracking_number"] for shipment in shipments.values()}) == ORDERS
    assert shop.dispatches_recorded(orders) == {
        order: [shipments[order]["tracking_number"]] for order in orders
    }

    # After the cooldown the next call is the breaker's trial: it passes, and closes it.
    link.wait_until(
        lambda: breaker_status().state is not BreakerState.OPEN, COOLDOWN + 5, "the cooldown"
    )
    tracking = shop.track(orders[0])
    assert tracking.status_code == 200, tracking.content
    assert tracking.json()["status"] == "shipped"
    assert tracking.json()["tracking_number"] == shipments[orders[0]]["tracking_number"]
    assert breaker_status().state is BreakerState.CLOSED
    took = time.monotonic() - started
    report(
        f"outage: link up in {up:.1f} s, {ORDERS} orders paid in {paid:.1f} s while down, "
        f"all fulfilled {caught_up:.1f} s after the restart; {took:.1f} s in all"
    )
    assert took < BUDGET
