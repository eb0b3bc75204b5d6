"""A shop that sells, with its owner, staff and customers, for the sales API tests."""

from __future__ import annotations

import pytest

from emporium.identity.tokens import issue_token
from emporium.tenancy.context import tenant_context
from tests.e2e.ordering.conftest import Shop, make_product


@pytest.fixture
def shop(acme_and_globex, make_account, settings) -> Shop:
    # No broker (the `make run` default): the consumers run in-process after each commit.
    settings.CELERY_BROKER_URL = ""
    acme, globex = acme_and_globex
    shop = Shop(acme, globex)
    for who, tenant, role in [
        ("ann", acme, "customer"),
        ("bob", acme, "customer"),
        ("staff", acme, "staff"),
        ("owner", acme, "owner"),
        ("globex", globex, "owner"),
    ]:
        user = make_account(tenant, f"{who}@shop.example", role)
        shop.users[who] = user
        with tenant_context(tenant):
            shop.tokens[who] = issue_token(user)[0]
    shop.products["mug"] = make_product(acme, "Mug", "0.35", stock=10)
    shop.products["pan"] = make_product(acme, "Pan", "45.90", stock=3)
    shop.products["globex"] = make_product(globex, "Globex mug", "1.00", stock=5)
    return shop
