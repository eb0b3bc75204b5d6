"""Routes of the payments context under /api/v1/."""

from django.urls import path

from emporium.payments.api.payments import PayOrderView, RefundPaymentView
from emporium.payments.api.webhooks import PaymentWebhookView

urlpatterns = [
    path("orders/<uuid:pk>/payments/", PayOrderView.as_view(), name="order-payments"),
    path("payments/<uuid:pk>/refunds/", RefundPaymentView.as_view(), name="payment-refunds"),
    path(
        "webhooks/payments/<str:provider>/",
        PaymentWebhookView.as_view(),
        name="payment-webhooks",
    ),
]
