"""DRF throttles on the platform cache (Redis in production), rates from settings."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.cache import BaseCache, caches
from rest_framework.request import Request

from emporium.infrastructure.http.client_ip import client_ident

if TYPE_CHECKING:
    from rest_framework.views import APIView
from rest_framework.throttling import SimpleRateThrottle


class PlatformCacheThrottle(SimpleRateThrottle):
    """A throttle counting in the platform cache, looked up when used rather than at import."""

    @property
    def cache(self) -> BaseCache:  # type: ignore[override]
        # Bound at import, the alias would be built during app loading, before settings (or the
        # test suite's per-worker cache isolation) can point it elsewhere.
        return caches["platform"]

    def get_ident(self, request: Request) -> str:
        return client_ident(request)  # the audit log's rule too


class AnonymousAuthThrottle(PlatformCacheThrottle):
    """Anonymous calls to sign-in and registration, per client IP."""

    scope = "auth"

    def get_cache_key(self, request: Request, view: APIView) -> str | None:
        if request.user is not None and request.user.is_authenticated:
            return None
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class WebhookThrottle(PlatformCacheThrottle):
    """Calls of the payment webhooks, per client IP: they carry no account, and a flood of
    unsigned ones would otherwise each be answered, and audited, without limit."""

    scope = "webhooks"

    def get_cache_key(self, request: Request, view: APIView) -> str | None:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class UserWriteThrottle(PlatformCacheThrottle):
    """Authenticated writes, per account."""

    scope = "writes"

    def get_cache_key(self, request: Request, view: APIView) -> str | None:
        if request.method in {"GET", "HEAD", "OPTIONS"}:
            return None
        if request.user is None or not request.user.is_authenticated:
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.user.pk}
