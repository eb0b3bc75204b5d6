"""Production hashes passwords with Argon2id and upgrades older hashes on sign-in."""

from __future__ import annotations

import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.hashers import make_password
from django.test import RequestFactory, override_settings

from emporium.identity.models import User
from emporium.multitenancy.context import tenant_context

PRODUCTION_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]


def test_settings_put_argon2_first() -> None:
    from config import settings as production

    assert production.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


@pytest.mark.django_db
@override_settings(PASSWORD_HASHERS=PRODUCTION_HASHERS)
def test_stored_hash_is_argon2id_and_old_hashes_are_upgraded(acme_and_globex) -> None:
    acme, _ = acme_and_globex
    with tenant_context(acme):
        user = User.objects.create_user("ann@acme.example", "correct horse 42", role="owner")
        assert user.password.startswith("argon2$argon2id$")

        User.objects.filter(pk=user.pk).update(
            password=make_password("correct horse 42", hasher="pbkdf2_sha256")
        )
        request = RequestFactory().post("/admin/login/", HTTP_HOST="acme.localhost")
        signed_in = authenticate(request, email="ann@acme.example", password="correct horse 42")

        assert signed_in is not None
        assert User.objects.get(pk=user.pk).password.startswith("argon2$argon2id$")
