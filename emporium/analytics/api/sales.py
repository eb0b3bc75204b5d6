"""The sales API: a tenant's daily orders, units and revenue over a period."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from emporium.analytics import bootstrap
from emporium.analytics.domain.report import DEFAULT_DAYS, MAX_DAYS, Sales, SalesReport
from emporium.identity.public import ShopStaff
from emporium.infrastructure.http.money import MoneyField
from emporium.infrastructure.http.openapi import problem_responses
from emporium.infrastructure.http.views import TenantAPIView


class SalesDocument(serializers.Serializer[dict[str, Any]]):
    """Orders placed, their units, revenue net of refunds, and refunds made (documentation)."""

    orders = serializers.IntegerField()
    units = serializers.IntegerField()
    revenue = MoneyField(help_text="Totals of the orders placed, less the refunds made.")
    refunded = MoneyField(help_text="Refunds made, whichever day their order was placed.")


class DaySalesDocument(SalesDocument):
    """The sales of one UTC day."""

    date = serializers.DateField()


# "from" is a Python keyword, so this serializer is declared by its fields' names.
SalesReportDocument = type(
    "SalesReportDocument",
    (serializers.Serializer,),
    {
        "__module__": __name__,
        "__doc__": "Every day of the period, zeros included, and the period's totals.",
        "from": serializers.DateField(),
        "to": serializers.DateField(),
        "days": DaySalesDocument(many=True),
        "totals": SalesDocument(),
    },
)


def _sales(sales: Sales) -> dict[str, Any]:
    return {
        "orders": sales.orders,
        "units": sales.units,
        "revenue": sales.revenue.to_dict(),
        "refunded": sales.refunded.to_dict(),
    }


def report_document(report: SalesReport) -> dict[str, Any]:
    """Return the report as the API shows it."""
    return {
        "from": report.period.start.isoformat(),
        "to": report.period.end.isoformat(),
        "days": [{"date": day.isoformat(), **_sales(sales)} for day, sales in report.days],
        "totals": _sales(report.totals),
    }


class SalesView(TenantAPIView):
    """The shop's sales per UTC day, in the shop's currency; cancelled orders do not count."""

    permission_classes = [ShopStaff]

    @extend_schema(
        operation_id="analytics_sales",
        parameters=[
            OpenApiParameter(
                "from",
                OpenApiTypes.DATE,
                description=f"First day, included; {DEFAULT_DAYS - 1} days before `to` if absent.",
            ),
            OpenApiParameter(
                "to",
                OpenApiTypes.DATE,
                description=f"Last day, included; today (UTC) if absent. At most {MAX_DAYS} "
                "days from `from`.",
            ),
        ],
        responses={
            200: SalesReportDocument,
            **problem_responses(
                400,
                401,
                403,
                descriptions={
                    400: "A malformed date, from after to, or over 366 days.",
                    403: "Customers may not read the shop's sales.",
                },
            ),
        },
    )
    def get(self, request: Request) -> Response:
        start, end = request.query_params.get("from"), request.query_params.get("to")
        return Response(report_document(bootstrap.sales_report(start, end)))
