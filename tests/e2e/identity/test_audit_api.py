"""``GET /api/v1/audit/``: the shop's own entries, newest first, by pages, filtered by type and
date; owners only; read only."""

from __future__ import annotations

from base64 import b64encode
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

import pytest
from django.db import transaction
from django.test import Client

from emporium.identity.models import AuditEvent
from emporium.multitenancy.context import TenantRef, tenant_context
from emporium.tenancy.models import TenantSettings
from tests.e2e.ordering.conftest import CALLERS, Shop, open_shop

pytestmark = pytest.mark.django_db
URL = "/api/v1/audit/"


@pytest.fixture
def shop(acme_and_globex, make_account) -> Shop:
    return open_shop(acme_and_globex, make_account, [*CALLERS, ("owner", "owner")])


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def seed(tenant: TenantRef | None, event: str, when: str, /, **detail: Any) -> int:
    """Store an entry as ``audit.record`` would, at a chosen instant; return its id."""
    if tenant is None:
        with transaction.atomic():
            row = AuditEvent.objects.create(event=event, occurred_at=at(when), detail=detail)
        return row.pk
    with tenant_context(tenant), transaction.atomic():
        row = AuditEvent.objects.create(
            tenant_id=tenant.id, event=event, occurred_at=at(when), detail=detail
        )
    return row.pk


def get(shop: Shop, query: dict[str, Any] | str = "", who: str | None = "owner"):
    headers = {"HTTP_HOST": "acme.localhost"}
    if who:
        headers["HTTP_AUTHORIZATION"] = f"Bearer {shop.tokens[who]}"
    if isinstance(query, str):
        return Client().get(URL + query, **headers)
    return Client().get(URL, query, **headers)


def cursor(text: str) -> str:
    """Return ``text`` as a cursor parameter's value, written as DRF writes its own."""
    return quote(b64encode(text.encode()).decode())


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [entry["id"] for entry in response.json()["results"]]


@pytest.fixture
def history(shop) -> dict[str, int]:
    """acme's entries over two days, one of globex's and one of the platform's."""
    return {
        "old": seed(shop.acme, "sign_in_failed", "2026-03-09T22:59:59+00:00", locked_out=False),
        "edge": seed(shop.acme, "sign_in_succeeded", "2026-03-09T23:00:00+00:00", via="token"),
        "mid": seed(shop.acme, "token_issued", "2026-03-10T12:00:00+00:00", token="7"),
        "late": seed(shop.acme, "sign_in_succeeded", "2026-03-10T22:59:59.999999+00:00"),
        "next": seed(shop.acme, "role_changed", "2026-03-10T23:00:00+00:00", old="staff"),
        "globex": seed(shop.globex, "sign_in_succeeded", "2026-03-10T12:00:00+00:00"),
        "platform": seed(None, "tenant_suspended", "2026-03-10T12:00:00+00:00", tenant="acme"),
    }


def test_the_owner_reads_the_shops_entries_newest_first_and_no_others(shop, history) -> None:
    response = get(shop)

    assert ids(response) == [
        history["next"],
        history["late"],
        history["mid"],
        history["edge"],
        history["old"],
    ]
    assert response.json()["results"][2] == {
        "id": history["mid"],
        "type": "token_issued",
        "actor": {"account_id": None, "email_hash": None},
        "ip": None,
        "user_agent": "",
        "request_id": "",
        "occurred_at": "2026-03-10T12:00:00Z",
        "details": {"token": "7"},
    }
    assert (response.json()["next"], response.json()["previous"]) == (None, None)


def test_another_shops_owner_reads_only_theirs(shop, history) -> None:
    response = Client().get(
        URL, HTTP_HOST="globex.localhost", HTTP_AUTHORIZATION=f"Bearer {shop.tokens['globex']}"
    )

    assert ids(response) == [history["globex"]]


def test_pages_follow_each_other_without_gaps_or_repeats(shop, history) -> None:
    first = get(shop, {"page_size": 2})
    second = Client().get(
        first.json()["next"],
        HTTP_HOST="acme.localhost",
        HTTP_AUTHORIZATION=f"Bearer {shop.tokens['owner']}",
    )
    third = Client().get(
        second.json()["next"],
        HTTP_HOST="acme.localhost",
        HTTP_AUTHORIZATION=f"Bearer {shop.tokens['owner']}",
    )

    assert ids(first) == [history["next"], history["late"]]
    assert ids(second) == [history["mid"], history["edge"]]
    assert ids(third) == [history["old"]]
    assert third.json()["next"] is None
    assert first.json()["previous"] is None
    assert third.json()["previous"] is not None


def test_type_filters_by_the_apis_type_name(shop, history) -> None:
    assert ids(get(shop, {"type": "sign_in_succeeded"})) == [history["late"], history["edge"]]
    assert ids(get(shop, {"type": "locked_out"})) == []


