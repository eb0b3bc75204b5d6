"""Root URL configuration."""

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from emporium.fulfilment.api.events import receive_event
from emporium.infrastructure.http import health

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves its bootstrap script as a file, so a strict CSP needs no inline script.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="docs"),
    path("api/v1/", include("emporium.identity.urls")),
    path("api/v1/", include("emporium.composition.urls")),
    path("api/v1/", include("emporium.catalog.urls")),
    path("api/v1/", include("emporium.inventory.urls")),
    path("api/v1/", include("emporium.ordering.urls")),
    path("api/v1/", include("emporium.payments.urls")),
    path("api/v1/", include("emporium.analytics.urls")),
    path("api/v1/", include("emporium.fulfilment.urls")),
    # The fulfilment service's events where no broker carries them (ADR 0018); signed.
    path("internal/events/", receive_event, name="internal-events"),
    path("admin/", admin.site.urls),
]
