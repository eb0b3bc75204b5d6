"""The shared serializer fields: strict JSON input types and the one timestamp format."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from rest_framework import serializers

from emporium.infrastructure.http.fields import (
    StrictCharField,
    StrictEmailField,
    StrictIntegerField,
    TimestampField,
    optional_timestamp,
    timestamp,
)


class Shape(serializers.Serializer[dict[str, object]]):
    count = StrictIntegerField(min_value=0)
    text = StrictCharField(max_length=5)
    email = StrictEmailField()


def errors(**data: object) -> dict[str, object]:
    shape = Shape(data={"count": 1, "text": "a", "email": "a@b.example", **data})
    shape.is_valid()
    return dict(shape.errors)


def test_json_types_that_drf_would_coerce_are_refused() -> None:
    assert errors() == {}
    assert set(errors(count="1", text=5, email=True)) == {"count", "text", "email"}
    assert set(errors(count=True)) == {"count"}
    assert set(errors(count=1.0)) == {"count"}
    assert set(errors(email="not an address")) == {"email"}


@pytest.mark.parametrize(
    ("instant", "text"),
    [
        (datetime(2026, 11, 25, 12, 3, 9, 250000, tzinfo=UTC), "2026-11-25T12:03:09.250000Z"),
        (datetime(2026, 11, 25, 12, 3, 9, tzinfo=UTC), "2026-11-25T12:03:09Z"),
        (
            datetime(2026, 11, 25, 13, 3, 9, tzinfo=timezone(timedelta(hours=1))),
            "2026-11-25T12:03:09Z",
        ),
    ],
)
def test_timestamps_are_rfc_3339_in_utc_with_z(instant: datetime, text: str) -> None:
    assert timestamp(instant) == text
    assert optional_timestamp(instant) == text
    assert TimestampField().to_representation(instant) == text


def test_the_field_writes_what_drf_writes_for_utc_and_keeps_built_documents() -> None:
    instant = datetime(2026, 11, 25, 12, 3, 9, 250000, tzinfo=UTC)
    assert TimestampField().to_representation(instant) == (
        serializers.DateTimeField().to_representation(instant)
    )
    assert TimestampField().to_representation("2026-11-25T12:03:09Z") == "2026-11-25T12:03:09Z"
    assert optional_timestamp(None) is None
