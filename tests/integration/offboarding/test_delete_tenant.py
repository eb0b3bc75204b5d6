"""``manage.py delete_tenant``: nothing of the tenant is left in any table, nothing else changes.

The big test loads both demo shops (orders, payments, refunds, stored events, projections,
stock, accounts), adds what the seed does not make (tokens and audit entries from sign-ins,
lockout records, idempotency records, inbox rows and delivery failures, a custom host, a
session, an admin log entry, an order with a shipping address for the fulfilment link, cache
keys), deletes acme and then walks PostgreSQL's catalog itself: every table with a tenant
column, and every row of every table read as text for acme's slug and id.
"""

from __future__ import annotations

import json
import threading
from dataclasses import replace
from datetime import timedelta
from io import StringIO
from typing import Any
from uuid import UUID, uuid4

import pytest
from django.apps import apps
from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.backends.db import SessionStore
from django.core.cache import caches
from django.core.management import CommandError, call_command
from django.db import IntegrityError, OperationalError, connection, connections, transaction
from django.test import Client

from emporium.catalog import bootstrap as catalog
from emporium.catalog.application import use_cases as catalog_cases
from emporium.catalog.models import Category
from emporium.composition.offboarding import deletion
from emporium.composition.offboarding.tables import tenant_by_slug
from emporium.identity.models import AuditEvent, User
from emporium.infrastructure.http.models import IdempotencyRecord
from emporium.infrastructure.messaging.inbox import consume_once, consumer_registry
from emporium.infrastructure.messaging.models import DeliveryFailure, InboxMessage
from emporium.infrastructure.messaging.retries import RetryPolicy, record_failure
from emporium.infrastructure.outbox.models import OutboxMessage
from emporium.inventory.application.use_cases import SetStock
from emporium.inventory.bootstrap import count_stock
from emporium.multitenancy.context import TenantRef, tenant_context
from emporium.ordering import bootstrap as ordering
from emporium.ordering.application.use_cases import MarkOrderPaid, PlaceOrder
from emporium.ordering.domain.address import ShippingAddress
from emporium.shared_kernel.events import EventEnvelope
from emporium.shared_kernel.money import Money
from emporium.tenancy.adapters.resolution import active_tenant, platform_cache, slug_key
from emporium.tenancy.models import Tenant, TenantHost

pytestmark = [
    pytest.mark.django_db(transaction=True, databases=["default", "admin"]),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="walks PostgreSQL's catalog"),
]

OWNER_PASSWORD = "demo-owner-pass"
#: What names the deletion itself and outlives the tenant by design (PHASE2, ADR 0022).
DELETION_EVENT = "tenancy.tenant_deleted"
#: The platform's audit entries about the shop that outlive it (ADR 0023): the operator's acts.
PLATFORM_AUDIT = ("tenant_suspended", "tenant_reactivated", "tenant_deleted")


def tables() -> list[tuple[str, set[str]]]:
    """Return every base table of the public schema with its column names."""
    with connections["admin"].cursor() as cursor:
        cursor.execute(
            "SELECT c.table_name, array_agg(c.column_name::text) FROM information_schema.columns c"
            " JOIN information_schema.tables t USING (table_schema, table_name)"
            " WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE'"
            " GROUP BY c.table_name ORDER BY c.table_name"
        )
        return [(name, set(columns)) for name, columns in cursor.fetchall()]


def totals() -> dict[str, int]:
    """Return the number of rows of every base table of the public schema."""
    counted = {}
    with connections["admin"].cursor() as cursor:
        for table, _ in tables():
            cursor.execute(f"SELECT count(*) FROM {table}")
            counted[table] = int(cursor.fetchone()[0])
    return counted


def counts_of(output: str) -> dict[str, int]:
    """Return the per-table counts ``delete_tenant`` printed (all lines but the summary)."""
    return {label: int(n) for label, n in (line.split() for line in output.splitlines()[:-1])}


def mentions(tenant: TenantRef) -> str:
    """Return a condition true for a row whose text names the tenant (bytea read as hex too)."""
    needles = [tenant.slug, str(tenant.id), tenant.slug.encode().hex()]
    return "(" + " OR ".join(f"strpos(t::text, '{needle}') > 0" for needle in needles) + ")"


def belongs_to(tenant: TenantRef, columns: set[str]) -> str:
    """Return a condition for the rows of ``tenant`` in a table with ``columns``."""
    conditions = [mentions(tenant)]
    if "tenant_id" in columns:
        conditions.append(f"t.tenant_id::text = '{tenant.id}'")
    for name in ("tenant", "slug"):
        if name in columns:
            conditions.append(f"t.{name}::text = '{tenant.slug}'")
    return " OR ".join(conditions)


