"""docs/API.md, the client developers' guide, against the code it describes.

The guide's endpoint table must name exactly the operations of the OpenAPI schema the project
serves, and the facts it quotes (problem types, card test numbers, statuses, webhook events,
demo accounts, limits, the event envelope) must be the code's. When one of these tests fails
after a change to the API, the change is what needs documenting: edit docs/API.md.
"""

from __future__ import annotations

import hashlib
import hmac
import importlib
import json
import pkgutil
import re
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from drf_spectacular.generators import SchemaGenerator

import emporium
from emporium.demo import seed as demo_seed
from emporium.demo.catalog_data import CATEGORIES, PRODUCTS
from emporium.demo.history import CARD_NUMBER
from emporium.demo.plan import CUSTOMERS, DAYS, Act, PlannedOrder
from emporium.infrastructure.http import idempotency, pagination, problems
from emporium.infrastructure.http.fields import timestamp
from emporium.infrastructure.messaging.topology import EXCHANGE_NAME
from emporium.ordering.domain.order import OrderStatus
from emporium.payments.adapters import webhooks
from emporium.payments.adapters.card import CardProvider
from emporium.payments.application.apply_webhook import HANDLED
from emporium.payments.application.pay_order import _refusal_error
from emporium.payments.application.ports import InvalidPaymentData, PaymentError
from emporium.payments.domain.payment import PaymentStatus
from emporium.shared_kernel.events import DomainEvent, EventEnvelope
from emporium.shared_kernel.money import Money
from emporium.tenancy.domain.events import TenantCreated

ROOT = Path(__file__).resolve().parents[2]
GUIDE = ROOT / "docs" / "API.md"
EMPORIUM = ROOT / "emporium"
HOW_TO_FIX = "document it in docs/API.md"

METHODS = ("get", "post", "put", "patch", "delete")
_OPERATION = re.compile(r"^\| `(GET|POST|PUT|PATCH|DELETE) (/\S*)` \|")
_FIRST_CELL_CODE = re.compile(r"^\| `([^`]+)` \|")
#: The guide's "who" for callers without a bearer token.
_NO_TOKEN_NEEDED = frozenset({"anyone", "the provider"})
_PATH_PARAMETER = re.compile(r"\{([^}]+)\}")
_DJANGO_PARAMETER = re.compile(r"<(?:[^>:]+:)?([^>]+)>")


# --- reading the guide ------------------------------------------------------------------------


@cache
def guide() -> str:
    return GUIDE.read_text(encoding="utf-8")


def section(title: str) -> str:
    """Return the text under the heading ``title`` up to the next heading of its level or above."""
    lines = guide().splitlines()
    for start, line in enumerate(lines):
        hashes, _, text = line.partition(" ")
        if set(hashes) == {"#"} and text.strip() == title:
            level = len(hashes)
            body = []
            for following in lines[start + 1 :]:
                marks = following.split(" ", 1)[0]
                if set(marks) == {"#"} and len(marks) <= level:
                    break
                body.append(following)
            return "\n".join(body)
    raise AssertionError(f"docs/API.md has no heading {title!r}")


def table_rows(text: str) -> Iterator[list[str]]:
    """Yield the cells of each body row of the Markdown tables in ``text``."""
    for line in text.splitlines():
        if not line.startswith("|") or set(line) <= set("|-: "):
            continue
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        yield cells


def first_cell_codes(text: str) -> list[str]:
    """Return the backticked first cell of every table row in ``text``."""
    return [m.group(1) for line in text.splitlines() if (m := _FIRST_CELL_CODE.match(line))]


def guide_operations() -> dict[str, list[str]]:
    """Return the endpoint table's rows: ``"METHOD /path"`` → the row's other cells."""
    rows: dict[str, list[str]] = {}
    for line in section("In a shop").splitlines():
        match = _OPERATION.match(line)
        if match:
            operation = f"{match.group(1)} {match.group(2)}"
            assert operation not in rows, f"docs/API.md lists {operation} twice"
            rows[operation] = [cell.strip() for cell in line.strip().strip("|").split("|")][1:]
    return rows


# --- reading the code -------------------------------------------------------------------------


