"""A shop that sells, with its owner, staff and customers, for the sales API tests."""

from __future__ import annotations

import pytest

from tests.e2e.ordering.conftest import CALLERS, Shop, open_shop


@pytest.fixture
def shop(acme_and_globex, make_account, settings) -> Shop:
    # No broker (the `make run` default): the consumers run in-process after each commit.
    settings.CELERY_BROKER_URL = ""
    return open_shop(acme_and_globex, make_account, [*CALLERS, ("owner", "owner")])
