"""Anonymous sign-in attempts per IP and authenticated writes per account are throttled: 429."""

from __future__ import annotations

import pytest
from django.test import Client

from emporium.identity.adapters.tokens import issue_token
from emporium.infrastructure.http.throttles import AnonymousAuthThrottle, UserWriteThrottle
from emporium.multitenancy.context import tenant_context

pytestmark = pytest.mark.django_db


def sign_in(ip: str, **headers: str):
    return Client(REMOTE_ADDR=ip).post(
        "/api/v1/auth/token/",
        {"email": "nobody@acme.example", "password": "x"},
        content_type="application/json",
        HTTP_HOST="acme.localhost",
        **headers,
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


def test_a_client_cannot_pick_its_ip_bucket_with_x_forwarded_for(
    acme_and_globex, monkeypatch
) -> None:
    monkeypatch.setattr(AnonymousAuthThrottle, "THROTTLE_RATES", {"auth": "3/min"})

    statuses = [
        sign_in("10.0.0.7", HTTP_X_FORWARDED_FOR=f"192.0.2.{n}").status_code for n in range(4)
    ]

    assert statuses == [401, 401, 401, 429]


def test_behind_one_trusted_proxy_the_client_is_the_last_forwarded_address(
    acme_and_globex, monkeypatch, settings
) -> None:
    monkeypatch.setattr(AnonymousAuthThrottle, "THROTTLE_RATES", {"auth": "2/min"})
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}

    first = [sign_in("10.0.0.1", HTTP_X_FORWARDED_FOR="spoof, 198.51.100.4") for _ in range(3)]
    second = sign_in("10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.5")

    assert [r.status_code for r in first] == [401, 401, 429]
    assert second.status_code == 401


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
