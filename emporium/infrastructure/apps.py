"""Django app for the adapters every context shares: HTTP basics, outbox, database setup."""

from django.apps import AppConfig
from django.db.backends.signals import connection_created


class InfrastructureConfig(AppConfig):
    name = "emporium.infrastructure"
    label = "infrastructure"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from emporium.infrastructure import retention  # noqa: F401 - registers its rules
        from emporium.infrastructure.db import lookups, sqlite_functions

        lookups.register()
        connection_created.connect(
            sqlite_functions.install, dispatch_uid="emporium.infrastructure.sqlite_functions"
        )
