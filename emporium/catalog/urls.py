"""Routes of the catalog context under /api/v1/."""

from django.urls import path

from emporium.catalog.api.categories import CategoryListView, CategoryNavigationView
from emporium.catalog.api.products import (
    ArchiveProductView,
    ProductDetailView,
    ProductListView,
    PublishProductView,
)

urlpatterns = [
    path("categories/", CategoryListView.as_view(), name="categories"),
    path("categories/tree/", CategoryNavigationView.as_view(), name="category-tree"),
    path("products/", ProductListView.as_view(), name="products"),
    path("products/<uuid:pk>/", ProductDetailView.as_view(), name="product"),
    path("products/<uuid:pk>/publish/", PublishProductView.as_view(), name="product-publish"),
    path("products/<uuid:pk>/archive/", ArchiveProductView.as_view(), name="product-archive"),
]
