"""Personal data in catalog's tables: none."""

from __future__ import annotations

from emporium.shared_kernel.personal_data import NotPersonal, PersonalDataDeclaration

DECLARATION = PersonalDataDeclaration(
    context="catalog",
    fields=(),
    not_personal=(
        NotPersonal("catalog.Category", "name", "a category of products"),
        NotPersonal("catalog.Product", "name", "a product's name"),
        NotPersonal("catalog.Product", "description", "a product's description"),
    ),
)
