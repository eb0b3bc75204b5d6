"""Round-robin over a service's healthy instances, and what happens when none is healthy."""

from __future__ import annotations

from emporium.fulfilment.application.ports import ServiceInstance
from emporium.fulfilment.application.rotation import Rotation
from tests.unit.fulfilment.fakes import FakeClock, MemoryMarks, MemoryRegistry

A, B, C = "http://a:8100", "http://b:8100", "http://c:8100"


def rotation(clock: FakeClock, *urls: str) -> tuple[Rotation, MemoryMarks]:
    marks = MemoryMarks(clock)
    return Rotation("fulfilment", MemoryRegistry(fulfilment=list(urls)), marks), marks


def urls(rotation: Rotation, count: int) -> list[str | None]:
    return [instance.url if (instance := rotation.next()) else None for _ in range(count)]


def test_instances_take_turns() -> None:
    turns, _ = rotation(FakeClock(), A, B, C)

    assert urls(turns, 6) == [A, B, C, A, B, C]


def test_an_instance_out_of_rotation_is_skipped_until_its_time_is_up() -> None:
    clock = FakeClock()
    turns, _ = rotation(clock, A, B, C)

    turns.take_out(ServiceInstance(B, B), seconds=10)
    assert B not in urls(turns, 6)
    clock.advance(10)
    assert B in urls(turns, 3)


def test_a_healthy_instance_serves_every_call_while_the_other_is_out() -> None:
    turns, _ = rotation(FakeClock(), A, B)

    turns.take_out(ServiceInstance(A, A), seconds=10)

    assert urls(turns, 4) == [B, B, B, B]


def test_when_every_instance_is_out_all_of_them_are_tried_in_turn() -> None:
    turns, _ = rotation(FakeClock(), A, B)
    for url in (A, B):
        turns.take_out(ServiceInstance(url, url), seconds=10)

    assert sorted(str(url) for url in urls(turns, 2)) == [A, B]


def test_put_back_returns_an_instance_at_once() -> None:
    turns, marks = rotation(FakeClock(), A, B)
    turns.take_out(ServiceInstance(A, A), seconds=10)

    turns.put_back(ServiceInstance(A, A))

    assert marks.until == {}
    assert A in urls(turns, 2)


def test_no_known_instance_gives_none() -> None:
    turns, _ = rotation(FakeClock())

    assert turns.next() is None
    assert turns.instances() == []
