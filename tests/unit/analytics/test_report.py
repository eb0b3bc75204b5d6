"""The report period (defaults, validation) and the report's zero days and totals."""

from __future__ import annotations

from datetime import date

import pytest

from emporium.analytics.domain.facts import DayFigures
from emporium.analytics.domain.report import Period, Sales, period_of, sales_report
from emporium.shared_kernel.errors import InvalidInput
from emporium.shared_kernel.money import Money

TODAY = date(2026, 11, 30)


def test_no_dates_is_the_30_days_ending_today() -> None:
    assert period_of(None, None, TODAY) == Period(date(2026, 11, 1), TODAY)


def test_only_an_end_is_the_30_days_ending_then() -> None:
    assert period_of(None, "2026-02-10", TODAY) == Period(date(2026, 1, 12), date(2026, 2, 10))


def test_an_end_near_the_first_day_of_the_calendar_starts_the_default_period_there() -> None:
    assert period_of(None, "0001-01-15", TODAY) == Period(date(1, 1, 1), date(1, 1, 15))
    assert period_of(None, "0001-01-01", TODAY) == Period(date(1, 1, 1), date(1, 1, 1))


def test_only_a_start_runs_to_today() -> None:
    assert period_of("2026-11-29", None, TODAY) == Period(date(2026, 11, 29), TODAY)


def test_one_day_and_366_days_are_allowed() -> None:
    assert period_of("2026-11-30", "2026-11-30", TODAY).days() == [TODAY]
    assert len(period_of("2024-01-01", "2024-12-31", TODAY).days()) == 366


def errors_of(start: str | None, end: str | None) -> dict[str, list[str]]:
    with pytest.raises(InvalidInput) as raised:
        period_of(start, end, TODAY)
    return raised.value.errors


@pytest.mark.parametrize(
    "value",
    [
        "2026-13-01",
        "2026-02-30",
        "20261101",
        "2026-11-1",
        "yesterday",
        "",
        "\uff12\uff10\uff12\uff16-11-01",
    ],
)
def test_a_malformed_date_is_a_field_error(value: str) -> None:
    assert errors_of(value, "2026-11-30") == {
        "from": ["Use a date such as 2026-11-30 (YYYY-MM-DD)."]
    }
    assert errors_of("2026-11-01", value) == {"to": ["Use a date such as 2026-11-30 (YYYY-MM-DD)."]}


def test_both_malformed_dates_are_reported() -> None:
    assert set(errors_of("x", "y")) == {"from", "to"}


def test_a_start_after_the_end_is_refused() -> None:
    assert errors_of("2026-11-02", "2026-11-01") == {"from": ["Must not be after to."]}


def test_more_than_366_days_is_refused() -> None:
    assert errors_of("2025-01-01", "2026-01-02") == {"to": ["A period covers at most 366 days."]}


def test_every_day_is_reported_with_zeros_and_totals_in_the_shops_currency() -> None:
    period = Period(date(2026, 11, 1), date(2026, 11, 3))
    stored = [
        DayFigures(date(2026, 11, 2), "USD", 2, 5, 1250),
        DayFigures(date(2026, 11, 2), "EUR", 9, 9, 9999),  # another currency: not in a USD report
        DayFigures(date(2026, 11, 4), "USD", 1, 1, 100),  # outside the period
    ]

    report = sales_report(period, "USD", stored)

    zero = Sales(0, 0, Money(0, "USD"), Money(0, "USD"))
    assert report.days == (
        (date(2026, 11, 1), zero),
        (date(2026, 11, 2), Sales(2, 5, Money(1250, "USD"), Money(0, "USD"))),
        (date(2026, 11, 3), zero),
    )
    assert report.totals == Sales(2, 5, Money(1250, "USD"), Money(0, "USD"))
