"""``POST /api/v1/customers/``: anyone opens a customer account in the shop."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny, BasePermission
from rest_framework.request import Request
from rest_framework.response import Response

from emporium.identity import bootstrap
from emporium.identity.application.register_customer import RegisterCustomer
from emporium.infrastructure.http.fields import StrictCharField, StrictEmailField
from emporium.infrastructure.http.openapi import problem_responses
from emporium.infrastructure.http.throttles import AnonymousAuthThrottle
from emporium.infrastructure.http.views import TenantAPIView


class RegistrationView(TenantAPIView):
    """Register a customer; other fields (role, tenant, is_staff) are ignored, never applied."""

    # Anyone may register; a token sent along is still checked (a bad one is 401).
    permission_classes: list[type[BasePermission]] = [AllowAny]
    throttle_classes = [AnonymousAuthThrottle]

    class RegistrationSerializer(serializers.Serializer[dict[str, str]]):
        email = StrictEmailField(max_length=254)
        password = StrictCharField(max_length=512, trim_whitespace=False)
        name = StrictCharField(max_length=200)

    class CustomerSerializer(serializers.Serializer[dict[str, object]]):
        id = serializers.UUIDField()
        email = serializers.EmailField()
        name = serializers.CharField()
        role = serializers.CharField()

    @extend_schema(
        request=RegistrationSerializer,
        responses={201: CustomerSerializer, **problem_responses(400, 422, 429)},
        auth=[],
    )
    def post(self, request: Request) -> Response:
        data = self.RegistrationSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        account = bootstrap.register_customer(RegisterCustomer(**data.validated_data))
        customer = {
            "id": account.id,
            "email": account.email,
            "name": account.name,
            "role": account.role.value,
        }
        return Response(self.CustomerSerializer(customer).data, status=status.HTTP_201_CREATED)
