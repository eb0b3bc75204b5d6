"""``GET /api/v1/me/``: the signed-in account."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from emporium.identity.api.permissions import SignedIn
from emporium.identity.models import account_of
from emporium.infrastructure.http.openapi import problem_responses
from emporium.infrastructure.http.views import TenantAPIView
from emporium.multitenancy.context import require_tenant


class MeView(TenantAPIView):
    """Show who the token belongs to."""

    permission_classes = [SignedIn]

    class MeSerializer(serializers.Serializer[dict[str, object]]):
        id = serializers.UUIDField()
        email = serializers.EmailField()
        name = serializers.CharField()
        role = serializers.CharField()
        tenant = serializers.CharField()

    @extend_schema(responses={200: MeSerializer, **problem_responses(401)})
    def get(self, request: Request) -> Response:
        user = account_of(request.user)
        return Response(
            self.MeSerializer(
                {
                    "id": user.pk,
                    "email": user.email,
                    "name": user.name,
                    "role": user.role,
                    "tenant": require_tenant().slug,
                }
            ).data
        )
