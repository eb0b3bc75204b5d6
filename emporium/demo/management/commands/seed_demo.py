"""``manage.py seed_demo``: the demo shops of API.md, idempotent, with a progress bar."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from rich.progress import Progress

from emporium.demo.seed import seed, steps


class Command(BaseCommand):
    help = (
        "Create demo tenants acme and globex with accounts, categories, products and four "
        "weeks of orders."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--force", action="store_true", help="Run even with DEBUG off.")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEBUG and not options["force"]:
            raise CommandError("seed_demo refuses to run with DEBUG off; pass --force to insist.")
        today = timezone.now().date()  # UTC: the history is the four weeks before it
        with Progress(transient=True) as progress:
            task = progress.add_task("Seeding demo data", total=steps(today))
            report = seed(lambda: progress.advance(task), today)
        self.stdout.write(self.style.SUCCESS(f"Demo data ready ({report.summary()})."))
        self.stdout.write(
            "Sign in: owner@acme.example / demo-owner-pass at http://acme.localhost:8000/admin/ ; "
            "customer@acme.example / demo-customer-pass through POST /api/v1/auth/token/ ; "
            "operator@example.com / demo-operator-pass at http://localhost:8000/admin/ "
            "(globex: the same with globex)."
        )
