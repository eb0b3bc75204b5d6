"""HTTP throughput through gunicorn on PostgreSQL and Redis, measured with wrk.

Prints, from one run on one server: (1) a no-database JSON endpoint (``/healthz``) against a
product detail served from the cache; (2) place-order requests (3 lines each) against pgbench
running the same transaction's SQL. Each pair with its ratio.

    make bench-http     # or: python benchmarks/http_throughput.py [--seconds 10]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PORT = 8077
DB = "emporium_bench"


def sh(*args: str, env: dict[str, str] | None = None, check: bool = True) -> str:
    """Run a command and return its output."""
    done = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    if check and done.returncode:
        sys.exit(f"{' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def ensure_wrk() -> None:
    """Install wrk (Debian's package) when it is missing."""
    if shutil.which("wrk") is None:
        sh("apt-get", "install", "-y", "-qq", "wrk")


def environment(broker: str = "") -> dict[str, str]:
    """Return the server's environment: production mode on PostgreSQL, Redis, ``broker`` or none.

    Without a broker the event consumers (the confirmation e-mail, the sales read model) run in
    each request after its commit; with one, the request only writes its outbox rows (nothing
    relays them during the run, which changes nothing for the request).
    """
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "EMPORIUM_ENV": "production",
        "SECRET_KEY": "benchmark-only-" + "k" * 50,
        "ALLOWED_HOSTS": "localhost,.localhost,127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "DATABASE_BOOTSTRAP_URL": "postgres://postgres@127.0.0.1:5432/postgres",
        "DATABASE_ADMIN_URL": f"postgres://emporium_owner@127.0.0.1:5432/{DB}",
        "DATABASE_URL": f"postgres://emporium_app@127.0.0.1:5432/{DB}",
        "DATABASE_POOL_MAX_SIZE": "8",
        "REDIS_URL": "redis://127.0.0.1:6379/9",
        "CELERY_BROKER_URL": broker,
        "LOG_LEVEL": "WARNING",
        "EMPORIUM_THROTTLE_WRITES": "1000000/min",
    }


def prepare(env: dict[str, str]) -> dict[str, str]:
    """Migrate and seed the benchmark database; return ids and a customer token."""
    python = str(ROOT / ".venv/bin/python")
    sh(python, "manage.py", "setup_database", "--verbosity", "0", env=env)
    sh(python, "manage.py", "seed_demo", "--force", env=env)
    script = (
        "import json, django; django.setup();"
        "from django.db import transaction;"
        "from emporium.catalog.models import Product;"
        "from emporium.identity.models import User;"
        "from emporium.identity.adapters.tokens import issue_token;"
        "from emporium.inventory.models import StockItem;"
        "from emporium.tenancy.models import Tenant;"
        "from emporium.multitenancy.context import TenantRef, tenant_context;"
        "t = Tenant.objects.get(slug='acme');"
        "ctx = tenant_context(TenantRef(t.id, 'acme'));"
        "ctx.__enter__(); atomic = transaction.atomic(); atomic.__enter__();"
        "ids = [str(p) for p in Product.objects.filter(status='published')"
        ".order_by('name').values_list('id', flat=True)];"
        "StockItem.objects.filter(product_id__in=ids).update(on_hand=10**9, reserved=0);"
        "user = User.objects.get(email='customer@acme.example');"
        "print(json.dumps({'tenant': str(t.id), 'products': ids, 'token': issue_token(user)[0]}));"
        "atomic.__exit__(None, None, None)"
    )
    return json.loads(sh(python, "-c", script, env=env).strip().splitlines()[-1])


def serve(env: dict[str, str]) -> subprocess.Popen[bytes]:
    """Start gunicorn with two sync workers and wait until it answers."""
    server = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "config.wsgi", "-w", "2", "-b", f"127.0.0.1:{PORT}",
         "--log-level", "warning"],
        cwd=ROOT, env=env,
    )  # fmt: skip
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{PORT}/healthz", timeout=1)
            return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    sys.exit("gunicorn did not start")


def wrk(
    url: str, seconds: int, *extra: str, env: dict[str, str] | None = None
) -> tuple[float, str]:
    """Return requests per second of wrk against ``url`` and wrk's own report."""
    out = sh(
        "wrk", "-t2", "-c16", f"-d{seconds}s", "-H", "Host: acme.localhost", *extra, url, env=env
    )
    match = re.search(r"Requests/sec:\s+([\d.]+)", out)
    return (float(match.group(1)) if match else 0.0), out


def pgbench(ids: dict[str, str], seconds: int) -> float:
    """Return transactions per second of pgbench running the place-order SQL."""
    p1, p2, p3 = ids["products"][:3]
    out = sh(
        "pgbench", "-n", "-c", "16", "-j", "2", "-T", str(seconds),
        "-f", "benchmarks/place_order.sql", "-D", f"tenant='{ids['tenant']}'",
        "-D", f"p1='{p1}'", "-D", f"p2='{p2}'", "-D", f"p3='{p3}'",
        "-h", "127.0.0.1", "-U", "emporium_owner", DB,
    )  # fmt: skip
    match = re.search(r"tps = ([\d.]+)", out)
    return float(match.group(1)) if match else 0.0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument(
        "--broker",
        default="",
        help="A RabbitMQ URL: consumers then run off the request path, as in production.",
    )
    arguments = parser.parse_args()
    seconds = arguments.seconds
    ensure_wrk()
    env = environment(arguments.broker)
    ids = prepare(env)
    server = serve(env)
    try:
        base = f"http://127.0.0.1:{PORT}"
        product = f"{base}/api/v1/products/{ids['products'][0]}/"
        urllib.request.urlopen(
            urllib.request.Request(product, headers={"Host": "acme.localhost"}), timeout=5
        )
        plain, _ = wrk(f"{base}/healthz", seconds)
        detail, _ = wrk(product, seconds)
        hot = {
            **os.environ,
            "BENCH_TOKEN": ids["token"],
            "BENCH_PRODUCTS": ",".join(ids["products"][:3]),
        }
        orders, report = wrk(
            f"{base}/api/v1/orders/", seconds, "-s", "benchmarks/place_order.lua", env=hot
        )
        spread = {**hot, "BENCH_PRODUCTS": ",".join(ids["products"])}
        spread_orders, spread_report = wrk(
            f"{base}/api/v1/orders/", seconds, "-s", "benchmarks/place_order.lua", env=spread
        )
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    sql = pgbench(ids, seconds)
    print(
        f"machine: {os.cpu_count()} cores; gunicorn 2 sync workers; "
        f"wrk 2 threads x 16 connections, {seconds}s each; "
        + (
            "broker: consumers off the request path"
            if arguments.broker
            else "no broker: consumers in-request"
        )
    )
    print(f"no-database JSON (/healthz):          {plain:10.0f} req/s")
    print(
        f"product detail from the cache:        {detail:10.0f} req/s   ratio {detail / plain:.2f}"
    )
    print(f"place order, 3 lines, 3 hot products: {orders:10.0f} req/s")
    print(f"same transaction's SQL (pgbench, 16): {sql:10.0f} tps     ratio {orders / sql:.3f}")
    print(
        f"place order, 3 of {len(ids['products'])} products at random:  {spread_orders:6.0f} req/s"
    )
    failed = [
        re.search(r"Non-2xx or 3xx responses: (\d+)", text) for text in (report, spread_report)
    ]
    print("place-order answers other than 201:", [int(m.group(1)) if m else 0 for m in failed])


if __name__ == "__main__":
    main()