def id_parameters(path: str) -> str:
    """Return ``path`` with every id parameter (``{pk}``, ``{product_id}``) written ``{id}``."""

    def name(match: re.Match[str]) -> str:
        parameter = match.group(1)
        is_id = parameter in {"id", "pk"} or parameter.endswith("_id")
        return "{id}" if is_id else "{" + parameter + "}"

    return _PATH_PARAMETER.sub(name, path)


@cache
def schema() -> dict[str, Any]:
    return SchemaGenerator().get_schema(request=None, public=True)


def schema_operations() -> dict[str, dict[str, Any]]:
    """Return the served schema's operations: ``"METHOD /path"`` → the operation object."""
    return {
        f"{method.upper()} {id_parameters(path)}": operation
        for path, item in schema()["paths"].items()
        for method, operation in item.items()
        if method in METHODS
    }


def routes(patterns: list[Any] | None = None, prefix: str = "") -> Iterator[str]:
    """Yield every route of the URLconf as a path, parameters written ``{name}``."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        route = _DJANGO_PARAMETER.sub(r"{\1}", str(pattern.pattern))
        if isinstance(pattern, URLResolver):
            yield from routes(pattern.url_patterns, prefix + route)
        elif isinstance(pattern, URLPattern):
            yield "/" + prefix + route


def source_literals() -> str:
    """Return the text of every Python module of the application (tests excluded)."""
    return "\n".join(path.read_text(encoding="utf-8") for path in EMPORIUM.rglob("*.py"))


def flat(text: str) -> str:
    """Return ``text`` with every run of white space a single space (lines wrap anywhere)."""
    return " ".join(text.split())


def difference(title: str, items: set[str]) -> str:
    return f"{title}:\n" + "\n".join(f"  {item}" for item in sorted(items)) if items else ""


# --- the endpoints ----------------------------------------------------------------------------


def test_the_guide_lists_every_operation_of_the_schema_and_no_other() -> None:
    documented = set(guide_operations())
    served = set(schema_operations())

    undocumented = served - documented
    not_served = documented - served
    message = "\n".join(
        part
        for part in (
            difference(
                f"Served but missing from the Endpoints table: {HOW_TO_FIX} "
                "(a row | `METHOD /path` | who | ok | what |)",
                undocumented,
            ),
            difference(
                "In the Endpoints table of docs/API.md but not served (remove the row, or move "
                "it to Planned)",
                not_served,
            ),
        )
        if part
    )
    assert not message, message


def test_every_route_under_api_v1_is_in_the_schema() -> None:
    """A view the schema does not see would escape the endpoint table: there must be none."""
    served = {id_parameters(route) for route in routes() if route.startswith("/api/v1/")}
    in_schema = {operation.split(" ", 1)[1] for operation in schema_operations()}

    missing = served - in_schema
    assert not missing, difference(
        f"Routes under /api/v1/ missing from the OpenAPI schema (describe them, then {HOW_TO_FIX})",
        missing,
    )


def test_the_routes_outside_any_shop_are_the_guides() -> None:
    served = {route for route in routes() if not route.startswith(("/api/v1/", "/admin/"))}
    documented = {
        match.group(2)
        for line in section("Outside any shop").splitlines()
        if (match := _OPERATION.match(line))
    }

    assert documented == served, (
        f"Routes outside /api/v1/ and the guide's table of them differ ({HOW_TO_FIX}):\n"
        + difference("served, not documented", served - documented)
        + "\n"
        + difference("documented, not served", documented - served)
    )


def test_each_operations_success_status_is_the_guides() -> None:
    wrong = []
    for operation, cells in guide_operations().items():
        served = schema_operations().get(operation)
        if served is None:
            continue  # reported by the set comparison
        success = sorted(code for code in served["responses"] if code.startswith("2"))
        if [cells[1]] != success:
            wrong.append(f"{operation}: the guide says {cells[1]}, the schema {success}")
    assert not wrong, f"Success statuses differ ({HOW_TO_FIX}):\n" + "\n".join(wrong)


def test_operations_callable_without_a_token_are_the_guides_anyone_and_provider_rows() -> None:
    def open_to_all(operation: dict[str, Any]) -> bool:
        security = operation.get("security")
        return security is None or {} in security

    rows, served = guide_operations(), schema_operations()
    both = rows.keys() & served.keys()  # the others are reported by the set comparison
    without_token = {operation for operation in both if open_to_all(served[operation])}
    documented = {operation for operation in both if rows[operation][0] in _NO_TOKEN_NEEDED}

    assert documented == without_token, (
        f"Who may call without a token differs ({HOW_TO_FIX}, the 'who' column):\n"
        + difference("open in the schema, not 'anyone' in the guide", without_token - documented)
        + "\n"
        + difference("'anyone' in the guide, needs a token", documented - without_token)
    )


@pytest.mark.django_db
def test_the_served_schema_and_swagger_ui_answer_where_the_guide_says() -> None:
    client = Client()

    as_json = client.get("/api/schema/?format=json")
    as_yaml = client.get("/api/schema/")
    docs = client.get("/api/docs/")

    assert as_json.status_code == 200
    assert json.loads(as_json.content)["openapi"].startswith("3.")
    assert as_yaml.status_code == 200
    assert as_yaml.content.startswith(b"openapi: 3.")  # YAML unless JSON is asked for
    assert docs.status_code == 200


# --- errors -----------------------------------------------------------------------------------


def problem_table() -> list[list[str]]:
    return [cells for cells in table_rows(section("Problem types")) if cells[0] != "code"]


def test_every_problem_type_in_the_guide_exists_in_the_code() -> None:
    code = source_literals()
    missing = [
        cells[0].strip("`") for cells in problem_table() if f'"{cells[0].strip("`")}"' not in code
    ]
    assert not missing, f"Problem types in docs/API.md that the code never answers: {missing}"


def test_the_default_problem_types_have_the_guides_statuses() -> None:
    documented = {cells[0].strip("`"): int(cells[1]) for cells in problem_table()}
    defaults = {code: status for status, code in problems._DEFAULT_CODE.items()}

    wrong = {
        code: (documented.get(code), status)
        for code, status in defaults.items()
        if documented.get(code) != status
    }
    assert not wrong, f"(guide, code) statuses of the default problem types differ: {wrong}"


def test_problem_types_are_urls_under_the_guides_base() -> None:
    assert problems.PROBLEM_BASE == "https://emporium.example/problems/"
    assert f"`{problems.PROBLEM_BASE}<code>`" in guide()


# --- payments ---------------------------------------------------------------------------------


def card(number: str) -> dict[str, Any]:
    return {"card_number": number, "exp_month": 12, "exp_year": 2031, "cvc": "123"}


def outcome_of(number: str) -> str:
    """Return what paying with ``number`` answers: "201 captured ..." or "<status> `<type>`"."""
    provider = CardProvider(today=lambda: date(2026, 11, 25))
    try:
        result = provider.capture(Money.of("10.00", "USD"), card(number))
    except PaymentError as refusal:
        # The answer the payment use case gives for the provider's refusal, as the API sends it.
        response = problems.problem_exception_handler(_refusal_error(refusal), {})
        assert response is not None
        code = str(response.data["type"]).removeprefix(problems.PROBLEM_BASE)
        return f"{response.status_code} `{code}`"
    return f"201 captured (brand `{result.brand}`, last4 `{result.last4}`)"


def test_the_card_test_numbers_answer_as_the_guide_says() -> None:
    rows = [
        cells for cells in table_rows(section("Card test numbers")) if cells[0] != "card number"
    ]
    assert len(rows) == 4

    for number_cell, outcome in rows:
        number = number_cell.strip("`")
        assert outcome.startswith(outcome_of(number)), (number, outcome, outcome_of(number))


def test_any_other_luhn_valid_card_captures_and_a_bad_number_is_refused() -> None:
    assert "`5555555555554444` is a `mastercard`" in flat(guide())
    assert outcome_of("5555555555554444").startswith("201 captured (brand `mastercard`")
    with pytest.raises(InvalidPaymentData):
        CardProvider().capture(Money.of("10.00", "USD"), card("4242424242424241"))


def test_payment_statuses_are_the_guides() -> None:
    documented = first_cell_codes(section("Payment statuses"))
    assert set(documented) == {status.value for status in PaymentStatus}, HOW_TO_FIX


def test_order_statuses_in_the_guide_are_the_codes() -> None:
    documented = set(first_cell_codes(section("Orders and their statuses")))
    assert documented <= {status.value for status in OrderStatus}
    # Every status an order can be stored with, except those of work still unfinished.
    assert documented >= {"confirmed", "paid", "fulfilled", "cancelled"}


# --- webhooks ---------------------------------------------------------------------------------


def test_a_signature_made_as_the_guide_says_is_accepted() -> None:
    secret, body, now = "shop-secret", b'{"id": "evt_1", "type": "payment.captured"}', 1_800_000_000
    digest = hmac.new(secret.encode(), f"{now}.".encode() + body, hashlib.sha256).hexdigest()
    header = f"t={now},v1={digest}"
    assert 'X-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">' in guide()

    webhooks.verify(header, body, secret, now)
    webhooks.verify(header, body, secret, now + 5 * 60)  # 5 minutes away: still accepted
    with pytest.raises(webhooks.InvalidSignature):
        webhooks.verify(header, body, secret, now + 5 * 60 + 1)
    with pytest.raises(webhooks.InvalidSignature):
        webhooks.verify(header, body + b" ", secret, now)


def test_the_webhook_events_are_the_ones_applied() -> None:
    documented = set(first_cell_codes(section("Webhooks")))
    assert documented == set(HANDLED), HOW_TO_FIX


# --- conventions, limits and settings -----------------------------------------------------------


def test_timestamps_are_written_as_the_guide_shows() -> None:
    with_micros = timestamp(datetime(2026, 11, 25, 12, 3, 9, 250000, tzinfo=UTC))
    without = timestamp(datetime(2026, 11, 25, 13, 3, 9, tzinfo=UTC) - timedelta(hours=1))

    assert with_micros == "2026-11-25T12:03:09.250000Z"
    assert without == "2026-11-25T12:03:09Z"
    assert f"`{with_micros}`" in guide()
    assert f"`{without}`" in guide()


def test_pages_idempotency_and_limits_are_the_guides() -> None:
    text = flat(guide())
    pages = pagination.CursorPages
    assert (pages.page_size, pages.max_page_size) == (20, 100)
    assert "A page holds 20 rows unless `?page_size=` asks for 1 to 100" in text
    kept, abandoned = idempotency.KEEP_FOR, idempotency.STALE_AFTER
    assert (kept, abandoned) == (timedelta(hours=24), timedelta(minutes=5))
    assert idempotency._VALID_KEY.pattern.endswith("{1,255}")
    stored = [status for status in range(100, 600) if idempotency.is_stored(status)]
    assert stored == [*range(200, 300), 402, 422]
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE == 2_621_440  # "2.5 MB"


def test_sign_in_protection_throttles_and_lifetimes_are_the_guides() -> None:
    rates = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    assert rates == {"auth": "60/min", "writes": "1000/min", "webhooks": "600/min"}
    lockout = (settings.AXES_FAILURE_LIMIT, settings.AXES_COOLOFF_TIME)
    assert lockout == (5, timedelta(minutes=15))
    lifetimes = (settings.EMPORIUM_TOKEN_TTL, settings.EMPORIUM_RESERVATION_HOLD)
    assert lifetimes == (timedelta(hours=24), timedelta(minutes=15))
    text = flat(section("Sign-in protection and throttles"))
    for claim in (
        "after 5 failed sign-ins",
        "within 15 minutes",
        "60 requests per minute per client IP",
        "1,000 per minute per account",
        "600 per minute per client IP",
    ):
        assert claim in text, claim


def test_the_demo_data_is_the_guides() -> None:
    rows = [cells for cells in table_rows(section("Demo data")) if cells[0] != "e-mail"]
    seed_source = Path(demo_seed.__file__).read_text(encoding="utf-8")
    slugs = {slug for slug, _name in demo_seed.SHOPS}

    documented = {(cells[0].strip("`"), cells[1].strip("`")) for cells in rows}
    expected = {(demo_seed.OPERATOR[0], demo_seed.OPERATOR[1])}
    for slug in slugs:
        expected |= {(f"owner@{slug}.example", "demo-owner-pass")}
        expected |= {(f"customer@{slug}.example", "demo-customer-pass")}
    assert documented == expected
    for _email, password in documented:
        assert f'"{password}"' in seed_source
    text = flat(section("Demo data"))
    assert len(CATEGORIES) == 3
    assert "three categories" in text
    stock = demo_seed.STOCK_PER_PRODUCT
    assert f"{len(PRODUCTS)} published products, {stock} units of each counted" in text
    # The history: its days, its customers, how many orders, and the stock it leaves.
    assert f"the {DAYS} UTC days before the day the seed ran" in text
    others = ", ".join(f"`{name}@`" for name in CUSTOMERS[1:-1])
    assert f"({others} and `{CUSTOMERS[-1]}@<slug>.example`)" in text
    assert f"`{CUSTOMERS[0]}@<slug>.example`" in text
    assert f"the card `{CARD_NUMBER}`" in text
    plans = demo_seed.plans(date(2026, 12, 3))  # the day moves the history, nothing else
    per_day = [
        Counter(order.placed_at.date() for order in orders)[day]
        for orders in plans.values()
        for day in (date(2026, 11, 5) + timedelta(days=n) for n in range(DAYS))
    ]
    assert f"from {min(per_day)} to {max(per_day)} a day" in text
    assert all(100 <= len(orders) <= 120 for orders in plans.values())
    assert "about 110 orders" in text
    left = [
        stock - sold
        for orders in plans.values()
        for sold in units_sold(orders, {name for _c, name, _d, _p in PRODUCTS}).values()
    ]
    assert f"leaves {min(left)} to {max(left)} units of each product" in text


def units_sold(orders: tuple[PlannedOrder, ...], products: set[str]) -> Counter[str]:
    """Return the units of each product that a planned history sells and does not restock."""
    sold = Counter(dict.fromkeys(products, 0))
    for order in orders:
        acts = {(step.act, step.restock) for step in order.steps}
        paid, restocked = any(act is Act.PAY for act, _ in acts), (Act.REFUND, True) in acts
        for name, quantity in order.items:
            sold[name] += quantity if paid and not restocked else 0
    return sold


# --- integration events -------------------------------------------------------------------------


def event_types() -> set[str]:
    for module in pkgutil.walk_packages(emporium.__path__, "emporium."):
        if module.name.endswith(".domain.events"):
            importlib.import_module(module.name)

    def subclasses(cls: type[DomainEvent]) -> Iterator[type[DomainEvent]]:
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    return {cls.type for cls in subclasses(DomainEvent) if getattr(cls, "type", None)}


def test_the_event_types_in_the_guide_are_published() -> None:
    documented = {code for code in first_cell_codes(section("Integration events")) if "." in code}
    unknown = documented - event_types()
    assert not unknown, f"Event types in docs/API.md that nothing publishes: {sorted(unknown)}"
    assert len(documented) >= 24


def test_the_envelope_and_exchange_are_the_guides() -> None:
    event = TenantCreated(
        aggregate_id="9b2e",
        aggregate_version=1,
        slug="acme",
        name="Acme Inc.",
        currency="USD",
        occurred_at=datetime(2026, 11, 25, 12, 3, 9, 250000, tzinfo=UTC),
    )
    envelope = EventEnvelope.wrap(event, "acme").to_dict()
    text = section("Integration events")

    assert EXCHANGE_NAME == "emporium.events"
    assert f"topic exchange `{EXCHANGE_NAME}`" in text
    keys = re.findall(r'"(\w+)":', text.split("```json", 1)[1].split("```", 1)[0])
    assert keys == list(envelope)
    assert envelope["occurred_at"] == "2026-11-25T12:03:09.250000Z"
    assert f'"occurred_at": "{envelope["occurred_at"]}"' in text


# --- links ------------------------------------------------------------------------------------


def test_the_readme_and_the_swagger_description_point_to_the_guide() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    description = settings.SPECTACULAR_SETTINGS["DESCRIPTION"]

    assert "](docs/API.md" in readme
    assert "docs/API.md" in description
    assert "X-Tenant" in description
    assert "/api/v1/auth/token/" in description


def anchor(heading: str) -> str:
    """Return the anchor a Markdown renderer (GitHub's) gives ``heading``."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def test_links_into_the_guide_name_its_headings() -> None:
    headings = {
        anchor(line.lstrip("#"))
        for line in guide().splitlines()
        if line.startswith("#") and line.lstrip("#").startswith(" ")
    }
    documents = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]

    broken = []
    for document in documents:
        text = document.read_text(encoding="utf-8")
        for target, fragment in re.findall(r"\]\(([^)#\s]*)#([\w-]+)\)", text):
            into_guide = target.endswith("API.md") or (document == GUIDE and not target)
            if into_guide and fragment not in headings:
                broken.append(f"{document.relative_to(ROOT)}: {target}#{fragment}")
    assert not broken, f"Links to headings that docs/API.md does not have: {broken}"
