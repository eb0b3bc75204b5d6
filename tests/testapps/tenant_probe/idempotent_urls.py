"""A creating endpoint made idempotent, for the idempotency tests."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, ClassVar

from django.urls import include, path
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from emporium.identity.public import SignedIn
from emporium.infrastructure.http.idempotency import IdempotentCreateMixin
from emporium.infrastructure.http.views import TenantAPIView
from emporium.shared_kernel.errors import BusinessRuleViolation
from tests.testapps.tenant_probe.models import Shelf

PATH = "/api/probe/shelves/"


class ShelfSerializer(serializers.Serializer[dict[str, Any]]):
    name = serializers.CharField(max_length=50)


class CreateShelf(IdempotentCreateMixin, TenantAPIView):
    """Create a shelf from ``{"name"}``; some names fail on purpose."""

    permission_classes = [SignedIn]
    #: Names the handler ran for, in order: a replay must not add one.
    calls: ClassVar[list[str]] = []
    #: Seconds the handler waits before writing, so concurrent requests overlap.
    delay: ClassVar[float] = 0.0
    #: Called inside the handler after the write, to disturb the request mid-flight.
    during: ClassVar[Callable[[], None] | None] = None

    def post(self, request: Request) -> Response:
        serializer = ShelfSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        name = serializer.validated_data["name"]
        self.calls.append(name)
        if name == "fail-400":
            raise serializers.ValidationError({"name": ["This name is refused."]})
        if name == "fail-422":
            raise BusinessRuleViolation("Shelves may not be named so.", code="shelf-name-refused")
        if name == "boom":
            raise RuntimeError("the handler crashed")
        if self.delay:
            time.sleep(self.delay)
        shelf = Shelf.objects.create(name=name)
        if CreateShelf.during is not None:
            CreateShelf.during()
        return Response({"id": shelf.pk, "name": shelf.name}, status=201)


urlpatterns = [
    path(PATH.strip("/") + "/", CreateShelf.as_view()),
    path("", include("config.urls")),
]
