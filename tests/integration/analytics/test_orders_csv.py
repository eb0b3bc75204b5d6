"""GET /api/v1/analytics/orders.csv: orders placed through ordering's use cases, exact rows.

Orders are placed at chosen instants (the process clock set with ``time_machine``), paid,
refunded and cancelled through the use cases; the export is read through the API and parsed
back with ``csv.reader``.
"""

from __future__ import annotations

import csv
import io
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

import pytest
import time_machine
from django.db import connection, connections, transaction
from django.test import Client
from django.utils import timezone

from emporium.analytics.adapters import order_export
from emporium.identity.adapters.tokens import issue_token
from emporium.multitenancy.context import TenantRef, current_tenant, tenant_context
from emporium.ordering import bootstrap as ordering
from emporium.ordering.application.record_refund import RecordRefund
from emporium.ordering.application.use_cases import CancelOrder, MarkOrderPaid, PlaceOrder
from emporium.ordering.domain.order import CancelReason
from emporium.shared_kernel.money import Money
from emporium.tenancy import bootstrap as tenancy
from emporium.tenancy.application.use_cases import ChangeSettings
from tests.e2e.ordering.conftest import make_product

pytestmark = [
    pytest.mark.django_db,
    # A stream that is not closed in its own context ends, when collected, with an exception
    # Python can only print: here it fails the test.
    pytest.mark.filterwarnings("error::pytest.PytestUnraisableExceptionWarning"),
]

CSV = "/api/v1/analytics/orders.csv"
BOM = b"\xef\xbb\xbf"
HEADER = [
    "order_id",
    "created_at",
    "customer_email",
    "status",
    "subtotal",
    "tax",
    "shipping",
    "total",
    "refunded",
    "currency",
]


@dataclass
class Shop:
    """acme (8 % tax) and globex, their signed-in people and products."""

    acme: TenantRef
    globex: TenantRef
    tokens: dict[str, str] = field(default_factory=dict)
    people: dict[str, UUID] = field(default_factory=dict)
    products: dict[str, UUID] = field(default_factory=dict)

    def account(self, make_account: Any, who: str, email: str, role: str) -> None:
        tenant = self.globex if who.startswith("globex") else self.acme
        user = make_account(tenant, email, role)
        self.people[who] = user.pk
        with tenant_context(tenant), transaction.atomic():  # RLS: the tenant per transaction
            self.tokens[who] = issue_token(user)[0]

    def tenant_of(self, who: str) -> TenantRef:
        return self.globex if who.startswith("globex") else self.acme

    def place(self, who: str, at: datetime, *items: tuple[str, int]) -> UUID:
        """Place an order for ``who`` at the instant ``at``; return its id."""
        lines = [(self.products[name], quantity) for name, quantity in items]
        with tenant_context(self.tenant_of(who)), time_machine.travel(at, tick=False):
            return ordering.place_order(PlaceOrder(self.people[who], lines)).id

    def pay(self, tenant: TenantRef, order_id: UUID, at: datetime) -> UUID:
        payment = uuid.uuid4()
        with tenant_context(tenant), time_machine.travel(at, tick=False):
            ordering.mark_order_paid(MarkOrderPaid(order_id, payment))
        return payment

    def refund(self, order_id: UUID, payment: UUID, amount: str, so_far: str, at: datetime) -> None:
        money, total = Money.of(amount, "USD"), Money.of(so_far, "USD")
        with tenant_context(self.acme):
            ordering.record_refund(RecordRefund(order_id, payment, uuid.uuid4(), money, total, at))

    def cancel(self, order_id: UUID) -> None:
        with tenant_context(self.acme):
            ordering.cancel_order(CancelOrder(order_id, CancelReason.CUSTOMER))

    def get(self, query: str, who: str | None, host: str = "acme.localhost", **headers: Any) -> Any:
        if who:
            headers["HTTP_AUTHORIZATION"] = f"Bearer {self.tokens[who]}"
        return Client().get(f"{CSV}{query}", HTTP_HOST=host, **headers)


