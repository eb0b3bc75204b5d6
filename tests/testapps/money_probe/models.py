"""Rows that exercise ``MoneyField`` with each source of currency."""

from django.db import models

from emporium.infrastructure.db.money_field import MoneyField


class Gadget(models.Model):
    """A priced thing whose currency is a column of its own row."""

    name = models.CharField(max_length=100)
    # Declared before the currency column on purpose: the field must not depend on the order.
    list_price = MoneyField(currency_field="currency", null=True, blank=True)
    currency = models.CharField(max_length=3)
    price = MoneyField(currency_field="currency")
    fixed_price = MoneyField(currency="JPY", null=True, blank=True)

    def __str__(self) -> str:
        return self.name


class Shop(models.Model):
    """A seller whose currency every one of its listings uses."""

    name = models.CharField(max_length=100)
    currency = models.CharField(max_length=3)

    def __str__(self) -> str:
        return self.name


class Listing(models.Model):
    """A price whose currency is reached through a relation (``shop.currency``)."""

    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="listings")
    price = MoneyField(currency_field="shop.currency")

    def __str__(self) -> str:
        return f"{self.shop} {self.price}"
