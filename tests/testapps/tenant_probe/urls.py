"""A view that reads probe rows through the ORM and raw SQL, for the isolation tests."""

from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.urls import include, path

from tests.testapps.tenant_probe.models import Item


def items(request: HttpRequest) -> JsonResponse:
    orm = sorted(Item.objects.values_list("name", flat=True))
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM tenant_probe_item ORDER BY name")
        raw = [row[0] for row in cursor.fetchall()]
        setting = None
        if connection.vendor == "postgresql":
            cursor.execute("SELECT current_setting('app.tenant_id', true)")
            setting = cursor.fetchone()[0]
    return JsonResponse({"orm": orm, "raw": raw, "setting": setting})


def boom(request: HttpRequest) -> JsonResponse:
    raise RuntimeError("view failed")


urlpatterns = [
    path("probe/items/", items),
    path("probe/boom/", boom),
    path("", include("config.urls")),
]
