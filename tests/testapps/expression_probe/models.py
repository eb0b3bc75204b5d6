"""Rows that exercise ``infrastructure.db.expressions`` and ``lookups`` (no tenant: plain SQL)."""

from django.db import models


class Sale(models.Model):
    """A payment of ``paid_minor`` minor units in ``currency`` at ``occurred_at``."""

    shop = models.CharField(max_length=20)
    label = models.CharField(max_length=100, blank=True)
    note = models.TextField(blank=True)
    occurred_at = models.DateTimeField()
    currency = models.CharField(max_length=3)
    paid_minor = models.BigIntegerField(null=True)

    def __str__(self) -> str:
        return f"{self.shop} {self.occurred_at} {self.paid_minor} {self.currency}"