def test_dates_are_whole_days_of_the_shops_time_zone_both_inclusive(shop, history) -> None:
    with tenant_context(shop.acme), transaction.atomic():
        TenantSettings.objects.update(time_zone="Europe/Berlin")  # UTC+1 in March

    # 10 March in Berlin: 2026-03-09T23:00Z up to 2026-03-10T22:59:59.999999Z.
    assert ids(get(shop, {"from": "2026-03-10", "to": "2026-03-10"})) == [
        history["late"],
        history["mid"],
        history["edge"],
    ]
    assert ids(get(shop, {"to": "2026-03-09"})) == [history["old"]]
    assert ids(get(shop, {"from": "2026-03-11"})) == [history["next"]]


def test_the_calendars_first_and_last_days_are_bounds_like_any_other(shop, history) -> None:
    everything = [history[key] for key in ("next", "late", "mid", "edge", "old")]

    assert ids(get(shop, {"to": "9999-12-31"})) == everything
    assert ids(get(shop, {"from": "0001-01-01", "to": "9999-12-31"})) == everything
    assert ids(get(shop, {"from": "9999-12-31"})) == []
    assert ids(get(shop, {"to": "0001-01-01"})) == []


def test_the_calendars_edges_are_bounds_in_every_time_zone(shop, history) -> None:
    everything = [history[key] for key in ("next", "late", "mid", "edge", "old")]
    for zone in ("Asia/Tokyo", "Pacific/Kiritimati", "Etc/GMT+12"):  # UTC+9, +14, -12
        with tenant_context(shop.acme), transaction.atomic():
            TenantSettings.objects.update(time_zone=zone)

        assert ids(get(shop, {"from": "0001-01-01", "to": "9999-12-31"})) == everything, zone
        assert ids(get(shop, {"from": "9999-12-31"})) == [], zone
        assert ids(get(shop, {"to": "0001-01-01"})) == [], zone


def test_dates_in_utc_by_default(shop, history) -> None:
    assert ids(get(shop, {"from": "2026-03-10", "to": "2026-03-10"})) == [
        history["next"],
        history["late"],
        history["mid"],
    ]


def test_instants_with_their_offset_are_inclusive_bounds(shop, history) -> None:
    assert ids(get(shop, {"from": "2026-03-10T00:00:00+01:00", "to": "2026-03-10T12:00:00Z"})) == [
        history["mid"],
        history["edge"],
    ]
    assert ids(get(shop, {"to": "2026-03-09T22:59:59Z"})) == [history["old"]]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("?type=sign_in", "type"),  # the old name: entries were renamed
        ("?from=yesterday", "from"),
        ("?from=2026-02-30", "from"),
        ("?to=2026-03-10T10:00:00", "to"),  # an instant needs its offset
        ("?from=2026-03-11&to=2026-03-10", "to"),
        ("?from=2026-03-10T12:00:01Z&to=2026-03-10T12:00:00Z", "to"),
        ("?cursor=%00", "cursor"),
        ("?from=%00", "from"),
        # Instants UTC cannot say: before 0001-01-01T00:00Z, after 9999-12-31T23:59:59Z.
        ("?from=9999-12-31T23:59:59-10:00", "from"),
        ("?from=0001-01-01T00:00:00%2B14:00", "from"),
        ("?to=9999-12-31T23:59:59-10:00", "to"),
        # Cursors DRF never writes: a position that is no instant of the ordering column.
        ("?cursor=" + cursor("p=garbage"), "cursor"),
        ("?cursor=" + cursor("o=5&r=1&p=2026-99-99"), "cursor"),
        ("?cursor=" + cursor("p=\x00"), "cursor"),
        ("?cursor=" + cursor("p=2026-03-10 12:00:00"), "cursor"),  # no offset
        ("?cursor=" + cursor("p=9999-12-31 23:59:59-10:00"), "cursor"),
    ],
)
def test_a_bad_filter_is_a_400_problem_naming_it(shop, history, query: str, field: str) -> None:
    response = get(shop, query)

    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert list(response.json()["errors"]) == [field]


@pytest.mark.parametrize(("who", "status"), [("staff", 403), ("ann", 403), (None, 401)])
def test_only_owners_read_the_audit_log(shop, history, who: str | None, status: int) -> None:
    response = get(shop, who=who)

    assert response.status_code == status
    assert response["Content-Type"] == "application/problem+json"


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_no_method_changes_an_entry(shop, history, method: str) -> None:
    response = getattr(Client(), method)(
        URL,
        {"type": "sign_in_succeeded"},
        content_type="application/json",
        HTTP_HOST="acme.localhost",
        HTTP_AUTHORIZATION=f"Bearer {shop.tokens['owner']}",
    )

    assert response.status_code == 405
    with tenant_context(shop.acme), transaction.atomic():
        assert AuditEvent.objects.count() == 5