@pytest.fixture
def shop(acme_and_globex, make_account, settings) -> Shop:
    settings.CELERY_BROKER_URL = ""  # no broker: the consumers run in-process after commit
    shop = Shop(*acme_and_globex)
    for who, email, role in [
        ("staff", "staff@acme.example", "staff"),
        ("owner", "owner@acme.example", "owner"),
        ("ann", "ann@acme.example", "customer"),
        ("bob", "bob@acme.example", "customer"),
        ("globex", "owner@globex.example", "owner"),
        ("globex-buyer", "buyer@globex.example", "customer"),
    ]:
        shop.account(make_account, who, email, role)
    shop.products["mug"] = make_product(shop.acme, "Mug", "4.00", stock=50)
    shop.products["pan"] = make_product(shop.acme, "Pan", "45.90", stock=10)
    shop.products["globex"] = make_product(shop.globex, "Globex mug", "1.00", stock=50)
    return shop


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def body(response: Any) -> bytes:
    assert response.status_code == 200, response.content
    return b"".join(response.streaming_content)


def rows(response: Any) -> list[list[str]]:
    """Return the CSV's rows, header included, read back as a spreadsheet reader would."""
    raw = body(response)
    assert raw.startswith(BOM)
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))


def close(response: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """Close the response as a server does when the client goes away.

    The connection stays open (the test's transaction lives on it): the server's
    ``request_finished`` would close it, as the test client keeps it from doing.
    """
    with monkeypatch.context() as patched:
        for alias in connections:
            patched.setattr(connections[alias], "close_if_unusable_or_obsolete", lambda: None)
        response.close()


def row(order: UUID, created: str, email: str, status: str, *amounts: str) -> list[str]:
    subtotal, tax, total, refunded = amounts
    return [str(order), created, email, status, subtotal, tax, "0.00", total, refunded, "USD"]


def test_a_paid_a_refunded_and_a_cancelled_order_are_exact_rows_oldest_first(shop) -> None:
    paid = shop.place("ann", at("2026-11-10T09:15:00+00:00"), ("mug", 2))
    payment = shop.pay(shop.acme, paid, at("2026-11-10T09:16:00+00:00"))
    shop.refund(paid, payment, "1.50", "1.50", at("2026-11-12T08:00:00+00:00"))
    refunded = shop.place("bob", at("2026-11-11T23:59:59.500000+00:00"), ("pan", 1))
    payment = shop.pay(shop.acme, refunded, at("2026-11-12T00:01:00+00:00"))
    shop.refund(refunded, payment, "10.00", "10.00", at("2026-11-12T09:00:00+00:00"))
    shop.refund(refunded, payment, "39.57", "49.57", at("2026-11-12T10:00:00+00:00"))
    cancelled = shop.place("ann", at("2026-11-12T12:00:00+00:00"), ("mug", 1))
    shop.cancel(cancelled)

    response = shop.get("?from=2026-11-10&to=2026-11-12", "staff")

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        'attachment; filename="orders-2026-11-10-2026-11-12.csv"'
    )
    assert response["Cache-Control"] == "no-store"
    assert rows(response) == [
        HEADER,
        # 2 x 4.00, 8 % tax; 1.50 of it refunded: still paid
        row(
            paid,
            "2026-11-10T09:15:00+00:00",
            "ann@acme.example",
            "paid",
            "8.00",
            "0.64",
            "8.64",
            "1.50",
        ),
        # 45.90 + 3.672 rounded half to even; refunded in two parts, all of it
        row(
            refunded,
            "2026-11-11T23:59:59.500000+00:00",
            "bob@acme.example",
            "refunded",
            "45.90",
            "3.67",
            "49.57",
            "49.57",
        ),
        row(
            cancelled,
            "2026-11-12T12:00:00+00:00",
            "ann@acme.example",
            "cancelled",
            "4.00",
            "0.32",
            "4.32",
            "0.00",
        ),
    ]


def test_the_file_is_crlf_csv_starting_with_the_byte_order_mark(shop) -> None:
    order = shop.place("ann", at("2026-11-10T09:15:00+00:00"), ("mug", 1))

    raw = body(shop.get("?from=2026-11-10&to=2026-11-10", "owner"))

    assert raw == (
        BOM + b"order_id,created_at,customer_email,status,subtotal,tax,shipping,total,refunded,"
        b"currency\r\n"
        + f"{order},2026-11-10T09:15:00+00:00,ann@acme.example,confirmed,4.00,0.32,0.00,4.32,"
        "0.00,USD\r\n".encode()
    )


