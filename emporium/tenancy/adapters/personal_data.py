"""Personal data in tenancy's tables: none about customers."""

from __future__ import annotations

from emporium.shared_kernel.personal_data import NotPersonal, PersonalDataDeclaration

DECLARATION = PersonalDataDeclaration(
    context="tenancy",
    fields=(),
    not_personal=(
        NotPersonal(
            "tenancy.Tenant",
            "name",
            "the shop's trading name; it leaves with the tenant (delete_tenant), not by erasure",
        ),
        NotPersonal(
            "tenancy.TenantSettings", "payment_methods", "the payment methods a shop accepts"
        ),
    ),
)
