"""The in-memory unit of work keeps the real one's promises: outbox and dispatch on commit only."""

from __future__ import annotations

from contextlib import nullcontext
from dataclasses import dataclass
from typing import ClassVar

import pytest

from emporium.shared_kernel.aggregate import Aggregate
from emporium.shared_kernel.events import DomainEvent
from emporium.shared_kernel.messagebus import MessageBus
from tests.fakes.unit_of_work import FakeUnitOfWork, Table


@dataclass(frozen=True, kw_only=True)
class Pinged(DomainEvent):
    context: ClassVar[str] = "probe"

    count: int


@dataclass(kw_only=True, eq=False)
class Pinger(Aggregate[str]):
    count: int = 0

    def ping(self) -> None:
        self.count += 1
        self.record(Pinged, count=self.count)


def bus_into(calls: list[int]) -> MessageBus:
    bus = MessageBus()
    bus.register(Pinged, lambda e: calls.append(e.count))
    return bus


def test_commit_stores_envelopes_and_dispatches_when_the_block_ends() -> None:
    calls: list[int] = []
    uow = FakeUnitOfWork(bus_into(calls), tenant="acme")
    pinger = Pinger(id="p-1")

    with uow:
        pinger.ping()
        pinger.ping()
        uow.track(pinger)
        uow.track(pinger)
        uow.commit()
        assert calls == []

    assert uow.committed
    assert calls == [1, 2]
    assert [
        (e.type, e.tenant, e.aggregate_id, e.aggregate_version, e.payload) for e in uow.outbox
    ] == [
        ("probe.pinged", "acme", "p-1", 1, {"count": 1}),
        ("probe.pinged", "acme", "p-1", 2, {"count": 2}),
    ]
    assert pinger.events == []


def test_leaving_without_commit_stores_and_dispatches_nothing() -> None:
    calls: list[int] = []
    uow = FakeUnitOfWork(bus_into(calls))

    with uow:
        pinger = Pinger(id="p-1")
        pinger.ping()
        uow.track(pinger)

    assert not uow.committed
    assert uow.outbox == []
    assert calls == []


def test_an_error_after_commit_discards_what_commit_staged() -> None:
    calls: list[int] = []
    uow = FakeUnitOfWork(bus_into(calls))

    def place_then_fail() -> None:
        with uow:
            pinger = Pinger(id="p-1")
            pinger.ping()
            uow.track(pinger)
            uow.commit()
            raise RuntimeError("late failure")

    with pytest.raises(RuntimeError, match="late failure"):
        place_then_fail()

    assert not uow.committed
    assert uow.outbox == []
    assert calls == []


def test_a_table_keeps_its_writes_when_the_unit_of_work_commits() -> None:
    uow = FakeUnitOfWork()
    table: Table[str, Pinger] = Table(uow, {"p-1": Pinger(id="p-1")})

    with uow:
        pinger = table.get("p-1")
        assert pinger is not None
        pinger.ping()
        assert table.get("p-1").count == 0  # type: ignore[union-attr]  # a copy came out
        table.put("p-1", pinger)
        table.put("p-2", Pinger(id="p-2", count=5))
        assert [(p.id, p.count) for p in table.values()] == [("p-1", 1), ("p-2", 5)]
        assert table.rows["p-1"].count == 0
        uow.commit()

    assert [(key, p.count, p.events) for key, p in table.rows.items()] == [
        ("p-1", 1, []),  # a row never carries events
        ("p-2", 5, []),
    ]


@pytest.mark.parametrize("ending", ["no commit", "rollback", "error after commit"])
def test_a_table_drops_its_writes_when_the_unit_of_work_does_not_commit(ending: str) -> None:
    uow = FakeUnitOfWork()
    table: Table[str, int] = Table(uow, {"a": 1})

    with pytest.raises(RuntimeError) if ending == "error after commit" else nullcontext(), uow:
        table.put("a", 2)
        table.put("b", 3)
        if ending == "rollback":
            uow.commit()
            uow.rollback()
        if ending == "error after commit":
            uow.commit()
            raise RuntimeError("late failure")

    assert table.rows == {"a": 1}
    with uow:
        assert (table.get("a"), table.get("b")) == (1, None)
