"""In-process observers: ``order_placed`` and ``payment_processed`` fire after commit, robustly."""

from __future__ import annotations

import logging

import pytest

from emporium.ordering.public import order_placed
from emporium.payments.public import payment_processed
from tests.e2e.payments.test_payments_api import card, pay, place

pytestmark = pytest.mark.django_db


def test_signals_fire_once_after_commit_and_a_failing_receiver_harms_nothing(
    shop, django_capture_on_commit_callbacks, caplog
) -> None:
    seen: list[tuple[str, str]] = []

    def record(sender, event, **kwargs) -> None:
        seen.append((event.type, event.aggregate_id))

    def fail(sender, event, **kwargs) -> None:
        raise RuntimeError("observer down")

    order_placed.connect(fail)
    order_placed.connect(record)
    payment_processed.connect(fail)
    payment_processed.connect(record)
    try:
        with django_capture_on_commit_callbacks(execute=False) as placed:
            order = place(shop, small=True)
        assert seen == []  # nothing before the commit
        for callback in placed:
            callback()
        with django_capture_on_commit_callbacks(execute=True):
            response = pay(shop, order["id"], card())
    finally:
        for signal in (order_placed, payment_processed):
            signal.disconnect(fail)
            signal.disconnect(record)

    assert response.status_code == 201
    assert seen == [
        ("ordering.order_placed", order["id"]),
        ("payments.payment_captured", response.json()["id"]),
    ]
    failures = [r for r in caplog.records if r.name == "emporium.infrastructure.signals"]
    assert [(r.levelno, r.event_type) for r in failures] == [
        (logging.ERROR, "ordering.order_placed"),
        (logging.ERROR, "payments.payment_captured"),
    ]
