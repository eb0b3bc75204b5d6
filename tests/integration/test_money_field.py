"""MoneyField against the database: storage, lookups, aggregates, migrations and the admin."""

from __future__ import annotations

from decimal import Decimal
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core import checks, serializers
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection, models
from django.db.models import F, Max, Sum
from django.forms import modelform_factory
from django.test import Client
from django.test.utils import isolate_apps

from emporium.infrastructure.db.money_field import MoneyField
from emporium.shared_kernel.money import CurrencyMismatch, InvalidAmount, Money, UnknownCurrency
from tests.testapps.money_probe.models import Gadget, Listing, Shop

pytestmark = pytest.mark.django_db


def gadget(name: str = "lamp", price: Money | None = None, **kwargs: object) -> Gadget:
    return Gadget.objects.create(name=name, price=price or Money(1999, "USD"), **kwargs)


# --- storage ----------------------------------------------------------------------------------


def test_a_money_round_trips_through_the_database_as_minor_units() -> None:
    created = gadget(price=Money(1999, "USD"))

    loaded = Gadget.objects.get(pk=created.pk)

    assert loaded.price == Money(1999, "USD")
    assert loaded.price_minor == 1999
    assert loaded.currency == "USD"
    assert loaded.fixed_price is None
    assert loaded.list_price is None


def test_the_column_holds_the_integer() -> None:
    created = gadget(price=Money(1999, "USD"), fixed_price=Money(1500, "JPY"))

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT price_minor, fixed_price_minor, currency FROM money_probe_gadget WHERE id = %s",
            [created.pk],
        )
        assert cursor.fetchone() == (1999, 1500, "USD")


def test_a_money_sets_the_currency_of_a_row_that_has_none() -> None:
    # list_price is declared before the currency column; construction order must not matter.
    created = Gadget.objects.create(
        name="kettle", list_price=Money(2500, "GBP"), price=Money(1999, "GBP")
    )

    loaded = Gadget.objects.get(pk=created.pk)

    assert (loaded.currency, loaded.list_price, loaded.price) == (
        "GBP",
        Money(2500, "GBP"),
        Money(1999, "GBP"),
    )


def test_a_money_in_another_currency_than_the_row_is_refused() -> None:
    item = gadget(price=Money(1999, "USD"))

    with pytest.raises(CurrencyMismatch, match=r"Gadget\.price is in USD, not EUR"):
        item.price = Money(1999, "EUR")

    assert (item.price, item.currency) == (Money(1999, "USD"), "USD")


def test_conflicting_currencies_at_construction_are_refused() -> None:
    with pytest.raises(CurrencyMismatch):
        Gadget(name="x", currency="USD", price=Money(100, "EUR"))


def test_a_decimal_or_a_string_uses_the_row_currency() -> None:
    item = Gadget(name="clock", currency="KWD", price="1.234")
    item.list_price = Decimal("2.5")
    item.fixed_price = "1500"
    item.save()

    loaded = Gadget.objects.get(pk=item.pk)

    assert loaded.price == Money(1234, "KWD")
    assert loaded.list_price == Money(2500, "KWD")
    assert loaded.fixed_price == Money(1500, "JPY")


def test_an_amount_that_needs_rounding_is_refused_on_assignment() -> None:
    item = Gadget(name="clock", currency="USD", price="1.00")

    with pytest.raises(InvalidAmount):
        item.price = "19.999"
    with pytest.raises(InvalidAmount):
        item.fixed_price = Decimal("1.5")  # JPY has no minor unit
    assert item.price == Money(100, "USD")


def test_an_amount_without_a_row_currency_is_refused() -> None:
    item = Gadget(name="clock")

    with pytest.raises(UnknownCurrency):
        item.price = "19.99"


def test_an_int_is_minor_units_and_floats_and_bools_are_refused() -> None:
    item = Gadget(name="clock", currency="USD", price=1999)

    assert item.price == Money(1999, "USD")
    with pytest.raises(TypeError):
        item.price = 19.99
    with pytest.raises(TypeError):
        item.price = True


def test_a_fixed_currency_refuses_another_currency() -> None:
    item = Gadget(name="clock", currency="USD", price="1.00")

    with pytest.raises(CurrencyMismatch, match=r"Gadget\.fixed_price is in JPY, not USD"):
        item.fixed_price = Money(1500, "USD")


def test_changing_the_currency_column_reinterprets_the_stored_minor_units() -> None:
    item = gadget(price=Money(1999, "USD"))

    item.currency = "EUR"

    assert item.price == Money(1999, "EUR")


def test_null_round_trips() -> None:
    item = gadget(fixed_price=Money(1500, "JPY"))
    item.fixed_price = None
    item.save()

    item.refresh_from_db()

    assert item.fixed_price is None
    assert Gadget.objects.filter(fixed_price__isnull=True).count() == 1


