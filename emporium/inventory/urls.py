"""Routes of the inventory context under /api/v1/."""

from django.urls import path

from emporium.inventory.api.stock import StockView

urlpatterns = [path("products/<uuid:product_id>/stock/", StockView.as_view(), name="product-stock")]
