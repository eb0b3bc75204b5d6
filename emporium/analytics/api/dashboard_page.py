"""The shop's dashboard in the back office (``/admin/dashboard/``): the figures of
``GET /api/v1/analytics/dashboard/`` as cards, a chart and tables, for a period picked by GET.

A page of identity's back office registered by ``analytics/admin.py``: the site checks that the
user manages the shop and serves it on a shop's host only, inside the request's tenant.
"""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from emporium.analytics import public
from emporium.analytics.api.dashboard_display import display, quick_periods
from emporium.shared_kernel.errors import InvalidInput
from emporium.tenancy.public import shop_time_zone

TEMPLATE = "admin/analytics/dashboard.html"


def dashboard_page(request: HttpRequest, context: dict[str, Any]) -> HttpResponse:
    """Render the dashboard of the period in ``?from=&to=`` (the last 30 days without them);
    a bad period is the page with its error, answered 400."""
    start, end = request.GET.get("from") or None, request.GET.get("to") or None
    today = timezone.now().astimezone(ZoneInfo(shop_time_zone())).date()
    try:
        figures = public.dashboard(start, end)
    except InvalidInput as error:
        fields = [f"{name}: {m}" for name, messages in error.errors.items() for m in messages]
        page = {
            "error": " ".join([error.detail, *fields]),
            "picked": {"from": start or "", "to": end or ""},
            "quick_periods": quick_periods(today, None),
        }
        return TemplateResponse(request, TEMPLATE, {**context, **page, **links()}, status=400)
    shown = (figures["period"]["from"], figures["period"]["to"])
    page = {
        **display(figures),
        "picked": {"from": shown[0], "to": shown[1]},
        "quick_periods": quick_periods(today, shown),
    }
    return TemplateResponse(request, TEMPLATE, {**context, **page, **links()})


def links() -> dict[str, str]:
    """Return the order list's address, when ordering's admin is there, for the to-do links."""
    try:
        return {"orders_url": reverse("admin:ordering_order_changelist")}
    except NoReverseMatch:
        return {"orders_url": ""}
