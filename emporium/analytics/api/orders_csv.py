"""The orders export: every order of a period as one CSV row, streamed as it is read."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from typing import Any

from django.http import StreamingHttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.request import Request

from emporium.analytics.adapters import order_export
from emporium.analytics.domain.report import DEFAULT_DAYS, MAX_DAYS
from emporium.identity.public import ShopStaff
from emporium.infrastructure.http.openapi import problem_responses
from emporium.infrastructure.http.streaming import TenantStream
from emporium.infrastructure.http.views import TenantAPIView
from emporium.multitenancy.context import require_tenant

CONTENT_TYPE = "text/csv; charset=utf-8"
#: Spreadsheets read a file as UTF-8 only when it starts with the byte order mark.
BOM = "\ufeff"


def csv_body(chunks: Iterable[list[tuple[str, ...]]]) -> Iterator[bytes]:
    """Return each chunk of rows as UTF-8 CSV (RFC 4180: CRLF, quoted only where needed).

    The first piece starts with the byte order mark. ``QUOTE_MINIMAL`` quotes a cell holding a
    comma, a quote (doubled) or a line break, which is all RFC 4180 asks.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    buffer.write(BOM)
    for rows in chunks:
        writer.writerows(rows)
        yield buffer.getvalue().encode("utf-8")
        buffer.seek(0)
        buffer.truncate()


class OrdersCsvView(TenantAPIView):
    """Every order of the shop created in a period, oldest first, as a CSV download."""

    permission_classes = [ShopStaff]

    def perform_content_negotiation(self, request: Request, force: bool = False) -> Any:
        # The answer is CSV whatever Accept asks for; only a problem document goes through a
        # renderer (JSON), so an Accept of text/csv must not end in 406.
        return super().perform_content_negotiation(request, force=True)

    @extend_schema(
        operation_id="analytics_orders_csv",
        parameters=[
            OpenApiParameter(
                "from",
                OpenApiTypes.DATE,
                description=f"First day (the shop's time zone), included; {DEFAULT_DAYS - 1} "
                "days before `to` if absent.",
            ),
            OpenApiParameter(
                "to",
                OpenApiTypes.DATE,
                description=f"Last day (the shop's time zone), included; today there if absent. "
                f"At most {MAX_DAYS} days from `from`.",
            ),
            OpenApiParameter(
                "Content-Disposition",
                str,
                OpenApiParameter.HEADER,
                response=[200],
                description='`attachment; filename="orders-<from>-<to>.csv"`.',
            ),
        ],
        responses={
            (200, "text/csv"): OpenApiResponse(
                OpenApiTypes.STR,
                description="UTF-8 with a byte order mark, CRLF line ends, a header row "
                "(order_id, created_at, customer_email, status, subtotal, tax, shipping, total, "
                "refunded, currency), then one row per order by created_at; streamed, as an "
                'attachment named "orders-<from>-<to>.csv".',
            ),
            **problem_responses(
                400,
                401,
                403,
                descriptions={
                    400: "A malformed date, from after to, or over 366 days.",
                    403: "Customers may not export the shop's orders.",
                },
            ),
        },
    )
    def get(self, request: Request) -> StreamingHttpResponse:
        export = order_export.orders_export(
            request.query_params.get("from"), request.query_params.get("to")
        )
        body = TenantStream(require_tenant(), lambda: csv_body(order_export.order_rows(export)))
        response = StreamingHttpResponse(body, content_type=CONTENT_TYPE)
        response["Content-Disposition"] = f'attachment; filename="{export.filename}"'
        response["Cache-Control"] = "no-store"  # customers' e-mails: no cache keeps a copy
        return response
