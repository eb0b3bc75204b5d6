"""Where each projection of each tenant stands: its position in the event stream, its rows."""

from __future__ import annotations

from django.db import models

from emporium.multitenancy.scoping import TenantOwnedModel


class ProjectionState(TenantOwnedModel):
    """A projection's tracking row for one tenant, written with its view rows in one transaction.

    ``generation`` marks the view rows that reads see; a rebuild writes ``rebuilding`` rows
    beside them and swaps the numbers when it has caught up.
    """

    name = models.CharField(max_length=64)
    position = models.BigIntegerField(default=0)
    generation = models.PositiveIntegerField(default=1)
    rebuilding = models.PositiveIntegerField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta(TenantOwnedModel.Meta):
        constraints = [
            models.UniqueConstraint(fields=["tenant", "name"], name="projection_state_name")
        ]

    def __str__(self) -> str:
        return f"{self.name} at {self.position} (generation {self.generation})"
