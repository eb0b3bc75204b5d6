"""Idempotency-Key on a creating POST: replays byte for byte, 422 on reuse, which outcomes stay."""

from __future__ import annotations

import io
import uuid
from datetime import timedelta
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from emporium.identity.adapters.tokens import issue_token
from emporium.infrastructure.http.idempotency import purge_idempotency_records, request_hash
from emporium.infrastructure.http.models import IdempotencyRecord
from emporium.infrastructure.tasks import purge_idempotency_keys
from emporium.multitenancy.context import TenantRef, tenant_context
from tests.testapps.tenant_probe.idempotent_urls import PATH, CreateShelf
from tests.testapps.tenant_probe.models import Shelf

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.urls("tests.testapps.tenant_probe.idempotent_urls"),
]

PROBLEMS = "https://emporium.example/problems/"
HOSTS = {"acme": "acme.localhost", "globex": "globex.localhost"}


class Shop:
    """Tenants acme and globex, accounts ann and bob in acme and gil in globex, their tokens."""

    def __init__(self, tenants: dict[str, TenantRef], accounts: dict[str, Any]) -> None:
        self.tenants = tenants
        self.accounts = accounts
        self.tokens: dict[str, str] = {}
        for name, (slug, account) in accounts.items():
            with tenant_context(tenants[slug]):
                self.tokens[name] = issue_token(account)[0]

    def post(self, who: str, body: str, key: str | None = None) -> Any:
        slug = self.accounts[who][0]
        headers = {"HTTP_HOST": HOSTS[slug], "HTTP_AUTHORIZATION": f"Bearer {self.tokens[who]}"}
        if key is not None:
            headers["HTTP_IDEMPOTENCY_KEY"] = key
        return Client(raise_request_exception=False).post(
            PATH, data=body, content_type="application/json", **headers
        )

    def shelves(self, slug: str = "acme") -> list[str]:
        with tenant_context(self.tenants[slug]):
            return sorted(Shelf.objects.values_list("name", flat=True))

    def records(self, slug: str = "acme") -> list[tuple[Any, ...]]:
        with tenant_context(self.tenants[slug]):
            return list(
                IdempotencyRecord.objects.order_by("pk").values_list(
                    "user_id", "key", "state", "response_status"
                )
            )


