"""Test settings: the real settings plus test-only apps and a fast password hasher.

Nothing here reads the environment but ``EMPORIUM_TEST_FULFILMENT_URLS``; the rest happens in
``config.settings`` alone.
"""

import os

from config.settings import *  # noqa: F403
from config.settings import INSTALLED_APPS

# Test-only apps whose models exercise shared machinery (MoneyField, the unit of work).
INSTALLED_APPS = [
    *INSTALLED_APPS,
    "tests.testapps.uow_probe",
    "tests.testapps.tenant_probe",
    "tests.testapps.money_probe",
    "tests.testapps.event_probe",
    "tests.testapps.expression_probe",
]

# Argon2 is deliberately slow; one identity test proves production uses it.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Tasks run in the test's own process unless a test sends them through the real broker.
CELERY_TASK_ALWAYS_EAGER = True

# E-mail stays in memory, in the processes the tests start too (pytest-django does this for
# its own): the console backend would print every confirmation among a child's results.
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

# No fulfilment service answers during the tests unless a test starts one (and points
# FULFILMENT_SERVICE_URLS at it, or the processes it starts, with EMPORIUM_TEST_FULFILMENT_URLS);
# the key is the tests' own.
FULFILMENT_SERVICE_URLS = os.environ.get("EMPORIUM_TEST_FULFILMENT_URLS", "")
FULFILMENT_SERVICE_KEY = "tests-fulfilment-key"