def fingerprints(tenant: TenantRef) -> dict[str, tuple[int, str]]:
    """Return, per table, how many rows belong to ``tenant`` and a digest of their content."""
    return {table: _fingerprint(table, tenant, columns) for table, columns in tables()}


def _fingerprint(table: str, tenant: TenantRef, columns: set[str]) -> tuple[int, str]:
    with connections["admin"].cursor() as cursor:  # the owner: no row-level security
        cursor.execute(
            f"SELECT count(*), coalesce(md5(string_agg(t::text, '|' ORDER BY t::text)), '')"
            f" FROM {table} t WHERE {belongs_to(tenant, columns)}"
        )
        count, digest = cursor.fetchone()
    return int(count), str(digest)


def leftovers(tenant: TenantRef) -> dict[str, list[str]]:
    """Return the rows of ``tenant`` left in any table, but those naming the deletion itself."""
    left: dict[str, list[str]] = {}
    for table, columns in tables():
        allowed = "false"
        if table == "identity_auditevent":
            events = ", ".join(f"'{event}'" for event in PLATFORM_AUDIT)
            allowed = f"(t.tenant_id IS NULL AND t.event IN ({events}))"
        elif "type" in columns and table == "infrastructure_outboxmessage":
            allowed = f"t.type = '{DELETION_EVENT}'"
        elif "event_type" in columns:
            allowed = f"t.event_type = '{DELETION_EVENT}'"
        with connections["admin"].cursor() as cursor:
            cursor.execute(
                f"SELECT t::text FROM {table} t WHERE ({belongs_to(tenant, columns)})"
                f" AND NOT {allowed}"
            )
            rows = [row[0] for row in cursor.fetchall()]
        if rows:
            left[table] = rows
    return left


def shipped_order(tenant: TenantRef, customer_id: UUID) -> UUID:
    """Place and pay an order with a shipping address: the fulfilment link's rows."""
    with tenant_context(tenant), transaction.atomic():
        product = catalog.create_product(
            catalog_cases.CreateProduct(
                f"Mug {uuid4()}", "Described.", None, Money.of("5.00", "USD"), "USD"
            )
        )
        catalog.publish_product(catalog_cases.PublishProduct(product.id))
        count_stock(SetStock(product.id, 5))
        address = ShippingAddress("Ann Lee", "1 Quay St", "", "Bristol", "BS1 4DJ", "GB")
        order = ordering.place_order(
            PlaceOrder(customer_id, [(product.id, 1)], shipping_address=address)
        )
        ordering.mark_order_paid(MarkOrderPaid(order.id, uuid4()))
    return order.id


def load_extras(tenant: TenantRef) -> None:
    """Add to a seeded shop the rows the seed does not make."""
    host = f"{tenant.slug}.localhost"
    owner_email = f"owner@{tenant.slug}.example"
    client = Client()
    signed_in = client.post(
        "/api/v1/auth/token/",
        {"email": owner_email, "password": OWNER_PASSWORD},
        content_type="application/json",
        HTTP_HOST=host,
    )
    assert signed_in.status_code == 200
    refused = client.post(
        "/api/v1/auth/token/",
        {"email": f"nobody@{tenant.slug}.example", "password": "wrong"},
        content_type="application/json",
        HTTP_HOST=host,
    )
    assert refused.status_code == 401
    with tenant_context(tenant), transaction.atomic():
        owner = User.objects.get(email=owner_email)
        customer = User.objects.get(email=f"customer@{tenant.slug}.example")
        IdempotencyRecord.objects.create(
            user_id=owner.pk,
            key=f"key-{uuid4()}",
            request_hash="0" * 64,
            state="completed",
            response_status=201,
            response_body=json.dumps({"shop": tenant.slug}).encode(),
            response_content_type="application/json",
        )
    shipped_order(tenant, customer.pk)
    TenantHost.objects.using("admin").create(tenant_id=tenant.id, host=f"shop.{tenant.slug}.test")
    session = SessionStore()
    session["_auth_user_id"] = str(owner.pk)
    session.create()
    LogEntry.objects.using("admin").create(
        user_id=owner.pk,
        content_type=ContentType.objects.get_for_model(User),
        object_id=str(customer.pk),
        object_repr=f"customer@{tenant.slug}.example",
        action_flag=ADDITION,
    )
    # An operator's change to the shop itself, logged by content type and object id.
    LogEntry.objects.using("admin").create(
        user_id=User.objects.using("admin").get(email="operator@example.com").pk,
        content_type=ContentType.objects.get_for_model(Tenant),
        object_id=str(tenant.id),
        object_repr=tenant.slug,
        action_flag=CHANGE,
    )
    placed = OutboxMessage.objects.filter(tenant=tenant.slug, type="ordering.order_placed").first()
    assert placed is not None
    envelope = placed.to_envelope()
    # The real consumers of the event (the notifications' e-mail among them), as a broker's
    # workers would run them: their inbox rows; a run already made in-process is skipped.
    for name, handler in consumer_registry().consumers_for(envelope.type):
        consume_once(name, envelope, handler)
    record_failure("probe-failing", envelope, RuntimeError("down"), RetryPolicy())
    with tenant_context(tenant):
        caches["default"].set("catalog:navigation:g1", ["Tools"])
    assert active_tenant(tenant.slug) == tenant  # the host lookup is cached now


