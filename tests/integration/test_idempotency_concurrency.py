"""Concurrent identical requests under one Idempotency-Key: one shelf, the others 409 or replay."""

from __future__ import annotations

import json
import threading
from typing import Any

import pytest
from django.conf import settings
from django.db import connections, transaction
from django.test import Client

from emporium.identity.adapters.tokens import issue_token
from emporium.infrastructure.http.idempotency import IdempotentCreateMixin
from emporium.infrastructure.http.models import IdempotencyRecord
from emporium.multitenancy.context import TenantRef, tenant_context
from tests.testapps.tenant_probe.idempotent_urls import PATH, CreateShelf
from tests.testapps.tenant_probe.models import Shelf

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.urls("tests.testapps.tenant_probe.idempotent_urls"),
]

# Eight threads, each with its own Client and pooled connection, send the same POST with the
# same key at once while the handler takes 0.5 s: the claim commits before the work, so the others
# see it in flight (409) or, arriving after the first finished, get its answer replayed.
THREADS = 8
BODY = '{"name": "tools"}'
IN_FLIGHT = "https://emporium.example/problems/idempotency-key-in-flight"


def test_concurrent_duplicates_create_one_shelf(
    acme_and_globex: tuple[TenantRef, TenantRef],
    make_account: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    pool = settings.DATABASES["default"]["OPTIONS"]["pool"]
    # One pooled connection per thread plus the one the test itself holds.
    assert pool["max_size"] >= THREADS + 1
    assert issubclass(CreateShelf, IdempotentCreateMixin)
    acme = acme_and_globex[0]
    ann = make_account(acme, "ann@acme.example", "owner")
    with tenant_context(acme), transaction.atomic():
        token = issue_token(ann)[0]
    monkeypatch.setattr(CreateShelf, "calls", [])
    monkeypatch.setattr(CreateShelf, "delay", 0.5)
    start = threading.Barrier(THREADS)
    answers: list[tuple[int, str, bytes]] = []
    errors: list[str] = []
    lock = threading.Lock()

    def send() -> None:
        try:
            client = Client(raise_request_exception=False)
            start.wait(timeout=30)
            response = client.post(
                PATH,
                data=BODY,
                content_type="application/json",
                HTTP_HOST="acme.localhost",
                HTTP_AUTHORIZATION=f"Bearer {token}",
                HTTP_IDEMPOTENCY_KEY="order-1",
            )
            with lock:
                answers.append((response.status_code, response["Content-Type"], response.content))
        except Exception as exc:  # noqa: BLE001  (reported by the assertions below)
            errors.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert [thread.is_alive() for thread in threads] == [False] * THREADS
    assert errors == []
    assert len(answers) == THREADS
    created = [a for a in answers if a[0] == 201]
    conflicts = [a for a in answers if a[0] == 409]
    assert len(created) + len(conflicts) == THREADS, answers
    assert conflicts, "no request overlapped the first one"
    assert {(json.loads(body)["type"], kind) for _, kind, body in conflicts} == {
        (IN_FLIGHT, "application/problem+json")
    }
    with tenant_context(acme), transaction.atomic():
        shelf = Shelf.objects.get()
        record = IdempotencyRecord.objects.get()
    assert CreateShelf.calls == ["tools"]
    first = (201, "application/json", b'{"id":%d,"name":"tools"}' % shelf.pk)
    assert created
    assert created == [first] * len(created)
    assert (record.state, record.response_status, bytes(record.response_body)) == (
        "done",
        201,
        first[2],
    )
    # Afterwards the key replays the one answer.
    replay = Client().post(
        PATH,
        data=BODY,
        content_type="application/json",
        HTTP_HOST="acme.localhost",
        HTTP_AUTHORIZATION=f"Bearer {token}",
        HTTP_IDEMPOTENCY_KEY="order-1",
    )
    assert (replay.status_code, replay["Content-Type"], replay.content) == first
