"""Cursor pagination in name order: pages stay stable while rows are added or removed."""

from __future__ import annotations

from typing import Any

from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import Cursor, CursorPagination
from rest_framework.request import Request


class ByNamePagination(CursorPagination):
    """``{"results", "next", "previous"}`` pages ordered by name, then id."""

    ordering = ("name", "id")
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
