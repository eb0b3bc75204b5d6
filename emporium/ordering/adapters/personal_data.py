"""Personal data in ordering's tables: the shipping address, in the order row and its events."""

from __future__ import annotations

from emporium.shared_kernel.personal_data import (
    Erasure,
    Export,
    NotPersonal,
    PersonalDataDeclaration,
    PersonalField,
)

#: The parts of a shipping address that name or locate the person; ``country`` is kept (tax).
ADDRESS_KEYS = ("name", "line1", "line2", "city", "postal_code")

DECLARATION = PersonalDataDeclaration(
    context="ordering",
    fields=(
        PersonalField(
            "ordering.Order",
            "shipping_address",
            holds=("name", "address"),
            erasure=Erasure.REPLACE,  # [erased] ("" for line2); country stays
            export=Export.INCLUDED,
            keys=ADDRESS_KEYS,
            rows="the customer's orders",
        ),
        PersonalField(
            "ordering.OrderEvent",
            "payload",
            holds=("name", "address"),
            erasure=Erasure.REPLACE,  # in place, as in the row: the stream still folds
            export=Export.INCLUDED,
            keys=tuple(f"shipping_address.{key}" for key in ADDRESS_KEYS),
            rows="ordering.order_placed v3 and ordering.fulfilment_requested v2 of the "
            "customer's orders",
        ),
    ),
    not_personal=(
        NotPersonal("ordering.OrderLine", "name", "the product's name when it was ordered"),
    ),
)
