"""A tenant task runs in the tenant it was sent from: eagerly and through RabbitMQ."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache

from config.celery import app as celery_app
from emporium.multitenancy.context import TenantContextMissing, TenantRef, tenant_context
from tests.testapps.tenant_probe.tasks import report_tenant

ROOT = Path(__file__).resolve().parents[3]
ACME = TenantRef(uuid.UUID("00000000-0000-0000-0000-00000000000a"), "acme")


@pytest.mark.django_db
def test_eager_task_runs_in_the_tenant_it_was_sent_from() -> None:
    key = f"probe:{uuid.uuid4().hex}"

    with tenant_context(ACME):
        result = report_tenant.delay(key)

    assert result.get() == "acme"
    assert caches["platform"].get(key) == "acme"


def test_sending_a_tenant_task_without_a_tenant_fails_loudly() -> None:
    with pytest.raises(TenantContextMissing):
        report_tenant.delay("never")


@pytest.mark.rabbitmq
@pytest.mark.redis
def test_task_through_the_real_broker_sees_its_tenant(settings) -> None:
    queue = f"tenant-probe-{uuid.uuid4().hex[:8]}"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings"}
    # The worker must use this worker's Redis database, where the test reads the result.
    env["REDIS_URL"] = settings.CACHES["platform"]["LOCATION"]
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
        with tenant_context(ACME):
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
