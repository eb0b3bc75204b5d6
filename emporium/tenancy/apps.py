"""Django app of the tenancy context."""

from django.apps import AppConfig
from django.db.models.signals import post_migrate


class TenancyConfig(AppConfig):
    name = "emporium.tenancy"
    label = "tenancy"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from emporium.tenancy import checks  # noqa: F401  (registers the system checks)
        from emporium.tenancy.rls import apply_policies_after_migrate

        # Sent once per app after every migrate; applying is idempotent, so once is enough.
        post_migrate.connect(
            apply_policies_after_migrate, sender=self, dispatch_uid="tenancy.apply_rls"
        )
