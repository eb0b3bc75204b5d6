"""The consumers' retry policy: doubling waits from the backoff, capped."""

from __future__ import annotations

from datetime import timedelta

from emporium.infrastructure.messaging.retries import RetryPolicy


def test_the_wait_doubles_after_each_failure_up_to_the_cap() -> None:
    policy = RetryPolicy(attempts=5, backoff=timedelta(seconds=10), cap=timedelta(seconds=60))

    waits = [policy.delay(attempt).total_seconds() for attempt in range(1, 6)]

    assert waits == [10.0, 20.0, 40.0, 60.0, 60.0]


def test_a_huge_attempt_count_stays_at_the_cap() -> None:
    policy = RetryPolicy(backoff=timedelta(seconds=1), cap=timedelta(hours=1))

    assert policy.delay(1000) == timedelta(hours=1)


def test_the_policy_comes_from_the_settings(settings: object) -> None:
    setattr(settings, "EMPORIUM_DELIVERY_ATTEMPTS", 7)  # noqa: B010
    setattr(settings, "EMPORIUM_DELIVERY_BACKOFF_SECONDS", 3)  # noqa: B010

    policy = RetryPolicy.from_settings()

    assert (policy.attempts, policy.backoff) == (7, timedelta(seconds=3))
