"""The Django tiers' wiring: real services when they answer, loud skips when they don't.

``tests/conftest.py`` loads this plugin only when pytest-django has set Django up (the
integration, end-to-end and fault tiers); the unit tier runs without it, and without Django.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connections, transaction

from emporium.infrastructure.db.provisioning import PgTarget, clone_database, drop_database
from emporium.multitenancy.context import TenantRef

SERVICE_MARKERS = {
    "postgres": "PostgreSQL",
    "redis": "Redis",
    "rabbitmq": "RabbitMQ",
}
SKIP_PREFIX = "service unavailable:"
REQUIRE_SERVICES = os.environ.get("EMPORIUM_REQUIRE_SERVICES") == "1"
ON_POSTGRES = bool(settings.DATABASE_URL)


def _isolate_caches_per_worker() -> None:
    """Give each test run and xdist worker key prefixes of its own in the caches.

    Runs against other test databases (another checkout, a benchmark) and the other worker may
    share the Redis server: prefixes keep their keys apart, and emptying a cache between tests
    deletes only this worker's keys.
    """
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    run = os.environ.get("PYTEST_XDIST_TESTRUNUID", str(os.getpid()))[:8]
    database = Path(str(settings.DATABASES["default"]["NAME"])).name
    for alias in ("default", "platform"):
        base = settings.CACHES[alias].get("KEY_PREFIX", "")
        settings.CACHES[alias]["KEY_PREFIX"] = f"{base}-{database}-{worker}-{run}"


_isolate_caches_per_worker()


@pytest.fixture(autouse=True)
def _empty_caches() -> None:
    """Start every test with empty caches: cached lookups must not outlive their rows."""
    from django.core.cache import caches

    for alias in ("default", "platform"):
        cache = caches[alias]
        if settings.REDIS_URL:
            client = cache._cache.get_client()  # type: ignore[attr-defined]
            prefix = settings.CACHES[alias]["KEY_PREFIX"]
            keys = list(client.scan_iter(match=f"{prefix}:*", count=1000))
            if keys:
                client.delete(*keys)
        else:
            cache.clear()


def service_available(marker: str) -> bool:
    """Return whether the suite is configured to use the service behind ``marker``."""
    if marker == "postgres":
        return ON_POSTGRES
    if marker == "redis":
        return bool(settings.REDIS_URL)
    return bool(settings.CELERY_BROKER_URL)


def pytest_configure(config: pytest.Config) -> None:
    for marker, name in SERVICE_MARKERS.items():
        config.addinivalue_line("markers", f"{marker}: needs a reachable {name}")
    missing = [name for marker, name in SERVICE_MARKERS.items() if not service_available(marker)]
    if REQUIRE_SERVICES and missing:
        pytest.exit(
            f"EMPORIUM_REQUIRE_SERVICES=1 but not configured or reachable: {', '.join(missing)}",
            returncode=1,
        )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        for marker, name in SERVICE_MARKERS.items():
            if item.get_closest_marker(marker) and not service_available(marker):
                item.add_marker(pytest.mark.skip(reason=f"{SKIP_PREFIX} {name}"))


def services_banner(skipped: int, env: Mapping[str, str]) -> list[str]:
    """Return the lines under the SERVICES MISSING banner: why the services were not used."""
    left_out = env.get("EMPORIUM_LEFT_OUT_SERVICES", "")
    missing = env.get("EMPORIUM_MISSING_SERVICES", "")
    reasons = []
    if left_out:
        reasons.append(f"left out on purpose: {left_out}")
    if missing or not left_out:
        reasons.append(f"did not answer: {missing or 'see the skip reasons'}")
    switches = ", unset EMPORIUM_EMBEDDED and EMPORIUM_SERVICES" if left_out else ""
    return [
        f"{skipped} tests were SKIPPED because these services were not used: "
        + "; ".join(reasons)
        + ".",
        f"Start them (see README.md){switches} or set EMPORIUM_REQUIRE_SERVICES=1 to make "
        "this a failure.",
    ]


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Print a banner counting the tests skipped for a missing service."""
    skipped = [
        report
        for report in terminalreporter.stats.get("skipped", [])
        if SKIP_PREFIX in str(getattr(report, "longrepr", ""))
    ]
    if not skipped:
        return
    terminalreporter.write_sep("!", "SERVICES MISSING", red=True, bold=True)
    first, *rest = services_banner(len(skipped), os.environ)
    terminalreporter.write_line(first, red=True, bold=True)
    for line in rest:
        terminalreporter.write_line(line, red=True)


