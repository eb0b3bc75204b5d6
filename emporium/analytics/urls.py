"""Routes of the analytics context under /api/v1/."""

from django.urls import path

from emporium.analytics.api.customers import CustomerSummaryView, MySummaryView
from emporium.analytics.api.dashboard import DashboardView
from emporium.analytics.api.orders_csv import OrdersCsvView
from emporium.analytics.api.sales import SalesView

urlpatterns = [
    path("analytics/sales/", SalesView.as_view(), name="analytics-sales"),
    path("analytics/dashboard/", DashboardView.as_view(), name="analytics-dashboard"),
    path("analytics/orders.csv", OrdersCsvView.as_view(), name="analytics-orders-csv"),
    path("me/summary/", MySummaryView.as_view(), name="me-summary"),
    path("customers/<uuid:pk>/summary/", CustomerSummaryView.as_view(), name="customer-summary"),
]
