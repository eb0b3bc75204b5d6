"""``POST /api/v1/customers/``: a customer account per shop, welcomed after the commit."""

from __future__ import annotations

import json
import logging
from contextlib import contextmanager

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.test import Client

from emporium.identity.models import User
from emporium.infrastructure.http.throttles import AnonymousAuthThrottle
from emporium.infrastructure.messaging.models import DeliveryFailure
from emporium.infrastructure.outbox.models import OutboxMessage
from emporium.multitenancy.context import tenant_context

pytestmark = pytest.mark.django_db
BASE = "https://emporium.example/problems/"
URL = "/api/v1/customers/"
PASSWORD = "correct horse 42"
ADA = {"email": "ada@example.com", "password": PASSWORD, "name": "Ada Lovelace"}


class RefusingEmailBackend(BaseEmailBackend):
    """An e-mail backend whose server is down."""

    def send_messages(self, email_messages):
        raise ConnectionRefusedError("SMTP server refused the connection")


@pytest.fixture
def tenants(acme_and_globex, settings):
    # No broker: the welcome consumers run in-process after the commit, as under `make run`.
    settings.CELERY_BROKER_URL = ""
    return acme_and_globex


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run the on-commit callbacks of the block at its end, inside ``tenant``.

    A request commits (ATOMIC_REQUESTS) inside its tenant's context, so that is where its
    handlers run; the test's own transaction commits nothing, and the captured callbacks run
    when the block ends, after the request has left its tenant: put them back in it.
    """

    @contextmanager
    def block(tenant):
        with tenant_context(tenant), django_capture_on_commit_callbacks(execute=True):
            yield

    return block


def post(body: object, host: str = "acme.localhost", ip: str = "127.0.0.1", **headers: str):
    raw = body if isinstance(body, str) else json.dumps(body)
    return Client(raise_request_exception=False, REMOTE_ADDR=ip).post(
        URL,
        raw,
        content_type="application/json",
        HTTP_HOST=host,
        **{f"HTTP_{k}": v for k, v in headers.items()},
    )


def account(tenant, email: str) -> User:
    with tenant_context(tenant):
        return User.objects.get(email=email)


def accounts(tenant) -> list[str]:
    with tenant_context(tenant):
        return sorted(User.objects.values_list("email", flat=True))


def test_registration_answers_201_with_the_customer(tenants, committed) -> None:
    acme, _ = tenants

    with committed(acme):
        response = post({**ADA, "email": " Ada@Example.com "})

    assert response.status_code == 201
    created = account(acme, "ada@example.com")
    assert response.json() == {
        "id": str(created.id),
        "email": "ada@example.com",
        "name": "Ada Lovelace",
        "role": "customer",
    }


def test_the_account_is_a_customer_with_a_hashed_password_who_can_sign_in(
    tenants, committed
) -> None:
    acme, _ = tenants
    with committed(acme):
        post(ADA)

    created = account(acme, "ada@example.com")

    assert (created.role, created.name, created.is_active) == ("customer", "Ada Lovelace", True)
    assert PASSWORD not in created.password
    assert created.check_password(PASSWORD)
    sign_in = Client().post(
        "/api/v1/auth/token/",
        {"email": "ada@example.com", "password": PASSWORD},
        content_type="application/json",
        HTTP_HOST="acme.localhost",
    )
    assert sign_in.status_code == 200


def test_customer_registered_is_stored_in_the_outbox_for_the_tenant(tenants, committed) -> None:
    acme, _ = tenants
    with committed(acme):
        post(ADA)

    [row] = OutboxMessage.objects.filter(type="identity.customer_registered")

    assert (row.tenant, row.aggregate_id, row.aggregate_version, row.payload) == (
        "acme",
        str(account(acme, "ada@example.com").id),
        1,
        {"email": "ada@example.com", "name": "Ada Lovelace"},
    )


def test_exactly_one_welcome_email_naming_the_shop_goes_to_the_customer(
    tenants, committed, settings
) -> None:
    acme, _ = tenants

    with committed(acme):
        post(ADA)

    [welcome] = mail.outbox
    assert welcome.to == ["ada@example.com"]
    assert welcome.from_email == settings.DEFAULT_FROM_EMAIL
    assert welcome.subject == "Welcome to Acme Inc."
    assert welcome.body.startswith("Hi Ada Lovelace,\n\nthank you for registering with Acme Inc.")
    assert ".." not in welcome.body  # a shop name ending in a dot ends no sentence twice


def test_the_welcome_is_plain_text_with_nothing_html_escaped(tenants, committed) -> None:
    acme, _ = tenants

    with committed(acme):
        post({**ADA, "name": "Ada O'Hara & <Co>"})

    [welcome] = mail.outbox
    assert welcome.body.startswith("Hi Ada O'Hara & <Co>,\n")


def test_the_welcome_waits_for_the_commit(tenants, django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = post(ADA)

    assert response.status_code == 201
    assert mail.outbox == []
    assert len(callbacks) == 1


def test_a_weak_password_is_a_400_problem_on_password(tenants, committed) -> None:
    acme, _ = tenants

    with committed(acme):
        response = post({**ADA, "password": "12345678"})

    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["type"] == BASE + "validation-error"
    assert body["errors"] == {
        "password": [
            "This password is too short. It must contain at least 10 characters.",
            "This password is too common.",
            "This password is entirely numeric.",
        ]
    }
    assert accounts(acme) == []
    assert mail.outbox == []


def test_a_password_like_the_email_is_refused(tenants) -> None:
    response = post({**ADA, "email": "lovelace.ada@example.com", "password": "lovelace.ada"})

    assert response.status_code == 400
    assert response.json()["errors"]["password"] == ["The password is too similar to the email."]


def test_an_email_taken_in_the_same_shop_is_422_email_taken(tenants, committed) -> None:
    acme, _ = tenants
    with committed(acme):
        post(ADA)

    with committed(acme):
        response = post({**ADA, "email": "ADA@example.com", "name": "Impostor"})

    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["type"].endswith("email-taken")
    assert account(acme, "ada@example.com").name == "Ada Lovelace"
    assert len(mail.outbox) == 1


def test_the_same_email_in_another_shop_is_another_account(tenants, committed) -> None:
    acme, globex = tenants
    with committed(acme):
        first = post(ADA)
    with committed(globex):
        second = post({**ADA, "password": "another pass 99"}, host="globex.localhost")

    assert (first.status_code, second.status_code) == (201, 201)
    assert first.json()["id"] != second.json()["id"]
    assert account(acme, "ada@example.com").check_password(PASSWORD)
    assert account(globex, "ada@example.com").check_password("another pass 99")
    assert [m.subject for m in mail.outbox] == [
        "Welcome to Acme Inc.",
        "Welcome to Globex Corporation",
    ]


def test_fields_a_client_must_not_set_are_ignored(tenants) -> None:
    acme, globex = tenants

    response = post({**ADA, "role": "owner", "tenant": "globex", "is_staff": True})

    assert response.status_code == 201
    assert response.json()["role"] == "customer"
    created = account(acme, "ada@example.com")
    assert (created.role, created.is_staff, created.tenant_id) == ("customer", False, acme.id)
    assert accounts(globex) == []


def test_malformed_json_is_400(tenants) -> None:
    acme, _ = tenants

    response = post('{"email": "ada@example.com", ')

    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert accounts(acme) == []


@pytest.mark.parametrize("body", [[ADA], "null", '"ada@example.com"'])
def test_a_body_that_is_not_an_object_is_400(tenants, body) -> None:
    response = post(body)

    assert response.status_code == 400


@pytest.mark.parametrize("field", ["name", "email", "password"])
def test_a_json_number_as_a_text_field_is_400_on_that_field(tenants, field) -> None:
    acme, _ = tenants

    response = post({**ADA, field: 12345678901})

    assert response.status_code == 400
    assert list(response.json()["errors"]) == [field]
    assert accounts(acme) == []


def test_missing_fields_are_400_naming_each(tenants) -> None:
    response = post({})

    assert response.status_code == 400
    assert sorted(response.json()["errors"]) == ["email", "name", "password"]


def test_a_request_without_a_tenant_is_404(tenants) -> None:
    response = post(ADA, host="localhost")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"


def test_the_tenant_may_come_from_the_header(tenants) -> None:
    _, globex = tenants

    response = post(ADA, host="localhost", X_TENANT="globex")

    assert response.status_code == 201
    assert accounts(globex) == ["ada@example.com"]


def test_a_bad_bearer_token_is_401_and_registers_nothing(tenants) -> None:
    # Like everywhere in the API: a token sent along is checked, and a bad one is refused.
    response = post(ADA, AUTHORIZATION="Bearer emp_not-a-token")

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'
    assert post(ADA).status_code == 201


def test_a_failing_email_backend_still_registers_and_still_pushes(
    tenants, committed, settings, caplog
) -> None:
    acme, _ = tenants
    settings.EMAIL_BACKEND = f"{__name__}.RefusingEmailBackend"
    caplog.set_level(logging.INFO, logger="emporium.notifications")

    with committed(acme):
        response = post(ADA)

    assert response.status_code == 201
    user_id = str(account(acme, "ada@example.com").id)
    pushes = [r for r in caplog.records if r.name == "emporium.notifications.push"]
    assert [(r.push_user_id, r.push_title) for r in pushes] == [(user_id, "Welcome to Acme Inc.")]
    [failure] = [r for r in caplog.records if r.levelno == logging.ERROR]
    row = OutboxMessage.objects.get(type="identity.customer_registered")
    assert failure.getMessage() == (
        f"Consumer welcome-email failed on identity.customer_registered {row.id}"
    )
    assert mail.outbox == []
    # Kept for a retry of the e-mail alone: the push consumer has the event in its inbox.
    retry = DeliveryFailure.objects.get()
    assert (retry.consumer, retry.event_id, retry.status) == ("welcome-email", row.id, "retrying")


def test_anonymous_registrations_are_throttled_per_ip(tenants, monkeypatch) -> None:
    monkeypatch.setattr(AnonymousAuthThrottle, "THROTTLE_RATES", {"auth": "3/min"})

    statuses = [post({}, ip="10.0.4.1").status_code for _ in range(4)]
    other_ip = post({}, ip="10.0.4.2")

    assert statuses == [400, 400, 400, 429]
    assert other_ip.status_code == 400
    throttled = post(ADA, ip="10.0.4.1")
    assert throttled.status_code == 429
    assert throttled["Content-Type"] == "application/problem+json"
    assert 1 <= int(throttled["Retry-After"]) <= 60


@pytest.mark.django_db(transaction=True)
def test_a_real_commit_welcomes_the_customer_from_inside_the_request(tenants) -> None:
    response = post(ADA)

    assert response.status_code == 201
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["ada@example.com"], "Welcome to Acme Inc.")
    ]


def test_with_a_broker_the_welcome_waits_for_the_relay_and_the_consumers(
    tenants, committed, settings
) -> None:
    acme, _ = tenants
    settings.CELERY_BROKER_URL = "amqp://guest:guest@broker.invalid:5672//"

    with committed(acme):
        post(ADA)

    assert mail.outbox == []
    [row] = OutboxMessage.objects.filter(type="identity.customer_registered")
    assert (row.published_at, row.attempts) == (None, 0)
