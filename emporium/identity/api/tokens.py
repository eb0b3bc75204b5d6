"""``POST /api/v1/auth/token/`` (sign in) and ``DELETE`` (revoke the token in use)."""

from __future__ import annotations

from collections.abc import Sequence

from django.contrib.auth import authenticate
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.authentication import BaseAuthentication
from rest_framework.exceptions import AuthenticationFailed, Throttled
from rest_framework.permissions import AllowAny, BasePermission
from rest_framework.request import Request
from rest_framework.response import Response

from emporium.identity.adapters import audit
from emporium.identity.adapters.lockout import lockout_key, retry_after_seconds
from emporium.identity.adapters.tokens import issue_token, revoke_token
from emporium.identity.api.permissions import SignedIn
from emporium.identity.models import AccessToken, account_of
from emporium.infrastructure.http.fields import TimestampField
from emporium.infrastructure.http.openapi import problem_responses
from emporium.infrastructure.http.throttles import AnonymousAuthThrottle
from emporium.infrastructure.http.views import TenantAPIView


class LockedOut(Throttled):
    default_detail = "Too many failed sign-ins for this account. Try again later."
    problem_code = "locked-out"


class TokenView(TenantAPIView):
    """Exchange e-mail and password for a bearer token of this tenant, or revoke one."""

    throttle_classes = [AnonymousAuthThrottle]

    class TokenRequestSerializer(serializers.Serializer[dict[str, str]]):
        email = serializers.EmailField(max_length=254)
        password = serializers.CharField(max_length=512, trim_whitespace=False)

    class TokenSerializer(serializers.Serializer[dict[str, object]]):
        token = serializers.CharField()
        expires_at = TimestampField()

    def get_permissions(self) -> Sequence[BasePermission]:
        return [AllowAny()] if self.request.method == "POST" else [SignedIn()]

    def get_authenticators(self) -> list[BaseAuthentication]:
        # Signing in never needs a token; a stale one sent along must not turn it into a 401.
        if self.request is not None and self.request.method == "POST":
            return []
        return super().get_authenticators()

    def get_authenticate_header(self, request: Request) -> str:
        # Without authenticators DRF would turn a failed sign-in into a 403.
        return 'Bearer realm="api"'

    @extend_schema(
        request=TokenRequestSerializer,
        responses={200: TokenSerializer, **problem_responses(400, 401, 429)},
        auth=[],
    )
    def post(self, request: Request) -> Response:
        data = self.TokenRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        email, password = data.validated_data["email"], data.validated_data["password"]
        django_request = request._request
        user = authenticate(django_request, email=email, password=password)
        if getattr(django_request, "axes_locked_out", False):
            key = lockout_key(django_request, {"email": email})
            raise LockedOut(wait=retry_after_seconds(key))
        if user is None:
            raise AuthenticationFailed("Wrong e-mail or password.")
        raw, token = issue_token(user)
        audit.record(audit.SIGN_IN_SUCCEEDED, request=django_request, user_id=user.pk, via="token")
        audit.record(
            audit.TOKEN_ISSUED, request=django_request, user_id=user.pk, token=str(token.pk)
        )
        body = self.TokenSerializer({"token": raw, "expires_at": token.expires_at}).data
        return Response(body, status=status.HTTP_200_OK)

    @extend_schema(request=None, responses={204: None, **problem_responses(401)})
    def delete(self, request: Request) -> Response:
        token = request.auth
        assert isinstance(token, AccessToken)
        revoke_token(token)
        user = account_of(request.user)
        audit.record(audit.TOKEN_REVOKED, request=request, user_id=user.pk, token=str(token.pk))
        return Response(status=status.HTTP_204_NO_CONTENT)
