"""A payload that drifts from the contract fails validation, and the failure names the field.

Each case takes a real envelope from the outbox, plants one change (a renamed, dropped, added or
retyped field) and expects the validation errors to name that field by its JSON path.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest

from tests.contracts_support import ContractViolation, contract
from tests.integration.contracts.conftest import ADDRESS, Shop, outbox

pytestmark = pytest.mark.django_db

Envelope = dict[str, Any]


def rename(envelope: Envelope, old: str, new: str) -> None:
    envelope["payload"][new] = envelope["payload"].pop(old)


CASES: list[tuple[str, str, Callable[[Envelope], None], list[str]]] = [
    (
        "renamed field",
        "ordering.order_paid",
        lambda e: rename(e, "customer_id", "customer"),
        ["$.payload: 'customer_id' is a required property", "'customer' was unexpected"],
    ),
    (
        "dropped field",
        "ordering.order_paid",
        lambda e: e["payload"].pop("paid_at"),
        ["$.payload: 'paid_at' is a required property"],
    ),
    (
        "added field",
        "inventory.stock_reserved",
        lambda e: e["payload"].update(warehouse="north"),
        ["$.payload: Additional properties are not allowed ('warehouse' was unexpected)"],
    ),
    (
        "amount as a number",
        "payments.payment_captured",
        lambda e: e["payload"]["amount"].update(amount=float(e["payload"]["amount"]["amount"])),
        ["$.payload.amount.amount: "],
    ),
    (
        "price as a bare string",
        "catalog.product_created",
        lambda e: e["payload"].update(price=e["payload"]["price"]["amount"]),
        ["$.payload.price: "],
    ),
    (
        "quantity as a string",
        "ordering.order_placed",
        lambda e: e["payload"]["lines"][0].update(
            quantity=str(e["payload"]["lines"][0]["quantity"])
        ),
        ["$.payload.lines[0].quantity: '1' is not of type 'integer'"],
    ),
    (
        "instant with an offset instead of Z",
        "ordering.order_placed",
        lambda e: e["payload"].update(
            reserved_until=e["payload"]["reserved_until"].replace("Z", "+00:00")
        ),
        ["$.payload.reserved_until: "],
    ),
    (
        "reason outside its enum",
        "ordering.order_cancelled",
        lambda e: e["payload"].update(reason="bored"),
        ["$.payload.reason: 'bored' is not one of"],
    ),
    (
        "envelope field dropped",
        "ordering.order_paid",
        lambda e: e.pop("aggregate_version"),
        ["$: 'aggregate_version' is a required property"],
    ),
    (
        "version zero",
        "payments.payment_captured",
        lambda e: e.update(aggregate_version=0),
        ["$.aggregate_version: 0 is less than the minimum of 1"],
    ),
]


@pytest.fixture
def real_envelopes(shop: Shop) -> dict[str, Envelope]:
    """Publish a product, cancel one order and pay another; return one envelope per type."""
    shop.product("mug", "4.50", stock=10)
    cancelled = shop.place(("mug", 1))
    shop.call("post", f"/api/v1/orders/{cancelled}/cancel/", "ann", expect=200)
    shop.pay(shop.place(("mug", 1)))
    return {envelope["type"]: envelope for envelope in outbox()}


@pytest.mark.parametrize(
    ("event_type", "plant", "expected"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_a_planted_change_fails_validation_naming_the_field(
    real_envelopes: dict[str, Envelope],
    event_type: str,
    plant: Callable[[Envelope], None],
    expected: list[str],
) -> None:
    envelope = real_envelopes[event_type]
    assert contract().errors(envelope) == []
    planted = copy.deepcopy(envelope)

    plant(planted)

    errors = contract().errors(planted)
    for fragment in expected:
        assert any(fragment in error for error in errors), f"{fragment!r} not in {errors}"
    with pytest.raises(ContractViolation, match=event_type):
        contract().check(planted)


def test_an_envelope_of_a_type_without_a_channel_is_refused(
    real_envelopes: dict[str, Envelope],
) -> None:
    planted = copy.deepcopy(real_envelopes["ordering.order_paid"])
    planted["type"] = "ordering.order_shipped"

    assert contract().errors(planted) == [
        "$.type: 'ordering.order_shipped' has no channel in asyncapi.yaml"
    ]


@pytest.mark.parametrize(
    ("plant", "expected"),
    [
        (
            lambda address: address.update(country="United Kingdom"),
            "$.payload.shipping_address.country: 'United Kingdom' does not match",
        ),
        (lambda address: address.pop("line2"), "'line2' is a required property"),
        (lambda address: address.update(city=""), "$.payload.shipping_address.city: ''"),
    ],
    ids=["country not alpha-2", "line2 dropped", "empty city"],
)
def test_a_planted_change_of_the_address_names_the_address_field(
    shop: Shop, plant: Callable[[dict[str, str]], None], expected: str
) -> None:
    shop.product("pan", "45.90", stock=5)
    shop.pay(shop.place(("pan", 1), address=ADDRESS))
    envelopes = {envelope["type"]: envelope for envelope in outbox()}

    for event_type in ("ordering.order_placed", "ordering.fulfilment_requested"):
        planted = copy.deepcopy(envelopes[event_type])
        plant(planted["payload"]["shipping_address"])
        errors = contract().errors(planted)
        assert any(expected in error for error in errors), f"{event_type}: {errors}"
