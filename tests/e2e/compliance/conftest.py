"""A shop with an owner, staff and customers whose personal data is exported and erased."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from emporium.multitenancy.context import tenant_context
from tests.e2e.ordering.conftest import CALLERS, Shop, open_shop

PASSWORD = "correct horse 42"  # make_account's
CARD = {
    "method": "card",
    "card_number": "4242424242424242",
    "exp_month": 12,
    "exp_year": 2031,
    "cvc": "123",
}
ADDRESS = {
    "name": "Ann Quillfeather",
    "line1": "17 Marrowbone Lane",
    "line2": "Flat 9c",
    "city": "Ludlowgrange",
    "postal_code": "LX9 7QZ",
    "country": "GB",
}


@pytest.fixture
def shop(acme_and_globex, make_account, settings) -> Shop:
    # No broker (the `make run` default): the consumers run in-process after each commit.
    settings.CELERY_BROKER_URL = ""
    return open_shop(acme_and_globex, make_account, [*CALLERS, ("owner", "owner")])


@pytest.fixture
def call(shop, django_capture_on_commit_callbacks):
    """Call the API and run what its commit scheduled, as a real commit would."""

    def call(method: str, url: str, who: str | None, body: Any = None, **headers: Any):
        headers.setdefault("HTTP_HOST", "acme.localhost")
        if who:
            headers["HTTP_AUTHORIZATION"] = f"Bearer {shop.tokens[who]}"
        with tenant_context(shop.acme), django_capture_on_commit_callbacks(execute=True):
            return getattr(Client(), method)(url, body, content_type="application/json", **headers)

    return call