def test_commas_quotes_line_breaks_and_non_ascii_survive_a_round_trip(shop, make_account) -> None:
    email = '"zoë, \\"the boss\\"\nsmith"@exämple.test'
    shop.account(make_account, "zoe", email, "customer")
    order = shop.place("zoe", at("2026-11-10T10:00:00+00:00"), ("mug", 1))

    response = shop.get("?from=2026-11-10&to=2026-11-10", "staff")
    raw = body(response)
    [_, parsed] = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))

    assert parsed[:3] == [str(order), "2026-11-10T10:00:00+00:00", email]
    # Quoted because of the comma, the quotes and the line break; quotes doubled; UTF-8.
    quoted = '"""zoë, \\""the boss\\""\nsmith""@exämple.test"'
    assert f",{quoted},confirmed,".encode() in raw


@pytest.mark.parametrize(
    "email",
    [
        '=hyperlink("http://evil.example")@evil.example',
        "+1-555@evil.example",
        "-2+3@evil.example",
        "@sum(1)@evil.example",
        "=cmd|' /c calc'!a0@evil.example",
    ],
)
def test_an_email_that_a_spreadsheet_would_run_starts_with_an_apostrophe(
    shop, make_account, email: str
) -> None:
    shop.account(make_account, "mallory", email, "customer")
    shop.place("mallory", at("2026-11-10T10:00:00+00:00"), ("mug", 1))
    shop.place("ann", at("2026-11-10T11:00:00+00:00"), ("mug", 1))

    found = rows(shop.get("?from=2026-11-10&to=2026-11-10", "staff"))

    assert [r[2] for r in found[1:]] == ["'" + email, "ann@acme.example"]


def test_the_period_takes_whole_days_from_the_first_instant_to_the_last(shop) -> None:
    instants = [
        "2026-11-09T23:59:59.999999+00:00",  # the day before
        "2026-11-10T00:00:00+00:00",
        "2026-11-12T23:59:59.999999+00:00",
        "2026-11-13T00:00:00+00:00",  # the day after
    ]
    orders = [shop.place("ann", at(instant), ("mug", 1)) for instant in instants]

    period = rows(shop.get("?from=2026-11-10&to=2026-11-12", "staff"))
    one_day = rows(shop.get("?from=2026-11-13&to=2026-11-13", "staff"))

    assert [(r[0], r[1]) for r in period[1:]] == [
        (str(orders[1]), "2026-11-10T00:00:00+00:00"),
        (str(orders[2]), "2026-11-12T23:59:59.999999+00:00"),
    ]
    assert [r[0] for r in one_day[1:]] == [str(orders[3])]


def test_orders_of_one_instant_come_by_id(shop) -> None:
    moment = at("2026-11-10T12:00:00+00:00")
    orders = [shop.place("ann", moment, ("mug", 1)) for _ in range(3)]

    found = rows(shop.get("?from=2026-11-10&to=2026-11-10", "staff"))

    assert [r[0] for r in found[1:]] == sorted(str(order) for order in orders)


def test_without_dates_it_is_the_30_days_ending_today(shop) -> None:
    today = timezone.now().date()
    first = datetime.combine(today - timedelta(days=29), datetime.min.time(), tzinfo=UTC)
    too_old = shop.place("ann", first - timedelta(microseconds=1), ("mug", 1))
    oldest = shop.place("ann", first, ("mug", 1))
    newest = shop.place("ann", timezone.now(), ("mug", 1))

    response = shop.get("", "staff")

    assert response["Content-Disposition"] == (
        f'attachment; filename="orders-{today - timedelta(days=29)}-{today}.csv"'
    )
    ids = [r[0] for r in rows(response)[1:]]
    assert ids == [str(oldest), str(newest)]
    assert str(too_old) not in ids


