"""A customer's personal data: ``GET .../export/`` and ``POST .../erasure/`` (API.md).

``/me/`` is the signed-in account's own; ``/customers/{id}/`` is for the shop's owner, and waits
for the account before the role check (404 before 403).
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import Throttled
from rest_framework.request import Request
from rest_framework.response import Response

from emporium.composition.customer_data import erase_customer, export_customer
from emporium.identity import public as identity
from emporium.identity.public import Owner, SignedIn, account_of
from emporium.infrastructure.http.openapi import problem_responses
from emporium.infrastructure.http.views import TenantAPIView
from emporium.shared_kernel.errors import Forbidden


class WrongPassword(Forbidden):
    """The password sent to confirm an erasure is not the account's (403)."""

    code = "wrong-password"
    title = "Wrong password"


class LockedOut(Throttled):
    """Too many wrong passwords for the account: its sign-in is locked out (429)."""

    default_detail = "Too many failed sign-ins for this account. Try again later."
    problem_code = "locked-out"


class ExportDocument(serializers.Serializer[dict[str, Any]]):
    """Everything the shop holds about one person (documentation of the response)."""

    account = serializers.DictField(
        help_text='{"id", "email", "name", "role", "active", "date_joined", "last_login"}'
    )
    orders = serializers.ListField(
        child=serializers.DictField(),
        help_text="Orders as GET /orders/{id}/ shows them, oldest first, each with its "
        '"events" as GET /orders/{id}/history/ shows them.',
    )
    payments = serializers.ListField(
        child=serializers.DictField(),
        help_text="Payments as GET /payments/{id}/ shows them, without card data (no brand, "
        "no last4).",
    )
    notifications = serializers.ListField(
        child=serializers.DictField(),
        help_text='{"notification", "channel", "event_type", "event_id", "sent_at"}',
    )
    audit = serializers.ListField(
        child=serializers.DictField(),
        help_text='{"type", "occurred_at", "actor", "ip", "user_agent", "request_id", "details"}',
    )


class ErasureRequest(serializers.Serializer[dict[str, str]]):
    password = serializers.CharField(max_length=512, trim_whitespace=False)


class ErasureAccepted(serializers.Serializer[dict[str, str]]):
    id = serializers.UUIDField()
    status = serializers.ChoiceField(choices=["erased"])


def _accepted(account_id: UUID) -> Response:
    return Response({"id": str(account_id), "status": "erased"}, status=status.HTTP_202_ACCEPTED)


class MyExportView(TenantAPIView):
    """Everything the shop holds about the signed-in account."""

    permission_classes = [SignedIn]

    @extend_schema(
        operation_id="me_export", responses={200: ExportDocument, **problem_responses(401)}
    )
    def get(self, request: Request) -> Response:
        me = account_of(request.user).pk
        return Response(export_customer(me, actor_id=me, request=request))


class CustomerExportView(TenantAPIView):
    """Everything the shop holds about one of its accounts (owners)."""

    permission_classes = [Owner]

    @extend_schema(
        operation_id="customers_export",
        responses={200: ExportDocument, **problem_responses(401, 403, 404)},
    )
    def get(self, request: Request, pk: UUID) -> Response:
        self.check_object_permissions(request, identity.person(pk))
        actor = account_of(request.user).pk
        return Response(export_customer(pk, actor_id=actor, request=request))


class MyErasureView(TenantAPIView):
    """Erase the signed-in customer's personal data, confirmed with the password."""

    permission_classes = [SignedIn]

    @extend_schema(
        operation_id="me_erasure",
        request=ErasureRequest,
        responses={202: ErasureAccepted, **problem_responses(400, 401, 403, 422, 429)},
    )
    def post(self, request: Request) -> Response:
        body = ErasureRequest(data=request.data)
        body.is_valid(raise_exception=True)
        me = account_of(request.user).pk
        # As a sign-in: wrong passwords count toward the lockout and are audited.
        check = identity.confirm_password(request._request, me, body.validated_data["password"])
        if check.locked_for is not None:
            raise LockedOut(wait=check.locked_for)
        if not check.matches:
            raise WrongPassword("The password is not this account's.")
        erase_customer(me, actor_id=me, request=request)
        return _accepted(me)


class CustomerErasureView(TenantAPIView):
    """Erase a customer's personal data (owners)."""

    permission_classes = [Owner]

    @extend_schema(
        operation_id="customers_erasure",
        request=None,
        responses={202: ErasureAccepted, **problem_responses(401, 403, 404, 422)},
    )
    def post(self, request: Request, pk: UUID) -> Response:
        self.check_object_permissions(request, identity.person(pk))
        erase_customer(pk, actor_id=account_of(request.user).pk, request=request)
        return _accepted(pk)
