"""The first wall: tenant-owned models filter, stamp and check the tenant in context.

Runs on SQLite (where it is the only wall) and on PostgreSQL. Both tenants hold the same shelf
names and the same item names, so a query that forgets the tenant returns visibly wrong rows.
Every tenant block is also a transaction, as requests, tasks and commands are: on PostgreSQL
Row-Level Security shows nothing outside one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import connection, transaction
from django.db.models import Count, Sum

from emporium.multitenancy.context import TenantContextMissing, TenantRef, tenant_context
from emporium.multitenancy.scoping import TenantMismatch
from tests.testapps.tenant_probe.models import Item, Shelf

pytestmark = pytest.mark.django_db

# shelf -> item -> quantity, per tenant: the same names on both sides, different quantities.
STOCK = {
    "acme": {"tools": {"hammer": 3, "saw": 5}, "toys": {"ball": 7}},
    "globex": {"tools": {"hammer": 11, "drill": 13}, "toys": {"ball": 17, "kite": 19}},
}
BOTH = pytest.mark.django_db(transaction=True, databases=["default", "admin"])


@contextmanager
def inside(tenant: TenantRef | None) -> Iterator[None]:
    """Work as a request does: the tenant in context and one transaction."""
    with tenant_context(tenant), transaction.atomic():
        yield


@dataclass(frozen=True)
class Stock:
    acme: TenantRef
    globex: TenantRef
    shelves: dict[tuple[str, str], int]  # (tenant slug, shelf name) -> pk
    items: dict[tuple[str, str], int]  # (tenant slug, item name) -> pk


@pytest.fixture
def stock(acme_and_globex: tuple[TenantRef, TenantRef]) -> Stock:
    acme, globex = acme_and_globex
    shelves: dict[tuple[str, str], int] = {}
    items: dict[tuple[str, str], int] = {}
    for tenant in (acme, globex):
        with inside(tenant):
            for shelf_name, contents in STOCK[tenant.slug].items():
                shelf = Shelf.objects.create(name=shelf_name)
                shelves[tenant.slug, shelf_name] = shelf.pk
                for item_name, quantity in contents.items():
                    item = Item.objects.create(shelf=shelf, name=item_name, quantity=quantity)
                    items[tenant.slug, item_name] = item.pk
    return Stock(acme, globex, shelves, items)


def point_item_at_shelf(item_id: int, shelf_id: int) -> None:
    """Write a foreign key around the ORM, as a bad migration or a raw script could."""
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE tenant_probe_item SET shelf_id = %s WHERE id = %s", [shelf_id, item_id]
        )
        assert cursor.rowcount == 1


# --- reading ------------------------------------------------------------------------------


def test_all_returns_only_the_tenants_rows(stock: Stock) -> None:
    with inside(stock.acme):
        acme_items = sorted(Item.objects.all().values_list("pk", flat=True))
        acme_shelves = sorted(Shelf.objects.all().values_list("pk", flat=True))
        acme_names = sorted(item.name for item in Item.objects.all())
    with inside(stock.globex):
        globex_items = sorted(Item.objects.all().values_list("pk", flat=True))
        globex_names = sorted(item.name for item in Item.objects.all())

    assert acme_items == sorted(pk for (slug, _), pk in stock.items.items() if slug == "acme")
    assert acme_shelves == sorted([stock.shelves["acme", "tools"], stock.shelves["acme", "toys"]])
    assert acme_names == ["ball", "hammer", "saw"]
    assert globex_items == sorted(pk for (slug, _), pk in stock.items.items() if slug == "globex")
    assert globex_names == ["ball", "drill", "hammer", "kite"]


def test_filter_finds_only_the_tenants_row_of_a_shared_name(stock: Stock) -> None:
    with inside(stock.acme):
        acme = list(Item.objects.filter(name="hammer").values_list("pk", "quantity"))
        acme_kites = Item.objects.filter(name="kite").count()
    with inside(stock.globex):
        globex = list(Item.objects.filter(name="hammer").values_list("pk", "quantity"))

    assert acme == [(stock.items["acme", "hammer"], 3)]
    assert acme_kites == 0
    assert globex == [(stock.items["globex", "hammer"], 11)]


def test_get_of_the_other_tenants_pk_does_not_exist(stock: Stock) -> None:
    with inside(stock.acme):
        assert Item.objects.get(pk=stock.items["acme", "ball"]).quantity == 7
        with pytest.raises(Item.DoesNotExist):
            Item.objects.get(pk=stock.items["globex", "ball"])
        with pytest.raises(Shelf.DoesNotExist):
            Shelf.objects.get(pk=stock.shelves["globex", "tools"])
    with inside(stock.globex):
        with pytest.raises(Item.DoesNotExist):
            Item.objects.get(pk=stock.items["acme", "saw"])
        assert Shelf.objects.get(name="toys").pk == stock.shelves["globex", "toys"]


def test_related_managers_stay_inside_the_tenant(stock: Stock) -> None:
    with inside(stock.acme):
        tools = Shelf.objects.get(name="tools")
        acme_tools = sorted(tools.items.values_list("name", flat=True))
        acme_toys = sorted(i.name for i in Shelf.objects.get(name="toys").items.all())
        shelves_with_kites = list(Shelf.objects.filter(items__name="kite"))
    with inside(stock.globex):
        globex_tools = sorted(i.name for i in Shelf.objects.get(name="tools").items.all())
        globex_toys = sorted(Shelf.objects.get(name="toys").items.values_list("name", flat=True))

    assert tools.pk == stock.shelves["acme", "tools"]
    assert acme_tools == ["hammer", "saw"]
    assert acme_toys == ["ball"]
    assert shelves_with_kites == []
    assert globex_tools == ["drill", "hammer"]
    assert globex_toys == ["ball", "kite"]


def test_values_and_values_list(stock: Stock) -> None:
    with inside(stock.acme):
        values = list(Item.objects.order_by("name").values("name", "quantity", "tenant_id"))
        pairs = list(
            Item.objects.order_by("shelf__name", "name").values_list("shelf__name", "name")
        )
    with inside(stock.globex):
        flat = list(Item.objects.order_by("name").values_list("quantity", flat=True))

    assert values == [
        {"name": "ball", "quantity": 7, "tenant_id": stock.acme.id},
        {"name": "hammer", "quantity": 3, "tenant_id": stock.acme.id},
        {"name": "saw", "quantity": 5, "tenant_id": stock.acme.id},
    ]
    assert pairs == [("tools", "hammer"), ("tools", "saw"), ("toys", "ball")]
    assert flat == [17, 13, 11, 19]


def test_aggregates_count_only_the_tenants_rows(stock: Stock) -> None:
    with inside(stock.acme):
        acme = Item.objects.aggregate(n=Count("id"), total=Sum("quantity"))
        acme_per_shelf = dict(Shelf.objects.annotate(n=Count("items")).values_list("name", "n"))
        acme_hammers = Item.objects.filter(name="hammer").aggregate(total=Sum("quantity"))
    with inside(stock.globex):
        globex = Item.objects.aggregate(n=Count("id"), total=Sum("quantity"))
        globex_per_shelf = dict(
            Shelf.objects.annotate(total=Sum("items__quantity")).values_list("name", "total")
        )

    assert acme == {"n": 3, "total": 15}
    assert acme_per_shelf == {"tools": 2, "toys": 1}
    assert acme_hammers == {"total": 3}
    assert globex == {"n": 4, "total": 60}
    assert globex_per_shelf == {"tools": 24, "toys": 36}


def test_select_related_brings_the_tenants_own_shelves(stock: Stock) -> None:
    with inside(stock.acme):
        rows = [
            (item.name, item.shelf.pk, item.shelf.name, item.shelf.tenant_id)
            for item in Item.objects.select_related("shelf").order_by("name")
        ]

    assert rows == [
        ("ball", stock.shelves["acme", "toys"], "toys", stock.acme.id),
        ("hammer", stock.shelves["acme", "tools"], "tools", stock.acme.id),
        ("saw", stock.shelves["acme", "tools"], "tools", stock.acme.id),
    ]


def test_forward_foreign_key_cannot_reach_a_shelf_of_another_tenant(stock: Stock) -> None:
    stray_id = stock.items["acme", "saw"]
    with inside(stock.acme):
        point_item_at_shelf(stray_id, stock.shelves["globex", "tools"])
        stray = Item.objects.get(pk=stray_id)
        assert stray.shelf_id == stock.shelves["globex", "tools"]
        with pytest.raises(Shelf.DoesNotExist):
            stray.shelf  # noqa: B018  (the descriptor goes through the scoped base manager)
        # The well-formed rows still reach their shelves.
        assert Item.objects.get(pk=stock.items["acme", "hammer"]).shelf.name == "tools"


def test_select_related_cannot_reach_a_shelf_of_another_tenant(stock: Stock) -> None:
    stray_id = stock.items["acme", "saw"]
    with inside(stock.acme):
        point_item_at_shelf(stray_id, stock.shelves["globex", "tools"])
        reached = [
            (item.name, item.shelf.pk)
            for item in Item.objects.select_related("shelf")
            if item.shelf.tenant_id != stock.acme.id
        ]

    assert reached == []


def test_refresh_from_db_reads_through_the_scoped_manager(stock: Stock) -> None:
    with inside(stock.acme):
        hammer = Item.objects.get(pk=stock.items["acme", "hammer"])
        Item.objects.filter(pk=hammer.pk).update(quantity=4)
        hammer.refresh_from_db()
        assert hammer.quantity == 4
    with inside(stock.globex), pytest.raises(Item.DoesNotExist):
        hammer.refresh_from_db()
    assert hammer.quantity == 4


# --- no tenant ----------------------------------------------------------------------------


def _loaded(stock: Stock) -> dict[str, Any]:
    with inside(stock.acme):
        return {
            "item": Item.objects.get(pk=stock.items["acme", "hammer"]),
            "shelf": Shelf.objects.get(pk=stock.shelves["acme", "tools"]),
        }


NO_TENANT_CASES: dict[str, Callable[[dict[str, Any]], object]] = {
    "all": lambda o: list(Item.objects.all()),
    "filter": lambda o: Shelf.objects.filter(name="tools").exists(),
    "get": lambda o: Item.objects.get(pk=o["item"].pk),
    "count": lambda o: Item.objects.count(),
    "values_list": lambda o: list(Item.objects.values_list("name", flat=True)),
    "aggregate": lambda o: Item.objects.aggregate(total=Sum("quantity")),
    "related manager": lambda o: list(o["shelf"].items.all()),
    "forward foreign key": lambda o: o["item"].shelf,
    "refresh_from_db": lambda o: o["item"].refresh_from_db(),
    "create": lambda o: Shelf.objects.create(name="garden"),
    "save new": lambda o: Item(shelf=o["shelf"], name="nail").save(),
    "save loaded": lambda o: o["item"].save(),
    "delete instance": lambda o: o["item"].delete(),
    "bulk_create": lambda o: Shelf.objects.bulk_create([Shelf(name="garden")]),
    "queryset update": lambda o: Item.objects.update(quantity=0),
    "queryset delete": lambda o: Item.objects.all().delete(),
}


@pytest.mark.parametrize("operation", list(NO_TENANT_CASES), ids=list(NO_TENANT_CASES))
def test_no_tenant_in_context_refuses_every_query_and_save(stock: Stock, operation: str) -> None:
    loaded = _loaded(stock)

    with transaction.atomic(), pytest.raises(TenantContextMissing):
        NO_TENANT_CASES[operation](loaded)

    with inside(stock.acme):
        assert Item.objects.aggregate(n=Count("id"), total=Sum("quantity")) == {"n": 3, "total": 15}
        assert Shelf.objects.count() == 2


# --- writing ------------------------------------------------------------------------------


def test_save_stamps_the_current_tenant(stock: Stock) -> None:
    with inside(stock.globex):
        garden = Shelf(name="garden")
        garden.save()
        rake = Item.objects.create(shelf=garden, name="rake", quantity=2)
        assert (garden.tenant_id, rake.tenant_id) == (stock.globex.id, stock.globex.id)
        assert Item.objects.get(pk=rake.pk).tenant_id == stock.globex.id
    with inside(stock.acme):
        # The same name in acme is a different row: the unique constraint leads with tenant.
        acme_garden = Shelf.objects.create(name="garden")
        assert acme_garden.tenant_id == stock.acme.id
        assert Item.objects.filter(name="rake").count() == 0
        assert sorted(Shelf.objects.values_list("name", flat=True)) == ["garden", "tools", "toys"]


def test_item_pointing_at_another_tenants_shelf_id_is_refused(stock: Stock) -> None:
    globex_tools = stock.shelves["globex", "tools"]
    with inside(stock.acme):
        with pytest.raises(TenantMismatch, match=r"Item\.shelf points at a row of another tenant"):
            Item(shelf_id=globex_tools, name="nail").save()
        with pytest.raises(TenantMismatch):
            Item.objects.create(shelf_id=globex_tools, name="nail")
        with pytest.raises(TenantMismatch):
            Item.objects.bulk_create([Item(shelf_id=globex_tools, name="nail")])
        hammer = Item.objects.get(pk=stock.items["acme", "hammer"])
        hammer.shelf_id = globex_tools
        with pytest.raises(TenantMismatch):
            hammer.save()
        assert Item.objects.filter(name="nail").count() == 0
        assert Item.objects.get(pk=hammer.pk).shelf_id == stock.shelves["acme", "tools"]


def test_bulk_create_stamps_the_tenant(stock: Stock) -> None:
    with inside(stock.acme):
        tools = Shelf.objects.get(name="tools")
        created = Item.objects.bulk_create(
            [
                Item(shelf=tools, name="nail", quantity=100),
                Item(shelf_id=stock.shelves["acme", "toys"], name="yoyo", quantity=1),
            ]
        )
        assert [item.tenant_id for item in created] == [stock.acme.id, stock.acme.id]
        assert Item.objects.aggregate(n=Count("id"), total=Sum("quantity")) == {
            "n": 5,
            "total": 116,
        }
    with inside(stock.globex):
        assert Item.objects.filter(name__in=["nail", "yoyo"]).count() == 0
        with pytest.raises(TenantMismatch):
            Item.objects.bulk_create(
                [
                    Item(
                        shelf_id=stock.shelves["globex", "tools"],
                        name="nut",
                        tenant_id=stock.acme.id,
                    )
                ]
            )
        assert Item.objects.aggregate(n=Count("id"), total=Sum("quantity")) == {"n": 4, "total": 60}


def test_queryset_update_and_delete_touch_only_the_tenants_rows(stock: Stock) -> None:
    with inside(stock.acme):
        assert Item.objects.update(quantity=0) == 3
        assert Item.objects.filter(name="ball").update(quantity=1) == 1
        assert Item.objects.filter(name="hammer").delete() == (1, {"tenant_probe.Item": 1})
    with inside(stock.globex):
        assert Item.objects.aggregate(n=Count("id"), total=Sum("quantity")) == {"n": 4, "total": 60}
        # Deleting a shelf cascades to its items, in this tenant only.
        assert Shelf.objects.filter(name="tools").delete() == (
            3,
            {"tenant_probe.Item": 2, "tenant_probe.Shelf": 1},
        )
        assert sorted(Item.objects.values_list("name", flat=True)) == ["ball", "kite"]
    with inside(stock.acme):
        assert sorted(Item.objects.values_list("name", "quantity")) == [("ball", 1), ("saw", 0)]
        assert sorted(Shelf.objects.values_list("name", flat=True)) == ["tools", "toys"]


def test_queryset_update_refuses_a_shelf_id_of_another_tenant(stock: Stock) -> None:
    with inside(stock.acme):
        with pytest.raises(TenantMismatch):
            Item.objects.filter(name="hammer").update(shelf_id=stock.shelves["globex", "tools"])
        assert Item.objects.get(name="hammer").shelf_id == stock.shelves["acme", "tools"]


def test_queryset_update_refuses_to_move_rows_to_another_tenant(stock: Stock) -> None:
    with inside(stock.acme):
        with pytest.raises(TenantMismatch):
            Item.objects.filter(name="hammer").update(tenant_id=stock.globex.id)
        assert Item.objects.filter(name="hammer").count() == 1


def test_bulk_update_refuses_a_shelf_of_another_tenant(stock: Stock) -> None:
    with inside(stock.acme):
        hammer = Item.objects.get(name="hammer")
        hammer.shelf_id = stock.shelves["globex", "tools"]
        with pytest.raises(TenantMismatch):
            Item.objects.bulk_update([hammer], ["shelf"])
        assert Item.objects.get(name="hammer").shelf_id == stock.shelves["acme", "tools"]


# --- cross-tenant, on the owner's connection ----------------------------------------------


@BOTH
def test_cross_tenant_sees_both_tenants_rows(stock: Stock) -> None:
    with tenant_context(None):
        rows = sorted(Item.cross_tenant.values_list("tenant__slug", "name", "quantity"))
        per_tenant = dict(
            Item.cross_tenant.values("tenant__slug")
            .annotate(total=Sum("quantity"))
            .values_list("tenant__slug", "total")
        )
    assert Item.cross_tenant.all().db == "admin"

    assert rows == [
        ("acme", "ball", 7),
        ("acme", "hammer", 3),
        ("acme", "saw", 5),
        ("globex", "ball", 17),
        ("globex", "drill", 13),
        ("globex", "hammer", 11),
        ("globex", "kite", 19),
    ]
    assert per_tenant == {"acme": 15, "globex": 60}


@BOTH
def test_saving_or_deleting_another_tenants_row_raises_tenant_mismatch(stock: Stock) -> None:
    globex_hammer = Item.cross_tenant.get(pk=stock.items["globex", "hammer"])
    globex_tools = Shelf.cross_tenant.get(pk=stock.shelves["globex", "tools"])

    with inside(stock.acme):
        globex_hammer.quantity = 99
        with pytest.raises(TenantMismatch, match="Item belongs to another tenant than acme"):
            globex_hammer.save()
        with pytest.raises(TenantMismatch):
            globex_hammer.save(using="default")
        with pytest.raises(TenantMismatch):
            globex_hammer.delete()
        globex_tools.name = "stolen"
        with pytest.raises(TenantMismatch):
            globex_tools.save()

    assert Item.cross_tenant.get(pk=globex_hammer.pk).quantity == 11
    assert Shelf.cross_tenant.get(pk=globex_tools.pk).name == "tools"


@BOTH
def test_item_with_a_shelf_instance_of_another_tenant_is_refused(stock: Stock) -> None:
    globex_tools = Shelf.cross_tenant.get(pk=stock.shelves["globex", "tools"])

    with inside(stock.acme):
        with pytest.raises(TenantMismatch, match=r"Item\.shelf points at a row of another tenant"):
            Item(shelf=globex_tools, name="nail").save()
        with pytest.raises(TenantMismatch):
            Item.objects.create(shelf=globex_tools, name="nail")
        with pytest.raises(TenantMismatch):
            Item.objects.bulk_create([Item(shelf=globex_tools, name="nail")])
        assert Item.objects.filter(name="nail").count() == 0

    assert Item.cross_tenant.filter(name="nail").count() == 0