@pytest.fixture(autouse=True)
def _fresh_probe(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(CreateShelf, "calls", [])
    monkeypatch.setattr(CreateShelf, "delay", 0.0)
    monkeypatch.setattr(CreateShelf, "during", None)


@pytest.fixture
def shop(acme_and_globex: tuple[TenantRef, TenantRef], make_account: Any) -> Shop:
    acme, globex = acme_and_globex
    return Shop(
        {"acme": acme, "globex": globex},
        {
            "ann": ("acme", make_account(acme, "ann@acme.example", "owner")),
            "bob": ("acme", make_account(acme, "bob@acme.example", "customer")),
            "gil": ("globex", make_account(globex, "gil@globex.example", "customer")),
        },
    )


def answer(response: Any) -> tuple[int, str, bytes]:
    return response.status_code, response["Content-Type"], response.content


def test_one_hundred_replays_create_one_shelf_and_identical_answers(shop: Shop) -> None:
    answers = [answer(shop.post("ann", '{"name": "tools"}', key="order-1")) for _ in range(100)]

    first = answers[0]
    assert first[:2] == (201, "application/json")
    with tenant_context(shop.tenants["acme"]):
        shelf = Shelf.objects.get()
    assert first[2] == b'{"id":%d,"name":"tools"}' % shelf.pk
    assert answers == [first] * 100
    assert CreateShelf.calls == ["tools"]
    assert shop.shelves() == ["tools"]
    assert shop.records() == [(shop.accounts["ann"][1].pk, "order-1", "done", 201)]


def test_replay_carries_the_standard_headers_of_the_view(shop: Shop) -> None:
    first = shop.post("ann", '{"name": "tools"}', key="k")
    replay = shop.post("ann", '{"name": "tools"}', key="k")

    assert "Authorization" in first["Vary"]
    assert replay["Vary"] == first["Vary"]


def test_same_key_with_another_body_is_422_and_creates_nothing(shop: Shop) -> None:
    assert shop.post("ann", '{"name": "tools"}', key="k").status_code == 201

    response = shop.post("ann", '{"name": "paint"}', key="k")

    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["type"] == PROBLEMS + "idempotency-key-reused"
    assert shop.shelves() == ["tools"]
    assert CreateShelf.calls == ["tools"]
    # The stored answer is untouched: the original request still replays.
    assert shop.post("ann", '{"name": "tools"}', key="k").status_code == 201


def test_the_same_body_in_another_spelling_is_another_request(shop: Shop) -> None:
    assert shop.post("ann", '{"name": "tools"}', key="k").status_code == 201

    assert shop.post("ann", '{"name":"tools"}', key="k").status_code == 422


def test_a_422_outcome_is_stored_and_replayed_without_running_again(shop: Shop) -> None:
    first = shop.post("ann", '{"name": "fail-422"}', key="k")
    replay = shop.post("ann", '{"name": "fail-422"}', key="k")

    assert first.status_code == 422
    assert first.json()["type"] == PROBLEMS + "shelf-name-refused"
    assert answer(replay) == answer(first)
    assert replay["Content-Type"] == "application/problem+json"
    assert CreateShelf.calls == ["fail-422"]
    assert shop.records() == [(shop.accounts["ann"][1].pk, "k", "done", 422)]


def test_a_400_outcome_is_not_stored_and_the_key_may_be_used_again(shop: Shop) -> None:
    refused = shop.post("ann", '{"name": "fail-400"}', key="k")

    assert refused.status_code == 400
    assert refused.json()["type"] == PROBLEMS + "validation-error"
    assert shop.records() == []
    retried = shop.post("ann", '{"name": "tools"}', key="k")
    assert retried.status_code == 201
    assert shop.shelves() == ["tools"]


def test_a_crash_leaves_no_claim_behind(shop: Shop) -> None:
    crashed = shop.post("ann", '{"name": "boom"}', key="k")

    assert crashed.status_code == 500
    assert crashed.json()["type"] == PROBLEMS + "server-error"
    assert shop.records() == []
    # Not 409 (a claim left in flight) and not a replay: the request runs again.
    assert shop.post("ann", '{"name": "boom"}', key="k").status_code == 500
    assert CreateShelf.calls == ["boom", "boom"]
    assert shop.post("ann", '{"name": "tools"}', key="k").status_code == 201
    assert shop.shelves() == ["tools"]


def test_keys_of_two_accounts_are_independent(shop: Shop) -> None:
    ann = shop.post("ann", '{"name": "tools"}', key="k")
    bob = shop.post("bob", '{"name": "paint"}', key="k")

    assert (ann.status_code, bob.status_code) == (201, 201)
    assert shop.shelves() == ["paint", "tools"]
    assert [row[:2] for row in shop.records()] == [
        (shop.accounts["ann"][1].pk, "k"),
        (shop.accounts["bob"][1].pk, "k"),
    ]


def test_keys_of_two_tenants_are_independent(shop: Shop) -> None:
    acme = shop.post("ann", '{"name": "tools"}', key="k")
    globex = shop.post("gil", '{"name": "tools"}', key="k")

    assert (acme.status_code, globex.status_code) == (201, 201)
    assert acme.json()["id"] != globex.json()["id"]
    assert (shop.shelves("acme"), shop.shelves("globex")) == (["tools"], ["tools"])
    assert CreateShelf.calls == ["tools", "tools"]


@pytest.mark.parametrize("key", ["", "x" * 256, "two words", "caf\u00e9", "tab\there"])
def test_a_malformed_key_is_400_and_runs_nothing(shop: Shop, key: str) -> None:
    response = shop.post("ann", '{"name": "tools"}', key=key)

    assert response.status_code == 400
    assert response.json()["type"] == PROBLEMS + "invalid-idempotency-key"
    assert (shop.shelves(), shop.records(), CreateShelf.calls) == ([], [], [])


def test_a_key_of_255_visible_characters_is_accepted(shop: Shop) -> None:
    key = "".join(chr(33 + i % 94) for i in range(255))

    assert shop.post("ann", '{"name": "tools"}', key=key).status_code == 201
    assert shop.records()[0][1] == key


def test_without_a_key_the_request_is_one_transaction(shop: Shop) -> None:
    with CaptureQueriesContext(connection) as plain:
        response = shop.post("ann", '{"name": "tools"}')
    with CaptureQueriesContext(connection) as keyed:
        shop.post("ann", '{"name": "paint"}', key="k")

    assert response.status_code == 201
    assert response.json() == {"id": response.json()["id"], "name": "tools"}

    def savepoints(captured: CaptureQueriesContext) -> int:
        return sum(q["sql"].startswith("SAVEPOINT") for q in captured.captured_queries)

    # Inside the test's transaction every transaction of the request is a savepoint.
    assert savepoints(plain) == 1
    assert not any("idempotency" in q["sql"] for q in plain.captured_queries)
    # With a key: authentication, the committed claim, then the work with its answer.
    assert savepoints(keyed) == 3
    assert shop.shelves() == ["paint", "tools"]


def test_without_a_key_a_crash_rolls_the_request_back(shop: Shop) -> None:
    def crash() -> None:
        raise RuntimeError("after the write")

    CreateShelf.during = crash

    assert shop.post("ann", '{"name": "tools"}').status_code == 500
    assert shop.post("ann", '{"name": "tools"}', key="k").status_code == 500
    assert (shop.shelves(), shop.records()) == ([], [])


def test_unauthenticated_request_with_a_key_is_401_and_claims_nothing(shop: Shop) -> None:
    response = Client().post(
        PATH,
        data='{"name": "tools"}',
        content_type="application/json",
        HTTP_HOST="acme.localhost",
        HTTP_IDEMPOTENCY_KEY="k",
    )

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'
    assert (shop.shelves(), shop.records()) == ([], [])


def test_a_claim_in_flight_is_409_until_it_is_abandoned(shop: Shop) -> None:
    body = '{"name": "tools"}'
    ann = shop.accounts["ann"][1]
    with tenant_context(shop.tenants["acme"]):
        IdempotencyRecord.objects.create(
            user_id=ann.pk,
            key="k",
            request_hash=request_hash("POST", PATH, body.encode()),
            created_at=timezone.now() - timedelta(minutes=4),
        )

    in_flight = shop.post("ann", body, key="k")
    assert in_flight.status_code == 409
    assert in_flight.json()["type"] == PROBLEMS + "idempotency-key-in-flight"
    assert shop.post("ann", '{"name": "paint"}', key="k").status_code == 422
    assert (shop.shelves(), CreateShelf.calls) == ([], [])

    with tenant_context(shop.tenants["acme"]):
        IdempotencyRecord.objects.update(created_at=timezone.now() - timedelta(minutes=6))
    taken_over = shop.post("ann", body, key="k")

    assert taken_over.status_code == 201
    assert shop.shelves() == ["tools"]
    assert shop.records() == [(ann.pk, "k", "done", 201)]


def test_work_whose_claim_was_taken_over_meanwhile_is_rolled_back(shop: Shop) -> None:
    def take_over() -> None:
        # What another request does when it finds this claim abandoned.
        IdempotencyRecord.objects.update(created_at=timezone.now() + timedelta(seconds=1))

    CreateShelf.during = take_over

    response = shop.post("ann", '{"name": "tools"}', key="k")

    assert response.status_code == 409
    assert CreateShelf.calls == ["tools"]
    assert shop.shelves() == []


def _record(key: str, age: timedelta) -> IdempotencyRecord:
    return IdempotencyRecord(
        user_id=uuid.uuid4(),
        key=key,
        request_hash="0" * 64,
        state=IdempotencyRecord.DONE,
        response_status=201,
        response_body=b"{}",
        response_content_type="application/json",
        created_at=timezone.now() - age,
    )


def _store_aged_records(tenants: tuple[TenantRef, ...]) -> None:
    for tenant in tenants:
        with tenant_context(tenant), transaction.atomic():
            IdempotencyRecord.objects.bulk_create(
                [
                    _record("old", timedelta(hours=24, minutes=1)),
                    _record("older", timedelta(days=3)),
                    _record("recent", timedelta(hours=23, minutes=59)),
                ]
            )


def _remaining() -> list[tuple[str, str]]:
    return sorted(IdempotencyRecord.cross_tenant.values_list("tenant__slug", "key"))


@pytest.mark.django_db(transaction=True, databases=["default", "admin"])
def test_purge_removes_only_records_older_than_24_hours_in_every_tenant(
    acme_and_globex: tuple[TenantRef, TenantRef],
) -> None:
    _store_aged_records(acme_and_globex)

    assert purge_idempotency_records() == 4

    assert _remaining() == [("acme", "recent"), ("globex", "recent")]


@pytest.mark.django_db(transaction=True, databases=["default", "admin"])
def test_purge_command_and_task(acme_and_globex: tuple[TenantRef, TenantRef]) -> None:
    _store_aged_records(acme_and_globex)
    out = io.StringIO()

    call_command("purge_idempotency_keys", "--hours", "48", stdout=out)

    assert out.getvalue().strip() == "Deleted 2 idempotency keys older than 48 hours."
    assert purge_idempotency_keys.delay().get() == 2
    assert _remaining() == [("acme", "recent"), ("globex", "recent")]
    with pytest.raises(CommandError, match="at least 24"):
        call_command("purge_idempotency_keys", "--hours", "23")
