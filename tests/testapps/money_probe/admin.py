"""Admin registration, so tests can drive MoneyField through Django's own forms."""

from django.contrib import admin

from tests.testapps.money_probe.models import Gadget


@admin.register(Gadget)
class GadgetAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("name", "currency", "price", "fixed_price")
