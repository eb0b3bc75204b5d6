"""Django app of the identity context."""

from django.apps import AppConfig


class IdentityConfig(AppConfig):
    name = "emporium.identity"
    label = "identity"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Connect the audit receivers and describe bearer tokens in the OpenAPI schema.
        from emporium.identity import schema, signals  # noqa: F401
