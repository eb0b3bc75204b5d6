"""The idempotency-key table: one claimed key per (tenant, account, key), then its answer."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from emporium.multitenancy.scoping import TenantOwnedModel


class IdempotencyRecord(TenantOwnedModel):
    """An ``Idempotency-Key`` of one account: claimed while its request runs, then its answer."""

    IN_PROGRESS = "in_progress"
    DONE = "done"

    user_id = models.UUIDField()  # a plain id, as in the audit log: no join, no FK check to write
    key = models.CharField(max_length=255)
    request_hash = models.CharField(max_length=64)  # SHA-256 of method, path and raw body
    state = models.CharField(
        max_length=16, choices=[(IN_PROGRESS, IN_PROGRESS), (DONE, DONE)], default=IN_PROGRESS
    )
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    # Bytes, not text: a replay must be the first answer byte for byte.
    response_body = models.BinaryField(null=True, blank=True)
    response_content_type = models.CharField(max_length=255, blank=True)
    # Set again when an abandoned claim is taken over; a claim is identified by it.
    created_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta(TenantOwnedModel.Meta):
        # Born in identity: the table and its constraint and index keep their first names.
        db_table = "identity_idempotencyrecord"
        constraints = [
            models.UniqueConstraint(
                fields=["tenant", "user_id", "key"], name="identity_idempotency_key"
            )
        ]
        indexes = [models.Index(fields=["tenant", "created_at"], name="identity_idempotency_age")]

    def __str__(self) -> str:
        return f"idempotency key {self.key} of {self.user_id}"
