"""The back-office dashboard in Chromium: an owner signs in through the back office's form and
reads figures equal to what SQL of the test's own finds in the ordering and payments tables; a
shop never sees another's; the chart draws; a phone gets one column and no sideways scroll."""

from __future__ import annotations

from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal
from itertools import pairwise
from typing import Any

import pytest

from emporium.shared_kernel.money import Money
from tests.e2e.browser import shops as sql
from tests.e2e.browser.conftest import PHONE
from tests.e2e.browser.shops import PASSWORD, History, Period, acme_history, globex_history, usd

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "admin"])

CHART_READY = '#revenue-chart[data-chart-ready="true"]'


@pytest.fixture
def histories(acme_and_globex, make_account, settings) -> dict[str, History]:
    # No broker (the `make run` default): the projections catch up after each commit.
    settings.CELERY_BROKER_URL = ""
    acme, globex = acme_and_globex
    return {
        "acme": acme_history(acme, make_account),
        "globex": globex_history(globex, make_account),
    }


def address(live_server: Any, shop: History, path: str = "/admin/") -> str:
    port = live_server.url.rsplit(":", 1)[1]
    return f"http://{shop.host}:{port}{path}"


def sign_in(page: Any, live_server: Any, shop: History, email: str | None = None) -> None:
    """Sign in on the shop's back office as a person would, and open the dashboard."""
    page.goto(address(live_server, shop))
    page.fill("#id_username", email or shop.owner)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.get_by_role("link", name="Dashboard", exact=True).click()
    page.wait_for_selector(CHART_READY)


def figure(page: Any, key: str, value: str = "current", currency: str = "USD") -> str:
    selector = f'[data-figure="{key}"] [data-currency="{currency}"] [data-value="{value}"]'
    return str(page.locator(selector).inner_text())


def shown_period(page: Any, shop: History, which: str = "current") -> Period:
    return Period.parse(page.locator(f'[data-period="{which}"]').inner_text(), shop.time_zone)


def change(current: int, previous: int) -> str:
    percent = (Decimal(current - previous) * 100 / previous).quantize(Decimal("0.1"), ROUND_HALF_UP)
    return f"+{percent} %" if percent > 0 else f"{percent} %"


def table(page: Any, rows: str, cells: list[str]) -> list[list[str]]:
    return [
        [row.locator(cell).inner_text().strip() for cell in cells]
        for row in page.locator(rows).all()
    ]


def test_the_owner_reads_the_figures_that_sql_finds(live_server, open_page, histories) -> None:
    acme = histories["acme"]
    page = open_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)

    sign_in(page, live_server, acme)

    period = shown_period(page, acme)
    today = acme.today()
    assert (period.start, period.end) == (today - timedelta(days=29), today)
    assert shown_period(page, acme, "previous") == period.previous()
    now, before = sql.expected(acme.tenant, period), sql.expected(acme.tenant, period.previous())
    # The SQL finds the history the module describes (so it cannot agree with an empty page):
    # 51.84 + 33.48 + 3.78 paid, 5.00 refunded; 25.92 paid in the period before.
    assert (now.paid, now.refunds, now.orders, before.net) == (8910, 500, 3, 2592)
    assert figure(page, "net_sales") == usd(now.net) == "84.10 USD"
    assert figure(page, "net_sales", "previous") == usd(before.net)
    assert figure(page, "net_sales", "change") == change(now.net, before.net) == "+224.5 %"
    assert figure(page, "orders", currency="") == str(now.orders)
    assert figure(page, "orders", "previous", currency="") == str(before.orders)
    assert figure(page, "average_order_value") == usd(now.average) == "29.70 USD"
    assert figure(page, "average_order_value", "previous") == usd(before.average)
    # The median is read from order-value buckets at most 0.5 % wide (docs/API.md).
    for figures, value in ((now, "current"), (before, "previous")):
        median = Money.of(figure(page, "median_order_value", value).split()[0], "USD").minor
        assert abs(median - figures.median) <= figures.median * Decimal("0.005")
    assert table(page, "#dashboard-statuses tr", ["th", "td"]) == [
        [status, str(count)] for status, count in now.statuses.items()
    ]
    assert now.statuses == {
        "confirmed": 1,
        "paid": 2,
        "fulfilled": 1,
        "cancelled": 1,
        "refunded": 0,
    }
    assert table(page, "#dashboard-customers tr", ["td"]) == [[str(now.new)], [str(now.returning)]]
    assert (now.new, now.returning) == (1, 2)
    todo = sql.todo(acme.tenant)
    assert (
        {key: int(page.locator(f'[data-todo="{key}"] .count').inner_text()) for key in todo}
        == todo
        == {"unpaid": 1, "to_fulfil": 3, "out_of_stock": 1}
    )
    assert table(page, "#dashboard-top-products tbody tr", [".name", ".units", ".revenue"]) == [
        [name, str(units), usd(revenue)]
        for name, units, revenue in sql.top_products(acme.tenant, period)
    ]
    feed = page.locator("#dashboard-activity li").all()
    assert [(e.get_attribute("data-activity"), e.get_attribute("data-order")) for e in feed] == (
        sql.activity(acme.tenant)
    )
    assert not [p for p in problems if "Content Security Policy" in p], problems


