"""The personal-data registry lists every column that may hold data about a person.

A column whose name suggests personal data (e-mail, name, phone, address, IP, user agent, ...)
or which may hold anything (JSON, free text, bytes) must be declared by its context: as personal
(with how it is exported and erased) or as not personal, with the reason.
"""

from __future__ import annotations

import dataclasses

import pytest
from django.apps import apps
from django.db import models
from django.test.utils import isolate_apps

from emporium.infrastructure.personal_data import (
    needs_declaration,
    registry,
    stale_entries,
    undeclared_fields,
)
from emporium.shared_kernel.personal_data import PersonalField


def production_models() -> list[type[models.Model]]:
    """Return every model of the project's apps (the test settings' probe apps left out)."""
    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if not type(model._meta.app_config).__module__.startswith("tests.")
        and not model._meta.app_config.name.startswith("tests.")
    ]


def test_every_suggestive_or_open_column_is_declared() -> None:
    assert undeclared_fields(production_models()) == []


def test_every_entry_names_an_existing_column() -> None:
    assert stale_entries() == []


def test_the_registry_holds_each_context_that_stores_personal_data() -> None:
    contexts = {declaration.context for declaration in registry()}

    assert {"infrastructure", "identity", "ordering", "payments", "analytics"} <= contexts


def test_the_walk_sees_the_columns_that_matter() -> None:
    seen = {
        f"{model._meta.label}.{field.name}"
        for model in production_models()
        for field in model._meta.concrete_fields
        if needs_declaration(field)
    }

    assert {
        "identity.User.email",
        "identity.User.name",
        "ordering.Order.shipping_address",
        "ordering.OrderEvent.payload",
        "infrastructure.OutboxMessage.payload",
        "infrastructure.DeliveryFailure.envelope",
        "infrastructure.IdempotencyRecord.response_body",
        "axes.AccessAttempt.username",
        "catalog.Product.name",
    } <= seen


@isolate_apps("emporium.ordering")
def test_a_planted_model_with_a_phone_number_fails_the_check() -> None:
    class Courier(models.Model):
        phone = models.CharField(max_length=30)
        first_name = models.CharField(max_length=100)
        notes = models.TextField()
        weight_grams = models.IntegerField()

        class Meta:
            app_label = "ordering"

        def __str__(self) -> str:
            return self.first_name

    assert undeclared_fields([Courier]) == [
        "ordering.Courier.phone",
        "ordering.Courier.first_name",
        "ordering.Courier.notes",
    ]


@pytest.mark.parametrize(
    "name",
    [
        "postcode",
        "post_code",
        "dob",
        "ssn",
        "national_id",
        "tel",
        "home_tel",
        "msisdn",
        "latitude",
        "lat",
        "lng",
        "longitude",
        "ipv4",
        "ipv6",
        "vat_id",
        "last_four",
        "last_4",
        "login",
        "town",
        "company",
        "device_id",
    ],
)
def test_a_name_that_suggests_personal_data_needs_a_declaration(name: str) -> None:
    assert needs_declaration(models.CharField(max_length=30, name=name))


@pytest.mark.parametrize(
    "name", ["status", "total_minor", "telemetry_count", "translation", "platform", "related_id"]
)
def test_an_ordinary_name_needs_none(name: str) -> None:
    assert not needs_declaration(models.CharField(max_length=30, name=name))


def test_an_e_mail_or_ip_column_needs_a_declaration_whatever_its_name() -> None:
    assert needs_declaration(models.EmailField(name="contact_point"))
    assert needs_declaration(models.GenericIPAddressField(name="origin"))


def test_a_column_dropped_from_the_registry_fails_the_check() -> None:
    without_email = [
        dataclasses.replace(
            declaration,
            fields=tuple(
                entry
                for entry in declaration.fields
                if (entry.model, entry.field) != ("identity.User", "email")
            ),
        )
        for declaration in registry()
    ]

    assert undeclared_fields(production_models(), without_email) == ["identity.User.email"]


def test_an_entry_for_a_column_that_does_not_exist_is_stale() -> None:
    (identity,) = (d for d in registry() if d.context == "identity")
    planted = dataclasses.replace(
        identity,
        fields=(
            *identity.fields,
            PersonalField("identity.User", "phone", ("phone",), "blank", "included"),  # type: ignore[arg-type]
        ),
    )

    assert stale_entries([planted]) == ["identity.User.phone"]
