"""``GET /api/v1/audit/``: the shop's security audit entries, newest first (owners).

Read only: no method of the API changes or deletes an entry (ADR 0021). ``?type=`` is one of
the audit types, ``?from=``/``?to=`` a date (a whole day in the shop's time zone) or an ISO 8601
instant with its offset; both bounds are inclusive.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import QuerySet
from django.utils.dateparse import parse_date, parse_datetime
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from emporium.identity.adapters import audit
from emporium.identity.api.permissions import Owner
from emporium.identity.models import AuditEvent
from emporium.infrastructure.http.fields import timestamp
from emporium.infrastructure.http.openapi import problem_responses
from emporium.infrastructure.http.pagination import CursorPages, page_of
from emporium.infrastructure.http.views import TenantAPIView
from emporium.tenancy.public import shop_time_zone


class ActorSerializer(serializers.Serializer[dict[str, Any]]):
    """Who: an account id, or (an e-mail that names no account) the e-mail's keyed hash."""

    account_id = serializers.UUIDField(allow_null=True)
    email_hash = serializers.CharField(
        allow_null=True, help_text="HMAC-SHA256 (hex) of the e-mail, with the platform's key."
    )


class AuditEntrySerializer(serializers.Serializer[dict[str, Any]]):
    """One security audit entry."""

    id = serializers.IntegerField()
    type = serializers.ChoiceField(choices=list(audit.TYPES))
    actor = ActorSerializer()
    ip = serializers.IPAddressField(allow_null=True)
    user_agent = serializers.CharField()
    request_id = serializers.CharField()
    occurred_at = serializers.DateTimeField()
    details = serializers.DictField()


AuditPageSerializer = page_of(AuditEntrySerializer, "AuditPageSerializer")


def entry_document(row: AuditEvent) -> dict[str, Any]:
    """Return the API's document of one entry."""
    return {
        "id": row.pk,
        "type": row.event,
        "actor": {
            "account_id": str(row.user_id) if row.user_id else None,
            "email_hash": row.email_hash or None,
        },
        "ip": row.ip_address,
        "user_agent": row.user_agent,
        "request_id": row.request_id,
        "occurred_at": timestamp(row.occurred_at),
        "details": row.detail,
    }


class InstantOrDayField(serializers.Field):  # type: ignore[type-arg]
    """A date (``2026-12-03``) or an ISO 8601 instant with its offset."""

    default_error_messages = {
        "invalid": "Give a date (YYYY-MM-DD) or an ISO 8601 date and time with its offset."
    }

    def to_internal_value(self, data: Any) -> date | datetime:
        text = str(data)
        try:
            instant = parse_datetime(text) if "T" in text or " " in text else None
            day = None if instant else parse_date(text)
        except ValueError:
            self.fail("invalid")
        if instant is not None and instant.tzinfo is not None:
            return instant
        if day is not None:
            return day
        self.fail("invalid")

    def to_representation(self, value: Any) -> str:
        return str(value)


class AuditFilters(serializers.Serializer[dict[str, Any]]):
    """The list's query parameters."""

    type = serializers.ChoiceField(choices=list(audit.TYPES), required=False)
    # ``from`` is a keyword: the field is declared below under its query name.
    to = InstantOrDayField(required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["from"] = InstantOrDayField(required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        zone = ZoneInfo(shop_time_zone())
        start, end = attrs.get("from"), attrs.get("to")
        if isinstance(start, date) and not isinstance(start, datetime):
            # The calendar's first day has no instant before it: it bounds nothing either.
            start = None if start == date.min else datetime.combine(start, time.min, zone)
        if isinstance(end, date) and not isinstance(end, datetime):
            # Through the end of that day: before the next day's first instant; the calendar's
            # last day has no next one, so it bounds nothing.
            end = (
                None
                if end == date.max
                else datetime.combine(end + timedelta(days=1), time.min, zone)
                - timedelta(microseconds=1)
            )
        attrs["from"], attrs["to"] = _in_utc(start, "from"), _in_utc(end, "to")
        if start is not None and end is not None and start > end:
            raise serializers.ValidationError({"to": ["Give a 'to' at or after 'from'."]})
        return attrs


def _in_utc(instant: datetime | None, name: str) -> datetime | None:
    """Return ``instant`` in UTC, as the database compares it; a 400 if UTC cannot say it."""
    if instant is None:
        return None
    try:
        return instant.astimezone(UTC)
    except OverflowError:  # 0001-01-01T00:00+14:00, 9999-12-31T23:59-10:00
        raise serializers.ValidationError(
            {name: ["Give an instant between 0001-01-01 and 9999-12-31 in UTC."]}
        ) from None


class AuditPagination(CursorPages):
    """Pages of entries, newest first."""

    ordering = ("-occurred_at", "-id")


class AuditListView(TenantAPIView):
    """The shop's security audit entries, newest first (owners only)."""

    permission_classes = [Owner]
    pagination_class = AuditPagination

    @extend_schema(
        operation_id="audit_list",
        responses={200: AuditPageSerializer, **problem_responses(400, 401, 403)},
        parameters=[
            OpenApiParameter("type", str, enum=list(audit.TYPES), description="Only this type."),
            OpenApiParameter(
                "from",
                OpenApiTypes.STR,
                description="At or after: a date (the day's start in the shop's time zone) or "
                "an ISO 8601 instant with its offset.",
            ),
            OpenApiParameter(
                "to",
                OpenApiTypes.STR,
                description="At or before: a date (through its end, shop's time zone) or an "
                "ISO 8601 instant with its offset.",
            ),
        ],
    )
    def get(self, request: Request) -> Response:
        filters = AuditFilters(data=request.query_params)
        filters.is_valid(raise_exception=True)
        wanted = filters.validated_data
        entries: QuerySet[AuditEvent] = AuditEvent.objects.all()
        if (kind := wanted.get("type")) is not None:
            entries = entries.filter(event=kind)
        if (start := wanted.get("from")) is not None:
            entries = entries.filter(occurred_at__gte=start)
        if (end := wanted.get("to")) is not None:
            entries = entries.filter(occurred_at__lte=end)
        pages = self.pagination_class()
        return Response(pages.body([entry_document(row) for row in pages.rows(entries, request)]))