def test_days_and_times_are_the_shops_own_time_zone(shop) -> None:
    with tenant_context(shop.acme), transaction.atomic():
        tenancy.change_settings(ChangeSettings(slug="acme", time_zone="America/New_York"))
    # 2026-11-01 is the day New York falls back from -04:00 to -05:00: 25 hours long.
    instants = [
        "2026-11-01T03:59:59+00:00",  # 2026-10-31 23:59:59 -04:00
        "2026-11-01T04:00:00+00:00",  # 2026-11-01 00:00:00 -04:00
        "2026-11-02T04:59:59+00:00",  # 2026-11-01 23:59:59 -05:00
        "2026-11-02T05:00:00+00:00",  # 2026-11-02 00:00:00 -05:00
    ]
    orders = [shop.place("ann", at(instant), ("mug", 1)) for instant in instants]

    found = rows(shop.get("?from=2026-11-01&to=2026-11-01", "staff"))

    assert [(r[0], r[1]) for r in found[1:]] == [
        (str(orders[1]), "2026-11-01T00:00:00-04:00"),
        (str(orders[2]), "2026-11-01T23:59:59-05:00"),
    ]


def test_a_shop_ahead_of_utc_without_dates_ends_on_its_own_today(shop) -> None:
    with tenant_context(shop.acme), transaction.atomic():
        tenancy.change_settings(ChangeSettings(slug="acme", time_zone="Pacific/Kiritimati"))
    # Kiritimati is UTC+14: at 10:00 UTC on 2026-11-20 it is already 2026-11-21 there.
    with time_machine.travel(at("2026-11-20T10:00:00+00:00"), tick=False):
        response = shop.get("", "staff")

    assert response["Content-Disposition"] == (
        'attachment; filename="orders-2026-10-23-2026-11-21.csv"'
    )


def test_an_accept_header_asking_for_csv_gets_it(shop) -> None:
    response = shop.get("?from=2026-11-10&to=2026-11-10", "staff", HTTP_ACCEPT="text/csv")

    assert response.status_code == 200
    assert rows(response) == [HEADER]


@pytest.mark.parametrize(
    ("query", "errors"),
    [
        (
            "?from=2026-11-31&to=2026-12-01",
            {"from": ["Use a date such as 2026-11-30 (YYYY-MM-DD)."]},
        ),
        ("?from=2026-11-01&to=20261130", {"to": ["Use a date such as 2026-11-30 (YYYY-MM-DD)."]}),
        ("?from=2026-11-02&to=2026-11-01", {"from": ["Must not be after to."]}),
        ("?from=2025-01-01&to=2026-01-02", {"to": ["A period covers at most 366 days."]}),
    ],
)
def test_a_bad_period_is_a_problem_naming_the_field(shop, query: str, errors: Any) -> None:
    response = shop.get(query, "staff", HTTP_ACCEPT="text/csv")

    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["errors"] == errors


def test_the_ends_of_the_calendar_are_an_empty_export_not_an_error(shop) -> None:
    first = shop.get("?from=0001-01-01&to=0001-01-01", "staff")
    last = shop.get("?from=9999-12-31&to=9999-12-31", "staff")

    assert (rows(first), rows(last)) == ([HEADER], [HEADER])


def test_customers_are_forbidden_and_anonymous_callers_asked_to_sign_in(shop) -> None:
    customer = shop.get("", "ann")
    anonymous = shop.get("", None)

    assert (customer.status_code, customer["Content-Type"]) == (403, "application/problem+json")
    assert (anonymous.status_code, anonymous["Content-Type"]) == (
        401,
        "application/problem+json",
    )
    assert anonymous["WWW-Authenticate"].startswith("Bearer")


def test_a_shop_exports_its_own_orders_only(shop) -> None:
    moment = at("2026-11-10T12:00:00+00:00")
    acme = shop.place("ann", moment, ("mug", 1))
    globex = shop.place("globex-buyer", moment, ("globex", 3))
    query = "?from=2026-11-10&to=2026-11-10"

    from_acme = rows(shop.get(query, "staff"))
    from_globex = rows(shop.get(query, "globex", host="globex.localhost"))
    globex_token_on_acme = shop.get(query, "globex")

    assert [r[0] for r in from_acme[1:]] == [str(acme)]
    assert from_globex[1:] == [
        row(
            globex,
            "2026-11-10T12:00:00+00:00",
            "buyer@globex.example",
            "confirmed",
            "3.00",
            "0.24",
            "3.24",
            "0.00",
        )
    ]
    assert globex_token_on_acme.status_code == 401


