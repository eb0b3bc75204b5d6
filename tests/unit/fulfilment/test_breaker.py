"""The breaker's rule (PHASE2) on an in-memory store and a clock the test moves."""

from __future__ import annotations

import pytest

from emporium.fulfilment.application.breaker import (
    BreakerOpen,
    BreakerPolicy,
    BreakerState,
    CircuitBreaker,
    Permit,
)
from tests.unit.fulfilment.fakes import FakeClock, MemoryCounters


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def counters(clock: FakeClock) -> MemoryCounters:
    return MemoryCounters(clock)


@pytest.fixture
def breaker(counters: MemoryCounters, clock: FakeClock) -> CircuitBreaker:
    return CircuitBreaker("fulfilment", counters, BreakerPolicy(), clock)


def fail(breaker: CircuitBreaker, times: int = 1) -> None:
    for _ in range(times):
        breaker.failed(breaker.acquire())


def succeed(breaker: CircuitBreaker, times: int = 1) -> None:
    for _ in range(times):
        breaker.succeeded(breaker.acquire())


def open_breaker(breaker: CircuitBreaker) -> None:
    fail(breaker, 5)
    assert breaker.state() is BreakerState.OPEN


def refusal(breaker: CircuitBreaker) -> int:
    with pytest.raises(BreakerOpen) as refused:
        breaker.acquire()
    return refused.value.retry_after


def test_four_consecutive_failures_leave_it_closed(breaker: CircuitBreaker) -> None:
    fail(breaker, 4)

    assert breaker.state() is BreakerState.CLOSED
    assert breaker.acquire() == Permit()


def test_the_fifth_consecutive_failure_opens_it_for_the_cooldown(breaker: CircuitBreaker) -> None:
    fail(breaker, 5)

    assert breaker.state() is BreakerState.OPEN
    assert refusal(breaker) == 30
    assert breaker.retry_after() == 30


def test_a_success_starts_the_consecutive_count_again(breaker: CircuitBreaker) -> None:
    fail(breaker, 4)
    succeed(breaker)
    fail(breaker, 4)

    assert breaker.state() is BreakerState.CLOSED


def test_half_of_twenty_calls_failing_in_the_window_opens_it(breaker: CircuitBreaker) -> None:
    for _ in range(9):
        succeed(breaker)
        fail(breaker)
    succeed(breaker)
    assert breaker.state() is BreakerState.CLOSED  # 9 of 19: under 50 %, and under 20 calls

    fail(breaker)  # 10 of 20

    assert breaker.state() is BreakerState.OPEN


def test_half_of_fewer_than_twenty_calls_is_not_enough(breaker: CircuitBreaker) -> None:
    for _ in range(9):
        succeed(breaker)
        fail(breaker)

    assert breaker.status().calls_in_window == 18
    assert breaker.status().failures_in_window == 9
    assert breaker.state() is BreakerState.CLOSED


def test_under_half_of_many_calls_leaves_it_closed(breaker: CircuitBreaker) -> None:
    for _ in range(20):
        succeed(breaker, 2)
        fail(breaker)

    assert breaker.status().failures_in_window == 20
    assert breaker.state() is BreakerState.CLOSED


def test_calls_older_than_the_window_do_not_count(
    breaker: CircuitBreaker, clock: FakeClock
) -> None:
    for _ in range(9):
        succeed(breaker)
        fail(breaker)
    clock.advance(61)

    succeed(breaker)
    fail(breaker)

    assert breaker.status().calls_in_window == 2
    assert breaker.state() is BreakerState.CLOSED


def test_calls_spread_over_the_window_count_together(
    breaker: CircuitBreaker, clock: FakeClock
) -> None:
    for _ in range(10):
        succeed(breaker)
        fail(breaker)
        clock.advance(5)  # 20 calls over 50 s

    assert breaker.state() is BreakerState.OPEN


def test_retry_after_is_the_cooldown_left_in_whole_seconds(
    breaker: CircuitBreaker, clock: FakeClock
) -> None:
    open_breaker(breaker)

    clock.advance(0.5)
    assert refusal(breaker) == 30
    clock.advance(20)
    assert refusal(breaker) == 10
    clock.advance(9.4)
    assert refusal(breaker) == 1
    assert breaker.state() is BreakerState.OPEN


def test_after_the_cooldown_exactly_one_trial_call_passes(
    breaker: CircuitBreaker, clock: FakeClock
) -> None:
    open_breaker(breaker)
    clock.advance(30)

    assert breaker.state() is BreakerState.HALF_OPEN
    trial = breaker.acquire()

    assert trial.trial_of is not None
    assert refusal(breaker) == 1
    assert refusal(breaker) == 1


