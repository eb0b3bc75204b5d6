"""The aggregate base: versions advance with each recorded event; events are pulled once."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar
from uuid import UUID

from emporium.shared_kernel.aggregate import Aggregate
from emporium.shared_kernel.events import DomainEvent

CART_ID = UUID("0b6e2f5c-1d7a-4e3b-9c8d-7f6a5b4c3d2e")


@dataclass(frozen=True, kw_only=True)
class ItemAdded(DomainEvent):
    context: ClassVar[str] = "shopping"

    sku: str


@dataclass(kw_only=True, eq=False)
class Cart(Aggregate[UUID]):
    skus: list[str]

    def add(self, sku: str) -> None:
        self.skus.append(sku)
        self.record(ItemAdded, sku=sku)


def test_a_new_aggregate_is_at_version_0_with_no_events() -> None:
    cart = Cart(id=CART_ID, skus=[])

    assert cart.version == 0
    assert cart.events == []


def test_recording_bumps_the_version_and_the_event_carries_the_new_version() -> None:
    cart = Cart(id=CART_ID, skus=[])

    cart.add("MUG-1")
    cart.add("TEA-2")

    assert cart.version == 2
    assert [(e.aggregate_id, e.aggregate_version, e.sku) for e in cart.events] == [
        ("0b6e2f5c-1d7a-4e3b-9c8d-7f6a5b4c3d2e", 1, "MUG-1"),
        ("0b6e2f5c-1d7a-4e3b-9c8d-7f6a5b4c3d2e", 2, "TEA-2"),
    ]


def test_record_returns_the_event_it_appended() -> None:
    cart = Cart(id=CART_ID, skus=[])

    event = cart.record(ItemAdded, sku="MUG-1")

    assert cart.events == [event]
    assert event.type == "shopping.item_added"


def test_a_loaded_aggregate_continues_from_its_stored_version() -> None:
    cart = Cart(id=CART_ID, skus=["MUG-1"], version=5)

    cart.add("TEA-2")

    assert cart.version == 6
    assert cart.events[0].aggregate_version == 6


def test_pull_events_returns_them_oldest_first_and_forgets_them() -> None:
    cart = Cart(id=CART_ID, skus=[])
    cart.add("MUG-1")
    cart.add("TEA-2")

    pulled = cart.pull_events()

    assert [e.sku for e in pulled] == ["MUG-1", "TEA-2"]
    assert cart.events == []
    assert cart.pull_events() == []
    assert cart.version == 2
