"""A tenant task runs in the tenant it was sent from: eagerly and through RabbitMQ."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.db import connections

from config.celery import app as celery_app
from emporium.multitenancy.context import TenantContextMissing, TenantRef, tenant_context
from tests.testapps.tenant_probe.tasks import report_tenant

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.django_db
def test_eager_task_runs_in_the_tenant_it_was_sent_from(make_tenant) -> None:
    key = f"probe:{uuid.uuid4().hex}"
    acme = make_tenant("acme")

    with tenant_context(acme):
        result = report_tenant.delay(key)

    assert result.get() == "acme"
    assert caches["platform"].get(key) == "acme"


@pytest.mark.django_db
def test_a_task_of_a_tenant_deleted_since_it_was_sent_does_nothing() -> None:
    key = f"probe:{uuid.uuid4().hex}"
    gone = TenantRef(uuid.uuid4(), "gone")  # no such tenant (any more)

    with tenant_context(gone):
        result = report_tenant.delay(key)

    assert result.get() is None
    assert caches["platform"].get(key) is None


@pytest.mark.django_db
def test_a_task_of_a_deleted_tenant_does_not_run_for_a_new_tenant_of_its_slug(
    make_tenant,
) -> None:
    key = f"probe:{uuid.uuid4().hex}"
    make_tenant("acme")  # the new shop that has taken the slug
    old = TenantRef(uuid.uuid4(), "acme")  # the deleted one the task was sent for

    with tenant_context(old):
        result = report_tenant.delay(key)

    assert result.get() is None
    assert caches["platform"].get(key) is None


def test_sending_a_tenant_task_without_a_tenant_fails_loudly() -> None:
    with pytest.raises(TenantContextMissing):
        report_tenant.delay("never")


@pytest.mark.rabbitmq
@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_task_through_the_real_broker_sees_its_tenant(settings, make_tenant) -> None:
    acme = make_tenant("acme")  # committed: the worker finds it (a deleted one is skipped)
    queue = f"tenant-probe-{uuid.uuid4().hex[:8]}"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings"}
    # The worker must use this worker's Redis database, where the test reads the result, and
    # this worker's database, where the tenant is.
    env["REDIS_URL"] = settings.CACHES["platform"]["LOCATION"]
    for variable, alias in (("DATABASE_URL", "default"), ("DATABASE_ADMIN_URL", "admin")):
        if env.get(variable):
            url = urlsplit(env[variable])
            name = connections[alias].settings_dict["NAME"]
            env[variable] = urlunsplit(url._replace(path=f"/{name}"))
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool=solo",
            "--concurrency=1",
            "-Q",
            queue,
            "--without-heartbeat",
            "--without-mingle",
            "--without-gossip",
            "--loglevel=WARNING",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    key = f"probe:{uuid.uuid4().hex}"
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    try:
        with tenant_context(acme):
            report_tenant.apply_async((key,), queue=queue)
        deadline = time.monotonic() + 60
        # The worker has the settings' own key prefix, not this test run's.
        seen_by_worker = RedisCache(env["REDIS_URL"], {"KEY_PREFIX": "p"})
        while time.monotonic() < deadline and seen_by_worker.get(key) is None:
            time.sleep(0.2)
        assert seen_by_worker.get(key) == "acme"
        seen_by_worker.delete(key)
    finally:
        celery_app.conf.task_always_eager = eager
        worker.terminate()
        output = worker.communicate(timeout=30)[0].decode(errors="replace")
        # The broker is shared: the worker's queue of this run goes with it.
        with celery_app.connection_for_write() as connection:
            connection.default_channel.queue_delete(queue)
    assert "Traceback" not in output, output