def test_the_chart_draws_each_days_net_sales(live_server, open_page, histories) -> None:
    acme = histories["acme"]
    page = open_page()

    sign_in(page, live_server, acme)  # waits for the chart's ready marker, not for a time

    period = shown_period(page, acme)
    drawn = page.evaluate(
        """() => {
            const chart = Chart.getChart("revenue-chart");
            return {labels: chart.data.labels, sets: chart.data.datasets.map(d => d.data.length)};
        }"""
    )
    data = page.evaluate('() => JSON.parse(document.getElementById("dashboard-chart-data").text)')
    days = sql.daily_net(acme.tenant, period)
    assert drawn == {"labels": [d.isoformat() for d in period.days()], "sets": [30, 30, 30]}
    assert data["net_sales"] == [str(Money(minor, "USD")) for minor in days.values()]
    assert data["previous_net_sales"] == [
        str(Money(minor, "USD")) for minor in sql.daily_net(acme.tenant, period.previous()).values()
    ]
    box = page.locator("#revenue-chart").bounding_box()
    assert box["width"] > 600
    assert box["height"] > 200


def test_the_period_picker_and_the_quick_links(live_server, open_page, histories) -> None:
    acme = histories["acme"]
    page = open_page()
    sign_in(page, live_server, acme)

    page.get_by_role("link", name="Last 7 days").click()
    page.wait_for_selector(CHART_READY)

    week = shown_period(page, acme)
    assert (week.start, week.end) == (acme.today() - timedelta(days=6), acme.today())
    assert figure(page, "net_sales") == usd(sql.expected(acme.tenant, week).net) == "32.26 USD"

    page.fill('input[name="from"]', (acme.today() - timedelta(days=10)).isoformat())
    page.fill('input[name="to"]', (acme.today() - timedelta(days=10)).isoformat())
    page.get_by_role("button", name="Show").click()
    page.wait_for_selector(CHART_READY)

    day = shown_period(page, acme)
    assert day.start == day.end == acme.today() - timedelta(days=10)
    assert figure(page, "net_sales") == usd(sql.expected(acme.tenant, day).net) == "51.84 USD"


def test_a_bad_period_is_the_page_with_its_error(live_server, open_page, histories) -> None:
    page = open_page()
    sign_in(page, live_server, histories["acme"])

    response = page.goto(
        address(live_server, histories["acme"], "/admin/dashboard/?from=2026-12-10&to=2026-12-01")
    )

    assert response.status == 400
    assert page.locator("#dashboard-error").is_visible()
    assert page.locator(".dashboard-card").count() == 0
    assert page.get_by_role("link", name="Last 30 days").is_visible()


def test_globex_never_sees_acme(live_server, open_page, histories) -> None:
    acme, globex = histories["acme"], histories["globex"]
    page = open_page()

    sign_in(page, live_server, globex)

    period = shown_period(page, globex)
    assert figure(page, "net_sales") == usd(sql.expected(globex.tenant, period).net) == "106.92 USD"
    assert table(page, "#dashboard-top-products tbody tr", [".name", ".units"]) == [
        ["Globex anvil", "1"]
    ]
    text = page.locator("#dashboard").inner_text()
    html = page.content()
    for name in acme.products:
        assert name not in text
    for order_id in acme.orders.values():
        assert order_id not in html
    assert "84.10" not in text

    # acme's owner has no account on globex's back office.
    other = open_page()
    other.goto(address(live_server, globex))
    other.fill("#id_username", acme.owner)
    other.fill("#id_password", PASSWORD)
    other.click("input[type=submit]")
    assert other.locator(".errornote").is_visible()
    assert other.goto(address(live_server, globex, "/admin/dashboard/")).url.startswith(
        address(live_server, globex, "/admin/login/")
    )


def test_a_phone_gets_the_cards_in_one_column(live_server, open_page, histories) -> None:
    page = open_page(viewport=PHONE)

    sign_in(page, live_server, histories["acme"])

    boxes = [card.bounding_box() for card in page.locator(".dashboard-card").all()]
    assert len(boxes) == 4
    assert len({round(box["x"]) for box in boxes}) == 1
    assert all(above["y"] + above["height"] <= below["y"] for above, below in pairwise(boxes))
    assert all(box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"] for box in boxes)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
