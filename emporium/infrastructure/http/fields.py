"""Serializer fields every API shares: strict JSON input types and the one timestamp format."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from rest_framework import serializers

from emporium.shared_kernel.events import rfc3339


class StrictIntegerField(serializers.IntegerField):
    """A JSON integer: not a string, a float or a boolean that DRF would otherwise turn into one."""

    def to_internal_value(self, data: Any) -> int:
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return int(super().to_internal_value(data))


class StrictCharField(serializers.CharField):
    """A JSON string: a number or a boolean is refused instead of being turned into text."""

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictBooleanField(serializers.BooleanField):
    """A JSON true or false: not "yes", 1 or null, which DRF would otherwise read as one."""

    def to_internal_value(self, data: Any) -> bool:
        if not isinstance(data, bool):
            self.fail("invalid")
        return data


class StrictEmailField(StrictCharField, serializers.EmailField):
    """An e-mail address that arrived as a JSON string."""


def timestamp(value: datetime) -> str:
    """Return ``value`` as every API document and event writes an instant: RFC 3339, UTC, ``Z``."""
    return rfc3339(value)


def optional_timestamp(value: datetime | None) -> str | None:
    """Return ``timestamp(value)``, or None for no instant."""
    return timestamp(value) if value is not None else None


class TimestampField(serializers.DateTimeField):
    """An instant in a response document, written by ``timestamp``."""

    def to_representation(self, value: datetime | str) -> str:
        if isinstance(value, str):
            return value  # a document built by ``timestamp`` already
        return timestamp(value)
