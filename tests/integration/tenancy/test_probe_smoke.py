import pytest

from emporium.multitenancy.context import tenant_context
from tests.testapps.tenant_probe.models import Shelf

pytestmark = pytest.mark.django_db


def test_rows_of_two_tenants_stay_apart(acme_and_globex) -> None:
    acme, globex = acme_and_globex
    with tenant_context(acme):
        Shelf.objects.create(name="tools")
    with tenant_context(globex):
        Shelf.objects.create(name="toys")
        assert list(Shelf.objects.values_list("name", flat=True)) == ["toys"]
