"""Signal every refusal of a signed-in caller, wherever it was decided.

A 403 reaches the caller from many places: DRF's role checks, a view raising ``PermissionDenied``
itself, a use case's ``Forbidden``, the back office's ``has_*_permission`` and its own
``PermissionDenied``. Each becomes a 403 response on its way out, so the response is where every
one of them is seen. Refusals of anonymous callers (401 in the API, the sign-in form in the back
office) are not signalled.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction
from django.http import HttpRequest, HttpResponse

from emporium.infrastructure.http import signals


class PermissionDeniedSignalMiddleware:
    """Send ``signals.permission_denied`` for a 403 answered to a signed-in caller.

    It sits inside the tenant middleware (the tenant is still set) and outside the request's
    transaction (``ATOMIC_REQUESTS``), so what it records is committed on its own even when the
    refused request's work is rolled back.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code == 403:
            # DRF sets the Django request's user to the token's account when it authenticates.
            user = getattr(request, "user", None)
            if user is not None and user.is_authenticated:
                with transaction.atomic():
                    signals.permission_denied.send(sender=type(self), request=request)
        return response
