"""Routes of the endpoints that combine contexts, under /api/v1/."""

from django.urls import path

from emporium.composition.api.settings import SettingsView

urlpatterns = [path("settings/", SettingsView.as_view(), name="tenant-settings")]