def test_model_validation_refuses_null_where_the_column_is_not_null() -> None:
    item = Gadget(name="clock", currency="USD")

    with pytest.raises(ValidationError) as raised:
        item.full_clean()

    assert raised.value.message_dict == {"price": ["This field cannot be null."]}


def test_refresh_from_db_and_deferred_loading() -> None:
    item = gadget(price=Money(1999, "USD"))
    Gadget.objects.filter(pk=item.pk).update(price=Money(2500, "USD"))

    item.refresh_from_db(fields=["price"])
    assert item.price == Money(2500, "USD")

    deferred = Gadget.objects.defer("price").get(pk=item.pk)
    assert "price_minor" in deferred.get_deferred_fields()
    assert deferred.price == Money(2500, "USD")


def test_update_with_an_expression() -> None:
    item = gadget(price=Money(1999, "USD"))

    Gadget.objects.filter(pk=item.pk).update(price=F("price") + 1)

    item.refresh_from_db()
    assert item.price == Money(2000, "USD")


def test_bulk_create_and_bulk_update() -> None:
    created = Gadget.objects.bulk_create(
        [
            Gadget(name="a", currency="USD", price=Money(100, "USD")),
            Gadget(name="b", currency="JPY", price="1500", fixed_price=Money(10, "JPY")),
            Gadget(name="c", price=Money(5, "KWD")),
        ]
    )
    assert [g.name for g in created] == ["a", "b", "c"]
    rows = {g.name: g for g in Gadget.objects.all()}
    assert rows["a"].price == Money(100, "USD")
    assert (rows["b"].price, rows["b"].fixed_price) == (Money(1500, "JPY"), Money(10, "JPY"))
    assert rows["c"].price == Money(5, "KWD")

    rows["a"].price = Money(150, "USD")
    rows["b"].price = "2000"
    Gadget.objects.bulk_update([rows["a"], rows["b"]], ["price"])

    assert Gadget.objects.get(name="a").price == Money(150, "USD")
    assert Gadget.objects.get(name="b").price == Money(2000, "JPY")


# --- queries ----------------------------------------------------------------------------------


@pytest.fixture
def three_gadgets() -> list[Gadget]:
    return [
        gadget("cheap", Money(500, "USD")),
        gadget("middle", Money(1999, "USD")),
        gadget("dear", Money(10000, "USD"), fixed_price=Money(15000, "JPY")),
    ]


def names(queryset: models.QuerySet[Gadget]) -> list[str]:
    return list(queryset.order_by("price").values_list("name", flat=True))


@pytest.mark.usefixtures("three_gadgets")
def test_lookups_with_money_and_with_minor_units() -> None:
    assert names(Gadget.objects.filter(price=Money(1999, "USD"))) == ["middle"]
    assert names(Gadget.objects.filter(price__gt=Money(1999, "USD"))) == ["dear"]
    assert names(Gadget.objects.filter(price__gte=1999)) == ["middle", "dear"]
    assert names(Gadget.objects.filter(price__lt=Money(1999, "USD"))) == ["cheap"]
    assert names(Gadget.objects.filter(price__in=[Money(500, "USD"), 10000])) == [
        "cheap",
        "dear",
    ]
    assert names(Gadget.objects.filter(price__range=(Money(500, "USD"), 1999))) == [
        "cheap",
        "middle",
    ]
    assert names(Gadget.objects.filter(fixed_price=Money(15000, "JPY"))) == ["dear"]
    assert names(Gadget.objects.exclude(price=Money(500, "USD"))) == ["middle", "dear"]
    assert names(Gadget.objects.filter(price_minor=500)) == ["cheap"]


@pytest.mark.usefixtures("three_gadgets")
def test_lookups_refuse_values_that_would_lose_meaning() -> None:
    with pytest.raises(CurrencyMismatch):
        Gadget.objects.filter(fixed_price=Money(15000, "USD"))
    with pytest.raises(TypeError):
        Gadget.objects.filter(price=Decimal("19.99"))
    with pytest.raises(TypeError):
        Gadget.objects.filter(price__gt=19.99)


@pytest.mark.usefixtures("three_gadgets")
def test_values_and_values_list_return_minor_units() -> None:
    assert list(Gadget.objects.order_by("price").values_list("price", flat=True)) == [
        500,
        1999,
        10000,
    ]
    assert list(Gadget.objects.filter(name="middle").values("price", "currency")) == [
        {"price": 1999, "currency": "USD"}
    ]
    row = Gadget.objects.filter(name="middle").values().get()
    assert (row["price_minor"], row["fixed_price_minor"]) == (1999, None)


