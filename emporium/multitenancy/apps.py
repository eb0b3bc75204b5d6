"""Django app of the multi-tenancy platform: its system checks and the RLS policies."""

from typing import Any

from django.apps import AppConfig, apps
from django.db.models.signals import post_migrate


def _after_last_app(app_config: AppConfig, **kwargs: Any) -> None:
    """post_migrate receiver: apply the policies once per migrate, when every table exists."""
    from emporium.multitenancy.rls import apply_policies_after_migrate

    # post_migrate is sent once per app with models; the last one comes after all tables.
    last = [config for config in apps.get_app_configs() if config.models_module is not None][-1]
    if app_config is last:
        apply_policies_after_migrate(**kwargs)


class MultitenancyConfig(AppConfig):
    name = "emporium.multitenancy"
    label = "multitenancy"

    def ready(self) -> None:
        from emporium.multitenancy import checks  # noqa: F401  (registers the system checks)

        post_migrate.connect(_after_last_app, dispatch_uid="multitenancy.apply_rls")
