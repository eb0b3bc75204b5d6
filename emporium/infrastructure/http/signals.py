"""Signals of the shared HTTP layer, for contexts that observe what the API refused."""

from __future__ import annotations

from django.dispatch import Signal

#: ``receiver(sender, request: django.http.HttpRequest, **kwargs)``: a signed-in caller was
#: answered 403 (``denials.PermissionDeniedSignalMiddleware``), in the API or the back office.
#: Sent with ``send``, not robustly: a failing receiver fails the request, as a failed audit must.
permission_denied = Signal()
