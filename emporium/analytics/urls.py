"""Routes of the analytics context under /api/v1/."""

from django.urls import path

from emporium.analytics.api.sales import SalesView

urlpatterns = [
    path("analytics/sales/", SalesView.as_view(), name="analytics-sales"),
]
