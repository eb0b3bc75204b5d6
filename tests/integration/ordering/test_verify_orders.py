"""``manage.py verify_orders``: every order's snapshot row against the order its stream folds to."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Iterator
from io import StringIO
from typing import Any
from uuid import UUID

import pytest
from django.core.management import CommandError, call_command, execute_from_command_line
from django.db import connection, connections, transaction
from django.test.utils import CaptureQueriesContext

from emporium.multitenancy.context import TenantRef, tenant_context
from emporium.ordering import bootstrap
from emporium.ordering.adapters import verification
from emporium.ordering.application.use_cases import FulfilOrder, MarkOrderPaid, PlaceOrder
from emporium.ordering.models import Order, OrderEvent, OrderLine
from emporium.shared_kernel.money import Money
from emporium.tenancy.models import Tenant
from tests.e2e.ordering.conftest import make_product

pytestmark = pytest.mark.django_db


def verify(*slugs: str) -> tuple[str, CommandError | None]:
    """Run the command; return its stdout and the CommandError it ended with, if any."""
    out = StringIO()
    try:
        call_command("verify_orders", *(f"--tenant={slug}" for slug in slugs), stdout=out)
    except CommandError as refused:
        return out.getvalue(), refused
    return out.getvalue(), None


@pytest.fixture
def acme(acme_and_globex: tuple[TenantRef, TenantRef]) -> TenantRef:
    return acme_and_globex[0]


@pytest.fixture
def place(acme: TenantRef, make_account: Callable[..., Any]) -> Callable[..., UUID]:
    """Return a function that places an order of one mug at acme (paid, or fulfilled, if asked)."""
    customer = make_account(acme, "ann@acme.example", "customer").pk
    mug = make_product(acme, "Mug", "4.00", stock=50)

    def place(paid: bool = False, fulfilled: bool = False) -> UUID:
        with tenant_context(acme):
            order = bootstrap.place_order(PlaceOrder(customer, [(mug, 1)]))
            if paid or fulfilled:
                bootstrap.mark_order_paid(MarkOrderPaid(order.id, uuid.uuid4()))
            if fulfilled:
                bootstrap.fulfil_order(FulfilOrder(order.id))
        return order.id

    return place


def test_orders_as_the_use_cases_left_them_agree(place: Callable[..., UUID]) -> None:
    place()
    place(paid=True)

    assert verify() == (
        "acme: 2 orders verified, 0 differ\nglobex: 0 orders verified, 0 differ\n",
        None,
    )


def test_a_row_without_stream_a_stream_without_row_and_a_gap_differ(
    acme: TenantRef, place: Callable[..., UUID]
) -> None:
    # placed, paid, fulfilled (no address, so staff fulfil it): without its version 2, a gap.
    no_stream, no_row, gap, fine = place(), place(), place(fulfilled=True), place()
    with tenant_context(acme), transaction.atomic():
        OrderEvent.objects.filter(order_id=no_stream).delete()
        OrderLine.objects.filter(order_id=no_row).delete()
        Order.objects.filter(pk=no_row).delete()
        OrderEvent.objects.filter(order_id=gap, version=2).delete()

    out, refused = verify("acme")

    found = {
        no_stream: "no stream",
        no_row: "no snapshot row",
        gap: "stream unreadable: version 3 follows 1 in the stream",
    }
    assert out.splitlines() == [
        *(f"acme: order {order_id} differs: {found[order_id]}" for order_id in sorted(found)),
        "acme: 4 orders verified, 3 differ",
    ]
    assert fine not in found
    assert refused is not None
    assert str(refused) == "3 order(s) differ from their event streams."
    assert refused.returncode == 1


def test_an_unknown_tenant_is_refused_before_any_is_verified(acme: TenantRef) -> None:
    out, refused = verify("acme", "nope")

    assert out == ""
    assert str(refused) == "No active tenant 'nope'."


def test_the_queries_do_not_grow_with_the_orders(
    acme: TenantRef, place: Callable[..., UUID], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Two orders (or events) a chunk: five orders take more chunks, never a query each.
    monkeypatch.setattr(verification, "CHUNK_SIZE", 2)

    def queries() -> int:
        with tenant_context(acme), CaptureQueriesContext(connection) as captured:
            assert verification.verify_orders().differences == []
        return sum('"ordering_' in query["sql"] for query in captured.captured_queries)

    place(paid=False)
    one = queries()
    for _ in range(4):
        place(paid=False)
    five = queries()

    # A count; rows and their lines, a chunk at a time; events (one each), a chunk at a time.
    assert one == 1 + 2 + 1
    assert five == 1 + 3 * 2 + 3


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_an_order_placed_while_the_scan_runs_is_rechecked_not_reported(
    acme: TenantRef, place: Callable[..., UUID], monkeypatch: pytest.MonkeyPatch
) -> None:
    place()
    placed: list[UUID] = []
    scan_events = verification._events

    def events_after_a_new_order(using: str) -> Iterator[OrderEvent]:
        # The rows were read already: the new order's stream is found, its row was not.
        def place_elsewhere() -> None:
            try:
                placed.append(place())
            finally:
                connections.close_all()

        other = threading.Thread(target=place_elsewhere)
        other.start()
        other.join()
        yield from scan_events(using)

    monkeypatch.setattr(verification, "_events", events_after_a_new_order)

    with tenant_context(acme):
        found = verification.verify_orders()

    assert len(placed) == 1
    assert (found.orders, found.differences) == (2, [])


@pytest.mark.django_db(transaction=True, databases=["default", "admin"])
def test_the_demo_data_agrees_and_planted_differences_are_reported(settings: Any) -> None:
    settings.DEBUG = True
    call_command("seed_demo", stdout=StringIO())

    assert verify() == (
        "acme: 112 orders verified, 0 differ\nglobex: 114 orders verified, 0 differ\n",
        None,
    )

    acme, globex = (TenantRef(Tenant.objects.get(slug=s).id, s) for s in ("acme", "globex"))
    with tenant_context(acme), transaction.atomic():
        paid, fulfilled = (
            Order.objects.filter(status=status).order_by("created_at").first()
            for status in ("paid", "fulfilled")
        )
        assert paid is not None
        assert fulfilled is not None
        Order.objects.filter(pk=paid.pk).update(status="cancelled")
        planted_total = fulfilled.total + Money(1, fulfilled.currency)
        Order.objects.filter(pk=fulfilled.pk).update(total=planted_total)
    with tenant_context(globex), transaction.atomic():
        event = OrderEvent.objects.filter(type="ordering.order_paid").order_by("position")[0]
        was = UUID(event.payload["payment_id"])
        event.payload = {**event.payload, "payment_id": str(uuid.uuid4())}
        event.save(update_fields=["payload"])
        told = UUID(event.payload["payment_id"])

    out, refused = verify()

    acme_lines = {
        paid.pk: f"acme: order {paid.pk} differs: status: 'paid' != 'cancelled'",
        fulfilled.pk: (
            f"acme: order {fulfilled.pk} differs: "
            f"stored total: {fulfilled.total!r} != {planted_total!r}"
        ),
    }
    assert out.splitlines() == [
        *(acme_lines[order_id] for order_id in sorted(acme_lines)),
        "acme: 112 orders verified, 2 differ",
        f"globex: order {event.order_id} differs: payment_id: {told!r} != {was!r}",
        "globex: 114 orders verified, 1 differ",
    ]
    assert str(refused) == "3 order(s) differ from their event streams."
    # As manage.py runs it: the exit status is 1.
    with pytest.raises(SystemExit) as exited:
        execute_from_command_line(["manage.py", "verify_orders", "--tenant=globex"])
    assert exited.value.code == 1
    # One tenant asked for, one tenant verified.
    assert verify("globex")[0].splitlines()[-1] == "globex: 114 orders verified, 1 differ"
