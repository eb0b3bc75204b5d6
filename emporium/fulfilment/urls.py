"""Routes of the fulfilment context under /api/v1/."""

from django.urls import path

from emporium.fulfilment.api.tracking import OrderTrackingView

urlpatterns = [
    path("orders/<uuid:pk>/tracking/", OrderTrackingView.as_view(), name="order-tracking"),
]
