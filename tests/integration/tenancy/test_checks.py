"""The system check refuses tenant-owned models whose uniqueness or indexes ignore the tenant."""

from __future__ import annotations

from django.db import models
from django.db.models.functions import Lower
from django.test.utils import isolate_apps

from emporium.multitenancy.checks import _model_errors, check_tenant_owned_models
from emporium.multitenancy.scoping import TenantManager, TenantOwnedModel


def test_the_project_passes_the_check() -> None:
    assert check_tenant_owned_models() == []


@isolate_apps("tests.testapps.tenant_probe")
def test_unique_field_and_non_leading_constraint_and_index_are_errors() -> None:
    class Coupon(TenantOwnedModel):
        code = models.CharField(max_length=20, unique=True)
        owner = models.ForeignKey("tenancy.Tenant", on_delete=models.CASCADE, related_name="+")
        label = models.CharField(max_length=20)

        class Meta(TenantOwnedModel.Meta):
            app_label = "tenant_probe"
            constraints = [models.UniqueConstraint(fields=["label", "tenant"], name="bad_unique")]
            indexes = [models.Index(fields=["label"], name="bad_index")]

    ids = sorted(error.id for error in _model_errors(Coupon))

    assert ids == ["tenancy.E002", "tenancy.E003", "tenancy.E004", "tenancy.E005"]


@isolate_apps("tests.testapps.tenant_probe")
def test_a_meta_that_does_not_inherit_still_gets_the_scoped_base_manager() -> None:
    class Loose(TenantOwnedModel):
        class Meta:
            app_label = "tenant_probe"

    assert isinstance(Loose._base_manager, TenantManager)
    assert list(_model_errors(Loose)) == []


@isolate_apps("tests.testapps.tenant_probe")
def test_an_expression_constraint_must_lead_with_the_tenant_too() -> None:
    class Badge(TenantOwnedModel):
        label = models.CharField(max_length=20)

        class Meta(TenantOwnedModel.Meta):
            app_label = "tenant_probe"
            constraints = [
                models.UniqueConstraint(models.F("tenant"), Lower("label"), name="good_ci"),
                models.UniqueConstraint(Lower("label"), models.F("tenant"), name="bad_ci"),
            ]

    errors = list(_model_errors(Badge))

    assert [(e.id, e.msg) for e in errors] == [
        ("tenancy.E004", "tenant_probe.Badge constraint bad_ci does not lead with tenant.")
    ]
