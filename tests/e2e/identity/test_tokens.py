"""Tokens: obtain, use, revoke; bound to their tenant; 401 with WWW-Authenticate, never 403."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from emporium.identity.adapters.tokens import digest
from emporium.identity.models import AccessToken, AuditEvent, User
from emporium.multitenancy.context import tenant_context

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse 42"


@pytest.fixture
def acme(acme_and_globex, make_account):
    acme, globex = acme_and_globex
    make_account(acme, "ann@acme.example", "owner")
    make_account(globex, "ann@acme.example", "customer", password="another pass 99")
    return acme, globex


def sign_in(host: str, email: str, password: str) -> object:
    return Client().post(
        "/api/v1/auth/token/",
        {"email": email, "password": password},
        content_type="application/json",
        HTTP_HOST=host,
    )


def test_sign_in_returns_a_token_that_works(acme) -> None:
    response = sign_in("acme.localhost", "Ann@Acme.example ", PASSWORD)

    assert response.status_code == 200
    body = response.json()
    assert sorted(body) == ["expires_at", "token"]
    assert body["token"].startswith("emp_")
    me = Client().get(
        "/api/v1/me/", HTTP_HOST="acme.localhost", HTTP_AUTHORIZATION=f"Bearer {body['token']}"
    )
    assert me.status_code == 200
    assert me.json() == {
        "id": me.json()["id"],
        "email": "ann@acme.example",
        "name": "ann@acme.example",
        "role": "owner",
        "tenant": "acme",
    }
    assert "Authorization" in me["Vary"]


def test_token_is_stored_hashed_and_expires_in_24_hours(acme) -> None:
    token = sign_in("acme.localhost", "ann@acme.example", PASSWORD).json()["token"]

    with tenant_context(acme[0]):
        row = AccessToken.objects.get()
    assert row.key_hash == digest(token)
    assert token not in row.key_hash
    assert timedelta(hours=23, minutes=59) < row.expires_at - timezone.now() <= timedelta(hours=24)


def test_same_email_in_two_tenants_is_two_accounts_with_two_passwords(acme) -> None:
    assert sign_in("globex.localhost", "ann@acme.example", PASSWORD).status_code == 401
    assert sign_in("globex.localhost", "ann@acme.example", "another pass 99").status_code == 200


def test_wrong_password_is_401_problem(acme) -> None:
    response = sign_in("acme.localhost", "ann@acme.example", "wrong")

    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["detail"] == "Wrong e-mail or password."


def test_token_of_tenant_a_is_401_on_tenant_b(acme) -> None:
    token = sign_in("acme.localhost", "ann@acme.example", PASSWORD).json()["token"]

    response = Client().get(
        "/api/v1/me/", HTTP_HOST="globex.localhost", HTTP_AUTHORIZATION=f"Bearer {token}"
    )

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


@pytest.mark.parametrize(
    "header", [None, "Bearer", "Bearer emp_nope", "Token abc", "Bearer a b", "Bearer émp"]
)
def test_missing_or_bad_token_is_401_never_403(acme, header: str | None) -> None:
    extra = {"HTTP_AUTHORIZATION": header} if header else {}

    response = Client().get("/api/v1/me/", HTTP_HOST="acme.localhost", **extra)

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


def test_revoked_token_is_401(acme) -> None:
    token = sign_in("acme.localhost", "ann@acme.example", PASSWORD).json()["token"]
    auth = {"HTTP_HOST": "acme.localhost", "HTTP_AUTHORIZATION": f"Bearer {token}"}

    assert Client().delete("/api/v1/auth/token/", **auth).status_code == 204
    assert Client().get("/api/v1/me/", **auth).status_code == 401


def test_expired_token_is_401(acme) -> None:
    token = sign_in("acme.localhost", "ann@acme.example", PASSWORD).json()["token"]
    with tenant_context(acme[0]):
        AccessToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))

    response = Client().get(
        "/api/v1/me/", HTTP_HOST="acme.localhost", HTTP_AUTHORIZATION=f"Bearer {token}"
    )

    assert response.status_code == 401


def test_sign_in_and_revoke_are_audited(acme) -> None:
    token = sign_in("acme.localhost", "ann@acme.example", PASSWORD).json()["token"]
    sign_in("acme.localhost", "ann@acme.example", "wrong")
    Client().delete(
        "/api/v1/auth/token/", HTTP_HOST="acme.localhost", HTTP_AUTHORIZATION=f"Bearer {token}"
    )

    with tenant_context(acme[0]):
        events = list(
            AuditEvent.objects.order_by("id").values_list("event", "user_id", "email_hash")
        )
    with tenant_context(acme[0]):
        ann = User.objects.get(email="ann@acme.example").pk
    assert events == [
        ("sign_in_succeeded", ann, ""),
        ("token_issued", ann, ""),
        ("sign_in_failed", ann, ""),
        ("token_revoked", ann, ""),
    ]


def test_operator_cannot_get_a_tenant_token(acme) -> None:
    from emporium.identity.models import User

    User.objects.create_operator("op@example.com", PASSWORD)

    assert sign_in("acme.localhost", "op@example.com", PASSWORD).status_code == 401
    assert sign_in("localhost", "op@example.com", PASSWORD).status_code == 404