@pytest.fixture
def two_shops(settings: Any) -> tuple[TenantRef, TenantRef]:
    settings.DEBUG = True
    call_command("seed_demo", stdout=StringIO())
    acme, globex = tenant_by_slug("acme"), tenant_by_slug("globex")
    assert acme is not None
    assert globex is not None
    for tenant in (acme, globex):
        load_extras(tenant)
    # The operator's flow: suspend, then delete. A reactivation and a second suspension on the
    # way: the platform's audit records each, naming the slug.
    for action in ("suspend", "reactivate", "suspend"):
        call_command("tenants", action, "acme", stdout=StringIO())
    return acme, globex


def test_nothing_of_the_deleted_tenant_is_left_and_the_other_is_untouched(
    two_shops: tuple[TenantRef, TenantRef],
) -> None:
    acme, globex = two_shops
    late = replace(envelope_of("acme"), id=uuid4())
    acme_before = fingerprints(acme)
    globex_before = fingerprints(globex)
    # Data in every context: each of these tables holds rows of acme before.
    for table in (
        "analytics_dailysales",
        "catalog_product",
        "identity_accesstoken",
        "identity_auditevent",
        "identity_idempotencyrecord",
        "infrastructure_deliveryfailure",
        "infrastructure_inboxmessage",
        "infrastructure_outboxmessage",
        "infrastructure_projectionstate",
        "inventory_stockitem",
        "ordering_order",
        "ordering_orderevent",
        "payments_payment",
        "payments_refund",
        "tenancy_tenanthost",
        "django_admin_log",
    ):
        assert acme_before[table][0] > 0, table
    assert OutboxMessage.objects.filter(
        tenant="acme", type="ordering.fulfilment_requested"
    ).exists()
    assert InboxMessage.objects.filter(tenant="acme", consumer="order-confirmation").exists()
    with tenant_context(acme):
        assert caches["default"].get("catalog:navigation:g1") == ["Tools"]
    dry = StringIO()
    call_command("delete_tenant", "acme", "--confirm", "acme", "--dry-run", stdout=dry)
    totals_before = totals()
    out = StringIO()

    call_command("delete_tenant", "acme", "--confirm", "acme", stdout=out)

    assert leftovers(acme) == {}
    assert fingerprints(globex) == globex_before
    # Every table lost exactly the rows the command counted, and gained only the deletion's
    # own records: a row of acme that names neither its slug nor its id would show here.
    deleted_counts = counts_of(out.getvalue())
    assert deleted_counts == counts_of(dry.getvalue())  # the dry run counted the same rows
    by_table = {apps.get_model(label)._meta.db_table: n for label, n in deleted_counts.items()}
    made = {"identity_auditevent": 1, "infrastructure_outboxmessage": 1}
    assert totals() == {
        table: count - by_table.get(table, 0) + made.get(table, 0)
        for table, count in totals_before.items()
    }
    assert deleted_counts["ordering.Order"] == acme_before["ordering_order"][0]
    assert deleted_counts["catalog.Product"] == acme_before["catalog_product"][0]
    assert tenant_by_slug("acme") is None
    assert "acme: deleted" in out.getvalue()
    # The platform's audit keeps the operator's acts on the shop and the deletion, no more.
    kept = AuditEvent.everywhere.using("admin").filter(tenant_id=None, event__in=PLATFORM_AUDIT)
    assert [
        (entry.event, entry.detail.get("tenant") or entry.detail["slug"])
        for entry in kept.order_by("occurred_at", "id")
    ] == [
        ("tenant_suspended", "acme"),
        ("tenant_reactivated", "acme"),
        ("tenant_suspended", "acme"),
        ("tenant_deleted", "acme"),
    ]
    # The deletion's entry names the slug and what went.
    entry = AuditEvent.everywhere.using("admin").get(event="tenant_deleted")
    assert entry.tenant_id is None
    assert entry.detail["slug"] == "acme"
    assert entry.detail["tenant_id"] == str(acme.id)
    assert entry.detail["rows"] == sum(deleted_counts.values())
    assert entry.detail["tables"] == {label: n for label, n in deleted_counts.items() if n}
    assert deleted_counts["sessions.Session"] == 1  # found by decoding it
    # The fulfilment service is told through the outbox: a platform event naming the shop.
    deleted = OutboxMessage.objects.using("admin").get(type=DELETION_EVENT)
    assert (deleted.tenant, deleted.aggregate_id, deleted.payload) == (
        None,
        str(acme.id),
        {"slug": "acme"},
    )
    # No cache key of acme is left: its documents and its host lookup.
    with tenant_context(acme):
        assert caches["default"].get("catalog:navigation:g1") is None
    assert platform_cache().get(slug_key("acme")) in (None, "-")
    with tenant_context(globex):
        assert caches["default"].get("catalog:navigation:g1") == ["Tools"]
    # A message of acme still queued finds no tenant: skipped, no inbox or failure row made.
    assert consume_once("probe-consumer", late, lambda _: pytest.fail("ran")) is False
    assert not InboxMessage.objects.filter(tenant="acme").exists()
    assert not DeliveryFailure.objects.filter(tenant="acme").exists()


