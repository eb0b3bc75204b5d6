"""Pure parts of the sales rebuild: the advisory lock key and the command's summary."""

from __future__ import annotations

import uuid

from emporium.analytics.adapters.locks import lock_key
from emporium.analytics.domain.totals import Totals
from emporium.analytics.management.commands.rebuild_sales import describe
from emporium.shared_kernel.money import Money

TENANT = uuid.UUID("6f1c1f9e-3c0a-4d55-9a57-0c2b7d1e8a41")


def test_the_lock_key_is_a_stable_signed_64_bit_number_per_tenant() -> None:
    # Pinned: a consumer and a rebuild of different releases must still meet on one lock.
    assert lock_key(TENANT) == 1454236938085079350
    assert lock_key(uuid.uuid4()) != lock_key(TENANT)


def test_the_summary_names_orders_units_and_revenue_per_currency() -> None:
    totals = Totals(3, 7, (Money(300, "EUR"), Money(2760, "USD")))

    assert describe(totals) == "orders 3, units 7, revenue 3.00 EUR + 27.60 USD"
    assert describe(Totals()) == "orders 0, units 0, revenue 0"
