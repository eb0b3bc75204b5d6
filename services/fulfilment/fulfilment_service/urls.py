"""The service's URLs: health, the shipment read and the event push endpoint."""

from django.urls import path

from shipments import views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("api/v1/shipments/<str:order_id>/", views.shipment_detail, name="shipment-detail"),
    path("internal/events/", views.push_event, name="push-event"),
]

handler404 = "shipments.problems.not_found"
handler500 = "shipments.problems.server_error"