@pytest.mark.usefixtures("three_gadgets")
def test_aggregates_add_minor_units() -> None:
    totals = Gadget.objects.aggregate(total=Sum("price"), top=Max("price"), yen=Sum("fixed_price"))

    assert totals == {"total": 12499, "top": 10000, "yen": 15000}
    assert Money(totals["total"], "USD") == Money(12499, "USD")


@pytest.mark.usefixtures("three_gadgets")
def test_annotations_with_f_expressions_are_minor_units() -> None:
    doubled = Gadget.objects.annotate(doubled=F("price") * 2).get(name="middle")

    assert doubled.doubled == 3998


# --- currency through a relation --------------------------------------------------------------


def test_a_dotted_currency_path_reads_the_related_row() -> None:
    shop = Shop.objects.create(name="Stockholm", currency="SEK")
    listing = Listing.objects.create(shop=shop, price="12.50")

    loaded = Listing.objects.select_related("shop").get(pk=listing.pk)

    assert loaded.price == Money(1250, "SEK")
    assert loaded.price_minor == 1250


def test_a_dotted_currency_path_checks_but_never_sets_the_currency() -> None:
    shop = Shop.objects.create(name="Tokyo", currency="JPY")

    listing = Listing(shop=shop, price=Money(1500, "JPY"))
    assert listing.price == Money(1500, "JPY")
    with pytest.raises(CurrencyMismatch, match=r"Listing\.price is in JPY, not USD"):
        Listing(shop=shop, price=Money(1500, "USD"))
    with pytest.raises(InvalidAmount):
        listing.price = "15.5"
    assert shop.currency == "JPY"


# --- migrations and checks --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "expected_kwargs"),
    [
        (MoneyField(currency_field="currency"), {"currency_field": "currency"}),
        (MoneyField(currency="JPY", null=True), {"currency": "JPY", "null": True}),
        (MoneyField(currency_field="shop.currency"), {"currency_field": "shop.currency"}),
        (MoneyField(currency="USD", default=Money(0, "USD")), {"currency": "USD", "default": 0}),
    ],
)
def test_deconstruct_round_trips(field: MoneyField, expected_kwargs: dict[str, object]) -> None:
    _, path, args, kwargs = field.deconstruct()

    assert path == "emporium.infrastructure.db.money_field.MoneyField"
    assert (args, kwargs) == ([], expected_kwargs)
    assert MoneyField(*args, **kwargs).deconstruct()[1:] == (path, args, kwargs)


def test_makemigrations_finds_no_changes() -> None:
    out = StringIO()

    call_command("makemigrations", "money_probe", check=True, dry_run=True, stdout=out)

    assert "No changes detected" in out.getvalue()


@pytest.mark.parametrize(
    "kwargs",
    [{}, {"currency": "USD", "currency_field": "currency"}, {"currency_field": ""}],
)
def test_the_field_needs_exactly_one_currency_source(kwargs: dict[str, str]) -> None:
    with pytest.raises(TypeError):
        MoneyField(**kwargs)


def test_a_fixed_currency_must_be_known() -> None:
    with pytest.raises(UnknownCurrency):
        MoneyField(currency="usd")


def test_a_money_default_must_match_the_fixed_currency() -> None:
    with pytest.raises(TypeError):
        MoneyField(currency_field="currency", default=Money(0, "USD"))
    with pytest.raises(TypeError):
        MoneyField(currency="JPY", default=Money(0, "USD"))


@isolate_apps("tests.testapps.money_probe")
def test_a_missing_sibling_currency_column_fails_the_system_check() -> None:
    class Broken(models.Model):  # noqa: DJ008
        price = MoneyField(currency_field="curency")

        class Meta:
            app_label = "money_probe"

    errors = Broken._meta.get_field("price").check()

    assert [(e.id, e.level, e.msg) for e in errors] == [
        ("money.E001", checks.ERROR, "currency_field 'curency' is not a field of Broken.")
    ]


def test_the_probe_models_pass_the_system_checks() -> None:
    assert Gadget._meta.get_field("price").check() == []
    assert Listing._meta.get_field("price").check() == []


# --- serialization (dumpdata / loaddata) ------------------------------------------------------


def test_serializers_dump_and_load_minor_units() -> None:
    item = gadget(price=Money(1999, "USD"), fixed_price=Money(1500, "JPY"))

    dumped = serializers.serialize("python", [item])
    assert dumped[0]["fields"]["price"] == "1999"
    assert dumped[0]["fields"]["list_price"] is None

    Gadget.objects.all().delete()
    for restored in serializers.deserialize("python", dumped):
        restored.save()
    loaded = Gadget.objects.get()
    assert (loaded.price, loaded.fixed_price) == (Money(1999, "USD"), Money(1500, "JPY"))


# --- forms and the admin ----------------------------------------------------------------------


