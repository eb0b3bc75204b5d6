"""Signing of the link's requests, exactly as ADR 0018 writes it."""

import hashlib
import hmac

from shipments.signing import signature, signed_headers, verify

KEY = "k3y"
NOW = 1_796_000_000


def test_signature_is_hmac_sha256_of_the_adr_message():
    body = b'{"a":1}'
    message = b"1796000000\nPOST\n/internal/events/?x=1\nacme\n" + body
    expected = "v1=" + hmac.new(KEY.encode(), message, hashlib.sha256).hexdigest()

    assert signature(KEY, "1796000000", "post", "/internal/events/?x=1", "acme", body) == expected


def test_signed_headers_verify():
    headers = signed_headers(KEY, "GET", "/api/v1/shipments/x/", "acme", now=NOW)

    assert headers["X-Service-Timestamp"] == "1796000000"
    assert headers["X-Tenant"] == "acme"
    assert verify(KEY, headers, "GET", "/api/v1/shipments/x/", b"", now=NOW)


def test_without_tenant_the_tenant_line_is_empty():
    headers = signed_headers(KEY, "POST", "/internal/events/", None, b"{}", now=NOW)

    assert "X-Tenant" not in headers
    assert headers["X-Service-Signature"] == signature(
        KEY, str(NOW), "POST", "/internal/events/", "", b"{}"
    )


def test_a_timestamp_300_s_away_passes_and_301_s_fails():
    headers = signed_headers(KEY, "GET", "/p", "acme", now=NOW)

    assert verify(KEY, headers, "GET", "/p", b"", now=NOW + 300)
    assert verify(KEY, headers, "GET", "/p", b"", now=NOW - 300)
    assert not verify(KEY, headers, "GET", "/p", b"", now=NOW + 301)
    assert not verify(KEY, headers, "GET", "/p", b"", now=NOW - 301)


def test_any_change_breaks_the_signature():
    headers = signed_headers(KEY, "POST", "/p", "acme", b"body", now=NOW)

    assert not verify("other", headers, "POST", "/p", b"body", now=NOW)
    assert not verify(KEY, headers, "PUT", "/p", b"body", now=NOW)
    assert not verify(KEY, headers, "POST", "/p?x", b"body", now=NOW)
    assert not verify(KEY, headers, "POST", "/p", b"bodY", now=NOW)
    assert not verify(KEY, {**headers, "X-Tenant": "globex"}, "POST", "/p", b"body", now=NOW)


def test_missing_or_malformed_headers_fail():
    headers = signed_headers(KEY, "GET", "/p", "acme", now=NOW)

    assert not verify(KEY, {}, "GET", "/p", b"", now=NOW)
    assert not verify(KEY, {**headers, "X-Service-Signature": ""}, "GET", "/p", b"", now=NOW)
    assert not verify(KEY, {**headers, "X-Service-Timestamp": "-5"}, "GET", "/p", b"", now=NOW)
    assert not verify(KEY, {**headers, "X-Service-Timestamp": "1e9"}, "GET", "/p", b"", now=NOW)


def test_a_timestamp_of_more_than_12_digits_fails_without_being_read():
    headers = signed_headers(KEY, "GET", "/p", "acme", now=NOW)

    for stamp in ("0" * 13, "1" + "0" * 400, "9" * 5000, "١٧٩٦٠٠٠٠٠٠"):
        forged = {**headers, "X-Service-Timestamp": stamp}
        assert not verify(KEY, forged, "GET", "/p", b"", now=NOW)
