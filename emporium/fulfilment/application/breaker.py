"""A circuit breaker whose state every process shares (ADR 0019).

The state is a handful of keys in ``SharedCounters``, each changed by one atomic step:

- ``opened``: the moment the breaker opened. Absent: closed. Present and younger than the
  cooldown: open. Older: half-open. It is written with ``add`` when the breaker opens, so
  processes that see the same failures at once agree on one moment, and overwritten only by
  the trial that failed.
- ``trial:<opened>``: claimed with ``add`` by the one call allowed through once the cooldown
  of that opening has passed; it expires, so a trial whose process died frees the slot.
- ``consecutive``: failures since the last success, ``incr`` on failure, 0 on success.
- ``calls:<bucket>`` and ``failures:<bucket>``: ``incr`` in time buckets of
  ``bucket_seconds``; the failure rate is read over the buckets of the last ``window_seconds``
  and each bucket expires on its own once out of the window.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from enum import StrEnum

from emporium.fulfilment.application.ports import Clock, SharedCounters


@dataclass(frozen=True)
class BreakerPolicy:
    """When the breaker opens and for how long (PHASE2's rule by default)."""

    consecutive_failures: int = 5
    failure_rate: float = 0.5
    minimum_calls: int = 20
    window_seconds: int = 60
    #: The window moves by whole buckets: it covers the last ``window_seconds`` less up to one.
    bucket_seconds: int = 5
    cooldown_seconds: float = 30.0
    #: How long a claimed trial keeps the slot: longer than a call with all its retries.
    trial_timeout_seconds: float = 30.0

    def __post_init__(self) -> None:
        if self.window_seconds < self.bucket_seconds or self.bucket_seconds < 1:
            raise ValueError("the window needs at least one bucket of a second or more")


class BreakerState(StrEnum):
    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"


class BreakerOpen(Exception):
    """The breaker refuses the call without making it; ``retry_after`` is in whole seconds."""

    def __init__(self, name: str, retry_after: int) -> None:
        super().__init__(f"circuit {name} is open; retry after {retry_after} s")
        self.retry_after = retry_after


@dataclass(frozen=True)
class Permit:
    """Leave to make one call; ``trial_of`` is the opening a half-open trial may end."""

    trial_of: float | None = None


@dataclass(frozen=True)
class BreakerStatus:
    """What metrics and status pages show of a breaker."""

    name: str
    state: BreakerState
    retry_after: int
    consecutive_failures: int
    calls_in_window: int
    failures_in_window: int


class CircuitBreaker:
    """Let calls through while the service copes; refuse them at once while it does not."""

    def __init__(
        self,
        name: str,
        counters: SharedCounters,
        policy: BreakerPolicy | None = None,
        clock: Clock = time.time,
    ) -> None:
        self.name = name
        self.policy = policy or BreakerPolicy()
        self._counters = counters
        self._clock = clock

    def acquire(self) -> Permit:
        """Return leave to call, or raise ``BreakerOpen`` without calling anything."""
        opened_at = self._opened_at()
        if opened_at is None:
            return Permit()
        left = opened_at + self.policy.cooldown_seconds - self._clock()
        if left > 0:
            raise BreakerOpen(self.name, _whole_seconds(left))
        if self._counters.add(self._trial_key(opened_at), 1, self.policy.trial_timeout_seconds):
            return Permit(trial_of=opened_at)
        # Another call is the trial; its outcome decides, and it is due within seconds.
        raise BreakerOpen(self.name, 1)

    def succeeded(self, permit: Permit) -> None:
        """Record a call that the service answered."""
        if permit.trial_of is not None:
            self._close()
            return
        self._counters.incr(self._bucket_key("calls", self._bucket()), self._bucket_ttl())
        self._counters.set(self._key("consecutive"), 0, None)

    def failed(self, permit: Permit) -> None:
        """Record a call that failed for good (every retry spent); open when the rule says."""
        if permit.trial_of is not None:
            # A new cooldown from now: only the trial's holder ever moves the moment.
            self._counters.set(self._key("opened"), self._clock(), None)
            return
        bucket, ttl = self._bucket(), self._bucket_ttl()
        self._counters.incr(self._bucket_key("calls", bucket), ttl)
        self._counters.incr(self._bucket_key("failures", bucket), ttl)
        consecutive = self._counters.incr(self._key("consecutive"), None)
        if consecutive >= self.policy.consecutive_failures or self._rate_exceeded():
            self._counters.add(self._key("opened"), self._clock(), None)

    def abandoned(self, permit: Permit) -> None:
        """Forget a call that ended with neither verdict (a bug of ours, an interrupt)."""
        if permit.trial_of is not None:
            self._counters.delete_many([self._trial_key(permit.trial_of)])

    def state(self) -> BreakerState:
        """Return whether calls pass (closed), are refused (open) or one may try (half-open)."""
        opened_at = self._opened_at()
        if opened_at is None:
            return BreakerState.CLOSED
        if opened_at + self.policy.cooldown_seconds > self._clock():
            return BreakerState.OPEN
        return BreakerState.HALF_OPEN

    def retry_after(self) -> int:
        """Return the whole seconds of cooldown left; at least 1, for a client to wait."""
        opened_at = self._opened_at()
        if opened_at is None:
            return 1
        return _whole_seconds(opened_at + self.policy.cooldown_seconds - self._clock())

    def status(self) -> BreakerStatus:
        """Return the state and the counts the rule looks at."""
        calls, failures = self._window()
        consecutive = self._counters.get_many([self._key("consecutive")])
        return BreakerStatus(
            name=self.name,
            state=self.state(),
            retry_after=self.retry_after(),
            consecutive_failures=int(consecutive.get(self._key("consecutive"), 0)),
            calls_in_window=calls,
            failures_in_window=failures,
        )

    def _close(self) -> None:
        # The counts that opened it are history: a closed breaker starts from nothing.
        buckets = self._window_buckets()
        self._counters.delete_many(
            [self._bucket_key(kind, b) for b in buckets for kind in ("calls", "failures")]
        )
        self._counters.set(self._key("consecutive"), 0, None)
        self._counters.delete_many([self._key("opened")])

    def _rate_exceeded(self) -> bool:
        calls, failures = self._window()
        policy = self.policy
        return calls >= policy.minimum_calls and failures >= policy.failure_rate * calls

    def _window(self) -> tuple[int, int]:
        buckets = self._window_buckets()
        keys = [self._bucket_key(kind, b) for b in buckets for kind in ("calls", "failures")]
        values = self._counters.get_many(keys)
        calls = sum(int(values.get(self._bucket_key("calls", b), 0)) for b in buckets)
        failures = sum(int(values.get(self._bucket_key("failures", b), 0)) for b in buckets)
        return calls, failures

    def _window_buckets(self) -> list[int]:
        current = self._bucket()
        count = self.policy.window_seconds // self.policy.bucket_seconds
        return [current - back for back in range(count)]

    def _bucket(self) -> int:
        return int(self._clock() // self.policy.bucket_seconds)

    def _bucket_ttl(self) -> float:
        return float(self.policy.window_seconds + self.policy.bucket_seconds)

    def _opened_at(self) -> float | None:
        key = self._key("opened")
        return self._counters.get_many([key]).get(key)

    def _key(self, part: str) -> str:
        return f"breaker:{self.name}:{part}"

    def _bucket_key(self, kind: str, bucket: int) -> str:
        return self._key(f"{kind}:{bucket}")

    def _trial_key(self, opened_at: float) -> str:
        return self._key(f"trial:{opened_at!r}")


def _whole_seconds(seconds: float) -> int:
    return max(1, math.ceil(seconds))
