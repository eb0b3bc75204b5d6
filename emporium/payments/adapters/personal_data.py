"""Personal data in payments' tables: the last four digits of a card."""

from __future__ import annotations

from emporium.shared_kernel.personal_data import (
    Erasure,
    Export,
    PersonalDataDeclaration,
    PersonalField,
)

DECLARATION = PersonalDataDeclaration(
    context="payments",
    fields=(
        PersonalField(
            "payments.Payment",
            "last4",
            holds=("card",),
            erasure=Erasure.BLANK,  # amounts, method, brand and status stay for accounting
            export=Export.OMITTED,  # the export holds no card data, brand and digits alike
            rows="the customer's payments",
        ),
    ),
)
