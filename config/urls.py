"""Root URL configuration."""

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

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
    path("admin/", admin.site.urls),
]
