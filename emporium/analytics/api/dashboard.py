"""``GET /api/v1/analytics/dashboard/``: the shop's figures for a period beside the previous one."""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from emporium.analytics import bootstrap
from emporium.analytics.api.customers import LAG_HEADER
from emporium.analytics.domain.report import DEFAULT_DAYS, MAX_DAYS
from emporium.identity.public import ShopStaff
from emporium.infrastructure.http.money import MoneyField
from emporium.infrastructure.http.openapi import problem_responses
from emporium.infrastructure.http.views import TenantAPIView


def _money_list(help_text: str) -> serializers.ListField:
    return serializers.ListField(child=MoneyField(), help_text=help_text)


# "from" is a Python keyword, so this serializer is declared by its fields' names.
PeriodDocument = type(
    "PeriodDocument",
    (serializers.Serializer,),
    {
        "__module__": __name__,
        "__doc__": "The period's days, both included, in the shop's time zone.",
        "from": serializers.DateField(),
        "to": serializers.DateField(),
        "time_zone": serializers.CharField(),
    },
)


class DayDocument(serializers.Serializer[dict[str, Any]]):
    """One local day: net sales, orders paid, and the 7-day moving average of net sales."""

    date = serializers.DateField()
    net_sales = _money_list("Per currency.")
    orders = serializers.IntegerField()
    moving_average = _money_list("Net sales of the 7 days ending this day, over 7.")


class ProductDocument(serializers.Serializer[dict[str, Any]]):
    """A top product of the period."""

    product_id = serializers.UUIDField()
    name = serializers.CharField()
    units = serializers.IntegerField()
    revenue = _money_list("Line totals of the product's paid orders, per currency.")


class CustomersDocument(serializers.Serializer[dict[str, Any]]):
    """Customers who paid for the first time in the period, and those who had paid before."""

    new = serializers.IntegerField()
    returning = serializers.IntegerField()


class FiguresDocument(serializers.Serializer[dict[str, Any]]):
    """The figures of one period."""

    period = PeriodDocument()
    net_sales = _money_list("Totals of orders paid in the period less refunds made in it.")
    orders = serializers.IntegerField(help_text="Orders paid in the period.")
    average_order_value = _money_list("Paid totals over orders paid, per currency.")
    median_order_value = _money_list("Within 0.5% of the exact median (see the API guide).")
    series = DayDocument(many=True)
    top_products = ProductDocument(many=True)
    status_breakdown = serializers.DictField(
        child=serializers.IntegerField(), help_text="Orders placed in the period, by status now."
    )
    customers = CustomersDocument()


class TodoDocument(serializers.Serializer[dict[str, Any]]):
    """What waits for the shop now, whatever the period."""

    unpaid = serializers.IntegerField(help_text="Orders confirmed and not paid.")
    to_fulfil = serializers.IntegerField(help_text="Orders paid and not fulfilled.")
    out_of_stock = serializers.IntegerField(help_text="Published products with none available.")


class ActivityDocument(serializers.Serializer[dict[str, Any]]):
    """Something that happened to an order."""

    type = serializers.ChoiceField(choices=["placed", "paid", "refunded", "cancelled"])
    order_id = serializers.UUIDField()
    occurred_at = serializers.DateTimeField()
    amount = MoneyField()


class DashboardDocument(FiguresDocument):
    """The period's figures, the previous period's, the to-do counters and the latest news."""

    todo = TodoDocument()
    activity = ActivityDocument(many=True)
    previous = FiguresDocument()


class DashboardView(TenantAPIView):
    """The shop's dashboard: figures of a period in its time zone, beside the previous period."""

    permission_classes = [ShopStaff]

    @extend_schema(
        operation_id="analytics_dashboard",
        parameters=[
            OpenApiParameter(
                "from",
                OpenApiTypes.DATE,
                description=f"First local day, included; {DEFAULT_DAYS - 1} days before `to` "
                "if absent.",
            ),
            OpenApiParameter(
                "to",
                OpenApiTypes.DATE,
                description=f"Last local day, included; today in the shop's time zone if "
                f"absent. At most {MAX_DAYS} days from `from`.",
            ),
            OpenApiParameter(
                "rank",
                OpenApiTypes.STR,
                enum=["revenue", "units"],
                description="How top products are ranked (default revenue).",
            ),
        ],
        responses={
            200: DashboardDocument,
            **problem_responses(
                400,
                401,
                403,
                descriptions={
                    400: "A malformed date, from after to, over 366 days, or an unknown rank.",
                    403: "Customers may not read the shop's figures.",
                },
            ),
        },
    )
    def get(self, request: Request) -> Response:
        wanted = request.query_params
        read = bootstrap.dashboard_read(wanted.get("from"), wanted.get("to"), wanted.get("rank"))
        response = Response(read.document)
        if read.lagging:
            response[LAG_HEADER] = "true"
        return response
