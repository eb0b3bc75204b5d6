"""What the dashboard page shows of the dashboard's figures: cards, the chart's data, tables.

Plain functions from the figures (the JSON of ``GET /api/v1/analytics/dashboard/``) to the
strings the template writes. Amounts stay the API's decimal strings ("12.50 EUR"): nothing
here turns money into a float; the chart's script reads the same strings.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from zoneinfo import ZoneInfo

from emporium.shared_kernel.money import Money

Figures = dict[str, Any]

#: The cards: key in the figures, label, and whether the figure is Money per currency.
CARDS = (
    ("net_sales", "Net sales", True),
    ("orders", "Orders", False),
    ("average_order_value", "Average order value", True),
    ("median_order_value", "Median order value", True),
)
STATUSES = ("confirmed", "paid", "fulfilled", "cancelled", "refunded")
TODOS = (
    ("unpaid", "Orders waiting for payment"),
    ("to_fulfil", "Paid orders to fulfil"),
    ("out_of_stock", "Products out of stock"),
)
QUICK_PERIODS = (7, 30, 90)


def money_text(money: dict[str, str]) -> str:
    """Return ``{"amount": "12.50", "currency": "EUR"}`` as "12.50 EUR"."""
    return f"{money['amount']} {money['currency']}"


def moneys_text(moneys: list[dict[str, str]]) -> str:
    """Return a list of Money (one per currency) as "12.50 EUR, 3.00 USD"; "-" for none."""
    return ", ".join(money_text(m) for m in moneys) or "-"


def change_text(current: Decimal, previous: Decimal) -> str:
    """Return the change from ``previous`` to ``current`` in percent: "+12.5 %", "-3.0 %"; "-"
    when there was nothing before to compare with."""
    if previous == 0:
        return "-"
    percent = ((current - previous) * 100 / previous).quantize(Decimal("0.1"), ROUND_HALF_UP)
    return f"+{percent} %" if percent > 0 else f"{percent} %"


def _trend(current: Decimal, previous: Decimal) -> str:
    return "up" if current > previous else "down" if current < previous else "flat"


def card(figures: Figures, key: str, label: str, is_money: bool) -> dict[str, Any]:
    """Return one card: the figure now and in the previous period, per currency for money."""
    previous = figures["previous"]
    rows = []
    if is_money:
        now = {m["currency"]: m["amount"] for m in figures[key]}
        before = {m["currency"]: m["amount"] for m in previous[key]}
        for currency in sorted(now.keys() | before.keys()):
            zero = str(Money.zero(currency))
            current, earlier = now.get(currency, zero), before.get(currency, zero)
            rows.append(
                {
                    "currency": currency,
                    "current": f"{current} {currency}",
                    "previous": f"{earlier} {currency}",
                    "change": change_text(Decimal(current), Decimal(earlier)),
                    "trend": _trend(Decimal(current), Decimal(earlier)),
                }
            )
    else:
        current, earlier = Decimal(figures[key]), Decimal(previous[key])
        rows.append(
            {
                "currency": "",
                "current": str(figures[key]),
                "previous": str(previous[key]),
                "change": change_text(current, earlier),
                "trend": _trend(current, earlier),
            }
        )
    return {"key": key, "label": label, "rows": rows}


def chart_data(figures: Figures) -> dict[str, Any]:
    """Return what the chart's script draws: net sales per day and their moving average in the
    first currency sold, and the previous period's net sales day by day beside them."""
    currencies = [m["currency"] for m in figures["net_sales"]] + [
        m["currency"] for m in figures["previous"]["net_sales"]
    ]
    for day in figures["series"]:
        currencies += [m["currency"] for m in day["net_sales"]]
    currency = currencies[0] if currencies else ""

    def amounts(days: list[dict[str, Any]], key: str) -> list[str]:
        return [_amount_in(day.get(key, []), currency) for day in days]

    previous = figures["previous"]
    return {
        "currency": currency,
        "labels": [day["date"] for day in figures["series"]],
        "net_sales": amounts(figures["series"], "net_sales"),
        "moving_average": amounts(figures["series"], "moving_average"),
        "previous_net_sales": amounts(previous.get("series", []), "net_sales"),
        "previous_period": f"{previous['period']['from']} to {previous['period']['to']}",
    }


def _amount_in(moneys: list[dict[str, str]], currency: str) -> str:
    for money in moneys:
        if money["currency"] == currency:
            return money["amount"]
    return str(Money.zero(currency)) if currency else "0"


def occurred_text(timestamp: str, time_zone: str) -> str:
    """Return an RFC 3339 UTC timestamp as the shop's local "2026-11-25 13:03"."""
    moment = datetime.fromisoformat(timestamp).astimezone(ZoneInfo(time_zone))
    return moment.strftime("%Y-%m-%d %H:%M")


def quick_periods(today: date, shown: tuple[str, str] | None) -> list[dict[str, Any]]:
    """Return the links to the last 7, 30 and 90 days ending ``today``, the shown one marked."""
    links = []
    for days in QUICK_PERIODS:
        start, end = (today - timedelta(days=days - 1)).isoformat(), today.isoformat()
        links.append(
            {
                "label": f"Last {days} days",
                "from": start,
                "to": end,
                "current": shown == (start, end),
            }
        )
    return links


def display(figures: Figures) -> dict[str, Any]:
    """Return everything the template shows of ``figures``."""
    time_zone = figures["period"]["time_zone"]
    return {
        "period": figures["period"],
        "previous_period": figures["previous"]["period"],
        "cards": [card(figures, *spec) for spec in CARDS],
        "chart": chart_data(figures),
        "top_products": [
            {**product, "revenue_text": moneys_text(product["revenue"])}
            for product in figures["top_products"]
        ],
        "todos": [
            {"key": key, "label": label, "count": figures["todo"][key]} for key, label in TODOS
        ],
        "statuses": [
            {"status": status, "count": figures["status_breakdown"].get(status, 0)}
            for status in STATUSES
        ],
        "customers": figures["customers"],
        "activity": [
            {
                **entry,
                "amount_text": money_text(entry["amount"]),
                "when": occurred_text(entry["occurred_at"], time_zone),
            }
            for entry in figures["activity"]
        ],
    }
