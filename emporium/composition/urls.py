"""Routes of the endpoints that combine contexts, under /api/v1/."""

from django.urls import path

from emporium.composition.api.customer_data import (
    CustomerErasureView,
    CustomerExportView,
    MyErasureView,
    MyExportView,
)
from emporium.composition.api.settings import SettingsView

urlpatterns = [
    path("settings/", SettingsView.as_view(), name="tenant-settings"),
    path("me/export/", MyExportView.as_view(), name="me-export"),
    path("me/erasure/", MyErasureView.as_view(), name="me-erasure"),
    path("customers/<uuid:pk>/export/", CustomerExportView.as_view(), name="customer-export"),
    path("customers/<uuid:pk>/erasure/", CustomerErasureView.as_view(), name="customer-erasure"),
]