def test_a_slow_reader_in_another_tenant_s_context_still_gets_its_own_rows(
    shop, monkeypatch
) -> None:
    monkeypatch.setattr(order_export, "CHUNK_ROWS", 1)  # a query per order
    moment = at("2026-11-10T12:00:00+00:00")
    mine = sorted(str(shop.place("ann", moment, ("mug", 1))) for _ in range(3))
    shop.place("globex-buyer", moment, ("globex", 1))
    response = shop.get("?from=2026-11-10&to=2026-11-10", "staff")
    pieces = iter(response.streaming_content)
    depth = len(connection.savepoint_ids)

    first = next(pieces) + next(pieces)  # the header, then the first order
    # Between two pieces the reader sees nothing of the stream's tenant or transaction...
    assert current_tenant() is None
    assert len(connection.savepoint_ids) == depth + 2  # the stream's and its cursor's
    # ... and a reader that is busy in another tenant does not lend it to the stream.
    with tenant_context(shop.globex):
        rest = b"".join(pieces)

    found = list(csv.reader(io.StringIO((first + rest).decode("utf-8-sig"), newline="")))
    assert [(r[0], r[2]) for r in found[1:]] == [(order, "ann@acme.example") for order in mine]
    assert len(connection.savepoint_ids) == depth
    assert current_tenant() is None


def test_closing_a_half_read_export_ends_its_transaction(shop, monkeypatch) -> None:
    monkeypatch.setattr(order_export, "CHUNK_ROWS", 1)
    moment = at("2026-11-10T12:00:00+00:00")
    for _ in range(3):
        shop.place("ann", moment, ("mug", 1))
    response = shop.get("?from=2026-11-10&to=2026-11-10", "staff")
    depth = len(connection.savepoint_ids)
    pieces = iter(response.streaming_content)
    next(pieces), next(pieces)
    assert len(connection.savepoint_ids) == depth + 2

    close(response, monkeypatch)

    assert len(connection.savepoint_ids) == depth
    assert current_tenant() is None


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_another_shop_working_while_an_export_streams_never_enters_it(shop, monkeypatch) -> None:
    monkeypatch.setattr(order_export, "CHUNK_ROWS", 1)
    moment = at("2026-11-10T12:00:00+00:00")
    mine = sorted(str(shop.place("ann", moment, ("mug", 1))) for _ in range(3))
    theirs = [str(shop.place("globex-buyer", moment, ("globex", 1)))]
    response = shop.get("?from=2026-11-10&to=2026-11-10", "staff")
    pieces: Iterator[bytes] = iter(response.streaming_content)
    read = next(pieces) + next(pieces)
    globex_export: list[list[str]] = []
    errors: list[BaseException] = []

    def globex_works() -> None:
        # Another server thread: globex places an order and exports while acme's stream waits.
        try:
            theirs.append(str(shop.place("globex-buyer", moment, ("globex", 2))))
            globex_export.extend(
                rows(shop.get("?from=2026-11-10&to=2026-11-10", "globex", host="globex.localhost"))
            )
        except BaseException as error:  # noqa: BLE001  (reported below)
            errors.append(error)
        finally:
            connections.close_all()

    worker = threading.Thread(target=globex_works)
    worker.start()
    worker.join(timeout=60)
    read += b"".join(pieces)

    assert errors == []
    acme_rows = list(csv.reader(io.StringIO(read.decode("utf-8-sig"), newline="")))
    assert [(r[0], r[2]) for r in acme_rows[1:]] == [(o, "ann@acme.example") for o in mine]
    assert sorted(r[0] for r in globex_export[1:]) == sorted(theirs)
    assert not connection.in_atomic_block


@pytest.mark.postgres
def test_the_orders_are_read_through_a_server_side_cursor_closed_with_the_export(
    shop, monkeypatch
) -> None:
    monkeypatch.setattr(order_export, "CHUNK_ROWS", 1)
    moment = at("2026-11-10T12:00:00+00:00")
    for _ in range(2):
        shop.place("ann", moment, ("mug", 1))
    response = shop.get("?from=2026-11-10&to=2026-11-10", "staff")
    pieces = iter(response.streaming_content)
    next(pieces), next(pieces)

    def open_cursors() -> int:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM pg_cursors WHERE name LIKE '_django_curs_%%'")
            return int(cursor.fetchone()[0])

    during = open_cursors()
    close(response, monkeypatch)

    assert (during, open_cursors()) == (1, 0)
