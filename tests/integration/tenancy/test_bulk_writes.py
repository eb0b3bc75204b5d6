"""Bulk writes (update, bulk_update) cannot point rows into another tenant either."""

from __future__ import annotations

import pytest

from emporium.multitenancy.context import tenant_context
from emporium.multitenancy.scoping import TenantMismatch
from tests.testapps.tenant_probe.models import Item, Shelf

pytestmark = pytest.mark.django_db


@pytest.fixture
def shelves(acme_and_globex):
    acme, globex = acme_and_globex
    with tenant_context(globex):
        foreign = Shelf.objects.create(name="globex shelf")
    with tenant_context(acme):
        own = Shelf.objects.create(name="acme shelf")
        Item.objects.create(shelf=own, name="hammer")
    return acme, own, foreign


def test_update_to_another_tenants_row_is_refused(shelves) -> None:
    acme, own, foreign = shelves
    with tenant_context(acme):
        with pytest.raises(TenantMismatch):
            Item.objects.update(shelf=foreign.pk)
        with pytest.raises(TenantMismatch):
            Item.objects.filter(name="hammer").update(shelf_id=foreign.pk)
        with pytest.raises(TenantMismatch):
            Item.objects.update(tenant_id=foreign.tenant_id)

        assert list(Item.objects.values_list("shelf_id", flat=True)) == [own.pk]


def test_update_within_the_tenant_works(shelves) -> None:
    acme, _, _ = shelves
    with tenant_context(acme):
        other = Shelf.objects.create(name="second")

        assert Item.objects.update(shelf=other) == 1
        assert list(Item.objects.values_list("shelf__name", flat=True)) == ["second"]


def test_bulk_update_to_another_tenants_row_is_refused(shelves) -> None:
    acme, _, foreign = shelves
    with tenant_context(acme):
        item = Item.objects.get(name="hammer")
        item.shelf_id = foreign.pk

        with pytest.raises(TenantMismatch):
            Item.objects.bulk_update([item], ["shelf"])


def test_an_integrity_error_caught_in_a_savepoint_leaves_the_transaction_usable(shelves) -> None:
    from django.db import IntegrityError, transaction

    acme, _, _ = shelves
    with tenant_context(acme), transaction.atomic():
        with pytest.raises(IntegrityError), transaction.atomic():
            Shelf.objects.create(name="acme shelf")  # unique per tenant

        assert list(Shelf.objects.values_list("name", flat=True)) == ["acme shelf"]
