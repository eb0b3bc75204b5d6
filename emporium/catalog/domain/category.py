"""Categories: a tree that shops use to arrange their products."""

from __future__ import annotations

from dataclasses import dataclass, field
from uuid import UUID, uuid4

from emporium.catalog.domain.events import CategoryCreated
from emporium.shared_kernel.aggregate import Aggregate
from emporium.shared_kernel.errors import InvalidInput

NAME_MAX = 100
MAX_DEPTH = 5


@dataclass(kw_only=True, eq=False)
class Category(Aggregate[UUID]):
    """A node of the category tree; ``parent_id`` None for a top-level category."""

    id: UUID = field(default_factory=uuid4)
    name: str
    parent_id: UUID | None = None

    @classmethod
    def create(cls, name: str, parent: Category | None, parent_depth: int = 0) -> Category:
        """Return a new category under ``parent`` (at ``parent_depth``, 1 for a top level)."""
        name = name.strip()
        if not name or len(name) > NAME_MAX:
            raise InvalidInput(
                "A category needs a name.", errors={"name": [f"1 to {NAME_MAX} characters."]}
            )
        if parent is not None and parent_depth >= MAX_DEPTH:
            raise InvalidInput(
                "Categories nest at most five deep.",
                errors={"parent_id": [f"At most {MAX_DEPTH} levels."]},
            )
        category = cls(name=name, parent_id=parent.id if parent else None)
        category.record(
            CategoryCreated, name=name, parent_id=str(category.parent_id) if parent else None
        )
        return category
