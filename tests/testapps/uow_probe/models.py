"""The probe's row: the stored form of a ``Probe`` aggregate."""

from django.db import models


class ProbeRow(models.Model):
    """A probe as stored; the repository maps it to and from the aggregate."""

    id = models.UUIDField(primary_key=True)
    name = models.CharField(max_length=100)
    version = models.PositiveIntegerField()

    def __str__(self) -> str:
        return self.name
