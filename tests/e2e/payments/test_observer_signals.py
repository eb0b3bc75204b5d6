"""In-process observers: each context's signal fires once after its commit, robustly."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import transaction
from django.dispatch import Signal

from emporium.identity.adapters.tokens import issue_token
from emporium.identity.public import CustomerRegistered, customer_registered
from emporium.multitenancy.context import tenant_context
from emporium.ordering.public import (
    OrderCancelled,
    OrderFulfilled,
    OrderPaid,
    OrderPlaced,
    order_cancelled,
    order_fulfilled,
    order_paid,
    order_placed,
)
from emporium.payments.domain.events import PaymentCaptured, PaymentRefunded
from emporium.payments.public import payment_processed, payment_refunded
from emporium.shared_kernel.events import DomainEvent
from tests.e2e.ordering.conftest import Shop, make_product
from tests.e2e.payments.test_payments_api import card, pay, place, refund

#: What a step hands on: the ids of the order and payment it made, by name.
Ids = dict[str, str]


def nothing(shop: Any) -> Ids:
    return {}


def placed(shop: Any) -> Ids:
    return {"order": place(shop, small=True)["id"]}


def paid(shop: Any) -> Ids:
    ids = placed(shop)
    response = pay(shop, ids["order"], card())
    assert response.status_code == 201
    return {**ids, "payment": response.json()["id"]}


def place_order(shop: Any, ids: Ids) -> tuple[Any, str]:
    response = shop.order("ann", ("mug", 1))
    return response, response.json()["id"]


def cancel(shop: Any, ids: Ids) -> tuple[Any, str]:
    return shop.call("post", f"/api/v1/orders/{ids['order']}/cancel/", "ann"), ids["order"]


def pay_for_order(shop: Any, ids: Ids) -> tuple[Any, str]:
    return pay(shop, ids["order"], card()), ids["order"]


def capture(shop: Any, ids: Ids) -> tuple[Any, str]:
    response = pay(shop, ids["order"], card())
    return response, response.json()["id"]


def fulfil(shop: Any, ids: Ids) -> tuple[Any, str]:
    return shop.call("post", f"/api/v1/orders/{ids['order']}/fulfil/", "staff"), ids["order"]


def refund_all(shop: Any, ids: Ids) -> tuple[Any, str]:
    return refund(shop, ids["payment"]), ids["payment"]


def register(shop: Any, ids: Ids) -> tuple[Any, str]:
    body = {"email": "ada@example.com", "password": "correct horse 42", "name": "Ada Lovelace"}
    response = shop.call("post", "/api/v1/customers/", None, body)
    return response, response.json()["id"]


@dataclass(frozen=True)
class Case:
    """A signal, the event it carries and the request whose commit sends it."""

    signal: Signal
    event: type[DomainEvent]
    sender: str
    act: Callable[[Any, Ids], tuple[Any, str]]  # returns the response and the aggregate id
    status: int
    prepare: Callable[[Any], Ids] = nothing

    def __str__(self) -> str:
        return self.event.type


CASES = [
    Case(order_placed, OrderPlaced, "emporium.ordering", place_order, 201),
    Case(order_cancelled, OrderCancelled, "emporium.ordering", cancel, 200, placed),
    Case(order_paid, OrderPaid, "emporium.ordering", pay_for_order, 201, placed),
    Case(order_fulfilled, OrderFulfilled, "emporium.ordering", fulfil, 200, paid),
    Case(payment_processed, PaymentCaptured, "emporium.payments", capture, 201, placed),
    Case(payment_refunded, PaymentRefunded, "emporium.payments", refund_all, 201, paid),
    Case(customer_registered, CustomerRegistered, "emporium.identity", register, 201),
]


@pytest.fixture
def observe() -> Iterator[Callable[[Signal], list[tuple[str, DomainEvent]]]]:
    """Connect a failing receiver, then a recording one; return what the recorder saw."""
    connected: list[tuple[Signal, Callable[..., None]]] = []

    def connect(signal: Signal) -> list[tuple[str, DomainEvent]]:
        seen: list[tuple[str, DomainEvent]] = []

        def fail(sender: str, event: DomainEvent, **kwargs: Any) -> None:
            raise RuntimeError("observer down")

        def record(sender: str, event: DomainEvent, **kwargs: Any) -> None:
            seen.append((sender, event))

        for receiver in (fail, record):
            signal.connect(receiver)
            connected.append((signal, receiver))
        return seen

    yield connect
    for signal, receiver in connected:
        signal.disconnect(receiver)


def failures(caplog: pytest.LogCaptureFixture) -> list[tuple[int, str]]:
    records = [r for r in caplog.records if r.name == "emporium.infrastructure.signals"]
    return [(r.levelno, r.event_id) for r in records]


@pytest.mark.django_db
@pytest.mark.parametrize("case", CASES, ids=str)
def test_the_signal_fires_once_after_commit_and_a_failing_receiver_harms_nothing(
    case: Case, shop: Any, observe: Any, django_capture_on_commit_callbacks: Any, caplog: Any
) -> None:
    ids = case.prepare(shop)
    seen = observe(case.signal)

    with django_capture_on_commit_callbacks(execute=False) as committed:
        response, aggregate_id = case.act(shop, ids)
    assert seen == []  # nothing before the commit
    for callback in committed:
        callback()

    assert response.status_code == case.status, response.content
    [(sender, event)] = seen
    assert (sender, type(event), event.aggregate_id) == (case.sender, case.event, aggregate_id)
    assert failures(caplog) == [(logging.ERROR, str(event.event_id))]


@pytest.mark.django_db
@pytest.mark.parametrize("case", CASES, ids=str)
def test_an_app_made_ready_twice_still_sends_the_signal_once(
    case: Case, shop: Any, observe: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from django.apps import apps

    [config] = [c for c in apps.get_app_configs() if c.name == case.sender]
    config.ready()
    config.ready()
    ids = case.prepare(shop)
    seen = observe(case.signal)

    with django_capture_on_commit_callbacks(execute=True):
        case.act(shop, ids)

    assert len(seen) == 1


class RolledBack(Exception):
    """Raised to roll the block back."""


@pytest.mark.django_db
@pytest.mark.parametrize("case", CASES, ids=str)
def test_the_signal_stays_silent_when_the_transaction_rolls_back(
    case: Case, shop: Any, observe: Any, django_capture_on_commit_callbacks: Any
) -> None:
    ids = case.prepare(shop)
    seen = observe(case.signal)

    statuses: list[int] = []

    def act_then_roll_back() -> None:
        with transaction.atomic():
            statuses.append(case.act(shop, ids)[0].status_code)
            raise RolledBack

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RolledBack):
        act_then_roll_back()

    assert statuses == [case.status]
    assert seen == []


@pytest.fixture
def committed_shop(acme_and_globex: Any, make_account: Any) -> Shop:
    """The ordering tests' shop, as far as these tests use it, built in committed transactions."""
    shop = Shop(*acme_and_globex)
    for who, role in [("ann", "customer"), ("staff", "staff")]:
        shop.users[who] = make_account(shop.acme, f"{who}@shop.example", role)
        # Row-level security sees the tenant only inside a transaction.
        with tenant_context(shop.acme), transaction.atomic():
            shop.tokens[who] = issue_token(shop.users[who])[0]
    shop.products["mug"] = make_product(shop.acme, "Mug", "0.35", stock=10)
    return shop


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("case", CASES, ids=str)
def test_a_failing_receiver_fails_not_the_request_that_really_commits(
    case: Case, committed_shop: Shop, observe: Any, caplog: Any
) -> None:
    ids = case.prepare(committed_shop)
    seen = observe(case.signal)

    response, aggregate_id = case.act(committed_shop, ids)

    # The request's own commit sent the signal before it answered.
    assert response.status_code == case.status, response.content
    [(sender, event)] = seen
    assert (sender, event.aggregate_id) == (case.sender, aggregate_id)
    assert failures(caplog) == [(logging.ERROR, str(event.event_id))]
