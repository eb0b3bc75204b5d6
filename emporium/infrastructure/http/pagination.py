"""Cursor pagination: pages stay stable while rows are added or removed."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import Cursor, CursorPagination
from rest_framework.request import Request


class CursorPages(CursorPagination):
    """``{"results", "next", "previous"}`` pages of 20 rows unless ``?page_size=`` (at most 100)."""

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100

    def decode_cursor(self, request: Request) -> Cursor | None:
        try:
            return super().decode_cursor(request)
        except NotFound as exc:  # DRF answers 404; a malformed parameter is a 400
            raise ValidationError({self.cursor_query_param: ["Invalid cursor."]}) from exc

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
