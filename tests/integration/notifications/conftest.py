"""The ordering tests' shop (products in stock, customers and tokens), reused for receipts."""

from tests.e2e.ordering.conftest import shop

__all__ = ["shop"]