def test_a_successful_trial_closes_it_and_starts_from_nothing(
    breaker: CircuitBreaker, clock: FakeClock
) -> None:
    open_breaker(breaker)
    clock.advance(30)

    breaker.succeeded(breaker.acquire())

    assert breaker.state() is BreakerState.CLOSED
    status = breaker.status()
    assert (status.consecutive_failures, status.calls_in_window, status.failures_in_window) == (
        0,
        0,
        0,
    )
    fail(breaker, 4)
    assert breaker.state() is BreakerState.CLOSED


def test_a_failed_trial_opens_it_for_a_new_cooldown(
    breaker: CircuitBreaker, clock: FakeClock
) -> None:
    open_breaker(breaker)
    clock.advance(31)

    breaker.failed(breaker.acquire())

    assert breaker.state() is BreakerState.OPEN
    assert refusal(breaker) == 30
    clock.advance(29.5)
    assert refusal(breaker) == 1
    clock.advance(0.5)
    assert breaker.acquire().trial_of is not None


def test_a_trial_that_never_reports_frees_the_slot_after_its_timeout(
    breaker: CircuitBreaker, clock: FakeClock
) -> None:
    open_breaker(breaker)
    clock.advance(30)
    breaker.acquire()  # its process dies: neither succeeded nor failed

    clock.advance(29)
    assert refusal(breaker) == 1
    clock.advance(1)
    assert breaker.acquire().trial_of is not None


def test_an_abandoned_trial_frees_the_slot_at_once(
    breaker: CircuitBreaker, clock: FakeClock
) -> None:
    open_breaker(breaker)
    clock.advance(30)

    breaker.abandoned(breaker.acquire())

    assert breaker.acquire().trial_of is not None


def test_late_failures_of_calls_let_through_before_it_opened_do_not_move_the_cooldown(
    breaker: CircuitBreaker, clock: FakeClock
) -> None:
    in_flight = [breaker.acquire() for _ in range(3)]
    open_breaker(breaker)
    clock.advance(10)

    for permit in in_flight:
        breaker.failed(permit)

    assert breaker.retry_after() == 20


def test_late_successes_do_not_close_an_open_breaker(
    breaker: CircuitBreaker, clock: FakeClock
) -> None:
    in_flight = breaker.acquire()
    open_breaker(breaker)

    breaker.succeeded(in_flight)

    assert breaker.state() is BreakerState.OPEN


def test_breakers_on_one_store_share_one_state(counters: MemoryCounters, clock: FakeClock) -> None:
    here = CircuitBreaker("fulfilment", counters, clock=clock)
    there = CircuitBreaker("fulfilment", counters, clock=clock)

    fail(here, 3)
    fail(there, 2)

    assert there.state() is BreakerState.OPEN
    assert refusal(here) == 30


def test_breakers_of_other_names_are_independent(
    counters: MemoryCounters, clock: FakeClock
) -> None:
    fulfilment = CircuitBreaker("fulfilment", counters, clock=clock)
    other = CircuitBreaker("other", counters, clock=clock)

    fail(fulfilment, 5)

    assert other.state() is BreakerState.CLOSED


def test_every_number_of_the_rule_is_a_setting(counters: MemoryCounters, clock: FakeClock) -> None:
    policy = BreakerPolicy(
        consecutive_failures=2,
        failure_rate=0.25,
        minimum_calls=4,
        window_seconds=10,
        bucket_seconds=1,
        cooldown_seconds=5,
        trial_timeout_seconds=2,
    )
    breaker = CircuitBreaker("fulfilment", counters, policy, clock)

    succeed(breaker, 3)
    fail(breaker)  # 1 of 4 = 25 %
    assert refusal(breaker) == 5

    clock.advance(5)
    breaker.acquire()
    clock.advance(2)
    breaker.failed(breaker.acquire())  # the first trial's slot expired; this one failed
    assert refusal(breaker) == 5

    other = CircuitBreaker("other", counters, policy, clock)
    fail(other, 2)  # 2 of 2: the consecutive rule, under the minimum of calls
    assert other.state() is BreakerState.OPEN


def test_a_window_shorter_than_a_bucket_is_refused() -> None:
    with pytest.raises(ValueError, match="bucket"):
        BreakerPolicy(window_seconds=4, bucket_seconds=5)


def test_closed_breaker_says_retry_in_a_second(breaker: CircuitBreaker) -> None:
    assert breaker.retry_after() == 1
    assert breaker.status().state is BreakerState.CLOSED
