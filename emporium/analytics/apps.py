"""Django app of the analytics context."""

from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "emporium.analytics"
    label = "analytics"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Imported here: the bootstrap loads models, which need the app registry ready.
        from emporium.analytics import bootstrap

        bootstrap.register_projections()
