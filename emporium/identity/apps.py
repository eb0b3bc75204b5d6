"""Django app of the identity context, and the admin app that serves our back office."""

from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class IdentityConfig(AppConfig):
    name = "emporium.identity"
    label = "identity"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Connect the audit receivers and describe bearer tokens in the OpenAPI schema.
        from emporium.identity import signals
        from emporium.identity.api import schema  # noqa: F401
        from emporium.identity.domain.events import CustomerRegistered
        from emporium.infrastructure.bus import message_bus
        from emporium.infrastructure.signals import forward_to
        from emporium.tenancy.public import TenantReactivated, TenantSuspended

        bus = message_bus()
        bus.register(CustomerRegistered, forward_to(signals.customer_registered, sender=self.name))
        # A shop suspended or reactivated is in the platform's security audit log, written in
        # the transaction that suspends or reactivates it.
        bus.register_in_transaction(TenantSuspended, signals.audit_tenant_status)
        bus.register_in_transaction(TenantReactivated, signals.audit_tenant_status)

        from emporium.identity.adapters.audit import prune_audit
        from emporium.infrastructure.retention import register_retention

        register_retention("audit", prune_audit)


class BackOfficeAdminConfig(admin_apps.AdminConfig):
    """``django.contrib.admin`` whose ``admin.site`` is the back office's own site."""

    default = False  # named in INSTALLED_APPS; IdentityConfig stays this module's default
    default_site = "emporium.identity.adapters.admin_site.EmporiumAdminSite"