def envelope_of(slug: str) -> EventEnvelope:
    row = OutboxMessage.objects.filter(tenant=slug, type="ordering.order_placed").first()
    assert row is not None
    return row.to_envelope()


def test_a_missing_or_mismatched_confirmation_refuses_and_deletes_nothing() -> None:
    call_command("create_tenant", "initech", "--name", "Initech", stdout=StringIO())

    with pytest.raises(CommandError, match="pass --confirm initech"):
        call_command("delete_tenant", "initech")
    with pytest.raises(CommandError, match="pass --confirm initech"):
        call_command("delete_tenant", "initech", "--confirm", "initec")

    assert tenant_by_slug("initech") is not None
    call_command("tenants", "suspend", "initech", stdout=StringIO())
    out = StringIO()
    call_command("delete_tenant", "initech", "--confirm", "initech", stdout=out)
    # The tenant, its settings, and the outbox's tenant_created and tenant_suspended.
    assert out.getvalue().splitlines()[-1] == "initech: deleted 4 rows and 0 cache keys"
    assert tenant_by_slug("initech") is None


def test_an_unknown_tenant_is_a_clear_error() -> None:
    with pytest.raises(CommandError, match="No tenant 'nobody'"):
        call_command("delete_tenant", "nobody", "--confirm", "nobody")


def test_an_active_shop_is_refused_suspend_it_first() -> None:
    call_command("create_tenant", "initech", "--name", "Initech", stdout=StringIO())
    initech = tenant_by_slug("initech")

    with pytest.raises(CommandError, match="'initech' is active: suspend it first"):
        call_command("delete_tenant", "initech", "--confirm", "initech", stdout=StringIO())

    assert tenant_by_slug("initech") == initech
    assert Tenant.objects.using("admin").get(slug="initech").status == "active"
    assert not OutboxMessage.objects.using("admin").filter(type=DELETION_EVENT).exists()
    assert not AuditEvent.everywhere.using("admin").filter(event="tenant_deleted").exists()


