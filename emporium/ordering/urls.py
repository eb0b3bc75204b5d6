"""Routes of the ordering context under /api/v1/."""

from django.urls import path

from emporium.ordering.api.orders import (
    CancelOrderView,
    FulfilOrderView,
    OrderDetailView,
    OrderHistoryView,
    OrderListView,
)

urlpatterns = [
    path("orders/", OrderListView.as_view(), name="orders"),
    path("orders/<uuid:pk>/", OrderDetailView.as_view(), name="order"),
    path("orders/<uuid:pk>/cancel/", CancelOrderView.as_view(), name="order-cancel"),
    path("orders/<uuid:pk>/fulfil/", FulfilOrderView.as_view(), name="order-fulfil"),
    path("orders/<uuid:pk>/history/", OrderHistoryView.as_view(), name="order-history"),
]
