"""The personal-data registry: every context's declaration, and the check that it is complete.

``registry()`` collects the ``DECLARATION`` of each installed context's
``adapters/personal_data.py`` (found through the app registry, so this package imports no
context) and the shared tables' declaration below. ``undeclared_fields(models)`` names each
column whose name suggests personal data, or which may hold anything (JSON, free text, bytes),
that no declaration lists, and ``stale_entries`` each entry naming a column that does not exist.
"""

from __future__ import annotations

import importlib
import importlib.util
import re
from collections.abc import Iterable
from functools import cache

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models

from emporium.shared_kernel.personal_data import (
    Erasure,
    Export,
    NotPersonal,
    PersonalDataDeclaration,
    PersonalField,
)

#: Column names that suggest data about a person.
SUGGESTIVE = re.compile(
    r"e_?mail|name|phone|mobile|fax|address|addr|(^|_)ip(v[46])?(_|$)|user_?agent|street|city"
    r"|town|postal|post_?code|zip|(^|_)line\d|birth|(^|_)dob(_|$)|gender|(^|_)ship_|recipient"
    r"|contact|username|(^|_)login(_|$)|(^|_)repr|message|note|comment|(^|_)card|last_?4"
    r"|last_?four|iban|(^|_)(tax|vat)_id|passport|(^|_)ssn(_|$)|national_id|(^|_)tel(_|$)"
    r"|msisdn|location|geo|latitude|longitude|(^|_)(lat|lng|lon)(_|$)|company|device_id",
)
#: Column types that may hold anything, personal data included, or that only hold a person's
#: data (an e-mail, an IP address) whatever the column is called.
OPEN_TYPES = (
    models.JSONField,
    models.TextField,
    models.BinaryField,
    models.EmailField,
    models.GenericIPAddressField,
)

#: Where each context declares its tables (a module-level ``DECLARATION``).
MODULE = "adapters.personal_data"

SHARED = PersonalDataDeclaration(
    context="infrastructure",
    fields=(
        PersonalField(
            "infrastructure.OutboxMessage",
            "payload",
            holds=("e-mail", "name", "address"),
            erasure=Erasure.REPLACE,
            export=Export.OMITTED,
            keys=(
                "email",
                "name",
                "shipping_address.name",
                "shipping_address.line1",
                "shipping_address.line2",
                "shipping_address.city",
                "shipping_address.postal_code",
            ),
            rows="identity.customer_registered (email, name); ordering.order_placed v3 and "
            "ordering.fulfilment_requested v2 (shipping_address but country)",
        ),
        PersonalField(
            "infrastructure.OutboxMessage",
            "last_error",
            holds=("free-text",),
            erasure=Erasure.SCRUB_TEXT,
            export=Export.OMITTED,
            rows="rows of the customer's account and orders",
        ),
        PersonalField(
            "infrastructure.DeliveryFailure",
            "envelope",
            holds=("e-mail", "name", "address"),
            erasure=Erasure.REPLACE,
            export=Export.OMITTED,
            keys=(
                "payload.email",
                "payload.name",
                "payload.shipping_address.name",
                "payload.shipping_address.line1",
                "payload.shipping_address.line2",
                "payload.shipping_address.city",
                "payload.shipping_address.postal_code",
            ),
            rows="a JSON envelope kept as text: the outbox payload's keys under payload",
        ),
        PersonalField(
            "infrastructure.DeliveryFailure",
            "last_error",
            holds=("free-text",),
            erasure=Erasure.SCRUB_TEXT,
            export=Export.OMITTED,
            rows="rows of the customer's account and orders",
        ),
        PersonalField(
            "infrastructure.IdempotencyRecord",
            "response_body",
            holds=("e-mail", "name", "address"),
            erasure=Erasure.DELETE_ROW,
            export=Export.OMITTED,
            rows="the stored answers of the customer's requests (an order shows its address)",
        ),
    ),
    not_personal=(
        NotPersonal(
            "infrastructure.ProjectionState", "name", "the name of a projection, not of a person"
        ),
    ),
)


@cache
def registry() -> tuple[PersonalDataDeclaration, ...]:
    """Return every declaration: the shared tables' and each installed context's."""
    found = [SHARED]
    for config in apps.get_app_configs():
        if not config.name.startswith("emporium."):
            continue
        package = f"{config.name}.{MODULE}"
        if importlib.util.find_spec(f"{config.name}.adapters") is None:
            continue
        if importlib.util.find_spec(package) is None:
            continue
        module = importlib.import_module(package)
        found.append(module.DECLARATION)
    return tuple(found)


def personal_fields(model: str | None = None) -> list[PersonalField]:
    """Return the declared personal columns (of ``model``, ``app_label.ModelName``, if given)."""
    return [
        entry
        for declaration in registry()
        for entry in declaration.fields
        if model is None or entry.model == model
    ]


def declared_columns(
    declarations: Iterable[PersonalDataDeclaration],
) -> set[tuple[str, str]]:
    """Return ``(model, field)`` of every entry, personal or not."""
    columns: set[tuple[str, str]] = set()
    for declaration in declarations:
        columns.update((entry.model, entry.field) for entry in declaration.fields)
        columns.update((entry.model, entry.field) for entry in declaration.not_personal)
    return columns


def needs_declaration(field: models.Field[object, object]) -> bool:
    """Return whether a column must be declared: a suggestive name, or an open type."""
    return bool(SUGGESTIVE.search(field.name.lower())) or isinstance(field, OPEN_TYPES)


def undeclared_fields(
    model_classes: Iterable[type[models.Model]],
    declarations: Iterable[PersonalDataDeclaration] | None = None,
) -> list[str]:
    """Return ``app_label.Model.field`` of each column that needs a declaration and has none."""
    declared = declared_columns(registry() if declarations is None else declarations)
    missing = []
    for model in model_classes:
        for field in model._meta.concrete_fields:
            if needs_declaration(field) and (model._meta.label, field.name) not in declared:
                missing.append(f"{model._meta.label}.{field.name}")
    return missing


def stale_entries(
    declarations: Iterable[PersonalDataDeclaration] | None = None,
) -> list[str]:
    """Return each declared ``model.field`` that names no model or no column."""
    stale = []
    for model_label, field_name in sorted(
        declared_columns(registry() if declarations is None else declarations)
    ):
        try:
            model = apps.get_model(model_label)
            model._meta.get_field(field_name)
        except (LookupError, FieldDoesNotExist):
            stale.append(f"{model_label}.{field_name}")
    return stale
