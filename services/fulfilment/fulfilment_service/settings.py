"""Settings, all from the environment (see the README for each variable)."""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def _flag(name: str, default: str = "") -> bool:
    return os.environ.get(name, default).strip().lower() in {"1", "true", "yes", "on"}


# Only the service's own variable: a generic DEBUG in the environment (Emporium's, a shell's)
# must not put the service in development mode, and so accept the public development key.
DEBUG = _flag("FULFILMENT_DEBUG")

# The link's HMAC key; the development key only with DEBUG on, as ADR 0018 says.
_DEVELOPMENT_KEY = "fulfilment-development-key"
FULFILMENT_SERVICE_KEY = os.environ.get("FULFILMENT_SERVICE_KEY", "")
if not FULFILMENT_SERVICE_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "FULFILMENT_SERVICE_KEY is required when FULFILMENT_DEBUG is off"
        )
    FULFILMENT_SERVICE_KEY = _DEVELOPMENT_KEY
elif FULFILMENT_SERVICE_KEY == _DEVELOPMENT_KEY and not DEBUG:
    # The development key is public: anyone could sign requests with it.
    raise ImproperlyConfigured(
        "FULFILMENT_SERVICE_KEY is the public development key: allowed with FULFILMENT_DEBUG only"
    )

SECRET_KEY = os.environ.get("FULFILMENT_SECRET_KEY") or f"fulfilment:{FULFILMENT_SERVICE_KEY}"
ALLOWED_HOSTS = [
    host.strip()
    for host in os.environ.get("FULFILMENT_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]").split(",")
    if host.strip()
]

INSTALLED_APPS = ["shipments"]
MIDDLEWARE = ["django.middleware.common.CommonMiddleware"]
ROOT_URLCONF = "fulfilment_service.urls"
WSGI_APPLICATION = "fulfilment_service.wsgi.application"
APPEND_SLASH = False
USE_TZ = True
TIME_ZONE = "UTC"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

_SQLITE_PATH = BASE_DIR / "var" / "fulfilment.sqlite3"
DATABASE_URL = os.environ.get("FULFILMENT_DATABASE_URL", "").strip() or f"sqlite:///{_SQLITE_PATH}"
_database = dj_database_url.parse(DATABASE_URL)
if _database["ENGINE"] == "django.db.backends.sqlite3":
    if _database["NAME"] != ":memory:":
        Path(_database["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # The loops and the HTTP threads write too: IMMEDIATE queues writers instead of failing
    # with "database is locked".
    _database["OPTIONS"] = {"transaction_mode": "IMMEDIATE", "timeout": 20}
elif _database["ENGINE"] == "django.db.backends.postgresql":
    # Django's psycopg pool; it requires CONN_MAX_AGE = 0. HTTP threads plus three loops.
    _database["CONN_MAX_AGE"] = 0
    _database["OPTIONS"] = {
        "pool": {
            "min_size": 1,
            "max_size": int(os.environ.get("FULFILMENT_DB_POOL_SIZE", "8")),
            "timeout": 10,
        }
    }
DATABASES = {"default": _database}

FULFILMENT_BROKER_URL = os.environ.get("FULFILMENT_BROKER_URL", "").strip()
EMPORIUM_EVENTS_URL = os.environ.get(
    "EMPORIUM_EVENTS_URL", "http://127.0.0.1:8000/internal/events/"
).strip()
FULFILMENT_SHIP_AFTER_SECONDS = float(os.environ.get("FULFILMENT_SHIP_AFTER_SECONDS", "5"))
FULFILMENT_DELIVER_AFTER_SECONDS = float(os.environ.get("FULFILMENT_DELIVER_AFTER_SECONDS", "120"))
FULFILMENT_PORT = int(os.environ.get("FULFILMENT_PORT", "8100"))
# Seconds between two passes of the shipper and of the relay.
FULFILMENT_POLL_SECONDS = float(os.environ.get("FULFILMENT_POLL_SECONDS", "0.5"))


def _hours(name: str, default: str) -> float:
    value = float(os.environ.get(name, "").strip() or default)
    if value <= 0:
        raise ImproperlyConfigured(f"{name} is a number of hours above 0, not {value}")
    return value


# How long published outbox rows are kept (unsent and given-up rows are never pruned).
FULFILMENT_OUTBOX_RETENTION_HOURS = _hours("FULFILMENT_OUTBOX_RETENTION_HOURS", "168")
# How long inbox rows are kept. An inbox row is what makes a redelivery a duplicate, so it must
# outlive any redelivery: a message requeued or left in fulfilment.dead and shovelled back, a
# push Emporium retries, a claim that expired. Pruned earlier, a late copy would be applied twice.
FULFILMENT_INBOX_RETENTION_HOURS = _hours("FULFILMENT_INBOX_RETENTION_HOURS", "720")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "fulfilment_service.logs.JsonFormatter"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json"}},
    "root": {"handlers": ["console"], "level": os.environ.get("FULFILMENT_LOG_LEVEL", "INFO")},
    "loggers": {
        # One line per request is gunicorn's job; Django's own would repeat it.
        "django.server": {"level": "WARNING"},
        "amqp": {"level": "WARNING"},
    },
}
