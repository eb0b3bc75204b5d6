"""Routes of the tenancy context under /api/v1/."""

from django.urls import path

from emporium.tenancy.api.settings import SettingsView

urlpatterns = [path("settings/", SettingsView.as_view(), name="tenant-settings")]
