"""Password policy and hashing on Django's validators and hashers (settings choose both)."""

from __future__ import annotations

from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from emporium.identity.models import User


class DjangoPasswordPolicy:
    """Implement ``PasswordPolicy`` with ``AUTH_PASSWORD_VALIDATORS``."""

    def check(self, password: str, email: str, name: str) -> list[str]:
        # An unsaved row gives the similarity validator the e-mail and name to compare.
        try:
            validate_password(password, User(email=email, name=name))
        except ValidationError as error:
            return list(error.messages)
        return []


class DjangoPasswordHasher:
    """Implement ``PasswordHasher`` with the first of ``PASSWORD_HASHERS`` (Argon2id)."""

    def hash(self, raw: str) -> str:
        return make_password(raw)
