"""``GET/PATCH /api/v1/settings/``: the tenant's name and commercial settings (owners)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from emporium.catalog import public as catalog
from emporium.identity.public import Owner, account_of, audit
from emporium.infrastructure.http.openapi import problem_responses
from emporium.infrastructure.http.views import TenantAPIView
from emporium.multitenancy.context import require_tenant
from emporium.ordering import public as ordering
from emporium.payments.public import available_methods
from emporium.shared_kernel.money import CURRENCIES
from emporium.tenancy import bootstrap
from emporium.tenancy.application.use_cases import ChangeSettings
from emporium.tenancy.domain.tenant import Tenant


def currency_in_use() -> bool:
    """Return whether anything is priced in the shop's currency: a product or an order."""
    return catalog.has_products() or ordering.has_orders()


def available_payment_methods() -> list[str]:
    """Return the payment methods this deployment offers: those the payments registry knows."""
    return available_methods()


class SettingsView(TenantAPIView):
    """Read or change the shop's settings."""

    permission_classes = [Owner]

    class SettingsSerializer(serializers.Serializer[dict[str, Any]]):
        name = serializers.CharField(max_length=200)
        currency = serializers.ChoiceField(choices=sorted(CURRENCIES))
        tax_rate = serializers.DecimalField(
            max_digits=5,
            decimal_places=2,
            min_value=Decimal(0),
            max_value=Decimal(100),
            coerce_to_string=True,
        )
        payment_methods = serializers.ListField(
            child=serializers.ChoiceField(choices=[]), allow_empty=False, max_length=20
        )
        time_zone = serializers.CharField(
            max_length=64,
            help_text="IANA time zone of the shop's reports (days and hours), e.g. Europe/Berlin.",
        )

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            methods = self.fields["payment_methods"]
            assert isinstance(methods, serializers.ListField)
            assert isinstance(methods.child, serializers.ChoiceField)
            methods.child.choices = available_payment_methods()

    def _body(self, tenant: Tenant) -> dict[str, Any]:
        return dict(
            self.SettingsSerializer(
                {
                    "name": tenant.name,
                    "currency": tenant.settings.currency,
                    "tax_rate": tenant.settings.tax_rate,
                    "payment_methods": list(tenant.settings.payment_methods),
                    "time_zone": tenant.settings.time_zone,
                }
            ).data
        )

    @extend_schema(responses={200: SettingsSerializer, **problem_responses(401, 403)})
    def get(self, request: Request) -> Response:
        tenant = bootstrap.current_tenant()
        assert tenant is not None
        return Response(self._body(tenant))

    @extend_schema(
        request=SettingsSerializer,
        responses={200: SettingsSerializer, **problem_responses(400, 401, 403, 422)},
    )
    def patch(self, request: Request) -> Response:
        data = self.SettingsSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        methods = values.get("payment_methods")
        cmd = ChangeSettings(
            slug=require_tenant().slug,
            name=values.get("name"),
            currency=values.get("currency"),
            tax_rate=values.get("tax_rate"),
            payment_methods=tuple(dict.fromkeys(methods)) if methods is not None else None,
            time_zone=values.get("time_zone"),
        )
        before = bootstrap.current_tenant()
        assert before is not None
        after = bootstrap.change_settings(cmd, currency_in_use)
        old, new = self._body(before), self._body(after)
        changed = sorted(key for key in new if new[key] != old[key])
        if changed:  # the keys only: values may one day include a secret
            audit.record(
                audit.SETTINGS_CHANGED,
                request=request,
                user_id=account_of(request.user).pk,
                changed=changed,
            )
        return Response(new)
