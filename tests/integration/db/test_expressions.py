"""The query expressions and the unaccent lookup give the same exact values on both databases.

Run once on PostgreSQL and once on SQLite (``EMPORIUM_EMBEDDED=1``); the tests that only one
database can pass say so when skipped (PostgreSQL's under the SERVICES MISSING banner).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from django.db import NotSupportedError
from django.db.models import F, Q, Sum, Window
from django.db.models.functions import DenseRank, Rank

from emporium.infrastructure.db.expressions import (
    Change,
    LocalDate,
    LocalDayNumber,
    LocalHour,
    Median,
    MixedCurrencies,
    MoneySum,
    MovingAverage,
    Percentile,
    RunningTotal,
)
from emporium.shared_kernel.money import CurrencyMismatch, Money
from tests.django_plugin import ON_POSTGRES
from tests.testapps.expression_probe.models import Sale

pytestmark = pytest.mark.django_db

sqlite_only = pytest.mark.skipif(
    ON_POSTGRES, reason="SQLite only: shows what SQLite refuses (this run is on PostgreSQL)"
)

NEW_YORK = "America/New_York"
KOLKATA = "Asia/Kolkata"
BERLIN = "Europe/Berlin"


def at(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)  # type: ignore[misc]


def sale(occurred_at: datetime, paid_minor: int | None = 100, **fields: Any) -> Sale:
    fields.setdefault("shop", "a")
    fields.setdefault("currency", "USD")
    return Sale.objects.create(occurred_at=occurred_at, paid_minor=paid_minor, **fields)


def local(expression_class: type, zone: str, occurred_at: datetime) -> Any:
    """Return ``expression_class("occurred_at", zone)`` of the one sale at ``occurred_at``."""
    row = sale(occurred_at)
    return (
        Sale.objects.filter(pk=row.pk)
        .annotate(value=expression_class("occurred_at", zone))
        .values_list("value", flat=True)
        .get()
    )


# --- local calendar time ----------------------------------------------------------------------


def test_23_30_utc_is_the_same_day_in_new_york_and_the_next_day_in_kolkata() -> None:
    sale(at(2026, 1, 15, 23, 30))

    rows = Sale.objects.annotate(
        new_york=LocalDate("occurred_at", NEW_YORK),
        kolkata=LocalDate("occurred_at", KOLKATA),
        new_york_day=LocalDayNumber("occurred_at", NEW_YORK),
        kolkata_day=LocalDayNumber("occurred_at", KOLKATA),
    ).values("new_york", "kolkata", "new_york_day", "kolkata_day")

    assert list(rows) == [
        {
            "new_york": date(2026, 1, 15),  # 18:30 EST
            "kolkata": date(2026, 1, 16),  # 05:00 IST
            "new_york_day": 20468,
            "kolkata_day": 20469,
        }
    ]


def test_early_utc_hours_are_the_previous_evening_in_new_york() -> None:
    assert local(LocalDate, NEW_YORK, at(2026, 1, 16, 3, 30)) == date(2026, 1, 15)
    assert local(LocalDate, "UTC", at(2026, 1, 16, 3, 30)) == date(2026, 1, 16)


def test_midnight_moves_an_hour_on_the_day_summer_time_starts() -> None:
    # 2026-03-08, New York: 02:00 EST (07:00 UTC) becomes 03:00 EDT. Local midnight was 05:00
    # UTC before the change and is 04:00 UTC after it.
    assert local(LocalDate, NEW_YORK, at(2026, 3, 8, 4, 59)) == date(2026, 3, 7)
    assert local(LocalDate, NEW_YORK, at(2026, 3, 8, 5, 0)) == date(2026, 3, 8)
    assert local(LocalDate, NEW_YORK, at(2026, 3, 9, 3, 59)) == date(2026, 3, 8)
    assert local(LocalDate, NEW_YORK, at(2026, 3, 9, 4, 0)) == date(2026, 3, 9)
    assert local(LocalDayNumber, NEW_YORK, at(2026, 3, 9, 3, 59)) == 20520
    assert local(LocalDayNumber, NEW_YORK, at(2026, 3, 9, 4, 0)) == 20521


def test_local_hour_across_the_start_of_summer_time() -> None:
    # 2026-03-29, Berlin: 02:00 CET (01:00 UTC) becomes 03:00 CEST.
    assert local(LocalHour, BERLIN, at(2026, 3, 29, 0, 30)) == at(2026, 3, 29, 0, 0)  # 01:00 CET
    assert local(LocalHour, BERLIN, at(2026, 3, 29, 1, 30)) == at(2026, 3, 29, 1, 0)  # 03:00 CEST


def test_the_repeated_hour_at_the_end_of_summer_time_gives_two_hours() -> None:
    # 2026-11-01, New York: 01:00-02:00 happens twice, first EDT (05:00 UTC), then EST (06:00).
    assert local(LocalHour, NEW_YORK, at(2026, 11, 1, 5, 30)) == at(2026, 11, 1, 5, 0)
    assert local(LocalHour, NEW_YORK, at(2026, 11, 1, 6, 30)) == at(2026, 11, 1, 6, 0)


def test_local_hours_start_at_half_past_utc_in_a_half_hour_zone() -> None:
    assert local(LocalHour, KOLKATA, at(2026, 1, 15, 23, 10)) == at(2026, 1, 15, 22, 30)  # 04:00
    assert local(LocalHour, KOLKATA, at(2026, 1, 15, 23, 30)) == at(2026, 1, 15, 23, 30)  # 05:00
    assert local(LocalHour, "Asia/Kathmandu", at(2026, 1, 15, 23, 10)) == at(2026, 1, 15, 22, 15)


def test_local_hour_keeps_the_seconds_out() -> None:
    assert local(LocalHour, NEW_YORK, datetime(2026, 1, 15, 23, 59, 59, 999999, tzinfo=UTC)) == (
        at(2026, 1, 15, 23, 0)
    )


def test_grouping_by_local_date_counts_each_sale_on_its_shop_day() -> None:
    sale(at(2026, 1, 15, 23, 30), 100)  # Jan 15 in New York
    sale(at(2026, 1, 16, 4, 59), 20)  # Jan 15, 23:59 EST
    sale(at(2026, 1, 16, 5, 0), 3)  # Jan 16, 00:00 EST

    days = (
        Sale.objects.values(day=LocalDate("occurred_at", NEW_YORK))
        .annotate(total=Sum("paid_minor"))
        .order_by("day")
    )

    assert list(days) == [
        {"day": date(2026, 1, 15), "total": 120},
        {"day": date(2026, 1, 16), "total": 3},
    ]


@pytest.mark.parametrize("zone", ["Mars/Olympus_Mons", "", "../etc/passwd", "EST5EDT,M3"])
def test_an_unknown_zone_is_refused_before_any_sql(zone: str) -> None:
    with pytest.raises(ValueError, match="time zone"):
        LocalDate("occurred_at", zone)
    with pytest.raises(ValueError, match="time zone"):
        LocalHour("occurred_at", zone)


# --- money ----------------------------------------------------------------------------------


def test_money_sum_per_currency() -> None:
    sale(at(2026, 1, 1, 12), 1000, currency="USD")
    sale(at(2026, 1, 1, 13), 250, currency="USD")
    sale(at(2026, 1, 1, 14), 700, currency="EUR")
    sale(at(2026, 1, 1, 15), 5, currency="JPY")
    sale(at(2026, 1, 1, 16), None, currency="JPY")

    totals = (
        Sale.objects.values("currency")
        .annotate(total=MoneySum("paid_minor", "currency"))
        .order_by("currency")
    )

    assert list(totals) == [
        {"currency": "EUR", "total": Money(700, "EUR")},
        {"currency": "JPY", "total": Money(5, "JPY")},
        {"currency": "USD", "total": Money(1250, "USD")},
    ]


def test_money_sum_of_a_group_in_one_currency_and_of_no_rows() -> None:
    sale(at(2026, 1, 1, 12), 1999, shop="a", currency="EUR")
    sale(at(2026, 1, 1, 13), 1, shop="a", currency="EUR")
    sale(at(2026, 1, 1, 14), 500, shop="b", currency="USD")

    by_shop = Sale.objects.values("shop").annotate(total=MoneySum("paid_minor", "currency"))

    assert {row["shop"]: row["total"] for row in by_shop} == {
        "a": Money(2000, "EUR"),
        "b": Money(500, "USD"),
    }
    assert Sale.objects.filter(shop="c").aggregate(total=MoneySum("paid_minor", "currency")) == {
        "total": None
    }
    only_b = MoneySum("paid_minor", "currency", filter=Q(shop="b"))
    assert Sale.objects.aggregate(total=only_b) == {"total": Money(500, "USD")}


def test_money_sum_refuses_to_add_currencies() -> None:
    sale(at(2026, 1, 1, 12), 1000, currency="USD")
    sale(at(2026, 1, 1, 13), 700, currency="EUR")

    with pytest.raises(MixedCurrencies, match=r"mixes currencies \(EUR to USD\)") as raised:
        Sale.objects.aggregate(total=MoneySum("paid_minor", "currency"))
    assert isinstance(raised.value, CurrencyMismatch)
    with pytest.raises(MixedCurrencies):
        list(Sale.objects.values("shop").annotate(total=MoneySum("paid_minor", "currency")))


# --- percentiles ------------------------------------------------------------------------------


@pytest.mark.postgres
def test_median_of_an_odd_and_an_even_count() -> None:
    for paid in (300, 100, 200):
        sale(at(2026, 1, 1, 12), paid, shop="odd")
    for paid in (1000, 100, 300, 201):
        sale(at(2026, 1, 1, 12), paid, shop="even")
    sale(at(2026, 1, 1, 12), None, shop="even")  # skipped

    medians = Sale.objects.values("shop").annotate(median=Median("paid_minor")).order_by("shop")

    assert list(medians) == [
        {"shop": "even", "median": Decimal("250.5")},
        {"shop": "odd", "median": Decimal("200")},
    ]
    assert isinstance(medians[0]["median"], Decimal)


@pytest.mark.postgres
def test_percentiles_continuous_and_discrete() -> None:
    for paid in (1000, 100, 300, 201):
        sale(at(2026, 1, 1, 12), paid)

    figures = Sale.objects.aggregate(
        p90=Percentile("paid_minor", 0.9),
        p90_disc=Percentile("paid_minor", 0.9, discrete=True),
        p50_disc=Percentile("paid_minor", "0.5", discrete=True),
        p0=Percentile("paid_minor", 0),
        p50_over_200=Percentile("paid_minor", 0.5, filter=Q(paid_minor__gt=200)),
        nothing=Median("paid_minor", filter=Q(shop="none")),
    )

    assert figures == {
        "p90": Decimal("790"),  # 300 + 0.7 * 700, in double precision then numeric
        "p90_disc": 1000,
        "p50_disc": 201,
        "p0": Decimal("100"),
        "p50_over_200": Decimal("300"),
        "nothing": None,
    }


@pytest.mark.parametrize("fraction", [-0.1, 1.5, "nan"])
def test_a_percentile_outside_zero_to_one_is_refused(fraction: Any) -> None:
    with pytest.raises(ValueError, match="between 0 and 1"):
        Percentile("paid_minor", fraction)


@sqlite_only
def test_percentiles_are_not_supported_on_sqlite() -> None:
    sale(at(2026, 1, 1, 12), 100)

    with pytest.raises(NotSupportedError, match="Percentile needs PostgreSQL"):
        Sale.objects.aggregate(p90=Percentile("paid_minor", 0.9))
    with pytest.raises(NotSupportedError, match="Median needs PostgreSQL"):
        list(Sale.objects.values("shop").annotate(median=Median("paid_minor")))


# --- windows ----------------------------------------------------------------------------------


@pytest.fixture
def daily_sales() -> None:
    """Shop "w" in New York: Jan 1 100, Jan 2 300, no Jan 3, Jan 4 200 + 51, Jan 8 400, Jan 9 1."""
    sale(at(2026, 1, 1, 15), 100, shop="w")
    sale(at(2026, 1, 2, 15), 300, shop="w")
    sale(at(2026, 1, 4, 15), 200, shop="w")
    sale(at(2026, 1, 5, 3), 51, shop="w")  # Jan 4, 22:00 EST
    sale(at(2026, 1, 8, 15), 400, shop="w")
    sale(at(2026, 1, 9, 15), 1, shop="w")


def per_day(**windows: Any) -> list[dict[str, Any]]:
    """Return the daily totals of New York days with ``window("day_number")`` of each."""
    built = {name: window("day_number") for name, window in windows.items()}
    rows = (
        Sale.objects.values(
            day=LocalDate("occurred_at", NEW_YORK),
            day_number=LocalDayNumber("occurred_at", NEW_YORK),
        )
        .annotate(total=Sum("paid_minor"), **built)
        .order_by("day")
    )
    return [
        {"day": row["day"].day, **{name: row[name] for name in ["total", *built]}} for row in rows
    ]


@pytest.mark.usefixtures("daily_sales")
def test_running_total_of_daily_totals() -> None:
    rows = per_day(running=lambda day: RunningTotal("total", order_by=day))

    assert rows == [
        {"day": 1, "total": 100, "running": 100},
        {"day": 2, "total": 300, "running": 400},
        {"day": 4, "total": 251, "running": 651},
        {"day": 8, "total": 400, "running": 1051},
        {"day": 9, "total": 1, "running": 1052},
    ]


@pytest.mark.usefixtures("daily_sales")
def test_seven_day_moving_average_counts_a_day_without_sales_as_zero() -> None:
    rows = per_day(
        week=lambda day: MovingAverage("total", order_by=day),
        two_days=lambda day: MovingAverage("total", order_by=day, size=2),
    )

    assert rows == [
        {"day": 1, "total": 100, "week": 14, "two_days": 50},  # 100/7 = 14.29
        {"day": 2, "total": 300, "week": 57, "two_days": 200},  # 400/7 = 57.14
        {"day": 4, "total": 251, "week": 93, "two_days": 126},  # 651/7 = 93; 251/2 = 125.5
        {"day": 8, "total": 400, "week": 136, "two_days": 200},  # Jan 2-8: 951/7 = 135.86
        {"day": 9, "total": 1, "week": 93, "two_days": 200},  # Jan 3-9: 652/7; 401/2 = 200.5
    ]


def test_moving_average_rounds_half_to_even_below_zero_too() -> None:
    # Refunds: -5 on Jan 1, -2 on Jan 2, -1 on Jan 3, per shop.
    for shop in ("r", "s"):
        sale(at(2026, 1, 1, 15), -5, shop=shop)
        sale(at(2026, 1, 2, 15), -2, shop=shop)
        sale(at(2026, 1, 3, 15), -1, shop=shop)
    day = LocalDayNumber("occurred_at", NEW_YORK)

    rows = (
        Sale.objects.filter(shop="r")
        .annotate(average=MovingAverage("paid_minor", order_by=day, size=2, partition_by=F("shop")))
        .order_by("occurred_at")
        .values_list("paid_minor", "average")
    )

    assert list(rows) == [(-5, -2), (-2, -4), (-1, -2)]  # -2.5, -3.5, -1.5


@pytest.mark.usefixtures("daily_sales")
def test_change_from_the_previous_day_and_from_two_days_before() -> None:
    rows = per_day(
        change=lambda day: Change("total", order_by=day),
        change_2=lambda day: Change("total", order_by=day, offset=2),
    )

    assert rows == [
        {"day": 1, "total": 100, "change": None, "change_2": None},
        {"day": 2, "total": 300, "change": 200, "change_2": None},
        {"day": 4, "total": 251, "change": -49, "change_2": 151},
        {"day": 8, "total": 400, "change": 149, "change_2": 100},
        {"day": 9, "total": 1, "change": -399, "change_2": -250},
    ]


def test_windows_on_plain_rows_per_partition() -> None:
    for shop, paid in (("a", 10), ("b", 1), ("a", 20), ("b", 2), ("a", 5)):
        sale(at(2026, 1, 1, 12), paid, shop=shop)
    order = F("id").asc()

    rows = (
        Sale.objects.annotate(
            running=RunningTotal("paid_minor", order_by=order, partition_by=F("shop")),
            change=Change("paid_minor", order_by=order, partition_by=[F("shop")]),
        )
        .order_by("id")
        .values_list("shop", "paid_minor", "running", "change")
    )

    assert list(rows) == [
        ("a", 10, 10, None),
        ("b", 1, 1, None),
        ("a", 20, 30, 10),
        ("b", 2, 3, 1),
        ("a", 5, 35, -15),
    ]
    assert isinstance(RunningTotal("paid_minor", order_by=order), Window)
    assert isinstance(MovingAverage("paid_minor", order_by=order), Window)
    assert isinstance(Change("paid_minor", order_by=order), Window)


def test_rank_and_dense_rank_with_ties() -> None:
    for shop, paid in (("a", 300), ("b", 300), ("c", 200), ("d", 100)):
        sale(at(2026, 1, 1, 12), paid, shop=shop)
    by_revenue = F("total").desc()

    rows = (
        Sale.objects.values("shop")
        .annotate(
            total=Sum("paid_minor"),
            rank=Window(Rank(), order_by=by_revenue),
            dense_rank=Window(DenseRank(), order_by=by_revenue),
        )
        .order_by("rank", "shop")
        .values_list("shop", "total", "rank", "dense_rank")
    )

    assert list(rows) == [
        ("a", 300, 1, 1),
        ("b", 300, 1, 1),
        ("c", 200, 3, 2),
        ("d", 100, 4, 3),
    ]


def test_a_moving_average_needs_a_positive_whole_size() -> None:
    with pytest.raises(ValueError, match="size of 1 or more"):
        MovingAverage("paid_minor", order_by="id", size=0)


# --- unaccent ---------------------------------------------------------------------------------


@pytest.fixture
def desserts() -> None:
    for label in ("Crème Brûlée", "Creme caramel", "Brûlot", "Tarte Tatin", "100% cacao"):
        sale(at(2026, 1, 1, 12), label=label, note=f"{label}, à la carte")


def labels(**lookup: str) -> list[str]:
    return sorted(Sale.objects.filter(**lookup).values_list("label", flat=True))


@pytest.mark.usefixtures("desserts")
def test_unaccent_icontains_ignores_accents_and_case_on_both_sides() -> None:
    assert labels(label__unaccent__icontains="creme brulee") == ["Crème Brûlée"]
    assert labels(label__unaccent__icontains="CRÈME") == ["Creme caramel", "Crème Brûlée"]
    assert labels(label__unaccent__icontains="brûl") == ["Brûlot", "Crème Brûlée"]
    assert labels(label__unaccent__icontains="tatín") == ["Tarte Tatin"]
    assert labels(note__unaccent__icontains="A LA CARTE") == [
        "100% cacao", "Brûlot", "Creme caramel", "Crème Brûlée", "Tarte Tatin",
    ]  # fmt: skip


@pytest.mark.usefixtures("desserts")
def test_unaccent_keeps_like_wildcards_literal() -> None:
    assert labels(label__unaccent__icontains="%") == ["100% cacao"]
    assert labels(label__unaccent__icontains="_") == []


@pytest.mark.usefixtures("desserts")
def test_unaccent_exact_and_the_plain_lookup_still_sees_accents() -> None:
    assert labels(label__unaccent="Creme Brulee") == ["Crème Brûlée"]
    assert labels(label__icontains="creme") == ["Creme caramel"]