GadgetForm = modelform_factory(Gadget, fields=["name", "list_price", "currency", "price"])


def test_a_model_form_shows_the_amount_and_saves_minor_units() -> None:
    item = gadget(price=Money(1999, "USD"))

    assert GadgetForm(instance=item)["price"].value() == "19.99"

    form = GadgetForm({"name": "lamp", "currency": "USD", "price": "24.50"}, instance=item)
    assert form.is_valid(), form.errors
    form.save()
    assert Gadget.objects.get(pk=item.pk).price_minor == 2450


def test_a_model_form_checks_decimals_against_the_submitted_currency() -> None:
    # list_price comes before currency in the form; it is still checked against the new one.
    form = GadgetForm({"name": "x", "list_price": "1.5", "currency": "JPY", "price": "100"})

    assert not form.is_valid()
    assert form.errors == {"list_price": ["1.5 has more decimal places than JPY allows (0)."]}

    form = GadgetForm({"name": "x", "list_price": "1.5", "currency": "USD", "price": "100"})
    assert form.is_valid(), form.errors
    saved = form.save()
    assert (saved.list_price, saved.price) == (Money(150, "USD"), Money(10000, "USD"))


def test_a_model_form_reports_an_unknown_currency_on_the_amount() -> None:
    form = GadgetForm({"name": "x", "currency": "ZZZ", "price": "1.00"})

    assert not form.is_valid()
    assert form.errors == {"price": ["Unknown currency 'ZZZ'."]}


def test_a_model_form_refuses_a_non_number_and_unchanged_data_is_unchanged() -> None:
    item = gadget(price=Money(1990, "USD"))

    form = GadgetForm({"name": "lamp", "currency": "USD", "price": "abc"}, instance=item)
    assert not form.is_valid()
    assert form.errors == {"price": ["Enter a number."]}

    same = GadgetForm({"name": "lamp", "currency": "USD", "price": "19.9"}, instance=item)
    assert same.is_valid()
    assert same.changed_data == []


@pytest.fixture
def admin_client() -> Client:
    user = get_user_model().objects.create_superuser(
        username="root", email="root@example.com", password="a-long-test-password"
    )
    client = Client()
    client.force_login(user)
    return client


def admin_post(**fields: str) -> dict[str, str]:
    data = {"name": "lamp", "list_price": "", "currency": "USD", "price": "", "fixed_price": ""}
    return {**data, **fields, "_save": "Save"}


def test_the_admin_adds_a_gadget_from_an_amount_string(admin_client: Client) -> None:
    assert admin_client.get("/admin/money_probe/gadget/add/").status_code == 200

    response = admin_client.post(
        "/admin/money_probe/gadget/add/", admin_post(price="19.99", fixed_price="1500")
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    item = Gadget.objects.get()
    assert (item.price_minor, item.fixed_price_minor) == (1999, 1500)


def test_the_admin_change_form_shows_the_amount_and_saves_changes(admin_client: Client) -> None:
    item = gadget(price=Money(1999, "USD"), fixed_price=Money(1500, "JPY"))
    url = f"/admin/money_probe/gadget/{item.pk}/change/"

    page = admin_client.get(url).content.decode()
    assert 'name="price" value="19.99"' in page
    assert 'name="fixed_price" value="1500"' in page

    response = admin_client.post(url, admin_post(price="24.50", fixed_price=""))
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.price, item.fixed_price) == (Money(2450, "USD"), None)


def test_the_admin_list_shows_amounts(admin_client: Client) -> None:
    gadget(price=Money(1999, "USD"), fixed_price=Money(1500, "JPY"))

    page = admin_client.get("/admin/money_probe/gadget/").content.decode()

    assert "19.99" in page
    assert "1500" in page


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"price": "19.999"}, "price", "19.999 has more decimal places than USD allows (2)."),
        ({"fixed_price": "1.5", "price": "1"}, "fixed_price", "1.5 has more decimal places"),
        ({"price": "NaN"}, "price", "Enter a number."),
        ({"price": "1e999999999"}, "price", "is too large."),
        ({"currency": "usd", "price": "1"}, "price", "Unknown currency &#x27;usd&#x27;."),
    ],
)
def test_the_admin_shows_bad_amounts_as_form_errors(
    admin_client: Client, fields: dict[str, str], field: str, message: str
) -> None:
    item = gadget(price=Money(1999, "USD"))

    for url in ("/admin/money_probe/gadget/add/", f"/admin/money_probe/gadget/{item.pk}/change/"):
        response = admin_client.post(url, admin_post(**fields))

        assert response.status_code == 200
        errors = response.context["adminform"].form.errors
        assert list(errors) == [field]
        assert message in response.content.decode()
    assert Gadget.objects.get().price == Money(1999, "USD")
