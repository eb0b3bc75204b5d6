"""Five failed sign-ins lock that (tenant, e-mail) for 15 minutes, on both sign-in paths."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from emporium.identity.models import AuditEvent
from emporium.multitenancy.context import tenant_context

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse 42"


@pytest.fixture
def accounts(acme_and_globex, make_account):
    acme, globex = acme_and_globex
    make_account(acme, "ann@acme.example", "owner")
    make_account(acme, "bob@acme.example", "staff")
    make_account(globex, "ann@acme.example", "owner")
    return acme, globex


def token(email: str, password: str, host: str = "acme.localhost", ip: str = "10.0.0.1"):
    return Client(REMOTE_ADDR=ip).post(
        "/api/v1/auth/token/",
        {"email": email, "password": password},
        content_type="application/json",
        HTTP_HOST=host,
    )


def admin_login(email: str, password: str, host: str = "acme.localhost"):
    return Client().post(
        "/admin/login/?next=/admin/", {"username": email, "password": password}, HTTP_HOST=host
    )


def test_token_endpoint_locks_the_account_after_five_failures(accounts) -> None:
    statuses = [token("ann@acme.example", "wrong", ip=f"10.0.0.{n}").status_code for n in range(5)]

    locked = token("ann@acme.example", PASSWORD, ip="10.9.9.9")  # right password, new IP

    # The fifth failure engages the lock, and its answer says so.
    assert statuses == [401, 401, 401, 401, 429]
    assert locked.status_code == 429
    assert locked["Content-Type"] == "application/problem+json"
    assert locked.json()["type"].endswith("/locked-out")
    assert 890 <= int(locked["Retry-After"]) <= 900


def test_lockout_locks_that_account_only(accounts) -> None:
    for _ in range(5):
        token("ann@acme.example", "wrong")

    assert token("bob@acme.example", PASSWORD).status_code == 200  # same IP, other account
    assert token("ann@acme.example", PASSWORD, host="globex.localhost").status_code == 200


def test_four_failures_do_not_lock(accounts) -> None:
    for _ in range(4):
        token("ann@acme.example", "wrong")

    assert token("ann@acme.example", PASSWORD).status_code == 200


def test_lockout_ends_after_fifteen_minutes(accounts) -> None:
    from axes.models import AccessAttempt

    for _ in range(5):
        token("ann@acme.example", "wrong")
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=15, seconds=1))

    assert token("ann@acme.example", PASSWORD).status_code == 200


def test_admin_sign_in_locks_the_account_after_five_failures(accounts) -> None:
    statuses = [admin_login("ann@acme.example", "wrong").status_code for _ in range(5)]

    locked = admin_login("ann@acme.example", PASSWORD)

    assert statuses == [200, 200, 200, 200, 429]  # the form again, with an error; then locked
    assert locked.status_code == 429
    assert 890 <= int(locked["Retry-After"]) <= 900
    assert token("ann@acme.example", PASSWORD).status_code == 429  # one account, one lock


def test_lockout_is_in_the_audit_log(accounts) -> None:
    for _ in range(6):
        token("ann@acme.example", "wrong")

    with tenant_context(accounts[0]):
        events = list(AuditEvent.objects.order_by("id").values_list("event", flat=True))
    assert events.count("sign_in_failed") == 6
    assert events.count("locked_out") >= 1
