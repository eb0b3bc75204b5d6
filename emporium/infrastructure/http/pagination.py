"""Cursor pagination: pages stay stable while rows are added or removed."""

from __future__ import annotations

from base64 import b64decode
from datetime import UTC, datetime
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import Cursor, CursorPagination
from rest_framework.request import Request


class CursorPages(CursorPagination):
    """``{"results", "next", "previous"}`` pages of 20 rows unless ``?page_size=`` (at most 100)."""

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100
    _model: Any = None

    def decode_cursor(self, request: Request) -> Cursor | None:
        raw = request.query_params.get(self.cursor_query_param)
        # DRF reads anything that decodes to nothing (a NUL, "%%") as the first page; a cursor
        # it wrote is never empty, so those are as malformed as any other.
        if raw and not _decodes_to_tokens(raw):
            raise ValidationError({self.cursor_query_param: ["Invalid cursor."]})
        try:
            cursor = super().decode_cursor(request)
        except NotFound as exc:  # DRF answers 404; a malformed parameter is a 400
            raise ValidationError({self.cursor_query_param: ["Invalid cursor."]}) from exc
        if cursor is not None and cursor.position is not None and not self._valid(cursor.position):
            # DRF compares the position with the ordering column as it stands: a forged one
            # ("p=garbage", a 99th month, an instant past year 9999) would fail in the query.
            raise ValidationError({self.cursor_query_param: ["Invalid cursor."]})
        return cursor

    def paginate_queryset(self, queryset: Any, request: Request, view: Any = None) -> Any:
        self._model = queryset.model
        return super().paginate_queryset(queryset, request, view)

    def _valid(self, position: Any) -> bool:
        """Return whether ``position`` is a value of the first ordering column."""
        field = self._model._meta.get_field(self.ordering[0].lstrip("-"))
        try:
            value = field.to_python(position)
            if isinstance(value, datetime):
                if value.tzinfo is None:  # DRF writes an aware column's value with its offset
                    return False
                value.astimezone(UTC)  # the database compares in UTC
        except (DjangoValidationError, ValueError, OverflowError):
            return False
        return True

    def rows(self, queryset: Any, request: Request) -> list[Any]:
        """Return the rows of the page ``request`` asks for."""
        return list(self.paginate_queryset(queryset, request) or [])

    def body(self, results: list[Any]) -> dict[str, Any]:
        """Return the page document around ``results``."""
        return {
            "results": results,
            "next": self.get_next_link(),
            "previous": self.get_previous_link(),
        }


def _decodes_to_tokens(raw: str) -> bool:
    try:
        return bool(b64decode(raw.encode("ascii"), validate=True).decode("ascii"))
    except (ValueError, UnicodeError):  # binascii.Error is a ValueError
        return False


class ByNamePagination(CursorPages):
    """Pages ordered by name, then id."""

    ordering = ("name", "id")


def page_of(
    document: type[serializers.Serializer[Any]], name: str
) -> type[serializers.Serializer[Any]]:
    """Return the serializer, named ``name`` in the OpenAPI schema, of a page of ``document``."""
    fields: dict[str, Any] = {
        "results": document(many=True),
        "next": serializers.URLField(allow_null=True),
        "previous": serializers.URLField(allow_null=True),
    }
    return type(name, (serializers.Serializer,), {"__module__": document.__module__, **fields})
