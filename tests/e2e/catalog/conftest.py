"""Shops, accounts and catalog data for the catalog API tests."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import pytest
from django.test import Client

from emporium.catalog import bootstrap
from emporium.catalog.application.use_cases import (
    ArchiveProduct,
    CreateCategory,
    CreateProduct,
    PublishProduct,
)
from emporium.identity.adapters.tokens import issue_token
from emporium.identity.models import User
from emporium.multitenancy.context import TenantRef, tenant_context
from emporium.shared_kernel.money import Money

PROBLEM = "application/problem+json"
BASE = "https://emporium.example/problems/"
HOSTS = {"acme": "acme.localhost", "globex": "globex.localhost"}


@dataclass
class Shops:
    acme: TenantRef
    globex: TenantRef
    tokens: dict[str, str]  # role (or "globex-staff") -> bearer token

    def tenant(self, host: str) -> TenantRef:
        return self.globex if host.startswith("globex") else self.acme


@pytest.fixture
def shops(acme_and_globex, make_account) -> Shops:
    acme, globex = acme_and_globex
    tokens = {}
    for tenant, name, role in [
        (acme, "owner", "owner"),
        (acme, "staff", "staff"),
        (acme, "customer", "customer"),
        (globex, "globex-staff", "staff"),
    ]:
        user = make_account(tenant, f"{name}@{tenant.slug}.example", role)
        with tenant_context(tenant):
            tokens[name] = issue_token(User.objects.get(pk=user.pk))[0]
    return Shops(acme, globex, tokens)


@pytest.fixture
def api(shops: Shops, django_capture_on_commit_callbacks) -> Callable[..., Any]:
    """Return ``api(method, path, who=None, body=None, host=...)``; a request's commit hooks run.

    The test's transaction never commits, so the hooks a request registered (cache
    invalidation) run when it returns, in the tenant the request was made for.
    """

    def call(
        method: str,
        path: str,
        who: str | None = None,
        body: Any = None,
        host: str = HOSTS["acme"],
        token: str | None = None,
    ):
        headers = {"HTTP_HOST": host}
        token = token or (shops.tokens[who] if who else None)
        if token:
            headers["HTTP_AUTHORIZATION"] = f"Bearer {token}"
        client = Client(raise_request_exception=False)
        extra: dict[str, Any] = {}
        if body is not None:
            extra = {
                "data": body if isinstance(body, str) else json.dumps(body),
                "content_type": "application/json",
            }
        with (
            tenant_context(shops.tenant(host)),
            django_capture_on_commit_callbacks(execute=True),
        ):
            return getattr(client, method)(path, **extra, **headers)

    return call


def usd(amount: str) -> dict[str, str]:
    return {"amount": amount, "currency": "USD"}


@pytest.fixture
def given_category() -> Callable[..., str]:
    """Return ``given_category(tenant, name, parent=None)`` that adds one; returns its id."""

    def make(tenant: TenantRef, name: str, parent: str | None = None) -> str:
        with tenant_context(tenant):
            category = bootstrap.create_category(
                CreateCategory(name=name, parent_id=UUID(parent) if parent else None)
            )
        return str(category.id)

    return make


@pytest.fixture
def given_product() -> Callable[..., str]:
    """Return ``given_product(tenant, name, ...)`` that adds one in a given status; its id."""

    def make(
        tenant: TenantRef,
        name: str,
        *,
        price: str = "9.50",
        description: str = "A fine thing.",
        status: str = "published",
        category: str | None = None,
    ) -> str:
        with tenant_context(tenant):
            product = bootstrap.create_product(
                CreateProduct(
                    name=name,
                    description=description,
                    category_id=UUID(category) if category else None,
                    price=Money.of(price, "USD"),
                    currency="USD",
                )
            )
            if status in {"published", "archived"}:
                bootstrap.publish_product(PublishProduct(product.id))
            if status == "archived":
                bootstrap.archive_product(ArchiveProduct(product.id))
        return str(product.id)

    return make
