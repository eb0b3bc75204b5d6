"""The back office's dashboard page over HTTP, through the real sign-in form: owners and staff of
the shop see it, linked from the index; customers and the platform's back office do not; a bad
period is the page with its error (400), never a 500; no inline script for the CSP to refuse.

What the page shows, drawn in a browser, is tested in ``tests/e2e/browser``.
"""

from __future__ import annotations

import re

import pytest
from django.db import transaction
from django.test import Client

from emporium.identity.models import User
from emporium.multitenancy.context import tenant_context

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", "admin"])

PASSWORD = "a-long-test-password"
DASHBOARD = "/admin/dashboard/"


def signed_in(host: str, email: str) -> Client:
    """Sign in through the back office's form as a browser would, CSRF enforced."""
    client = Client(enforce_csrf_checks=True, HTTP_HOST=host)
    assert client.get("/admin/login/").status_code == 200
    response = client.post(
        "/admin/login/?next=/admin/",
        {
            "username": email,
            "password": PASSWORD,
            "csrfmiddlewaretoken": client.cookies["csrftoken"].value,
        },
    )
    assert (response.status_code, response["Location"]) == (302, "/admin/"), response.content
    return client


@pytest.fixture
def accounts(acme_and_globex, make_account, settings) -> dict[str, User]:
    settings.CELERY_BROKER_URL = ""
    tenant, _ = acme_and_globex
    return {
        who: make_account(tenant, f"{who}@acme.example", role, password=PASSWORD)
        for who, role in (("owner", "owner"), ("staff", "staff"), ("pat", "customer"))
    }


@pytest.fixture
def acme(accounts) -> str:
    return "acme.localhost"


@pytest.mark.parametrize("who", ["owner", "staff"])
def test_owners_and_staff_open_the_dashboard_from_the_index(acme: str, who: str) -> None:
    client = signed_in(acme, f"{who}@acme.example")

    index = client.get("/admin/")
    page = client.get(DASHBOARD)

    assert f'<a href="{DASHBOARD}">Dashboard</a>' in index.text
    assert page.status_code == 200
    assert "<title>Dashboard | acme back office</title>" in page.text
    assert '<script id="dashboard-chart-data" type="application/json">' in page.text
    assert 'data-figure="net_sales"' in page.text
    # Every script is a file of our own origin, or data: nothing the CSP has to allow inline.
    scripts = re.findall(r"<script\b[^>]*>", page.text)
    assert scripts
    assert all('src="/static/' in tag or 'type="application/json"' in tag for tag in scripts)
    assert "script-src 'self'" in page["Content-Security-Policy"]
    assert '/static/analytics/vendor/chart.umd.min.js"' in page.text


def test_a_customer_and_a_stranger_are_sent_to_sign_in(
    acme: str, accounts, acme_and_globex
) -> None:
    stranger = Client(HTTP_HOST=acme)
    customer = Client(HTTP_HOST=acme)
    # A customer's session (the form refuses customers): the site refuses it all the same.
    with tenant_context(acme_and_globex[0]), transaction.atomic():
        customer.force_login(accounts["pat"])

    for client in (stranger, customer):
        response = client.get(DASHBOARD)

        assert response.status_code == 302
        assert response["Location"] == f"/admin/login/?next={DASHBOARD}"


def test_the_platforms_back_office_has_no_dashboard(acme_and_globex) -> None:
    with transaction.atomic():
        User.objects.create_operator("operator@example.com", PASSWORD)
    client = signed_in("localhost", "operator@example.com")

    assert DASHBOARD not in client.get("/admin/").text
    assert client.get(DASHBOARD).status_code == 404


@pytest.mark.parametrize(
    ("query", "error"),
    [
        ("from=2026-12-10&to=2026-12-01", "The period is invalid. from: Must not be after to."),
        ("from=yesterday", "The period is invalid. from: "),
        ("from=2024-01-01&to=2026-12-31", "The period is invalid. to: A period covers at most "),
    ],
)
def test_a_bad_period_is_the_page_with_its_error(acme: str, query: str, error: str) -> None:
    client = signed_in(acme, "owner@acme.example")

    response = client.get(f"{DASHBOARD}?{query}")

    assert response.status_code == 400
    assert (
        re.search(
            r'<p class="errornote" id="dashboard-error" role="alert">([^<]*)</p>', response.text
        )
        .group(1)
        .startswith(error)
    )
    assert 'data-figure="net_sales"' not in response.text
    assert "Last 30 days</a>" in response.text
