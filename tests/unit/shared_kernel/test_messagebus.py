"""The message bus: handlers by event class, in order; a failing handler is logged, not fatal."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import ClassVar
from uuid import UUID

import pytest

from emporium.shared_kernel.events import DomainEvent
from emporium.shared_kernel.messagebus import MessageBus

FIRST_ID = UUID("c0ffee00-0000-4000-8000-000000000001")
SECOND_ID = UUID("c0ffee00-0000-4000-8000-000000000002")


@dataclass(frozen=True, kw_only=True)
class StockReserved(DomainEvent):
    context: ClassVar[str] = "inventory"

    quantity: int


@dataclass(frozen=True, kw_only=True)
class SpecialStockReserved(StockReserved):
    pass


@dataclass(frozen=True, kw_only=True)
class StockReleased(DomainEvent):
    context: ClassVar[str] = "inventory"

    quantity: int


def reserved(quantity: int, **extra: object) -> StockReserved:
    return StockReserved(
        aggregate_id="sku-1", aggregate_version=quantity, quantity=quantity, **extra
    )


def test_each_event_goes_to_its_handlers_in_registration_order() -> None:
    calls: list[tuple[str, int]] = []
    bus = MessageBus()
    bus.register(StockReserved, lambda e: calls.append(("first", e.quantity)))
    bus.register(StockReserved, lambda e: calls.append(("second", e.quantity)))
    bus.register(StockReleased, lambda e: calls.append(("released", e.quantity)))

    bus.handle([reserved(3), reserved(5)])

    assert calls == [("first", 3), ("second", 3), ("first", 5), ("second", 5)]


def test_dispatch_is_by_exact_class_and_unhandled_events_are_ignored() -> None:
    calls: list[str] = []
    bus = MessageBus()
    bus.register(StockReserved, lambda e: calls.append(e.type))
    special = SpecialStockReserved(aggregate_id="sku-1", aggregate_version=1, quantity=1)

    bus.handle([special, StockReleased(aggregate_id="sku-1", aggregate_version=2, quantity=1)])

    assert calls == []


def test_a_failing_handler_is_logged_with_the_event_and_the_next_handler_still_runs(
    caplog: pytest.LogCaptureFixture,
) -> None:
    calls: list[int] = []

    def explode(event: StockReserved) -> None:
        raise RuntimeError("smtp down")

    bus = MessageBus()
    bus.register(StockReserved, explode)
    bus.register(StockReserved, lambda e: calls.append(e.quantity))

    with caplog.at_level(logging.ERROR, logger="emporium.shared_kernel.messagebus"):
        bus.handle([reserved(2, event_id=FIRST_ID), reserved(4, event_id=SECOND_ID)])

    assert calls == [2, 4]
    failures = [r for r in caplog.records if r.name == "emporium.shared_kernel.messagebus"]
    assert [(r.levelname, r.event_id, r.event_type) for r in failures] == [
        ("ERROR", "c0ffee00-0000-4000-8000-000000000001", "inventory.stock_reserved"),
        ("ERROR", "c0ffee00-0000-4000-8000-000000000002", "inventory.stock_reserved"),
    ]
    assert failures[0].getMessage() == (
        "Event handler test_a_failing_handler_is_logged_with_the_event_and_the_next_handler_"
        "still_runs.<locals>.explode failed on inventory.stock_reserved "
        "c0ffee00-0000-4000-8000-000000000001"
    )
    assert failures[0].exc_info is not None
    assert str(failures[0].exc_info[1]) == "smtp down"


def test_registering_an_equal_handler_again_adds_nothing() -> None:
    calls: list[int] = []

    @dataclass(frozen=True)
    class Recorder:
        name: str

        def __call__(self, event: StockReserved) -> None:
            calls.append(event.quantity)

    bus = MessageBus()
    bus.register(StockReserved, Recorder("audit"))
    bus.register(StockReserved, Recorder("audit"))  # a second ready()
    bus.register(StockReserved, Recorder("other"))

    bus.handle([reserved(2)])

    assert calls == [2, 2]
