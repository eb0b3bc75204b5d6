"""``manage.py release_expired_reservations``: cancel unpaid orders past ``reserved_until``."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from emporium.multitenancy.context import TenantRef
from emporium.ordering.bootstrap import release_expired_reservations


class Command(BaseCommand):
    help = "Cancel unpaid orders whose reservation ended and return their stock."

    def handle(self, *args: Any, **options: Any) -> None:
        def report(tenant: TenantRef, cancelled: int) -> None:
            if cancelled:
                self.stdout.write(f"{tenant.slug}: {cancelled} expired order(s) cancelled")

        total = release_expired_reservations(report)
        self.stdout.write(self.style.SUCCESS(f"{total} expired order(s) cancelled."))
