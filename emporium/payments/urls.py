"""Routes of the payments context under /api/v1/."""

from django.urls import path

from emporium.payments.api.payments import (
    PaymentDetailView,
    PaymentListView,
    PayOrderView,
    RefundPaymentView,
)
from emporium.payments.api.webhooks import PaymentWebhookView

urlpatterns = [
    path("orders/<uuid:pk>/payments/", PayOrderView.as_view(), name="order-payments"),
    path("payments/", PaymentListView.as_view(), name="payments"),
    path("payments/<uuid:pk>/", PaymentDetailView.as_view(), name="payment"),
    path("payments/<uuid:pk>/refunds/", RefundPaymentView.as_view(), name="payment-refunds"),
    path(
        "webhooks/payments/<str:provider>/",
        PaymentWebhookView.as_view(),
        name="payment-webhooks",
    ),
]
