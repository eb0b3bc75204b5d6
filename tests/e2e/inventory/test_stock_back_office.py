"""Stock in the back office: by product name, this shop's only, counted through the use case
with compare-and-set; the ledger by product and kind."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from emporium.infrastructure.models import OutboxMessage
from emporium.inventory.models import StockItem, StockMovement
from emporium.multitenancy.context import tenant_context
from tests.e2e.admin_pages import changelist_rows, readonly_fields
from tests.e2e.ordering.conftest import Shop, make_product, shop
from tests.e2e.test_back_office import post, signed_in

__all__ = ["shop"]

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse 42"  # make_account's
STOCK = "/admin/inventory/stockitem/"
LEDGER = "/admin/inventory/stockmovement/"


@pytest.fixture
def staff_client(shop: Shop) -> Client:
    return signed_in("acme.localhost", "staff@shop.example", PASSWORD)


def stock_row(shop: Shop, name: str) -> StockItem:
    with tenant_context(shop.acme):
        return StockItem.objects.get(product_id=shop.products[name])


def counts(shop: Shop, name: str) -> tuple[int, int]:
    row = stock_row(shop, name)
    return row.on_hand, row.reserved


def ledger(shop: Shop, name: str) -> list[tuple[str, int, int, int, int, str]]:
    with tenant_context(shop.acme):
        lines = StockMovement.objects.filter(product_id=shop.products[name]).order_by("id")
        return [
            (
                line.kind,
                line.on_hand_delta,
                line.reserved_delta,
                line.on_hand_after,
                line.reserved_after,
                line.reference,
            )
            for line in lines
        ]


def input_value(response: Any, name: str) -> str | None:
    found = re.search(rf'<input type="number" name="{name}" value="(\d*)"', response.text)
    return None if found is None else found.group(1)


def errors(response: Any) -> list[str]:
    assert response.status_code == 200
    return [
        re.sub(r"<[^>]+>", "", error)
        for error in re.findall(r'<ul class="errorlist[^"]*"[^>]*>\s*<li>(.*?)</li>', response.text)
    ]


def test_the_list_shows_each_products_name_and_counts(shop: Shop, staff_client: Client) -> None:
    assert shop.order("ann", ("mug", 2)).status_code == 201

    rows = changelist_rows(staff_client.get(STOCK))

    # Product, on hand, reserved, available (updated at left out).
    assert sorted(row[:4] for row in rows) == [
        ["Draft", "5", "0", "5"],
        ["Mug", "10", "2", "8"],
        ["Pan", "3", "0", "3"],
    ]


def test_search_by_product_name_finds_only_this_shops_stock(
    shop: Shop, staff_client: Client
) -> None:
    def found(term: str) -> list[str]:
        return [row[0] for row in changelist_rows(staff_client.get(STOCK, {"q": term}))]

    assert found("mug") == ["Mug"]  # globex's "Globex mug" is not this shop's
    assert found("PAN") == ["Pan"]
    assert found("globex") == []
    assert found(str(shop.products["pan"])) == ["Pan"]


def test_the_count_form_sets_the_stock_and_writes_the_ledger(
    shop: Shop, staff_client: Client
) -> None:
    url = f"{STOCK}{stock_row(shop, 'mug').pk}/change/"
    page = staff_client.get(url)
    assert (input_value(page, "on_hand"), input_value(page, "expected_on_hand")) == ("10", "10")
    assert readonly_fields(page) == {"product": "Mug", "reserved": "0", "available": "10"}

    counted = post(staff_client, url, {"on_hand": "12", "expected_on_hand": "10"}, follow=True)

    assert counted.redirect_chain == [(STOCK, 302)]
    assert "Stock of Mug counted: 12 on hand, 0 reserved, 12 available." in counted.text
    assert counts(shop, "mug") == (12, 0)
    assert ledger(shop, "mug")[-1] == ("adjust", 2, 0, 12, 0, "count 10 -> 12")
    adjusted = OutboxMessage.objects.filter(
        type="inventory.stock_adjusted",
        tenant="acme",
        payload__product_id=str(shop.products["mug"]),
    ).order_by("created_at")
    assert [(m.payload["old_on_hand"], m.payload["new_on_hand"]) for m in adjusted] == [
        (0, 10),  # the shop's first count
        (10, 12),
    ]


def test_a_stale_expected_on_hand_is_refused_and_changes_nothing(
    shop: Shop, staff_client: Client
) -> None:
    url = f"{STOCK}{stock_row(shop, 'mug').pk}/change/"
    opened = staff_client.get(url)
    assert input_value(opened, "expected_on_hand") == "10"
    assert shop.order("ann", ("mug", 1)).status_code == 201  # meanwhile: 10 on hand, 1 held
    before = ledger(shop, "mug")
    with tenant_context(shop.acme):
        events = OutboxMessage.objects.count()

    refused = post(staff_client, url, {"on_hand": "4", "expected_on_hand": "9"})

    assert errors(refused) == [
        "on_hand is 10, not the expected 9. The stock changed since this page was opened: "
        "look at the new figure and count again."
    ]
    assert counts(shop, "mug") == (10, 1)
    assert ledger(shop, "mug") == before
    assert OutboxMessage.objects.count() == events


def test_a_count_below_what_orders_hold_is_refused(shop: Shop, staff_client: Client) -> None:
    assert shop.order("ann", ("pan", 2)).status_code == 201
    url = f"{STOCK}{stock_row(shop, 'pan').pk}/change/"
    before = ledger(shop, "pan")

    refused = post(staff_client, url, {"on_hand": "1", "expected_on_hand": "3"})

    assert errors(refused) == ["2 units are reserved; on_hand cannot go below that."]
    assert counts(shop, "pan") == (3, 2)
    assert ledger(shop, "pan") == before


def test_a_product_without_stock_gets_its_first_count(shop: Shop, staff_client: Client) -> None:
    shop.products["lid"] = make_product(shop.acme, "Lid", "2.00", stock=0)

    form = staff_client.get(f"{STOCK}add/")
    offered = re.findall(r'<option value="([0-9a-f-]{36})"', form.text)
    added = post(
        staff_client, f"{STOCK}add/", {"new_product": str(shop.products["lid"]), "on_hand": "7"}
    )

    assert offered == [str(shop.products["lid"])]  # the others have stock already
    assert added.status_code == 302
    assert counts(shop, "lid") == (7, 0)
    assert ledger(shop, "lid") == [("adjust", 7, 0, 7, 0, "count 0 -> 7")]


def test_another_shops_stock_is_404_and_unchanged(shop: Shop, staff_client: Client) -> None:
    with tenant_context(shop.globex):
        theirs = StockItem.objects.get(product_id=shop.products["globex"])
    url = f"{STOCK}{theirs.pk}/change/"

    assert staff_client.get(url).status_code == 404
    assert post(staff_client, url, {"on_hand": "0", "expected_on_hand": "5"}).status_code == 404
    add = post(
        staff_client, f"{STOCK}add/", {"new_product": str(shop.products["globex"]), "on_hand": "0"}
    )
    assert "Select a valid choice." in add.text
    with tenant_context(shop.globex):
        assert StockItem.objects.get(pk=theirs.pk).on_hand == 5


def test_the_ledger_lists_movements_by_product_name_and_kind(
    shop: Shop, staff_client: Client
) -> None:
    order = shop.order("ann", ("mug", 2), ("pan", 1)).json()["id"]

    rows = changelist_rows(staff_client.get(LEDGER))
    reserved = changelist_rows(staff_client.get(LEDGER, {"kind": "reserve"}))
    mugs = changelist_rows(staff_client.get(LEDGER, {"q": "mug"}))
    by_order = changelist_rows(staff_client.get(LEDGER, {"q": order}))

    # Time left out: product, kind, deltas, after-values, reference.
    assert sorted(row[1:] for row in reserved) == [
        ["Mug", "reserve", "0", "2", "10", "2", f"order {order}"],
        ["Pan", "reserve", "0", "1", "3", "1", f"order {order}"],
    ]
    assert sorted((row[1], row[2]) for row in rows) == [
        ("Draft", "adjust"),
        ("Mug", "adjust"),
        ("Mug", "reserve"),
        ("Pan", "adjust"),
        ("Pan", "reserve"),
    ]
    assert sorted((row[1], row[2]) for row in mugs) == [("Mug", "adjust"), ("Mug", "reserve")]
    assert sorted(row[1] for row in by_order) == ["Mug", "Pan"]


@pytest.mark.parametrize("url", [STOCK, LEDGER])
def test_the_lists_ask_the_same_queries_for_2_or_6_products(
    shop: Shop, staff_client: Client, url: str
) -> None:
    def queries() -> list[str]:
        with CaptureQueriesContext(connection) as captured:
            assert staff_client.get(url).status_code == 200
        return [query["sql"] for query in captured.captured_queries]

    with_three = queries()  # Mug, Pan, Draft
    for name in ("Lid", "Jar", "Cup"):
        make_product(shop.acme, name, "1.00", stock=4)
    with_six = queries()

    assert len(changelist_rows(staff_client.get(url))) == 6
    assert len(with_six) == len(with_three)
    assert sum('FROM "catalog_product"' in sql for sql in with_six) == 1
