"""The link's request signature (ADR 0018): the exact message, freshness, tampering."""

from __future__ import annotations

import hashlib
import hmac

import pytest

from emporium.fulfilment.adapters.signing import signature, signed_headers, verify

KEY = "link-key"
NOW = 1_800_000_000


def test_the_signature_is_hmac_sha256_of_the_adrs_message() -> None:
    body = b'{"id": 1}'
    message = f"{NOW}\nPOST\n/internal/events/?x=1\nacme\n".encode() + body
    expected = "v1=" + hmac.new(KEY.encode(), message, hashlib.sha256).hexdigest()

    assert signature(KEY, NOW, "post", "/internal/events/?x=1", "acme", body) == expected


def test_signed_headers_carry_the_timestamp_the_signature_and_the_tenant() -> None:
    headers = signed_headers(KEY, "GET", "/api/v1/shipments/1/", "acme", b"", now=NOW + 0.9)

    assert headers == {
        "X-Service-Timestamp": str(NOW),
        "X-Service-Signature": signature(KEY, NOW, "GET", "/api/v1/shipments/1/", "acme", b""),
        "X-Tenant": "acme",
    }


def test_a_request_without_a_tenant_signs_an_empty_one_and_sends_no_header() -> None:
    headers = signed_headers(KEY, "GET", "/healthz", "", b"", now=NOW)

    assert "X-Tenant" not in headers
    assert verify(KEY, "GET", "/healthz", b"", headers, now=NOW)


def test_no_key_signs_nothing() -> None:
    with pytest.raises(ValueError, match="key"):
        signed_headers("", "GET", "/", "acme", b"", now=NOW)


def headers_at(stamp: float) -> dict[str, str]:
    return signed_headers(KEY, "POST", "/internal/events/", "acme", b"{}", now=stamp)


@pytest.mark.parametrize("skew", [0, 300, -300])
def test_a_timestamp_within_300_s_verifies(skew: int) -> None:
    assert verify(KEY, "POST", "/internal/events/", b"{}", headers_at(NOW + skew), now=NOW)


@pytest.mark.parametrize("skew", [301, -301])
def test_a_timestamp_further_away_does_not(skew: int) -> None:
    assert not verify(KEY, "POST", "/internal/events/", b"{}", headers_at(NOW + skew), now=NOW)


@pytest.mark.parametrize(
    ("key", "method", "path", "body", "change"),
    [
        ("other-key", "POST", "/internal/events/", b"{}", {}),
        (KEY, "PUT", "/internal/events/", b"{}", {}),
        (KEY, "POST", "/internal/events/?x=1", b"{}", {}),
        (KEY, "POST", "/internal/events/", b"{ }", {}),
        (KEY, "POST", "/internal/events/", b"{}", {"X-Tenant": "globex"}),
        (KEY, "POST", "/internal/events/", b"{}", {"X-Service-Signature": "v1=00"}),
        (KEY, "POST", "/internal/events/", b"{}", {"X-Service-Timestamp": "soon"}),
        ("", "POST", "/internal/events/", b"{}", {}),
    ],
)
def test_any_change_fails_verification(
    key: str, method: str, path: str, body: bytes, change: dict[str, str]
) -> None:
    headers = {**headers_at(NOW), **change}

    assert not verify(key, method, path, body, headers, now=NOW)


def test_missing_headers_fail_verification() -> None:
    assert not verify(KEY, "GET", "/", b"", {}, now=NOW)
