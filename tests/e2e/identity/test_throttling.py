"""Anonymous sign-in attempts per IP and authenticated writes per account are throttled: 429."""

from __future__ import annotations

import pytest
from django.test import Client

from emporium.identity.adapters.tokens import issue_token
from emporium.infrastructure.http.throttles import AnonymousAuthThrottle, UserWriteThrottle
from emporium.multitenancy.context import tenant_context

pytestmark = pytest.mark.django_db


def sign_in(ip: str):
    return Client(REMOTE_ADDR=ip).post(
        "/api/v1/auth/token/",
        {"email": "nobody@acme.example", "password": "x"},
        content_type="application/json",
        HTTP_HOST="acme.localhost",
    )


def test_configured_rates_are_those_of_the_contract() -> None:
    assert AnonymousAuthThrottle().get_rate() == "60/min"
    assert UserWriteThrottle().get_rate() == "1000/min"


def test_anonymous_sign_in_is_throttled_per_ip(acme_and_globex, monkeypatch) -> None:
    monkeypatch.setattr(AnonymousAuthThrottle, "THROTTLE_RATES", {"auth": "3/min"})

    statuses = [sign_in("10.0.0.7").status_code for _ in range(4)]
    other_ip = sign_in("10.0.0.8")

    assert statuses == [401, 401, 401, 429]
    assert other_ip.status_code == 401
    throttled = sign_in("10.0.0.7")
    assert throttled["Content-Type"] == "application/problem+json"
    assert 1 <= int(throttled["Retry-After"]) <= 60


def test_authenticated_writes_are_throttled_per_account(
    acme_and_globex, make_account, monkeypatch
) -> None:
    monkeypatch.setattr(UserWriteThrottle, "THROTTLE_RATES", {"writes": "2/min"})
    acme, _ = acme_and_globex
    owner = make_account(acme, "owner@acme.example", "owner")
    with tenant_context(acme):
        token = issue_token(owner)[0]
    auth = {"HTTP_HOST": "acme.localhost", "HTTP_AUTHORIZATION": f"Bearer {token}"}

    def patch():
        return (
            Client()
            .patch("/api/v1/settings/", {"name": "Acme"}, content_type="application/json", **auth)
            .status_code
        )

    statuses = [patch(), patch(), patch()]
    reads = Client().get("/api/v1/settings/", **auth).status_code

    assert statuses == [200, 200, 429]
    assert reads == 200
