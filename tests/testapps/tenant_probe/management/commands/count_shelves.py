"""Print the number of shelves of one tenant."""

from typing import Any

from emporium.tenancy.adapters.commands import TenantCommand
from tests.testapps.tenant_probe.models import Shelf


class Command(TenantCommand):
    help = "Print how many shelves the tenant has."

    def handle_tenant(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"{options['tenant']}: {Shelf.objects.count()} shelves")
