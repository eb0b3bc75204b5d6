"""``audit.record``'s rules that need no request: known types only, and the keyed hash."""

from __future__ import annotations

import pytest

from emporium.identity.adapters import audit


def test_an_unknown_type_is_refused_before_anything_is_written() -> None:
    with pytest.raises(ValueError, match="unknown audit type 'sign_in'"):
        audit.record("sign_in")


def test_the_api_types_are_all_defined() -> None:
    assert set(audit.TYPES) == {
        "sign_in_succeeded",
        "sign_in_failed",
        "locked_out",
        "token_issued",
        "token_revoked",
        "role_changed",
        "password_set",
        "account_changed",
        "settings_changed",
        "webhook_secret_rotated",
        "refund_created",
        "tenant_suspended",
        "tenant_reactivated",
        "webhook_signature_failed",
        "permission_denied",
        "data_exported",
        "data_erased",
        "api_key_created",
        "api_key_revoked",
        "password_reset_requested",
        "password_reset_completed",
        "otp_enabled",
        "otp_disabled",
        "tenant_deleted",  # the platform's own
    }


def test_the_hash_is_keyed_and_ignores_case_and_surrounding_spaces(settings) -> None:
    settings.EMPORIUM_AUDIT_HASH_KEY = ""
    by_secret_key = audit.email_hash("Ann@Acme.example ")
    assert by_secret_key == audit.email_hash("ann@acme.example")
    assert len(by_secret_key) == 64

    settings.EMPORIUM_AUDIT_HASH_KEY = "another key"
    by_own_key = audit.email_hash("ann@acme.example")
    assert by_own_key != by_secret_key

    settings.SECRET_KEY = "another secret"  # the own key, when set, is the only key
    assert audit.email_hash("ann@acme.example") == by_own_key