if ON_POSTGRES:

    @pytest.fixture(scope="session")
    def django_db_setup(django_db_blocker: pytest.FixtureRequest) -> Iterator[None]:
        """Use the database ``setup_database`` migrated, cloned once per xdist worker."""
        owner = PgTarget.parse(settings.DATABASE_ADMIN_URL)
        app = PgTarget.parse(settings.DATABASE_URL)
        bootstrap = PgTarget.parse(
            os.environ.get("DATABASE_BOOTSTRAP_URL") or settings.DATABASE_ADMIN_URL
        )
        worker = os.environ.get("PYTEST_XDIST_WORKER")
        # Unique per run, so that two runs at once (two checkouts, CI) never drop each other's.
        run = os.environ.get("PYTEST_XDIST_TESTRUNUID", "")[:8]
        name = f"{owner.database}_{worker}_{run}" if worker else owner.database
        with django_db_blocker.unblock():  # type: ignore[attr-defined]
            _require_migrated()
            if worker:
                connections.close_all()
                _close_pools()  # pooled connections to the template would block the copy
                clone_database(bootstrap, owner, app, name)
            _point_connections_at(name)
        yield
        if worker:
            with django_db_blocker.unblock():  # type: ignore[attr-defined]
                connections.close_all()
                _close_pools()
                drop_database(bootstrap, name)


def _require_migrated() -> None:
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connections["admin"])
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        pytest.exit(
            "The test database is not migrated: run `make test` (or "
            "`manage.py setup_database --test-grants` with the test URLs) first.",
            returncode=1,
        )


def _close_pools() -> None:
    for alias in ("default", "admin"):
        connection = connections[alias]
        if hasattr(connection, "close_pool"):
            connection.close_pool()


def _point_connections_at(name: str) -> None:
    _close_pools()
    for alias in ("default", "admin"):
        connections[alias].settings_dict["NAME"] = name
        settings.DATABASES[alias]["NAME"] = name


@pytest.fixture
def make_tenant() -> Callable[..., TenantRef]:
    """Return a factory that creates a tenant through the platform use case."""
    from emporium.infrastructure.bus import message_bus
    from emporium.tenancy.adapters.repository import DjangoTenancyUnitOfWork
    from emporium.tenancy.application.use_cases import CreateTenant, create_tenant

    def make(slug: str, name: str | None = None, **settings: Any) -> TenantRef:
        # On the app's connection, so that tests in one transaction per alias see the rows.
        uow = DjangoTenancyUnitOfWork(message_bus(), using="default")
        tenant = create_tenant(CreateTenant(slug=slug, name=name or slug.title(), **settings), uow)
        return TenantRef(id=tenant.id, slug=tenant.slug)

    return make


@pytest.fixture
def acme_and_globex(make_tenant: Callable[..., TenantRef]) -> tuple[TenantRef, TenantRef]:
    """Create the tenants acme and globex."""
    return make_tenant("acme", "Acme Inc."), make_tenant("globex", "Globex Corporation")


@pytest.fixture
def make_account() -> Callable[..., Any]:
    """Return a factory: ``make_account(tenant_ref, email, role, password="...")``."""
    from emporium.identity.domain.roles import Role
    from emporium.identity.models import User
    from emporium.multitenancy.context import tenant_context

    def make(
        tenant: TenantRef, email: str, role: Role | str, password: str = "correct horse 42"
    ) -> Any:
        # In a transaction: on PostgreSQL the tenant reaches RLS per transaction.
        with tenant_context(tenant), transaction.atomic():
            return User.objects.create_user(email, password, role=Role(role), name=email)

    return make
