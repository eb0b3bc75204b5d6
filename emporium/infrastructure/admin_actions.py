"""Back-office actions that apply a use case to each selected row."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.db import models
from django.http import HttpRequest

from emporium.shared_kernel.errors import DomainError


def run_each(
    request: HttpRequest, queryset: models.QuerySet[Any], act: Callable[[Any], object]
) -> None:
    """Apply a use case to each selected row, reporting refusals one by one."""
    done = 0
    for obj in queryset:
        try:
            act(obj.pk)
            done += 1
        except DomainError as error:
            messages.warning(request, f"{obj}: {error.detail}")
    messages.info(request, f"{done} of {len(queryset)} updated.")
