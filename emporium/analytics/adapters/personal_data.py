"""Personal data in analytics' read models: none; customers appear by account id only.

The orders CSV reads each customer's e-mail from identity when it is downloaded, so an erased
customer's rows show the placeholder address.
"""

from __future__ import annotations

from emporium.shared_kernel.personal_data import NotPersonal, PersonalDataDeclaration

DECLARATION = PersonalDataDeclaration(
    context="analytics",
    fields=(),
    not_personal=(
        NotPersonal("analytics.ProductSales", "name", "a product's name"),
        NotPersonal("analytics.WeeklyProductSales", "name", "a product's name"),
        NotPersonal(
            "analytics.UnpaidOrderLines",
            "lines",
            "product ids, product names, quantities and totals of an unpaid order",
        ),
    ),
)
