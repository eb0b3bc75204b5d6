"""The ordering tests' shop (products in stock, customers and tokens), reused for payments."""

from tests.e2e.ordering.conftest import Shop, make_product, shop

__all__ = ["Shop", "make_product", "shop"]
