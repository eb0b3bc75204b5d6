"""Emporium settings: the one place that reads the environment.

With no environment at all this is the embedded default for ``make run``: SQLite, local-memory
cache, eager Celery, console e-mail and ``DEBUG`` on. Setting ``DATABASE_URL`` (with
``DATABASE_ADMIN_URL``), ``REDIS_URL`` and ``CELERY_BROKER_URL`` switches to PostgreSQL, Redis and
RabbitMQ. ``EMPORIUM_ENV=production`` turns on production mode, which refuses to start without
``SECRET_KEY`` and ``ALLOWED_HOSTS``.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
env = os.environ


def _bool(name: str, default: bool) -> bool:
    value = env.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(name: str, default: int) -> int:
    value = env.get(name)
    return default if value is None or value == "" else int(value)


def _list(name: str) -> list[str]:
    return [item.strip() for item in env.get(name, "").split(",") if item.strip()]


# --- mode -------------------------------------------------------------------------------------
EMPORIUM_ENV = env.get("EMPORIUM_ENV", "development")
if EMPORIUM_ENV not in {"development", "production"}:
    raise ImproperlyConfigured("EMPORIUM_ENV must be 'development' or 'production'.")
PRODUCTION = EMPORIUM_ENV == "production"
DEBUG = False if PRODUCTION else _bool("DEBUG", True)

if PRODUCTION:
    if not env.get("SECRET_KEY"):
        raise ImproperlyConfigured("Production mode needs SECRET_KEY.")
    if not _list("ALLOWED_HOSTS"):
        raise ImproperlyConfigured("Production mode needs ALLOWED_HOSTS.")
SECRET_KEY = (
    env.get("SECRET_KEY") or "django-insecure-development-only-key-never-used-in-production"
)

EMPORIUM_BASE_DOMAIN = env.get("EMPORIUM_BASE_DOMAIN", "localhost")
# Development serves the base domain and every tenant host below it.
# The port `make run` serves on (manage.py serve); printed URLs follow it.
PORT = int(env.get("PORT", "8000"))
ALLOWED_HOSTS = _list("ALLOWED_HOSTS") or [
    EMPORIUM_BASE_DOMAIN,
    f".{EMPORIUM_BASE_DOMAIN}",
    "127.0.0.1",
    "[::1]",
    "testserver",
]

# --- applications ---------------------------------------------------------------------------
INSTALLED_APPS = [
    "emporium.identity.apps.BackOfficeAdminConfig",  # django.contrib.admin with our site
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "csp",
    "axes",
    "emporium.infrastructure",
    "emporium.multitenancy",
    "emporium.tenancy",
    "emporium.identity",
    "emporium.catalog",
    "emporium.inventory",
    "emporium.ordering",
    "emporium.payments",
    "emporium.notifications",
    "emporium.analytics",
    "emporium.fulfilment",
    "emporium.composition",
    "emporium.demo",
]

MIDDLEWARE = [
    "emporium.infrastructure.http.request_id.RequestIdMiddleware",
    # Outermost but one, so that every error under /api/ becomes a problem document.
    "emporium.infrastructure.http.problems.ApiProblemMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "emporium.tenancy.api.middleware.TenantMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Inside the tenant and outside the request's transaction: audits every 403 of a signed-in
    # caller, in the API and the back office, in a transaction of its own.
    "emporium.infrastructure.http.denials.PermissionDeniedSignalMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last: turns a back-office sign-in refused by the lockout into its 429 response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- databases ------------------------------------------------------------------------------
DATABASE_URL = env.get("DATABASE_URL", "")
DATABASE_ADMIN_URL = env.get("DATABASE_ADMIN_URL", "")


def _postgres(url: str, pool_min: int, pool_max: int) -> dict[str, Any]:
    config: dict[str, Any] = dict(dj_database_url.parse(url, conn_max_age=0))
    if config["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured("DATABASE_URL and DATABASE_ADMIN_URL must be PostgreSQL URLs.")
    # Django's PostgreSQL backend plus the transaction-local tenant setting for RLS.
    config["ENGINE"] = "emporium.multitenancy.postgresql"
    config["OPTIONS"] = {
        "pool": {
            "min_size": pool_min,
            "max_size": pool_max,
            "timeout": _int("DATABASE_POOL_TIMEOUT", 10),
        },
    }
    return config


if DATABASE_URL:
    if not DATABASE_ADMIN_URL:
        raise ImproperlyConfigured("DATABASE_URL needs DATABASE_ADMIN_URL (the owner role).")
    DATABASES = {
        "default": _postgres(
            DATABASE_URL, _int("DATABASE_POOL_MIN_SIZE", 2), _int("DATABASE_POOL_MAX_SIZE", 10)
        ),
        "admin": {
            **_postgres(
                DATABASE_ADMIN_URL,
                _int("DATABASE_ADMIN_POOL_MIN_SIZE", 1),
                _int("DATABASE_ADMIN_POOL_MAX_SIZE", 4),
            ),
            # The owner bypasses RLS: no need to hand it the tenant.
            "SETS_TENANT": False,
        },
    }
else:
    _sqlite_path = env.get("SQLITE_PATH") or str(BASE_DIR / "var" / "emporium.sqlite3")
    _sqlite: dict[str, Any] = {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": _sqlite_path,
        # IMMEDIATE makes concurrent writers queue for the lock instead of failing.
        "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 20},
    }
    DATABASES = {
        "default": _sqlite,
        # One file, one role: the admin alias is the same database under another name.
        "admin": {**_sqlite, "TEST": {"MIRROR": "default"}},
    }

# Every request is one transaction: the tenant reaches PostgreSQL transaction-locally (RLS).
DATABASES["default"]["ATOMIC_REQUESTS"] = True
DATABASE_ROUTERS: list[str] = []
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- cache ----------------------------------------------------------------------------------
REDIS_URL = env.get("REDIS_URL", "")
_cache_backend: dict[str, Any] = (
    {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    if REDIS_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
)
CACHES = {
    # Tenant data: the key function puts the current tenant in every key, and refuses without one.
    "default": {
        **_cache_backend,
        "KEY_PREFIX": "t",
        "KEY_FUNCTION": "emporium.multitenancy.cache.tenant_scoped_key",
        **({} if REDIS_URL else {"LOCATION": "tenant"}),
    },
    # Keys that belong to no tenant: host lookups, per-IP throttles, readiness probes.
    "platform": {
        **_cache_backend,
        "KEY_PREFIX": "p",
        **({} if REDIS_URL else {"LOCATION": "platform"}),
    },
}

# --- Celery ---------------------------------------------------------------------------------
CELERY_BROKER_URL = env.get("CELERY_BROKER_URL", "")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_TRANSPORT_OPTIONS = {"confirm_publish": True}
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_BACKEND = None
CELERY_BEAT_SCHEDULE = {
    "release-expired-reservations": {
        "task": "ordering.release_expired_reservations",
        "schedule": 60.0,
    },
    "purge-idempotency-keys": {"task": "infrastructure.purge_idempotency_keys", "schedule": 3600.0},
    "warm-catalog-caches": {"task": "catalog.warm_all_tenants", "schedule": 900.0},
    # expires: relay runs must not pile up while the workers are down.
    "relay-outbox": {
        "task": "infrastructure.relay_outbox",
        "schedule": 2.0,
        "options": {"expires": 10},
    },
    # Audit entries, failed deliveries, inbox and published outbox past EMPORIUM_RETENTION_DAYS.
    "apply-retention": {"task": "infrastructure.apply_retention", "schedule": 86400.0},
    # Instances of the fulfilment service that stopped answering leave the rotation.
    "check-fulfilment-instances": {
        "task": "fulfilment.check_instances",
        "schedule": 10.0,
        "options": {"expires": 30},
    },
    # A safety net: the projections consumer keeps them current after each event already.
    "catch-up-projections": {
        "task": "analytics.catch_up_projections",
        "schedule": 10.0,
        "options": {"expires": 30},
    },
}
# A consumer's failing work is tried this many times in all, waiting backoff, 2x, 4x ... (capped
# at an hour) between tries; then it is recorded as failed and dead-lettered.
EMPORIUM_DELIVERY_ATTEMPTS = _int("EMPORIUM_DELIVERY_ATTEMPTS", 5)
EMPORIUM_DELIVERY_BACKOFF_SECONDS = _int("EMPORIUM_DELIVERY_BACKOFF_SECONDS", 10)

# --- the fulfilment service (ADR 0018) ---------------------------------------------------------
# The key both sides sign their requests with; the development default is the service's own.
FULFILMENT_SERVICE_KEY = env.get("FULFILMENT_SERVICE_KEY") or (
    "fulfilment-development-key" if DEBUG else ""
)
# Where `make run` starts the service, and where Emporium finds it (comma-separated instances;
# or EMPORIUM_SERVICES_FILE, a JSON file {"fulfilment": [url, ...]}).
FULFILMENT_PORT = _int("FULFILMENT_PORT", 8100)
FULFILMENT_SERVICE_URLS = env.get(
    "FULFILMENT_SERVICE_URLS", "" if PRODUCTION else f"http://127.0.0.1:{FULFILMENT_PORT}"
)
EMPORIUM_SERVICES_FILE = env.get("EMPORIUM_SERVICES_FILE", "")
# Timeouts, retries, rotation and the breaker (PHASE2's rule); each may be set from the
# environment under its own name, e.g. FULFILMENT_BREAKER_COOLDOWN_SECONDS=30.
for _name, _default in {
    "FULFILMENT_CONNECT_TIMEOUT": 1.0,
    "FULFILMENT_READ_TIMEOUT": 2.0,
    "FULFILMENT_RETRY_ATTEMPTS": 3,
    "FULFILMENT_OUT_OF_ROTATION_SECONDS": 10.0,
    "FULFILMENT_BREAKER_CONSECUTIVE_FAILURES": 5,
    "FULFILMENT_BREAKER_FAILURE_RATE": 0.5,
    "FULFILMENT_BREAKER_MINIMUM_CALLS": 20,
    "FULFILMENT_BREAKER_WINDOW_SECONDS": 60,
    "FULFILMENT_BREAKER_COOLDOWN_SECONDS": 30.0,
}.items():
    globals()[_name] = type(_default)(env.get(_name) or _default)

# --- e-mail ---------------------------------------------------------------------------------
if env.get("EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = env["EMAIL_HOST"]
    EMAIL_PORT = _int("EMAIL_PORT", 587)
    EMAIL_HOST_USER = env.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = env.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = _bool("EMAIL_USE_TLS", True)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env.get("DEFAULT_FROM_EMAIL", "shop@emporium.example")

# --- auth -----------------------------------------------------------------------------------
AUTH_USER_MODEL = "identity.User"
# The multi-tenancy platform finds active tenants through the tenancy context's cached lookup.
MULTITENANCY_TENANT_LOOKUP = "emporium.tenancy.public.active_tenant"
# Tells a deleted tenant (its late messages and tasks are dropped) from a suspended one.
MULTITENANCY_TENANT_EXISTS = "emporium.tenancy.public.tenant_exists"
# The id of the tenant a slug names now, active or suspended: a task sent for a deleted shop
# is not run for a new shop of the same slug.
MULTITENANCY_TENANT_ID = "emporium.tenancy.public.tenant_id"
# When a shop of a slug was last deleted (the platform's audit), and how long the slug stays
# taken after it: messages of the old shop still queued name it (ADR 0023).
TENANCY_DELETED_AT = "emporium.identity.public.tenant_deleted_at"
EMPORIUM_SLUG_QUARANTINE = timedelta(hours=_int("EMPORIUM_SLUG_QUARANTINE_HOURS", 24))
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a locked-out (tenant, e-mail)
    "django.contrib.auth.backends.ModelBackend",  # the user manager scopes e-mail to the tenant
]
# An e-mail is unique per tenant, not globally (the same e-mail in two shops is two accounts):
# the manager resolves it within the current tenant, so Django's global-uniqueness warning
# does not apply. See docs/adr/0005-accounts-per-tenant.md.
SILENCED_SYSTEM_CHECKS = [
    "auth.W004",
    # API.md locks out a (tenant, e-mail) pair and never an IP address alone; per-IP abuse is
    # the job of the anonymous throttle (60/min per IP), not of the lockout.
    "axes.W006",
]
LOGIN_URL = "admin:login"
# The key of the audit log's hash of an e-mail that names no account (a failed sign-in for an
# unknown or erased address); empty: derived from SECRET_KEY. Changing it starts new hashes.
EMPORIUM_AUDIT_HASH_KEY = env.get("EMPORIUM_AUDIT_HASH_KEY", "")
# Retention (days): the "apply-retention" task deletes older audit entries, failed deliveries,
# inbox rows and published outbox rows (docs/architecture.md, "Retention").
EMPORIUM_RETENTION_DAYS = {
    "audit": _int("EMPORIUM_RETAIN_AUDIT_DAYS", 365),
    "delivery_failures": _int("EMPORIUM_RETAIN_DELIVERY_FAILURES_DAYS", 30),
    "inbox": _int("EMPORIUM_RETAIN_INBOX_DAYS", 30),
    "outbox": _int("EMPORIUM_RETAIN_OUTBOX_DAYS", 7),
}
EMPORIUM_TOKEN_TTL = timedelta(hours=_int("EMPORIUM_TOKEN_TTL_HOURS", 24))
# How long a placed, unpaid order holds its stock.
EMPORIUM_RESERVATION_HOLD = timedelta(minutes=_int("EMPORIUM_RESERVATION_MINUTES", 15))
# How long a read that must see the reader's own writes (a customer's summary) waits for its
# projection before it answers what it has, with ``Projection-Lag: true`` (API.md: 2 s).
EMPORIUM_PROJECTION_WAIT_SECONDS = float(env.get("EMPORIUM_PROJECTION_WAIT_SECONDS", "2"))

# django-axes: 5 failures of one (tenant, e-mail) within 15 minutes lock that account out for
# 15 minutes, right password or not; an IP address alone is never locked out.
AXES_FAILURE_LIMIT = _int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_USERNAME_CALLABLE = "emporium.identity.adapters.lockout.lockout_key"
AXES_LOCKOUT_CALLABLE = "emporium.identity.adapters.lockout.locked_out_response"
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ACCESS_FAILURE_LOG = False
AXES_VERBOSE = False
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ("email", "name")},
    },
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- i18n, static ---------------------------------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "var" / "static"

# --- REST framework and OpenAPI -------------------------------------------------------------
REST_FRAMEWORK = {
    # drf-spectacular's, declaring X-Tenant and Idempotency-Key where the views take them.
    "DEFAULT_SCHEMA_CLASS": "emporium.infrastructure.http.openapi.ApiSchema",
    "EXCEPTION_HANDLER": "emporium.infrastructure.http.problems.problem_exception_handler",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["emporium.infrastructure.http.parsers.ProblemJSONParser"],
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "emporium.identity.api.authentication.BearerTokenAuthentication"
    ],
    # Deny by default: every endpoint declares who may call it.
    "DEFAULT_PERMISSION_CLASSES": ["emporium.identity.api.permissions.SignedIn"],
    "UNAUTHENTICATED_USER": None,
    "DEFAULT_THROTTLE_RATES": {
        "auth": env.get("EMPORIUM_THROTTLE_AUTH", "60/min"),
        "writes": env.get("EMPORIUM_THROTTLE_WRITES", "1000/min"),
        "webhooks": env.get("EMPORIUM_THROTTLE_WEBHOOKS", "600/min"),
    },
    # How many proxies in front of the servers append to X-Forwarded-For. With 0 the client's
    # address is the connection's: a client cannot pick its own per-IP throttle bucket by
    # sending the header. Behind one balancer, set EMPORIUM_TRUSTED_PROXIES=1.
    "NUM_PROXIES": _int("EMPORIUM_TRUSTED_PROXIES", 0),
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Emporium API",
    "DESCRIPTION": (
        "Multi-tenant commerce platform. The guide to this API (rules, order of checks, "
        "statuses, card test numbers, webhooks, events) is `docs/API.md` in the repository.\n\n"
        "To try it here: (1) name the shop, by its host (`acme.localhost:8000`) or, on this "
        "bare host, with the `X-Tenant` header (`acme`); (2) sign in with "
        "`POST /api/v1/auth/token/` and give the `token` it answers to *Authorize* (bearer); "
        "(3) with `make run`'s demo data, sign in as `customer@acme.example` / "
        "`demo-customer-pass` or `owner@acme.example` / `demo-owner-pass` (`globex` alike)."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# --- security -------------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
if PRODUCTION:
    SECURE_SSL_REDIRECT = _bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = _int("SECURE_HSTS_SECONDS", 31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    CSRF_TRUSTED_ORIGINS = _list("CSRF_TRUSTED_ORIGINS")

# The Swagger UI assets come from our own static files (drf-spectacular-sidecar), so the
# policy needs no CDN; the UI's small inline bootstrap script is allowed by its hash-free nonce.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
    },
}

# --- logging --------------------------------------------------------------------------------
LOG_LEVEL = env.get("LOG_LEVEL", "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "emporium.infrastructure.logging.RequestIdFilter"},
        "tenant": {"()": "emporium.multitenancy.logging.TenantFilter"},
    },
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s %(tenant)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "filters": ["request_id", "tenant"],
        },
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    # Django's own defaults give "django" a plain console handler (under DEBUG) and keep
    # "django.server" to itself: naming them here drops those handlers, so every line goes
    # once, as JSON, through the root.
    "loggers": {
        "django": {"level": "INFO"},
        "django.server": {"level": "INFO", "propagate": True},
        "django.db.backends": {"level": "INFO"},
    },
}