def test_the_tenant_row_is_locked_from_the_start_and_slug_keyed_tables_go_last(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    call_command("create_tenant", "initech", "--name", "Initech", stdout=StringIO())
    call_command("tenants", "suspend", "initech", stdout=StringIO())
    initech = tenant_by_slug("initech")
    assert initech is not None
    seen: list[str] = []
    locked: list[bool] = []
    original = deletion._raw_delete

    def probe(rows: Any) -> int:
        seen.append(rows.model._meta.label)
        if not locked:
            locked.append(row_is_locked(initech))
        return original(rows)

    monkeypatch.setattr(deletion, "_raw_delete", probe)

    call_command("delete_tenant", "initech", "--confirm", "initech", stdout=StringIO())

    # Another transaction could not take the row before the first DELETE ran.
    assert locked == [True]
    by_slug = {
        "axes.AccessAttempt",
        "axes.AccessFailureLog",
        "axes.AccessLog",
        "infrastructure.DeliveryFailure",
        "infrastructure.InboxMessage",
        "infrastructure.OutboxMessage",
    }
    assert set(seen[-len(by_slug) - 1 : -1]) == by_slug
    assert seen[-1] == "sessions.Session"


def row_is_locked(tenant: TenantRef) -> bool:
    """Return whether another connection finds the tenant's row locked (NOWAIT)."""
    result: list[bool] = []

    def attempt() -> None:
        try:
            with transaction.atomic(using="admin"), connections["admin"].cursor() as cursor:
                cursor.execute(
                    "SELECT 1 FROM tenancy_tenant WHERE id = %s FOR KEY SHARE NOWAIT",
                    [tenant.id],
                )
            result.append(False)
        except OperationalError:
            result.append(True)
        finally:
            connections.close_all()

    thread = threading.Thread(target=attempt)
    thread.start()
    thread.join()
    return result[0]


def test_a_deleted_shop_s_slug_stays_taken_for_the_quarantine(settings: Any) -> None:
    call_command("create_tenant", "initech", "--name", "Initech", stdout=StringIO())
    call_command("tenants", "suspend", "initech", stdout=StringIO())
    call_command("delete_tenant", "initech", "--confirm", "initech", stdout=StringIO())
    settings.EMPORIUM_SLUG_QUARANTINE = timedelta(hours=24)

    with pytest.raises(CommandError, match=r"'initech' was deleted at .* UTC; its slug is free"):
        call_command("create_tenant", "initech", "--name", "Initech", stdout=StringIO())
    assert tenant_by_slug("initech") is None

    settings.EMPORIUM_SLUG_QUARANTINE = timedelta(0)
    call_command("create_tenant", "initech", "--name", "Initech", stdout=StringIO())
    assert tenant_by_slug("initech") is not None


def test_a_cache_that_cannot_be_swept_leaves_the_deletion_standing_with_a_warning(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    call_command("create_tenant", "initech", "--name", "Initech", stdout=StringIO())
    call_command("tenants", "suspend", "initech", stdout=StringIO())
    initech = tenant_by_slug("initech")
    assert initech is not None

    def down(tenant: TenantRef) -> int:
        raise ConnectionError("Redis is down")

    monkeypatch.setattr(deletion, "forget_tenant_keys", down)
    out, err = StringIO(), StringIO()

    call_command("delete_tenant", "initech", "--confirm", "initech", stdout=out, stderr=err)

    assert tenant_by_slug("initech") is None
    assert out.getvalue().splitlines()[-1] == "initech: deleted 4 rows"
    assert err.getvalue().strip() == (
        f"initech: its cache keys could not be removed (see the log): they are the keys of "
        f"tenant id {initech.id} ('t:{initech.id}:' in their names); delete them by hand or "
        "let them expire."
    )
    [logged] = [r for r in caplog.records if r.name == "emporium.composition.offboarding.deletion"]
    assert logged.getMessage() == (
        f"Tenant initech deleted, but its cache keys (tenant id {initech.id}) were not removed"
    )
    assert logged.levelname == "ERROR"
    assert AuditEvent.everywhere.using("admin").filter(event="tenant_deleted").count() == 1


def test_a_write_in_flight_when_the_deletion_starts_fails_at_its_commit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    call_command("create_tenant", "initech", "--name", "Initech", stdout=StringIO())
    call_command("tenants", "suspend", "initech", stdout=StringIO())
    initech = tenant_by_slug("initech")
    assert initech is not None
    written, commit, outcome = threading.Event(), threading.Event(), []

    def writer() -> None:
        # A request of the shop that began before its suspension, still open.
        try:
            with tenant_context(initech), transaction.atomic():
                Category.objects.create(name="Written meanwhile")
                written.set()
                assert commit.wait(10)
            outcome.append("committed")
        except IntegrityError:
            outcome.append("refused")
        finally:
            connections.close_all()

    thread = threading.Thread(target=writer)
    thread.start()
    assert written.wait(10)
    original = deletion._raw_delete

    def commit_meanwhile(rows: Any) -> int:
        if not commit.is_set():
            commit.set()  # the writer commits now: it waits for the deletion's lock
            thread.join(1)
        return original(rows)

    monkeypatch.setattr(deletion, "_raw_delete", commit_meanwhile)

    call_command("delete_tenant", "initech", "--confirm", "initech", stdout=StringIO())
    thread.join(10)

    assert outcome == ["refused"]  # its key to the tenant found no tenant after the wait
    assert tenant_by_slug("initech") is None
    with tenant_context(initech), transaction.atomic(using="admin"):
        assert not Category.objects.using("admin").exists()
